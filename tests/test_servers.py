"""Several real servers on one database (PostgreSQL, and a SQLite file): turns on any server,
workers that never send twice, and a database restart that costs at most the requests in flight.

These start real `casereview serve` and `casereview worker` processes (gunicorn, 2 workers
each) and talk to them over HTTP on loopback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy import select

from bot.tables import outbox
from bot.tables import requests
from tests.conftest import SmtpServer
from tests.conftest import empty_postgres
from tests.helpers import conversation
from tests.helpers import incident
from tests.serving import Serve
from tests.serving import on_database
from tests.serving import serve_env
from tests.serving import stored_transcript

ANSWERS = conversation(
    [incident("2 weeks ago", "12 days ago"), incident("1 week ago", "6 days ago")]
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database both servers share."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        empty_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('shared') / 'casereview.sqlite3'}"


@pytest.fixture(scope="module")
def servers(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Serve]]:
    folder = tmp_path_factory.mktemp("servers")
    # One after the other: the first one's start-up also migrates the database.
    started = [on_database(backend, folder / "a"), on_database(backend, folder / "b")]
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def run_resident(servers: list[Serve], answers: list[str], retry_unavailable: bool = False,
                 failures: list[int] | None = None) -> str:  # fmt: skip
    """A whole application, each turn on the next server in turn; returns the session id."""

    def call(server: Serve, path: str, body: dict[str, str], ok: int) -> Any:
        while True:
            try:
                status, turn = server.call("POST", path, body)
            except OSError:
                status, turn = 0, None
            if status == ok or not retry_unavailable:
                break
            assert status in {0, 503}, (status, turn)  # refused cleanly, never a 500
            if failures is not None:
                failures.append(status)
            time.sleep(0.2)
        assert status == ok, (status, turn)
        return turn

    session = call(servers[0], "/api/chat/sessions", {}, 201)["session_id"]
    for number, text in enumerate([*answers, "yes"]):
        server = servers[number % len(servers)]
        turn = call(server, f"/api/chat/sessions/{session}/messages", {"text": text}, 200)
    assert turn["done"] and turn["reference"]
    return str(session)


def check_transcript(database: str, session: str, answers: list[str]) -> None:
    """Every answer stored once, in the order given: nothing lost, repeated or reordered."""
    assert stored_transcript(database, session) == [*answers, "yes"]


def test_each_turn_on_a_different_server_loses_and_reorders_nothing(
    servers: list[Serve], backend: str
) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    def resident(offset: int) -> None:
        try:
            rotated = servers[offset:] + servers[:offset]
            results.append(run_resident(rotated, ANSWERS))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=resident, args=(i % 2,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 8
    for session in results:
        check_transcript(backend, session, ANSWERS)


def test_several_workers_deliver_each_message_exactly_once(
    servers: list[Serve],
    backend: str,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    for _ in range(12):
        run_resident(servers, ANSWERS)
    env = serve_env(tmp_path, DATABASE_URL=backend, LOG_LEVEL="WARNING",
                    SMTP_HOST=smtp_server.host, SMTP_PORT=str(smtp_server.port))  # fmt: skip
    command = [sys.executable, "-m", "bot.cli", "worker"]
    workers = [subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL) for _ in range(3)]
    engine = create_engine(backend)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                pending = conn.execute(select(outbox.c.id).where(outbox.c.status != "sent")).all()
            if not pending:
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=20)
    with engine.connect() as conn:
        queued = len(conn.execute(select(outbox.c.id)).all())
    engine.dispose()
    ids = [str(m["Message-ID"]) for m in smtp_server.handler.messages]
    assert queued >= 24  # a team email and an acknowledgement per request, and earlier ones
    assert len(ids) == queued, "a message was lost or sent twice"
    assert len(set(ids)) == len(ids), "a message was sent twice"


@pytest.mark.skipif(shutil.which("pg_ctlcluster") is None, reason="needs pg_ctlcluster")
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has no server
def test_a_database_restart_costs_only_requests_in_flight(
    servers: list[Serve], backend: str
) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    failures: list[int] = []
    sessions: list[str] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def residents() -> None:
        try:
            while not stop.is_set():
                sessions.append(run_resident(servers, ANSWERS, True, failures))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=residents) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
    )
    time.sleep(1.5)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    # Both servers answer again without being restarted.
    assert all(server.call("GET", "/healthz")[0] == 200 for server in servers)
    # Every resident finished, each answer stored once and in order.
    assert len(sessions) >= 4
    for session in sessions:
        check_transcript(backend, session, ANSWERS)
    engine = create_engine(backend)
    with engine.connect() as conn:
        references = conn.execute(select(requests.c.reference)).scalars().all()
    engine.dispose()
    assert len(references) == len(set(references))
    print(f"requests that failed during the restart: {len(failures)}")
