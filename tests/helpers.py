"""Scripted residents: answers for a whole conversation, to drive the dialog or the API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any

VICTIM_DETAILS = [
    "yes",  # consent
    "1",  # victim
    "Jane Smith",
    "1 High Street, Exampletown",
    "sw1a1aa",
    "07123 456789",
    "jane@example.com",
    "email",
    "no",  # safe contact
]


def incident(date: str, reported: str, to: str = "police", ref: str = "no") -> list[str]:
    """The five answers of one incident."""
    return [date, "Loud music and shouting at night", to, reported, ref]


def conversation(
    incidents: Sequence[list[str]],
    *,
    hate: bool = False,
    details: Sequence[str] = VICTIM_DETAILS,
    community: str | None = None,
    tail: Sequence[str] = ("It stops me sleeping", "no", "I want it to stop"),
) -> list[str]:
    """A whole application, from consent to check-your-answers (not including 'yes')."""
    answers = list(details)
    answers += ["yes", "race"] if hate else ["no"]
    for number, answers_for_one in enumerate(incidents):
        if number:
            answers.append("yes")  # another incident
        answers += answers_for_one
    answers.append("no")  # no more incidents
    if community is not None:
        answers.append(community)
    answers += list(tail)
    return answers


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler for local stand-in servers: answers with `reply`, logs nothing."""

    def reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free loopback port in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
