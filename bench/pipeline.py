"""What one turn costs beside doing nothing: one resident, one after another, on a real server.

Not a test. `make bench` runs it (8 conversations; `make bench-long` 32) and writes
build/bench/pipeline.md. It starts `casereview serve` (SQLite), and one client runs whole
conversations. Before each turn the client asks the same server for a page that does not
exist, so each turn is paired with a bare 404 measured a moment before it. The figure is the
median turn time over the median 404 time: what the pipeline adds (lock, restore, turn, save)
over Flask, routing and the HTTP round trip.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from conversation import ANSWERS  # bench/ is on sys.path when this runs as a script
from load import casereview
from load import http
from load import serve
from report import LONG
from report import Row
from report import write

from bot.db import migrate

CONVERSATIONS = 32 if LONG else 8


async def _timed(port: int, method: str, path: str, body: object) -> tuple[float, int, object]:
    started = time.perf_counter()
    status, reply = await http(port, method, path, body)
    return (time.perf_counter() - started) * 1000, status, reply


async def _conversations(port: int) -> tuple[list[float], list[float]]:
    turns: list[float] = []
    bare: list[float] = []
    for _ in range(CONVERSATIONS):
        elapsed, status, reply = await _timed(port, "POST", "/api/chat/sessions", {})
        assert status == 201, status
        session = reply["session_id"]  # type: ignore[index]
        for text in ANSWERS:
            miss, status, _ = await _timed(port, "POST", "/api/no-such-page", {})
            assert status == 404, status
            bare.append(miss)
            path = f"/api/chat/sessions/{session}/messages"
            elapsed, status, _ = await _timed(port, "POST", path, {"text": text})
            assert status == 200, status
            turns.append(elapsed)
    return turns, bare


def measure() -> list[Row]:
    """Median turn and 404 times, one client, SQLite."""
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        migrate(database)
        command, env = casereview(database, Path(folder))
        port = int(env["PORT"])
        with serve(command, env, port, ("POST", "/api/chat/sessions", {}), 201):
            asyncio.run(_conversations(port))  # warm-up: imports, caches, the first page
            turns, bare = asyncio.run(_conversations(port))
    turn, miss = statistics.median(turns), statistics.median(bare)
    return [
        (
            f"one resident, {CONVERSATIONS} whole conversations: turn / bare 404 on the same "
            "server (medians)",
            f"{turn:.2f} / {miss:.2f} ms = {turn / miss:.2f}x",
            "at most 2.0x",
        )
    ]


def main() -> None:
    """Print the table and write it to build/bench/pipeline.md."""
    write("pipeline", "bench/pipeline.py", measure())


if __name__ == "__main__":
    main()
