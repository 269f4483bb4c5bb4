"""Real service processes for tests: `casereview serve` on a free loopback port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bot import crypto
from bot import store
from bot.db import make_engine

SECRET_KEY = "servers-test"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(database: str, folder: Path, **extra: str) -> dict[str, str]:
    """The environment for a service process: this test's database and folder, no real providers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "TWILIO_"))}
    env.update(
        DATABASE_URL=database,
        SECRET_KEY=SECRET_KEY,
        CASEREVIEW_INSTANCE=str(folder),
        LOG_LEVEL="WARNING",
        TEAM_EMAIL="team@council.example",
        OUTBOX_POLL_SECONDS="0.2",
        RATE_LIMITS="off",  # these residents all come from 127.0.0.1, fast
        **extra,
    )
    return env


class Server:
    """One `casereview serve --no-worker` process (gunicorn, 2 sync workers)."""

    def __init__(self, database: str, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = service_env(database, folder, PORT=str(self.port), HOST="127.0.0.1")
        command = [sys.executable, "-m", "bot.cli", "serve", "--no-worker", "--workers", "2"]
        # A session of its own, so a test can kill the server's whole process group.
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def stored_transcript(database: str, session: str) -> list[str]:
    """What the resident said, as stored (a sent conversation's API shows only its reference)."""
    engine = make_engine(database)
    crypto.attach(engine, crypto.Vault([crypto.derived_key(SECRET_KEY)]))
    with engine.connect() as conn:
        transcript = store.read_transcript(conn, session)
    engine.dispose()
    return [line["text"] for line in transcript if line["from"] == "resident"]
