"""Faults injected into real processes. Each test names its fault and counts what was lost and
what was duplicated: both must be zero. (The database restart under load, a webhook delivered
twice and two turns at once are in test_servers.py and test_sms.py.)

A resend after a crash carries the same Message-ID, so a mail system sees it as the same
message; "duplicated" counts the messages delivered under more than one Message-ID.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from bot.conversation import utcnow
from bot.tables import outbox
from tests.clients import say
from tests.clients import start
from tests.conftest import Clock
from tests.conftest import SmtpServer
from tests.conftest import empty_postgres
from tests.conftest import make_app
from tests.helpers import conversation
from tests.helpers import incident
from tests.serving import on_database
from tests.serving import stored_transcript

ANSWERS = conversation([incident("2 weeks ago", "1 week ago")])


def submit_many(app: Flask, count: int) -> None:
    client = app.test_client()
    for _ in range(count):
        sid = start(client)["session_id"]
        for answer in ANSWERS:
            say(client, sid, answer)
        assert say(client, sid, "yes")["done"]


def worker(database: str, folder: Path, smtp: SmtpServer) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    env.update(DATABASE_URL=database, SECRET_KEY="test", CASEREVIEW_INSTANCE=str(folder),
               SMTP_HOST=smtp.host, SMTP_PORT=str(smtp.port), OUTBOX_POLL_SECONDS="0.1",
               OUTBOX_LEASE_SECONDS="1", OUTBOX_RETRY_SECONDS="0.2", LOG_LEVEL="WARNING",
               TEAM_EMAIL="team@council.example")  # fmt: skip
    command = [sys.executable, "-m", "bot.cli", "worker"]
    return subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)


def queued(app: Flask) -> dict[str, str]:
    """Message-ID -> status of every outbox row."""
    with app.extensions["casereview.engine"].connect() as conn:
        rows = conn.execute(select(outbox.c.message_id, outbox.c.status)).all()
    return {r[0]: r[1] for r in rows}


def wait_until_sent(app: Flask, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(status == "sent" for status in queued(app).values()):
            return
        time.sleep(0.1)
    raise AssertionError(f"not all sent: {collections.Counter(queued(app).values())}")


def tally(app: Flask, smtp: SmtpServer) -> tuple[int, int, int]:
    """(lost, duplicated, resent with the same Message-ID)."""
    expected = set(queued(app))
    arrived = collections.Counter(str(m["Message-ID"]).strip() for m in smtp.handler.messages)
    lost = len(expected - set(arrived))
    # Each message's content (its reference and purpose) under how many Message-IDs?
    ids_per_message: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for message in smtp.handler.messages:
        ids_per_message[(str(message["Subject"]), str(message["To"]))].add(
            str(message["Message-ID"])
        )
    duplicated = sum(len(ids) - 1 for ids in ids_per_message.values())
    resent = sum(count - 1 for count in arrived.values())
    return lost, duplicated, resent


@pytest.fixture
def sqlite_app(tmp_path: Path, migrated_template: Path, clock: Clock) -> Flask:
    database = tmp_path / "casereview.sqlite3"
    database.write_bytes(migrated_template.read_bytes())
    app = make_app(tmp_path, f"sqlite:///{database}", clock)
    app.extensions["casereview.conversations"].clock = utcnow  # the worker runs on real time
    return app


def test_fault_worker_killed_with_sigkill_in_the_middle_of_a_batch(
    sqlite_app: Flask, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    submit_many(sqlite_app, 10)  # 20 emails
    smtp_server.handler.delay = 0.05
    first = worker(sqlite_app.config["DATABASE_URL"], tmp_path / "w1", smtp_server)
    deadline = time.monotonic() + 30
    while len(smtp_server.handler.messages) < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)  # the fault: mid-batch, messages claimed but not sent
    first.wait()
    before = len(smtp_server.handler.messages)
    assert 0 < before < 20
    second = worker(sqlite_app.config["DATABASE_URL"], tmp_path / "w2", smtp_server)
    try:
        wait_until_sent(sqlite_app)
    finally:
        second.terminate()
        second.wait(timeout=20)
    lost, duplicated, resent = tally(sqlite_app, smtp_server)
    print(f"worker SIGKILL: delivered before kill {before}, lost {lost}, "
          f"duplicated {duplicated}, resent with the same Message-ID {resent}")  # fmt: skip
    assert (lost, duplicated) == (0, 0)
    assert resent <= 1  # at most the message on the wire when the worker died


def test_fault_mail_server_refuses_for_a_while_then_accepts(
    sqlite_app: Flask, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    submit_many(sqlite_app, 5)  # 10 emails
    smtp_server.handler.refuse_next = 12  # the fault: 451 "try again later", 12 times
    process = worker(sqlite_app.config["DATABASE_URL"], tmp_path / "w", smtp_server)
    try:
        wait_until_sent(sqlite_app)
    finally:
        process.terminate()
        process.wait(timeout=20)
    lost, duplicated, resent = tally(sqlite_app, smtp_server)
    print(f"SMTP refusing 12 times: attempts {smtp_server.handler.attempts}, lost {lost}, "
          f"duplicated {duplicated}, resent {resent}")  # fmt: skip
    assert (lost, duplicated, resent) == (0, 0, 0)
    assert smtp_server.handler.attempts == 10 + 12


def test_fault_web_server_killed_mid_conversation_the_resident_carries_on(
    postgres_url: str, tmp_path: Path
) -> None:
    empty_postgres(postgres_url)  # rows of other tests, under other keys, would stop the start
    server = on_database(postgres_url, tmp_path / "a")
    status, turn = server.call("POST", "/api/chat/sessions", {})
    session = turn["session_id"]
    half = len(ANSWERS) // 2
    for text in ANSWERS[:half]:
        assert (
            server.call("POST", f"/api/chat/sessions/{session}/messages", {"text": text})[0] == 200
        )
    os.killpg(os.getpgid(server.process.pid), signal.SIGKILL)  # the fault: no clean shutdown
    server.process.wait()
    restarted = on_database(postgres_url, tmp_path / "b")
    try:
        for text in [*ANSWERS[half:], "yes"]:
            status, turn = restarted.call(
                "POST", f"/api/chat/sessions/{session}/messages", {"text": text}
            )
            assert status == 200
        assert turn["done"] and turn["reference"]
        _, body = restarted.call("GET", f"/api/chat/sessions/{session}")
        said = stored_transcript(postgres_url, session)
        lost = (
            len([a for a in [*ANSWERS, "yes"] if a not in said]) if said != [*ANSWERS, "yes"] else 0
        )
        duplicated = len(said) - len([*ANSWERS, "yes"])
        print(f"web server SIGKILL: lost {lost}, duplicated {duplicated}")
        assert said == [*ANSWERS, "yes"]
    finally:
        restarted.stop()
    assert body["reference"] == turn["reference"]  # the sent conversation shows its reference
