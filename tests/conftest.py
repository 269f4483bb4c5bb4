"""Shared fixtures: policies, a migrated app per test, and a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from bot import create_app
from bot.db import migrate
from bot.tables import metadata
from dialogs.policy import Policy
from dialogs.policy import load_policy

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    return load_policy("default")


@pytest.fixture(scope="session")
def merseyside_policy() -> Policy:
    return load_policy("merseyside")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating costs more than copying)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@dataclass
class Clock:
    """A clock the test moves by hand (naive UTC)."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 11, 22, 10, 0))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


POSTGRES_URL = os.environ.get(
    "CASEREVIEW_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_apps: list[Flask] = []


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A schema of its own on the PostgreSQL server, migrated once for the whole run.

    Skipped, saying why, where no server answers; under CI (CI set) that is a failure instead.
    """
    admin = create_engine(POSTGRES_URL, pool_pre_ping=True)
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    schema = f"casereview_test_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    migrate(url)
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def empty_postgres(url: str) -> None:
    """Empty every table, so each test starts from a fresh database."""
    engine = create_engine(url)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path) -> str:
    """The database URL for one test: a copy of the migrated SQLite file, or PostgreSQL."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        empty_postgres(url)
        return url
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "casereview.sqlite3"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    """Close every app's connections after each test (PostgreSQL has a connection limit)."""
    yield
    while _apps:
        _apps.pop().extensions["casereview.engine"].dispose()


def make_app(tmp_path: Path, database: str, clock: Clock, **overrides: Any) -> Flask:
    """An app on `database` (a URL), with the test clock wired into the services."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": database,
        "MAIL_DROP_DIR": str(tmp_path / "maildrop"),
        "SECRET_KEY": "test",
        "CASEREVIEW_POLICY": "default",
        "TEAM_EMAIL": "team@council.example",
        "MAIL_FROM": "Case review <casereview@council.example>",
        "SMTP_HOST": None,
        "RATE_LIMITS": False,  # on in tests/test_limits.py, which checks them
    }
    settings.update(overrides)
    app = create_app(settings)
    app.extensions["casereview.conversations"].clock = clock
    _apps.append(app)
    return app


@pytest.fixture
def app(tmp_path: Path, database: str, clock: Clock) -> Flask:
    return make_app(tmp_path, database, clock)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class RecordingHandler:
    """An aiosmtpd handler that keeps every message and can refuse the first few with 451."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_next = 0
        self.attempts = 0
        self.peers: list[Any] = []  # the client address of each message: one per connection
        self.delay = 0.0  # seconds to wait before answering DATA, to slow a worker down
        self.recipients: list[list[str]] = []  # the SMTP envelope's RCPT TO of each message

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        self.peers.append(session.peer)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        self.recipients.append(list(envelope.rcpt_tos))
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (aiosmtpd), recording what it receives."""
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()
