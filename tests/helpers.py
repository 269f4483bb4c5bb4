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
    "phone calls, email",  # safe ways to contact
    "no",  # safe contact
    "no",  # support needs
    "Outside 1 High Street",  # where it happens
    "no",  # who is causing it
]
REPRESENTATIVE_DETAILS = ["yes", "2", "Sam Jones", "friend", "yes", "skip", *VICTIM_DETAILS[2:]]
"""The same details, from a friend asking for Sam Jones (who agreed, reached through them)."""


def incident(date: str, reported: str, to: str = "police", ref: str = "no") -> list[str]:
    """The five answers of one incident (a sixth, hate, is added by `conversation`)."""
    return [date, "Loud music and shouting at night", to, reported, ref]


def conversation(
    incidents: Sequence[list[str]],
    *,
    hate: bool = False,
    details: Sequence[str] = VICTIM_DETAILS,
    community: str | None = None,
    agency_response: str = "The police came once, but it goes on",
    tail: Sequence[str] = ("It stops me sleeping", "no", "I want it to stop"),
) -> list[str]:
    """A whole application, from consent to check-your-answers (not including 'yes')."""
    answers = list(details)
    answers += ["yes", "race"] if hate else ["no"]
    housing = False
    for number, answers_for_one in enumerate(incidents):
        if number:
            answers.append("yes")  # another incident
        one = list(answers_for_one)
        if hate:
            one.insert(2, "yes")  # this incident was because of who they are
        housing = housing or "housing" in one[3 if hate else 2]
        answers += one
    answers.append("no")  # no more incidents
    if housing:
        answers.append("Example Homes")  # which housing provider
    if community is not None:
        answers.append(community)
    answers.append(agency_response)
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
