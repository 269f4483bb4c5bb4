"""Delivery through a real SMTP server on loopback (aiosmtpd) and to the drop folder."""

from __future__ import annotations

import datetime as dt
import json
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path

import jsonschema
import pytest
from flask import Flask
from sqlalchemy import select

from bot import deliverer
from bot.outbox import Deliverer
from bot.tables import outbox
from tests.clients import SCHEMA
from tests.clients import say
from tests.clients import start
from tests.conftest import Clock
from tests.conftest import SmtpServer
from tests.conftest import make_app
from tests.helpers import conversation
from tests.helpers import incident


def submit(app: Flask, answers: list[str] | None = None) -> str:
    client = app.test_client()
    sid = start(client)["session_id"]
    for answer in answers or conversation([incident("1/10/2026", "2/10/2026")], hate=True):
        say(client, sid, answer)
    reference: str = say(client, sid, "yes")["reference"]
    return reference


@pytest.fixture
def smtp_app(tmp_path: Path, database: str, clock: Clock,
             smtp_server: SmtpServer) -> Flask:  # fmt: skip
    return make_app(tmp_path, database, clock, SMTP_HOST=smtp_server.host,
                    SMTP_PORT=smtp_server.port, OUTBOX_RETRY_SECONDS=10)  # fmt: skip


def worker(app: Flask, clock: Clock) -> Deliverer:
    d = deliverer(app)
    d.clock = clock
    return d


def statuses(app: Flask) -> list[tuple[str, str, int]]:
    with app.extensions["casereview.engine"].connect() as conn:
        rows = conn.execute(select(outbox.c.purpose, outbox.c.status, outbox.c.attempts))
        return sorted((r[0], r[1], r[2]) for r in rows)


def test_team_email_arrives_with_text_html_and_valid_json(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    reference = submit(smtp_app)
    assert worker(smtp_app, clock).run_once() == {"sent": 2, "retry": 0, "failed": 0}
    by_to = {str(m["To"]): m for m in smtp_server.handler.messages}
    team = by_to["team@council.example"]
    assert team["Subject"] == f"ASB case review request {reference}: Meets the threshold"
    assert "Jane" not in str(team["Subject"])  # no personal data in the subject line
    plain = team.get_body(preferencelist=("plain",))
    html = team.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    for expected in (reference, "Acknowledge by: 25 November 2026", "Hate route met",
                     "Jane Smith", "SW1A 1AA", "Loud music", "Race"):  # fmt: skip
        assert expected in text
    assert reference in html.get_content() and "<table" in html.get_content()
    attachments = list(team.iter_attachments())
    assert [a.get_filename() for a in attachments] == [f"{reference}.json"]
    record = json.loads(attachments[0].get_content())
    jsonschema.validate(record, SCHEMA)
    assert record["reference"] == reference
    ack = by_to["jane@example.com"]
    assert reference in ack.get_content()
    assert "Loud music" not in ack.get_content()  # no case details to the resident's inbox
    assert statuses(smtp_app) == [("resident_email", "sent", 1), ("team_email", "sent", 1)]


def test_refused_then_accepted_is_delivered_exactly_once(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    submit(smtp_app)
    smtp_server.handler.refuse_next = 3
    d = worker(smtp_app, clock)
    assert d.run_once() == {"sent": 0, "retry": 2, "failed": 0}
    assert d.run_once() == {"sent": 0, "retry": 0, "failed": 0}  # backing off, nothing due
    clock.advance(seconds=10)
    assert d.run_once() == {"sent": 1, "retry": 1, "failed": 0}
    clock.advance(seconds=20)  # the second retry waits twice as long
    assert d.run_once() == {"sent": 1, "retry": 0, "failed": 0}
    clock.advance(hours=2)
    assert d.run_once() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp_server.handler.messages) == 2
    ids = [m["Message-ID"] for m in smtp_server.handler.messages]
    assert len(set(ids)) == 2
    assert statuses(smtp_app) == [("resident_email", "sent", 2), ("team_email", "sent", 3)]


def test_temporary_failures_give_up_after_the_bound_and_log_it(
    tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    app = make_app(tmp_path, database, clock, SMTP_HOST=smtp_server.host,
                   SMTP_PORT=smtp_server.port, OUTBOX_MAX_ATTEMPTS=3)  # fmt: skip
    submit(app)
    smtp_server.handler.refuse_next = 100
    d = worker(app, clock)
    for _ in range(5):
        d.run_once()
        clock.advance(hours=1)
    # The acknowledgement's failure is told to the team inbox; the team email's own failure is
    # not told to the inbox that refused it.
    assert statuses(app)[0][0] == "delivery_alert"
    assert statuses(app)[1:] == [("resident_email", "failed", 3), ("team_email", "failed", 3)]
    assert "delivery FAILED" in caplog.text and "gave up after 3 attempts" in caplog.text


def test_unreachable_server_is_a_temporary_failure(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    app = make_app(tmp_path, database, clock, SMTP_HOST="127.0.0.1", SMTP_PORT=1,
                   SMTP_TIMEOUT=2)  # fmt: skip
    submit(app)
    assert worker(app, clock).run_once() == {"sent": 0, "retry": 2, "failed": 0}


def test_crash_between_send_and_record_resends_with_the_same_message_id(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    submit(smtp_app)
    d = worker(smtp_app, clock)
    claimed = d._claim(limit=1)
    d.email.send(d._compose(d._load(claimed[0][0])))  # sent; the worker "dies" unrecorded
    assert d.run_once() == {"sent": 1, "retry": 0, "failed": 0}  # the other message only
    clock.advance(minutes=3)  # the dead worker's lease runs out
    assert d.run_once() == {"sent": 1, "retry": 0, "failed": 0}
    ids = [m["Message-ID"] for m in smtp_server.handler.messages]
    assert len(ids) == 3 and len(set(ids)) == 2  # a resend, recognisably the same message


def test_two_workers_never_claim_the_same_message(smtp_app: Flask, clock: Clock) -> None:
    submit(smtp_app)
    first, second = worker(smtp_app, clock), worker(smtp_app, clock)
    a = first._claim(limit=10)
    b = second._claim(limit=10)
    assert len(a) == 2 and b == []


def test_without_smtp_host_email_lands_in_the_drop_folder(
    app: Flask, clock: Clock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    reference = submit(app)
    assert worker(app, clock).run_once()["sent"] == 2
    assert str(tmp_path / "maildrop") in caplog.text  # the log says where mail goes
    files = sorted((tmp_path / "maildrop").glob("*.eml"))
    assert len(files) == 2
    messages = [message_from_bytes(f.read_bytes(), policy=email_policy.default) for f in files]
    subjects = sorted(str(m["Subject"]) for m in messages)
    assert subjects[0].startswith(f"ASB case review request {reference}")


def test_html_part_escapes_what_residents_type(smtp_app: Flask, smtp_server: SmtpServer,
                                               clock: Clock) -> None:  # fmt: skip
    answers = conversation([incident("1/10/2026", "2/10/2026")])
    answers[2] = '<script>alert("x")</script> Smith'
    submit(smtp_app, answers)
    worker(smtp_app, clock).run_once()
    team = next(m for m in smtp_server.handler.messages if "team@" in str(m["To"]))
    html = team.get_body(preferencelist=("html",))
    assert html is not None
    assert "<script>" not in html.get_content()
    assert "&lt;script&gt;" in html.get_content()


def test_permanent_refusal_fails_at_once(smtp_app: Flask, smtp_server: SmtpServer,
                                         clock: Clock) -> None:  # fmt: skip
    submit(smtp_app)

    async def refuse(server: object, session: object, envelope: object) -> str:
        return "550 5.1.1 No such user"

    smtp_server.handler.handle_DATA = refuse  # type: ignore[method-assign]
    assert worker(smtp_app, clock).run_once() == {"sent": 0, "retry": 0, "failed": 2}
    assert statuses(smtp_app) == [("delivery_alert", "pending", 0), ("resident_email", "failed", 1),
                                  ("team_email", "failed", 1)]  # fmt: skip


def test_submitted_time_is_london_time(app: Flask, clock: Clock) -> None:
    clock.now = dt.datetime(2026, 7, 1, 23, 30)  # 00:30 on 2 July in London (BST)
    submit(app, conversation([incident("1/6/2026", "2/6/2026")]))
    with app.extensions["casereview.engine"].connect() as conn:
        from bot.tables import requests

        record = json.loads(conn.execute(select(requests.c.record)).scalar_one())
    assert record["submitted_at"] == "2026-07-02T00:30:00+01:00"
    assert record["screening"]["as_of"] == "2026-07-02"


def test_one_delivery_round_uses_one_smtp_session(
    smtp_app: Flask, smtp_server: SmtpServer, clock: Clock
) -> None:
    submit(smtp_app)
    submit(smtp_app)
    assert worker(smtp_app, clock).run_once() == {"sent": 4, "retry": 0, "failed": 0}
    assert len(smtp_server.handler.messages) == 4
    assert len(set(smtp_server.handler.peers)) == 1  # four messages, one connection
