"""Real `casereview serve` processes for tests: each on a free port, its log in a file."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot import crypto
from bot import store
from bot.db import make_engine
from tests.helpers import conversation
from tests.helpers import incident

ANSWERS = conversation([incident("2 weeks ago", "12 days ago")])
SECRET_KEY = "first-secret"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a test server: its own instance folder, SQLite, no providers."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SMTP_", "TWILIO_", "DATA_KEYS", "DATABASE_URL"))}  # fmt: skip
    env.update(
        SECRET_KEY=SECRET_KEY,
        CASEREVIEW_INSTANCE=str(folder),
        LOG_LEVEL="INFO",
        TEAM_EMAIL="team@council.example",
        OUTBOX_POLL_SECONDS="0.2",
        RATE_LIMITS="off",
    )
    env.update(extra)
    return env


class Serve:
    """One `casereview serve` process, its log in a file."""

    def __init__(self, folder: Path, *args: str, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"serve-{self.port}.log"
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "bot.cli", "serve", "--workers", "2", *args]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=serve_env(folder, PORT=str(self.port), **env), stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.log.read_text())

    def call(self, method: str, path: str, body: Any = None, timeout: float = 20) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def resident(self, timeout: float = 20) -> tuple[str, str]:
        """A whole application; returns the session id and the reference."""
        status, turn = self.call("POST", "/api/chat/sessions", {}, timeout)
        assert status == 201
        sid = turn["session_id"]
        for text in [*ANSWERS, "yes"]:
            status, turn = self.call("POST", f"/api/chat/sessions/{sid}/messages",
                                     {"text": text}, timeout)  # fmt: skip
            assert status == 200, turn
        return sid, turn["reference"]

    def children(self) -> dict[int, str]:
        """The supervisor's children: pid to command line."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if int(stat[1]) == self.process.pid:
                found[int(entry.name)] = cmdline
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


@contextmanager
def serving(folder: Path, *args: str, **env: str) -> Iterator[Serve]:
    server = Serve(folder, *args, **env)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def on_database(database: str, folder: Path) -> Serve:
    """A started `casereview serve --no-worker` on `database` (PostgreSQL or a SQLite file)."""
    server = Serve(folder, "--no-worker", DATABASE_URL=database, LOG_LEVEL="WARNING",
                   HOST="127.0.0.1")  # fmt: skip
    server.wait_ready()
    return server


def stored_transcript(database: str, session: str) -> list[str]:
    """What the resident said, as stored (a sent conversation's API shows only its reference)."""
    engine = make_engine(database)
    crypto.attach(engine, crypto.Vault([crypto.derived_key(SECRET_KEY)]))
    with engine.connect() as conn:
        transcript = store.read_transcript(conn, session)
    engine.dispose()
    return [line["text"] for line in transcript if line["from"] == "resident"]
