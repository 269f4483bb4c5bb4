"""SMS end to end: signed Twilio webhooks in, TwiML out, outbound texts through real clients."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.tables import conversations
from dialogs.sms import SEGMENT_BUDGET
from dialogs.sms import is_gsm7
from dialogs.sms import segments
from tests.conftest import Clock
from tests.conftest import SmtpServer
from tests.conftest import make_app
from tests.helpers import conversation
from tests.helpers import incident
from tests.phones import ACCOUNT
from tests.phones import RESIDENT
from tests.phones import SMS_DETAILS
from tests.phones import TOKEN
from tests.phones import WEBHOOK
from tests.phones import Phone
from tests.phones import outbox_rows
from tests.phones import sms_app
from tests.phones import worker
from tests.providers import ProviderServer
from tests.providers import provider  # noqa: F401 (fixture)
from tests.providers import twilio_error


@pytest.fixture
def app(tmp_path: Path, database: str, clock: Clock) -> Flask:
    return sms_app(tmp_path, database, clock)


@pytest.fixture
def phone(app: Flask) -> Phone:
    return Phone(app.test_client())


def count(app: Flask, table: object) -> int:
    with app.extensions["casereview.engine"].connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def state_of(app: Flask) -> tuple[str, int]:
    with app.extensions["casereview.engine"].connect() as conn:
        row = conn.execute(
            select(conversations.c.state, conversations.c.turns).where(
                conversations.c.status == "active"
            )
        ).one()
    return row[0], row[1]


# -- signatures ----------------------------------------------------------------------------


def test_a_correctly_signed_text_gets_the_welcome_as_one_twiml_message(
    app: Flask, phone: Phone
) -> None:
    reply = phone.text("Hi")
    assert "999" in reply and "Do you agree?" in reply
    assert count(app, conversations) == 1


@pytest.mark.parametrize(
    "how",
    ["missing", "wrong", "wrong_url", "internal_url", "tampered_body"],
)
def test_unsigned_or_badly_signed_texts_get_403_and_change_nothing(
    app: Flask, phone: Phone, how: str
) -> None:
    if how == "missing":
        status, _ = phone.post("Hi", sign=False)
    elif how == "wrong":
        status, _ = phone.post("Hi", signature="bm90IGEgc2lnbmF0dXJl")
    elif how == "wrong_url":
        status, _ = phone.post("Hi", url="https://evil.example.com/sms/twilio")
    elif how == "internal_url":  # what the app sees behind a proxy, not what Twilio called
        status, _ = phone.post("Hi", url="http://localhost/sms/twilio")
    else:
        good = RequestValidator(TOKEN).compute_signature(
            WEBHOOK, {"From": RESIDENT, "Body": "Hi", "MessageSid": "SM1"}
        )
        status, _ = phone.post("Something else", sid="SM1", signature=good)
    assert status == 403
    assert count(app, conversations) == 0


def test_sms_is_off_without_a_twilio_token(tmp_path: Path, database: str, clock: Clock) -> None:
    app = make_app(tmp_path, database, clock)
    response = app.test_client().post("/sms/twilio", data={"From": RESIDENT, "Body": "Hi"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "sms_not_configured"


def test_a_signed_request_without_from_or_sid_is_a_400(app: Flask) -> None:
    params = {"Body": "Hi"}
    signature = RequestValidator(TOKEN).compute_signature(WEBHOOK, params)
    response = app.test_client().post(
        "/sms/twilio", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


# -- a whole application ----------------------------------------------------------------------


def test_a_whole_application_by_text_reaches_the_team_inbox_and_texts_the_resident(
    tmp_path: Path,
    database: str,
    clock: Clock,
    smtp_server: SmtpServer,
    provider: ProviderServer,  # noqa: F811
) -> None:
    app = sms_app(
        tmp_path, database, clock,
        SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port,
        TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_FROM_NUMBER="+447700000000",
        TWILIO_API_URL=provider.url, TEAM_SMS="07123 000111",
    )  # fmt: skip
    phone = Phone(app.test_client())
    phone.text("Hello")
    answers = conversation(
        [incident("2 weeks ago", "12 days ago"), incident("1 week ago", "5 days ago")],
        details=SMS_DETAILS,
        hate=True,
    )
    replies = [phone.text(answer) for answer in answers]
    assert "Check your answers" in replies[-1]
    assert "Jane Smith" in replies[-1]
    final = phone.text("YES")
    assert "Request sent. Your reference is CR-" in final
    assert "by text message" in final
    reference = final.split("reference is ")[1][:12]

    counts = worker(app, clock).run_once()
    assert counts == {"sent": 3, "retry": 0, "failed": 0}
    [team] = smtp_server.handler.messages
    assert reference in str(team["Subject"])
    attachment = next(team.iter_attachments())
    record = json.loads(attachment.get_content())
    assert record["channel"] == "sms"
    assert record["applicant"]["contact_preference"] == "sms"
    assert record["applicant"]["phone"] == RESIDENT
    assert len(record["incidents"]) == 2

    texts = [seen for seen in provider.seen if seen.path.endswith("/Messages.json")]
    assert {t.path for t in texts} == {f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"}
    assert all(t.basic_auth() == (ACCOUNT, TOKEN) for t in texts)
    by_to = {t.form["To"]: t.form for t in texts}
    assert set(by_to) == {RESIDENT, "+447123000111"}
    resident, team_alert = by_to[RESIDENT], by_to["+447123000111"]
    assert resident["From"] == "+447700000000"
    assert reference in resident["Body"]
    assert reference in team_alert["Body"]
    assert "Screening: meets threshold" in team_alert["Body"]
    # The duty phone's alert carries no personal data.
    for private in ("Jane", "Smith", "High Street", "SW1A", "Loud music", "7123 456789"):
        assert private not in team_alert["Body"]
    for body in (resident["Body"], team_alert["Body"]):
        assert is_gsm7(body) and segments(body) <= SEGMENT_BUDGET


def test_choices_are_numbered_and_answered_by_number_label_or_synonym(phone: Phone) -> None:
    phone.text("Hi")
    role = phone.text("yes")
    assert "1. I am the victim\n2. I am asking for someone else" in role
    assert "full name" in phone.text("I am the victim")


# -- carrier rules --------------------------------------------------------------------------


def test_a_repeated_message_sid_gets_the_same_reply_and_does_not_advance(
    app: Flask, phone: Phone
) -> None:
    phone.text("Hi")
    first = phone.text("yes", sid="SMrepeat")
    before = state_of(app)
    again = phone.text("yes", sid="SMrepeat")
    assert again == first
    assert state_of(app) == before == ("applicant_role", 1)


def test_two_texts_from_one_number_at_once_are_both_kept_in_order(app: Flask, phone: Phone) -> None:
    for answer in ["Hi", "yes", "1"]:
        phone.text(answer)
    assert state_of(app)[0] == "name"
    barrier = threading.Barrier(2)
    replies: list[str] = []

    def send(body: str, sid: str) -> None:
        own = Phone(app.test_client())
        barrier.wait()
        replies.append(own.text(body, sid=sid))

    threads = [
        threading.Thread(target=send, args=("Jane Smith", "SMconcurrent1")),
        threading.Thread(target=send, args=("1 High Street", "SMconcurrent2")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(replies) == 2
    state, turns = state_of(app)
    assert (state, turns) == ("postcode", 4)  # both answers taken, one after the other
    with app.extensions["casereview.engine"].connect() as conn:
        data = json.loads(conn.execute(select(conversations.c.data)).scalar_one())
    assert {data["answers"]["name"], data["answers"]["address"]} == {"Jane Smith", "1 High Street"}


def test_stop_ends_the_conversation_and_nothing_is_sent_until_start(
    tmp_path: Path,
    database: str,
    clock: Clock,
    provider: ProviderServer,  # noqa: F811
) -> None:
    app = sms_app(
        tmp_path, database, clock,
        TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_FROM_NUMBER="+447700000000", TWILIO_API_URL=provider.url,
    )  # fmt: skip
    phone = Phone(app.test_client())
    phone.text("Hi")
    phone.text("yes")
    stopped = phone.text("STOP")
    assert "not get any more texts" in stopped and "START" in stopped
    assert phone.post("1") == (200, [])  # no reply at all while opted out
    assert phone.post("Hello?") == (200, [])
    assert "START" in phone.text("HELP")  # a direct HELP is still answered
    with app.extensions["casereview.engine"].connect() as conn:
        statuses = [r[0] for r in conn.execute(select(conversations.c.status))]
    assert statuses == ["stopped"]

    # An outbound text to the opted-out number fails at once, without calling the provider.
    web = app.test_client()
    from tests.clients import say
    from tests.clients import start

    sid = start(web)["session_id"]
    for answer in [*conversation([incident("2 weeks ago", "1 week ago")], details=SMS_DETAILS)]:
        say(web, sid, answer)
    say(web, sid, "yes")
    worker(app, clock).run_once()
    [row] = [r for r in outbox_rows(app) if r["channel"] == "sms"]
    assert row["status"] == "failed" and "opted out" in str(row["last_error"])
    assert provider.seen == []

    welcome = phone.text("START")
    assert "Do you agree?" in welcome
    assert "Who is asking?" in phone.text("yes") or "victim" in phone.text("help")


@pytest.mark.parametrize(
    "word", ["stop", "Stop.", "UNSUBSCRIBE", "cancel", "end", "quit", "optout"]
)
def test_every_twilio_opt_out_word_stops(phone: Phone, word: str) -> None:
    phone.text("Hi")
    assert "not get any more texts" in phone.text(word)
    assert phone.post("1") == (200, [])
    assert "Do you agree?" in phone.text("yes")  # YES is one of Twilio's opt-in words


def test_stop_inside_a_sentence_is_an_answer_not_an_opt_out(app: Flask, phone: Phone) -> None:
    for answer in ["Hi", "yes", "1"]:
        phone.text(answer)
    phone.text("Please make it stop")  # taken as the name, as Twilio would not opt out either
    assert state_of(app)[0] == "address"


def test_help_explains_and_gives_the_phone_route(phone: Phone) -> None:
    phone.text("Hi")
    reply = phone.text("HELP")
    assert "0300 123 4567" in reply and "999" in reply and "BACK" in reply


def test_a_text_after_a_long_pause_offers_to_carry_on_or_start_again(
    app: Flask, phone: Phone, clock: Clock
) -> None:
    for answer in ["Hi", "yes", "1", "Jane Smith"]:
        phone.text(answer)
    clock.advance(hours=13)
    offer = phone.text("hello again")
    assert "Reply 1 to carry on" in offer and "2 to start again" in offer
    assert state_of(app)[0] == "address"
    assert "What is your address?" in phone.text("1")
    assert "postcode" in phone.text("1 High Street")

    clock.advance(hours=13)
    phone.text("hi")
    restarted = phone.text("2")
    assert "deleted" in restarted and "Do you agree?" in restarted
    assert state_of(app)[0] == "consent"


def test_after_seven_days_the_old_answers_expire_and_a_new_conversation_starts(
    app: Flask, phone: Phone, clock: Clock
) -> None:
    for answer in ["Hi", "yes", "1", "Jane Smith"]:
        phone.text(answer)
    clock.advance(days=7, hours=1)
    reply = phone.text("hello")
    assert "7 days" in reply and "Do you agree?" in reply
    assert "council, police, NHS and housing providers" in reply  # consent stays informed
    with app.extensions["casereview.engine"].connect() as conn:
        statuses = sorted(r[0] for r in conn.execute(select(conversations.c.status)))
    assert statuses == ["active", "expired"]


def test_a_text_after_sending_gives_the_reference_and_new_starts_again(
    app: Flask, phone: Phone
) -> None:
    phone.text("Hi")
    for answer in conversation([incident("2 weeks ago", "1 week ago")], details=SMS_DETAILS):
        phone.text(answer)
    reference = phone.text("yes").split("reference is ")[1][:12]
    later = phone.text("thanks")
    assert reference in later and "text NEW" in later
    assert "Do you agree?" in phone.text("NEW")
    assert count(app, conversations) == 2


# -- outbound texts through the real twilio client ----------------------------------------


@pytest.fixture
def twilio_app(
    tmp_path: Path,
    database: str,
    clock: Clock,
    provider: ProviderServer,  # noqa: F811
) -> Flask:
    return sms_app(
        tmp_path, database, clock,
        TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_FROM_NUMBER="+447700000000",
        TWILIO_API_URL=provider.url, TEAM_SMS="+447123000111", OUTBOX_RETRY_SECONDS=10,
    )  # fmt: skip


def _submit_by_web(app: Flask) -> None:
    from tests.clients import say
    from tests.clients import start

    client = app.test_client()
    sid = start(client)["session_id"]
    for answer in conversation([incident("2 weeks ago", "1 week ago")], details=SMS_DETAILS):
        say(client, sid, answer)
    assert say(client, sid, "yes")["done"]


def test_twilio_5xx_is_retried_then_sent(
    twilio_app: Flask,
    provider: ProviderServer,  # noqa: F811
    clock: Clock,
) -> None:
    _submit_by_web(twilio_app)
    provider.fail_next = [twilio_error(503, 20500, "Service unavailable")]
    d = worker(twilio_app, clock)
    first = d.run_once()
    assert first["retry"] == 1
    clock.advance(seconds=11)
    second = d.run_once()
    assert second == {"sent": 1, "retry": 0, "failed": 0}
    sms_rows = [r for r in outbox_rows(twilio_app) if r["channel"] == "sms"]
    assert [r["status"] for r in sms_rows] == ["sent", "sent"]
    assert len([s for s in provider.seen if s.path.endswith("Messages.json")]) == 3


def test_twilio_permanent_4xx_fails_at_once_with_the_reason_and_no_number(
    twilio_app: Flask,
    provider: ProviderServer,  # noqa: F811
    clock: Clock,
) -> None:
    _submit_by_web(twilio_app)
    provider.fail_next = [twilio_error(400, 21211, f"The 'To' number {RESIDENT} is not valid.")]
    worker(twilio_app, clock).run_once()
    rows = {r["purpose"]: r for r in outbox_rows(twilio_app)}
    failed = rows["resident_sms"]
    assert failed["status"] == "failed" and failed["attempts"] == 1
    assert "21211" in str(failed["last_error"]) and "invalid phone number" in str(
        failed["last_error"]
    )
    assert RESIDENT not in str(failed["last_error"])
    assert rows["team_sms"]["status"] == "sent"


def test_sms_logs_carry_no_numbers_names_or_answers(
    twilio_app: Flask,
    provider: ProviderServer,  # noqa: F811
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    phone = Phone(twilio_app.test_client())
    phone.text("Hello")
    for answer in conversation([incident("2 weeks ago", "1 week ago")], details=SMS_DETAILS):
        phone.text(answer)
    phone.text("yes")
    provider.fail_next = [twilio_error(400, 21211, f"The 'To' number {RESIDENT} is not valid.")]
    worker(twilio_app, clock).run_once()
    phone.text("STOP")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "sms opt-out" in logged and "delivery FAILED" in logged
    for private in ("Jane Smith", "High Street", "SW1A", "07123", "7123456789", "7123000111",
                    "Loud music", "It stops me sleeping"):  # fmt: skip
        assert private not in logged
