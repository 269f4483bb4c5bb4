"""GOV.UK Notify as the email and SMS provider: the real client against a local stand-in."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import pytest
from flask import Flask

from bot import providers
from tests.conftest import Clock
from tests.conftest import make_app
from tests.phones import SMS_DETAILS
from tests.phones import outbox_rows
from tests.phones import worker
from tests.providers import ProviderServer
from tests.providers import notify_error
from tests.providers import provider  # noqa: F401 (fixture)

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"casereview_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = str(uuid.uuid4())
SMS_TEMPLATE = str(uuid.uuid4())


@pytest.fixture
def notify_app(
    tmp_path: Path,
    database: str,
    clock: Clock,
    provider: ProviderServer,  # noqa: F811
) -> Flask:
    return make_app(
        tmp_path, database, clock,
        NOTIFY_API_KEY=API_KEY, NOTIFY_API_URL=provider.url,
        NOTIFY_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE, NOTIFY_SMS_TEMPLATE_ID=SMS_TEMPLATE,
        NOTIFY_SEND_RECORD_FILE=True, TEAM_SMS="07123 000111", OUTBOX_RETRY_SECONDS=10,
        SMTP_HOST="127.0.0.1", SMTP_PORT=9,  # set, but Notify is chosen when configured
    )  # fmt: skip


def submit(app: Flask) -> str:
    from tests.clients import say
    from tests.clients import start
    from tests.helpers import conversation
    from tests.helpers import incident

    details = list(SMS_DETAILS)
    details[6] = "jane@example.com"  # an email too, so both resident messages go
    details[8] = "texts, email"  # and both are safe ways to contact
    client = app.test_client()
    sid = start(client)["session_id"]
    for answer in conversation([incident("2 weeks ago", "1 week ago")], details=details):
        say(client, sid, answer)
    reference: str = say(client, sid, "yes")["reference"]
    return reference


def test_notify_is_chosen_when_its_key_and_templates_are_set(notify_app: Flask) -> None:
    assert providers.email_provider(notify_app.config) == "notify"
    assert providers.sms_provider(notify_app.config) == "notify"
    assert providers.email_provider({"SMTP_HOST": "mail"}) == "smtp"
    assert providers.sms_provider({"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM_NUMBER": "+44"}) == (
        "twilio"
    )
    assert providers.email_provider({}) == providers.sms_provider({}) == "drop"


def test_emails_and_texts_go_through_notify_with_the_outbox_id_as_reference(
    notify_app: Flask,
    provider: ProviderServer,  # noqa: F811
    clock: Clock,
) -> None:
    reference = submit(notify_app)
    counts = worker(notify_app, clock).run_once()
    assert counts == {"sent": 4, "retry": 0, "failed": 0}
    rows = {r["purpose"]: r for r in outbox_rows(notify_app)}
    by_path: dict[str, list[dict[str, object]]] = {}
    for seen in provider.seen:
        claims = seen.bearer_claims(SECRET)  # signed with the key's secret, issued by the service
        assert claims["iss"] == SERVICE_ID
        by_path.setdefault(seen.path, []).append(seen.json)
    assert set(by_path) == {"/v2/notifications/email", "/v2/notifications/sms"}

    emails = {e["email_address"]: e for e in by_path["/v2/notifications/email"]}
    team = emails["team@council.example"]
    assert team["template_id"] == EMAIL_TEMPLATE
    assert team["reference"] == str(rows["team_email"]["id"])
    assert reference in team["personalisation"]["subject"]  # type: ignore[index]
    assert "Jane Smith" in team["personalisation"]["body"]  # type: ignore[index]
    record_file = team["personalisation"]["record"]  # type: ignore[index]
    assert record_file["filename"] == f"{reference}.json"
    assert json.loads(base64.b64decode(record_file["file"]))["reference"] == reference
    resident_email = emails["jane@example.com"]
    assert "Jane Smith" not in resident_email["personalisation"]["body"]  # type: ignore[index]

    texts = {t["phone_number"]: t for t in by_path["/v2/notifications/sms"]}
    assert set(texts) == {"+447123456789", "+447123000111"}
    assert texts["+447123456789"]["template_id"] == SMS_TEMPLATE
    assert texts["+447123456789"]["reference"] == str(rows["resident_sms"]["id"])
    assert reference in texts["+447123000111"]["personalisation"]["body"]  # type: ignore[index]


def test_a_notify_5xx_is_retried_and_a_400_fails_at_once(
    notify_app: Flask,
    provider: ProviderServer,  # noqa: F811
    clock: Clock,
) -> None:
    submit(notify_app)
    provider.fail_next = [
        notify_error(500, "Exception", "Internal server error"),
        notify_error(400, "ValidationError", "phone_number Not a UK mobile number"),
    ]
    d = worker(notify_app, clock)
    assert d.run_once() == {"sent": 2, "retry": 1, "failed": 1}
    clock.advance(seconds=11)
    # The retried message, and the two alerts the failure queued (the duty phone, the inbox).
    assert d.run_once() == {"sent": 3, "retry": 0, "failed": 0}
    rows = outbox_rows(notify_app)
    assert sorted(r["status"] for r in rows if r["purpose"] == "delivery_alert") == ["sent"] * 2
    statuses = sorted((r["status"], str(r["last_error"])) for r in rows
                      if r["purpose"] != "delivery_alert")  # fmt: skip
    assert [s for s, _ in statuses] == ["failed", "sent", "sent", "sent"]
    assert statuses[0][1] == "notify HTTP 400"


def test_a_malformed_notify_key_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="NOTIFY_API_KEY"):
        providers.sms_sender(
            {
                "NOTIFY_API_KEY": "short",
                "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
                "MAIL_DROP_DIR": "x",
            }
        )
