"""A local HTTP server that plays Twilio's and GOV.UK Notify's REST APIs for the real clients.

It records every request the unmodified client libraries send, and answers from a script:
success by default, or the statuses a test queues (a 503, then success; a permanent 400).
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest

from tests.helpers import QuietHandler
from tests.helpers import http_server


@dataclass
class Seen:
    """One request as it arrived."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def basic_auth(self) -> tuple[str, str]:
        scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
        assert scheme == "Basic"
        user, _, password = base64.b64decode(encoded).decode().partition(":")
        return user, password

    def bearer_claims(self, secret: str) -> dict[str, Any]:
        """Notify's JWT, checked with the service's secret as Notify would."""
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        assert scheme == "Bearer"
        claims: dict[str, Any] = jwt.decode(token, secret, algorithms=["HS256"])
        return claims


@dataclass
class ProviderServer:
    """The stand-in; `fail_next` queues (status, error body) answers before success resumes."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    fail_next: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, request: Seen) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.seen.append(request)
            if self.fail_next:
                return self.fail_next.pop(0)
        if request.path.endswith("/Messages.json"):
            form = request.form
            sid = "SM" + uuid.uuid4().hex
            return 201, {
                "sid": sid,
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "status": "queued",
            }
        if request.path.startswith("/v2/notifications/"):
            body = request.json
            return 201, {"id": str(uuid.uuid4()), "reference": body.get("reference"),
                         "content": {}, "uri": "", "template": {}}  # fmt: skip
        return 404, {"message": "not found"}


def twilio_error(status: int, code: int, message: str) -> tuple[int, dict[str, Any]]:
    """An error body shaped like Twilio's."""
    return status, {"code": code, "message": message, "status": status,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}"}  # fmt: skip


def notify_error(status: int, error: str, message: str) -> tuple[int, dict[str, Any]]:
    """An error body shaped like Notify's."""
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


@pytest.fixture
def provider() -> Iterator[ProviderServer]:
    """The provider stand-in on a free loopback port."""
    state = ProviderServer()

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Seen("POST", self.path, dict(self.headers), self.rfile.read(length))
            status, payload = state.answer(request)
            self.reply(status, json.dumps(payload).encode(), "application/json")

    with http_server(Handler) as url:
        state.url = url
        yield state
