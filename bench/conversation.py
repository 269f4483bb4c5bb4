"""Server time for complete conversations through the Flask app (in-process, SQLite).

Not a test: prints a small table and writes it to build/bench/conversation.md. Run with
`make bench` (50 conversations by each channel) or `make bench-long` (200). Measures wall and
CPU time of the app handling each turn (no network), through the JSON API and through the
signed Twilio webhook.
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask
from report import LONG  # bench/ is on sys.path when this runs as a script
from report import Row
from report import percentiles
from report import write
from twilio.request_validator import RequestValidator

from bot import create_app
from bot.db import migrate
from dialogs.parsing import warm_up

ANSWERS = [
    "yes", "1", "Jane Smith", "1 High Street", "SW1A 1AA", "07123 456789", "jane@example.com",
    "email", "phone calls, email", "no", "no", "Outside 1 High Street", "no", "no",
    *["1/10/2026", "Loud music at night", "police, council", "2/10/2026", "CAD 1", "yes"] * 2,
    "1/10/2026", "Loud music at night", "police", "2/10/2026", "no", "no",
    "The police came once", "I cannot sleep", "no", "I want it to stop", "yes",
]  # fmt: skip


def main(conversations: int = 200 if LONG else 50) -> None:
    """Run the conversations and report per-turn and per-conversation figures."""
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    migrate(url)
    warm_up()
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "LOG_LEVEL": "WARNING",
                      "MAIL_DROP_DIR": str(folder / "drop"), "TWILIO_AUTH_TOKEN": TOKEN,
                      "PUBLIC_URL": "https://bench.example", "RATE_LIMITS": False})  # fmt: skip
    client = app.test_client()
    gc.freeze()  # as `casereview serve` does once start-up is done
    turn_ms: list[float] = []
    conv_cpu_ms: list[float] = []
    for _ in range(conversations):
        cpu0 = time.process_time()
        sid = client.post("/api/chat/sessions", json={}).get_json()["session_id"]
        for text in ANSWERS:
            t0 = time.perf_counter()
            response = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": text})
            turn_ms.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        assert response.get_json()["reference"]
        conv_cpu_ms.append((time.process_time() - cpu0) * 1000)
    sms_ms = sms_turns(app, conversations)
    turns = len(ANSWERS) + 1
    rows: list[Row] = [
        ("conversations", f"{conversations} of {turns} turns each, by each channel", ""),
        ("web turn latency p50 / p99 (in-process)", percentiles(turn_ms, digits=2), ""),
        (
            "CPU per complete web conversation (median, in-process)",
            f"{statistics.median(conv_cpu_ms):.1f} ms",
            "",
        ),
        (
            "SMS webhook turn p50 / p99 (signature + TwiML)",
            percentiles(sms_ms, digits=2),
            "well inside Twilio's 15 s",
        ),
    ]
    write("conversation", "bench/conversation.py", rows)


TOKEN = "bench-auth-token"


def sms_turns(app: Flask, conversations: int) -> list[float]:
    """Milliseconds per signed webhook turn, each number running a whole application."""
    client = app.test_client()
    validator = RequestValidator(TOKEN)
    url = "https://bench.example/sms/twilio"
    timings: list[float] = []
    for number in range(conversations):
        sender = f"+4471234{number:05d}"
        for turn, text in enumerate(["Hello", *ANSWERS]):
            params = {"From": sender, "Body": text, "MessageSid": f"SM{number:06d}{turn:04d}"}
            headers = {"X-Twilio-Signature": validator.compute_signature(url, params)}
            t0 = time.perf_counter()
            response = client.post("/sms/twilio", data=params, headers=headers)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        assert b"Your reference is CR-" in response.data
    return timings


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
