"""Server time for complete conversations through the Flask app (in-process, SQLite).

Not a test: prints a small table and writes it to bench/results.md. Run with `make bench`.
Measures wall and CPU time of the app handling each turn (no network), for N conversations.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot import create_app
from bot.db import migrate
from dialogs.parsing import warm_up

ANSWERS = [
    "yes", "1", "Jane Smith", "1 High Street", "SW1A 1AA", "07123 456789", "jane@example.com",
    "email", "no", "no",
    *["1/10/2026", "Loud music at night", "police, council", "2/10/2026", "CAD 1", "yes"] * 2,
    "1/10/2026", "Loud music at night", "police", "2/10/2026", "no", "no",
    "I cannot sleep", "no", "I want it to stop", "yes",
]  # fmt: skip


def main(conversations: int = 50) -> None:
    """Run the conversations and report per-turn and per-conversation figures."""
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    migrate(url)
    warm_up()
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "LOG_LEVEL": "WARNING",
                      "MAIL_DROP_DIR": str(folder / "drop")})  # fmt: skip
    client = app.test_client()
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
    turns = len(ANSWERS) + 1
    q = statistics.quantiles(turn_ms, n=100)
    rows = [
        ("conversations", f"{conversations} of {turns} turns each"),
        ("turn latency p50 / p99 (in-process)", f"{q[49]:.2f} ms / {q[98]:.2f} ms"),
        ("CPU per complete conversation (median)", f"{statistics.median(conv_cpu_ms):.1f} ms"),
        ("python", sys.version.split()[0]),
    ]
    table = "| figure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    print(table)  # noqa: T201
    Path(__file__).with_name("results.md").write_text(
        "Measured by `make bench` (bench/conversation.py), "
        f"{time.strftime('%Y-%m-%d')}:\n\n{table}\n"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
