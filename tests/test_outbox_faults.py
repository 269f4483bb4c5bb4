"""One bad message never holds up the others (issue 12, item 1), against a real SMTP server.

Each test stores a message the way an older release, or a resident's browser, could have left
it, then runs real delivery rounds to aiosmtpd on loopback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy import update

from bot import deliverer
from bot.outbox import Deliverer
from bot.tables import outbox
from bot.tables import requests
from tests.conftest import Clock
from tests.conftest import SmtpServer
from tests.conftest import make_app
from tests.helpers import conversation
from tests.helpers import incident

ANSWERS = conversation([incident("1/10/2026", "2/10/2026")])


def _submit(client: FlaskClient, answers: list[str] = ANSWERS) -> str:
    sid = client.post("/api/chat/sessions", json={}).get_json()["session_id"]
    for text in [*answers, "yes"]:
        turn = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": text})
        assert turn.status_code == 200, turn.get_json()
    reference: str = turn.get_json()["reference"]
    assert reference
    return reference


def _worker(app: Flask, clock: Clock) -> Deliverer:
    worker = deliverer(app)
    worker.clock = clock
    return worker


def _rows(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["casereview.engine"].connect() as conn:
        query = select(outbox.c.id, outbox.c.purpose, outbox.c.channel, outbox.c.status,
                       outbox.c.attempts, outbox.c.last_error).order_by(outbox.c.id)  # fmt: skip
        return [dict(r) for r in conn.execute(query).mappings()]


def _poison_record(app: Flask, reference: str) -> None:
    """Put a lone surrogate in a stored record, as a browser's JSON.stringify can send one."""
    engine = app.extensions["casereview.engine"]
    with engine.begin() as conn:
        stored = conn.execute(select(requests.c.record).where(requests.c.reference == reference))
        record = json.loads(stored.scalar_one())
        record["applicant"]["name"] = "Jane \ud83d Smith"
        conn.execute(
            update(requests)
            .where(requests.c.reference == reference)
            .values(record=json.dumps(record))  # json escapes it; json.loads brings it back
        )


@pytest.fixture
def smtp_app(tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer) -> Flask:
    return make_app(tmp_path, database, clock, SMTP_HOST=smtp_server.host,
                    SMTP_PORT=smtp_server.port, OUTBOX_MAX_ATTEMPTS=3,
                    OUTBOX_RETRY_SECONDS=10, ALERT_EMAIL="duty@fallback.example",
                    TEAM_SMS="07700 900123")  # fmt: skip


def test_a_message_that_cannot_be_built_fails_alone_within_the_bound_and_alerts(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock, tmp_path: Path
) -> None:
    client = smtp_app.test_client()
    bad = _submit(client)
    _poison_record(smtp_app, bad)
    good = _submit(client)  # submitted after the bad one, so claimed in the same round
    worker = _worker(smtp_app, clock)
    for _ in range(6):  # more rounds than OUTBOX_MAX_ATTEMPTS
        worker.run_once()
        clock.advance(hours=2)
    rows = _rows(smtp_app)
    by_purpose = {(r["id"], r["purpose"]): r for r in rows}
    team = [r for (i, p), r in by_purpose.items() if p == "team_email"]
    # The bad request's team email failed after exactly the bound, and said why.
    assert team[0]["status"] == "failed" and team[0]["attempts"] == 3
    assert "unexpected UnicodeEncodeError" in team[0]["last_error"]
    # The request after it was delivered in the first round, not held behind it.
    assert team[1]["status"] == "sent" and team[1]["attempts"] == 1
    subjects = [str(m["Subject"]) for m in smtp_server.handler.messages]
    assert any(good in s for s in subjects)
    # The team heard by other routes: the fallback inbox, and the duty phone.
    alert = [m for m in smtp_server.handler.messages if str(m["To"]) == "duty@fallback.example"]
    assert len(alert) == 1 and bad in str(alert[0]["Subject"])
    assert "the email to the team could not be sent" in alert[0].get_content()
    texts = [p.read_text() for p in (tmp_path / "maildrop").glob("*.txt")]
    assert any(bad in t and "could not be sent" in t for t in texts)
    assert all(r["status"] in {"sent", "failed"} for r in rows)  # nothing left stuck in sending


def test_a_worker_that_dies_while_sending_each_time_stops_at_the_bound(
    smtp_app: Flask, clock: Clock
) -> None:
    _submit(smtp_app.test_client())
    worker = _worker(smtp_app, clock)
    for _ in range(5):
        worker._claim(limit=1)  # claimed, then the worker "dies" before recording anything
        clock.advance(minutes=5)  # its lease runs out
    first = _rows(smtp_app)[0]
    assert first["status"] == "failed" and first["attempts"] == 3
    assert "never finished sending" in first["last_error"]


def test_an_email_address_that_cannot_be_delivered_is_refused_kindly_at_intake(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    client = smtp_app.test_client()
    sid = client.post("/api/chat/sessions", json={}).get_json()["session_id"]
    email_at = ANSWERS.index("jane@example.com")
    for text in ANSWERS[:email_at]:
        client.post(f"/api/chat/sessions/{sid}/messages", json={"text": text})
    turn = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": "josé@example.com"})
    body = turn.get_json()
    assert turn.status_code == 200 and body["problem"]
    assert "letters A to Z" in " ".join(m["text"] for m in body["messages"])


def test_a_lone_surrogate_in_an_answer_is_normalised_and_the_email_delivered(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    client = smtp_app.test_client()
    sid = client.post("/api/chat/sessions", json={}).get_json()["session_id"]
    answers = list(ANSWERS)
    answers[answers.index("Jane Smith")] = "Jane \ud83d Smith"
    for text in [*answers, "yes"]:
        # Sent as raw JSON, the way JSON.stringify writes a lone surrogate.
        raw = json.dumps({"text": text})
        turn = client.post(f"/api/chat/sessions/{sid}/messages", data=raw,
                           content_type="application/json")  # fmt: skip
        assert turn.status_code == 200
    assert _worker(smtp_app, clock).run_once() == {"sent": 3, "retry": 0, "failed": 0}
    team = next(m for m in smtp_server.handler.messages if "team@" in str(m["To"]))
    assert "Jane \ufffd Smith" in team.get_body(preferencelist=("plain",)).get_content()


def test_rows_under_an_old_key_fail_alone_and_new_requests_still_go(
    tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer
) -> None:
    from cryptography.fernet import Fernet

    settings = {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port,
                "OUTBOX_MAX_ATTEMPTS": 2, "ALERT_EMAIL": "duty@fallback.example"}  # fmt: skip
    old = make_app(tmp_path / "old", database, clock, DATA_KEYS=[Fernet.generate_key().decode()],
                   **settings)  # fmt: skip
    before = _submit(old.test_client())
    # The keys were replaced without keeping the old one (the start-up check was overridden).
    new = make_app(tmp_path / "new", database, clock, DATA_KEYS=[Fernet.generate_key().decode()],
                   CHECK_DATA_KEYS=False, **settings)  # fmt: skip
    after = _submit(new.test_client())
    worker = _worker(new, clock)
    for _ in range(4):
        worker.run_once()
        clock.advance(hours=2)
    subjects = [str(m["Subject"]) for m in smtp_server.handler.messages]
    assert any(after in s and "Not delivered" not in s for s in subjects)  # not held behind
    assert any(before in s and "Not delivered" in s for s in subjects)  # the old one alerted
    failed = [r for r in _rows(new) if r["status"] == "failed"]
    assert len(failed) == 2 and all("InvalidToken" in r["last_error"] for r in failed)


def test_in_a_partnership_the_alert_goes_to_that_councils_duty_phone(
    tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer
) -> None:
    from tests.helpers import VICTIM_DETAILS

    app = make_app(tmp_path, database, clock, CASEREVIEW_PARTNERSHIP="merseyside",
                   TEAM_EMAIL=None, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port,
                   OUTBOX_MAX_ATTEMPTS=1)  # fmt: skip
    details = list(VICTIM_DETAILS)
    details[4] = "L36 0AA"  # Knowsley
    reference = _submit(app.test_client(), conversation(
        [incident("1/10/2026", "2/10/2026")], details=details, community="skip"))  # fmt: skip

    async def refuse_knowsley(server: object, session: object, envelope: Any) -> str:
        return "550 5.1.1 No such user" if "knowsley" in str(envelope.rcpt_tos) else "250 OK"

    smtp_server.handler.handle_DATA = refuse_knowsley  # type: ignore[method-assign]
    worker = _worker(app, clock)
    worker.run_once()
    worker.run_once()  # the alerts the failure queued
    texts = {p.read_text() for p in (tmp_path / "maildrop").glob("*.txt")}
    alerts = [t for t in texts if "could not be sent" in t]
    assert len(alerts) == 1 and reference in alerts[0]
    assert alerts[0].startswith("To: +447700900011")  # Knowsley's duty phone, no other council's
