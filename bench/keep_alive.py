"""What connections kept open cost the server: clients that reuse one connection each. Not a test.

Browsers, and load balancers that pool their connections to the service, keep a connection
open between requests; `bench/load.py` opens a new one for every request. Here 1, 2, 4 and 8
clients each send requests back to back on a connection of their own (HTTP/1.1 keep-alive),
to a bare Flask echo and to a page casereview does not have (a 404, the cheapest request it
answers), both on the servers `bench/load.py` uses. It reports requests per second, latency
and the server's CPU per request.

`make bench` runs it (500 requests a client; `make bench-long` 2,000) after bench/load.py.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

from load import bare_flask  # bench/ is on sys.path when this runs as a script
from load import casereview
from load import children
from load import cpu_seconds
from load import serve
from report import LONG
from report import Row
from report import percentiles
from report import write

from bot.db import migrate

REQUESTS = 2000 if LONG else 500
"""Requests each client sends."""


async def _client(port: int, path: str, timings: list[float]) -> None:
    """REQUESTS requests on one connection, each sent when the last answer has arrived."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"text": "hello"}).encode()
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    for _ in range(REQUESTS):
        started = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))  # fmt: skip
        await reader.readexactly(length)
        timings.append((time.perf_counter() - started) * 1000)
    writer.close()


def _measure(name: str, port: int, pids: list[int], path: str, rows: list[Row]) -> None:
    for clients in (1, 2, 4, 8):
        timings: list[float] = []
        cpu0, started = cpu_seconds(pids), time.perf_counter()

        async def run() -> None:
            await asyncio.gather(*(_client(port, path, timings) for _ in range(clients)))  # noqa: B023

        asyncio.run(run())
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(pids) - cpu0
        rows.append((
            f"{name}, {clients} kept-open connection{'s' if clients > 1 else ''}",
            f"{len(timings) / elapsed:.0f}/s, p50 / p99 {percentiles(timings)}, "
            f"server CPU {cpu / len(timings) * 1000:.2f} ms a request",
            "",
        ))  # fmt: skip


def main() -> None:
    """Print the table and write it to build/bench/keep_alive.md."""
    rows: list[Row] = []
    command, env, port = bare_flask()
    with serve(command, env, port, ("POST", "/echo", {"text": "x"}), 200) as served:
        time.sleep(0.5)
        _measure("bare Flask echo", port, children(served.process.pid), "/echo", rows)
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        migrate(database)
        command, env = casereview(database, Path(folder))
        port = int(env["PORT"])
        with serve(command, env, port, ("POST", "/api/chat/sessions", {}), 201) as served:
            _measure("casereview 404", port, served.wait_for_workers(2), "/api/no-such-page", rows)
    write("keep_alive", "bench/keep_alive.py", rows)


if __name__ == "__main__":
    main()
