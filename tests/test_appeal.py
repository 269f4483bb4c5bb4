"""After a review: appeal (seed 000) and escalation through the council (seed 004), from the
same front door on web chat, forms and SMS; the reference check reveals nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot import deliverer
from bot.tables import outbox
from dialogs import appeal
from dialogs.policy import load_policy
from tests.conftest import Clock
from tests.conftest import SmtpServer
from tests.conftest import make_app
from tests.factories import Resident
from tests.helpers import VICTIM_DETAILS
from tests.helpers import conversation
from tests.helpers import incident
from tests.phones import PUBLIC_URL
from tests.phones import TOKEN
from tests.phones import Phone

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "dialogs/schema/appeal-record.schema.json").read_text()
)
SEFTON = "E08000014"


# -- the dialog, with a stand-in for the stored requests ---------------------------------------


def lookup(reference: str, postcode: str) -> dict[str, Any] | None:
    if (reference, postcode) == ("CR-ACDE-FGHJ", "SW1A 1AA"):
        return appeal.found(load_policy("default"), None)
    return None


def appellant(channel: str = "web") -> Resident:
    who = Resident(load_policy("default"), channel)
    who.dialog.lookup = lookup
    return who


def say(who: Resident, *texts: str) -> None:
    for text in texts:  # the lookup is the service's, given again each turn
        who.restore()
        who.dialog.lookup = lookup
        who.last = who._reply(who.dialog.handle(text, dt.date(2026, 11, 22)))


@pytest.mark.parametrize(
    "words",
    [
        "I want to appeal the outcome",
        "appeal",
        "I want to escalate to the Police and Crime Commissioner",
        "Escalate to the PCC please",
    ],
)
def test_the_front_door_opens_the_appeal_in_the_residents_words(words: str) -> None:
    who = appellant()
    say(who, words)
    assert who.field == "appeal_reference"
    assert who.model.questionnaire == "appeal"
    assert "find your request" in who.text


def test_after_the_first_answer_appeal_is_just_an_answer() -> None:
    who = appellant()
    say(who, "yes", "appeal")
    assert who.model.questionnaire == "request"


def test_a_wrong_reference_and_a_wrong_postcode_get_the_same_answer() -> None:
    wrong_reference, wrong_postcode = appellant(), appellant()
    say(wrong_reference, "appeal", "CR-AAAA-AAAA", "SW1A 1AA")
    say(wrong_postcode, "appeal", "CR-ACDE-FGHJ", "L1 0AA")
    assert wrong_reference.last is not None and wrong_postcode.last is not None
    assert wrong_reference.last.messages == wrong_postcode.last.messages
    assert wrong_reference.last.problem == appeal.NOT_MATCHED
    for who in (wrong_reference, wrong_postcode):
        assert who.field == "appeal_reference"
        assert set(who.model.answers) == {"appeal_kind", "appeal_misses"}  # both forgotten


def test_after_five_misses_even_the_right_pair_is_not_looked_up() -> None:
    who = appellant()
    say(who, "appeal")
    for _ in range(appeal.MAX_MISSES):
        say(who, "CR-AAAA-AAAA", "SW1A 1AA")
    say(who, "CR-ACDE-FGHJ", "SW1A 1AA")
    assert who.field == "appeal_reference"
    assert who.last is not None and who.last.problem == appeal.NOT_MATCHED


def test_a_reference_typed_loosely_is_read() -> None:
    who = appellant()
    say(who, "appeal", "cr acde fghj", "sw1a1aa")
    assert who.field == "outcome_date"
    assert "within 21 days of receiving the outcome" in who.text


def test_what_is_not_a_reference_is_asked_again() -> None:
    who = appellant()
    say(who, "appeal", "my reference")
    assert who.field == "appeal_reference"
    assert who.last is not None and "for example CR-7KXT-9MHA" in (who.last.problem or "")


# -- end to end ------------------------------------------------------------------------------


def chat(client: FlaskClient, texts: list[str]) -> dict[str, Any]:
    sid = client.post("/api/chat/sessions", json={}).get_json()["session_id"]
    body: dict[str, Any] = {}
    for text in texts:
        response = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": text})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
    return body


def request_from(client: FlaskClient, postcode: str, *, community: str | None = None) -> str:
    details = list(VICTIM_DETAILS)
    details[4] = postcode
    answers = conversation([incident("1/10/2026", "2/10/2026")], details=details,
                           community=community)  # fmt: skip
    reference: str = chat(client, [*answers, "yes"])["reference"]
    return reference


def delivered(app: Flask, clock: Clock) -> None:
    worker = deliverer(app)
    worker.clock = clock
    worker.run_once()


def attached(message: EmailMessage) -> dict[str, Any]:
    part = next(p for p in message.iter_attachments() if p.get_filename())
    record: dict[str, Any] = json.loads(part.get_content())
    return record


@pytest.fixture
def smtp_app(tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer) -> Flask:
    return make_app(tmp_path, database, clock, SMTP_HOST=smtp_server.host,
                    SMTP_PORT=smtp_server.port, TEAM_SMS="+447700900999")  # fmt: skip


def test_a_late_appeal_from_the_web_reaches_the_team_flagged(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    client = smtp_app.test_client()
    reference = request_from(client, "SW1A 1AA")
    delivered(smtp_app, clock)
    before = len(smtp_server.handler.messages)
    done = chat(client, ["I want to appeal the outcome", reference.lower(), "sw1a 1aa",
                         "40 days ago", "The meeting did not hear from my housing officer",
                         "yes"])  # fmt: skip
    assert done["done"] and done["reference"] != reference
    said = " ".join(m["text"] for m in done["messages"])
    assert "Your appeal is sent" in said and "still read it" in said
    delivered(smtp_app, clock)
    new = smtp_server.handler.messages[before:]
    assert [str(m["To"]) for m in new] == ["team@council.example"]  # never the resident, no PCC
    record = attached(new[0])
    jsonschema.validate(record, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert record["record_type"] == "appeal"
    assert record["request_reference"] == reference
    assert record["late"] is True
    assert record["appeal_by"] == "2026-11-03"  # received 13 October, plus 21 days
    assert "(late)" in str(new[0]["Subject"])
    assert record["applicant"]["name"] == "Jane Smith"  # so the team can reply
    with smtp_app.extensions["casereview.engine"].connect() as conn:
        texts = conn.execute(select(outbox.c.recipient).where(outbox.c.purpose == "team_sms"))
        assert [r[0] for r in texts] == ["+447700900999", "+447700900999"]


def test_an_appeal_in_time_is_not_flagged(smtp_app: Flask, smtp_server: SmtpServer,
                                          clock: Clock) -> None:  # fmt: skip
    client = smtp_app.test_client()
    reference = request_from(client, "SW1A 1AA")
    done = chat(client, ["appeal", reference, "SW1A 1AA", "yesterday", "The facts", "yes"])
    assert "still read it" not in done["messages"][-1]["text"]
    delivered(smtp_app, clock)
    record = attached(smtp_server.handler.messages[-1])
    assert record["late"] is False


def test_the_same_answer_for_a_wrong_reference_and_a_wrong_postcode_on_the_api(
    smtp_app: Flask,
) -> None:
    client = smtp_app.test_client()
    reference = request_from(client, "SW1A 1AA")
    wrong_reference = chat(client, ["appeal", "CR-AAAA-AAAA", "SW1A 1AA"])
    wrong_postcode = chat(client, ["appeal", reference, "SW1A 2AA"])
    for body in (wrong_reference, wrong_postcode):
        del body["session_id"], body["expires_at"]
    assert wrong_reference == wrong_postcode
    assert wrong_reference["expects"]["field"] == "appeal_reference"
    assert reference not in json.dumps(wrong_postcode)


def test_an_appeals_own_reference_is_not_a_request(smtp_app: Flask) -> None:
    client = smtp_app.test_client()
    reference = request_from(client, "SW1A 1AA")
    own = chat(client, ["appeal", reference, "SW1A 1AA", "not sure", "It missed facts", "yes"])
    again = chat(client, ["appeal", own["reference"], "SW1A 1AA"])
    assert again["problem"] == appeal.NOT_MATCHED


def test_the_form_version_has_the_same_front_door(smtp_app: Flask) -> None:
    client = smtp_app.test_client()
    html = client.get("/apply").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found and "Appeal or escalate a review" in html
    response = client.post("/apply/start", data={"csrf_token": found.group(1),
                                                  "after_review": "appeal"})  # fmt: skip
    assert response.status_code == 303
    page = client.get("/apply/question", follow_redirects=True).get_data(as_text=True)
    assert "What is the reference of your case review request?" in page


# -- escalation by text, in the Merseyside partnership -------------------------------------


def test_an_escalation_by_text_goes_to_the_council_never_to_the_pcc(
    tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer
) -> None:
    app = make_app(tmp_path, database, clock, CASEREVIEW_PARTNERSHIP="merseyside",
                   TEAM_EMAIL=None, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port,
                   TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_URL=PUBLIC_URL)  # fmt: skip
    client = app.test_client()
    reference = request_from(client, "PR8 1AA", community="skip")  # Sefton
    phone = Phone(client)  # each reply is checked to fit the SMS budget
    text = phone.text
    assert "APPEAL" in text("Hello")
    assert "reference" in text("I want to escalate to the Police and Crime Commissioner")
    text(reference)
    found = text("PR8 1AA")
    assert "Police and Crime Commissioner" in found and "21 working days" in found
    assert "cannot send it to the Commissioner yourself" in found
    text("last week")
    assert "cannot change a decision" in text("3")  # something else: not a ground
    assert "Check your answers" in text("They decided not to use a closure order")
    done = text("yes")
    assert "Community Safety Team at Sefton Council" in done and "0151 496 0014" in done
    assert "21 working days" in done
    delivered(app, clock)
    team = [m for m in smtp_server.handler.messages if "asb.casereview@" in str(m["To"])]
    escalations = [m for m in team if attached(m).get("record_type")]
    assert [str(m["To"]) for m in escalations] == ["asb.casereview@sefton.example.gov.uk"]
    record = attached(escalations[0])
    jsonschema.validate(record, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert record["record_type"] == "escalation"
    assert record["council"]["code"] == SEFTON
    assert record["ground"] == "other" and record["ground_in_policy"] is False
    assert record["escalation"] == {"to": "Police and Crime Commissioner", "through": "council",
                                    "respond_within": "21 working days"}  # fmt: skip
    assert record["late"] is None  # seed 004 sets no time limit to escalate
    with app.extensions["casereview.engine"].connect() as conn:
        recipients = {r[0] for r in conn.execute(select(outbox.c.recipient))}
    assert not any("commissioner" in r.lower() or "pcc" in r.lower() for r in recipients)


def test_an_escalation_from_the_web_in_a_partnership(
    tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer
) -> None:
    app = make_app(tmp_path, database, clock, CASEREVIEW_PARTNERSHIP="merseyside",
                   TEAM_EMAIL=None, SMTP_HOST=smtp_server.host,
                   SMTP_PORT=smtp_server.port)  # fmt: skip
    client = app.test_client()
    reference = request_from(client, "L20 0AA", community="skip")  # Sefton
    done = chat(client, ["escalate", reference, "L20 0AA", "2 weeks ago", "facts",
                         "They did not read my diary", "yes"])  # fmt: skip
    assert done["done"]
    delivered(app, clock)
    last = smtp_server.handler.messages[-1]
    assert str(last["To"]) == "asb.casereview@sefton.example.gov.uk"
    assert attached(last)["ground"] == "facts"


def test_changing_the_reference_at_check_your_answers_checks_the_pair_again() -> None:
    who = appellant()
    say(who, "appeal", "CR-ACDE-FGHJ", "SW1A 1AA", "yesterday", "The facts")
    assert who.field == "confirm"
    say(who, "change reference", "CR-AAAA-AAAA")
    assert who.field == "appeal_reference"
    assert who.last is not None and who.last.problem == appeal.NOT_MATCHED
    say(who, "CR-ACDE-FGHJ", "SW1A 1AA")
    assert who.field == "confirm"
    assert who.model.answers[appeal.FOUND]["route"] == "appeal"


def test_an_appeal_with_a_rough_outcome_date_reaches_the_team(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    # "last month" is a month, not a day: the record and the team's email could not read it.
    client = smtp_app.test_client()
    reference = request_from(client, "SW1A 1AA")
    delivered(smtp_app, clock)
    before = len(smtp_server.handler.messages)
    done = chat(client, ["I want to appeal the outcome", reference, "sw1a 1aa", "last month",
                         "The meeting did not hear from my housing officer", "yes"])  # fmt: skip
    assert done["done"] and done["reference"] != reference
    delivered(smtp_app, clock)
    new = smtp_server.handler.messages[before:]
    assert [str(m["To"]) for m in new] == ["team@council.example"]
    record = attached(new[0])
    jsonschema.validate(record, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert record["outcome_received_on"] is None and record["appeal_by"] is None
