"""Turn latency while idle and slow connections are held open (issue 12, item 5). Not a test.

Residents run whole conversations on SQLite (every turn is a write) against `casereview serve`
and, for comparison, gunicorn's sync and gthread workers, each with 2 processes: first with
nothing else connected, then while `--idle` sockets send nothing and `--slow` sockets send one
header line every two seconds. A request with no answer in `--timeout` seconds is an error.

    .venv/bin/python bench/slow_clients.py   # prints a table, writes build/bench/slow_clients.md
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conversation import ANSWERS  # bench/ is on sys.path when this runs as a script
from load import TURNS
from load import Stats
from load import free_port
from load import http
from load import serve
from report import OUT


async def resident(port: int, stats: Stats, start: float, end: float, timeout: float) -> None:
    """Whole conversations until the window ends; a turn slower than `timeout` is an error."""
    while time.monotonic() < end:
        session = ""
        for number in range(TURNS):
            if number == 0:
                path, body, ok = "/api/chat/sessions", {}, 201
            else:
                path, body, ok = f"/api/chat/sessions/{session}/messages", {
                    "text": ANSWERS[number - 1]}, 200  # fmt: skip
            t0 = time.monotonic()
            try:
                status, reply = await asyncio.wait_for(http(port, "POST", path, body), timeout)
            except (TimeoutError, OSError, ValueError, IndexError):
                status, reply = 0, None
            t1 = time.monotonic()
            if status != ok:
                stats.errors += 1
                break
            if number == 0:
                session = reply["session_id"]
            if start <= t0 and t1 <= end:
                stats.latencies.append((t1 - t0) * 1000)
                if number == TURNS - 1:
                    stats.conversations += 1


async def hold(port: int, idle: int, slow: int, stop: asyncio.Event) -> None:
    """Open `idle` silent sockets and `slow` sockets that trickle a header every 2 s."""
    writers = []
    for _ in range(idle):
        writers.append((await asyncio.open_connection("127.0.0.1", port))[1])

    async def trickle() -> None:
        while not stop.is_set():
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"POST /api/chat/sessions HTTP/1.1\r\nHost: x\r\n")
                while not stop.is_set():
                    await asyncio.sleep(2)
                    writer.write(b"X-Slow: 1\r\n")
                    await writer.drain()
            except OSError:
                await asyncio.sleep(0.5)  # the server closed it: open another

    tasks = [asyncio.create_task(trickle()) for _ in range(slow)]
    await stop.wait()
    for task in tasks:
        task.cancel()
    for writer in writers:
        writer.close()


def pct(values: list[float], p: int) -> float:
    """The p-th percentile (nan with fewer than two timings: this table says how many failed)."""
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else float("nan")


def run(port: int, residents: int, seconds: float, idle: int, slow: int,
        timeout: float) -> Stats:  # fmt: skip
    """One measurement window, with the slow sockets (if any) opened first."""
    stats = Stats()

    async def main() -> None:
        stop = asyncio.Event()
        holder = asyncio.create_task(hold(port, idle, slow, stop))
        await asyncio.sleep(1.0 if idle or slow else 0)
        start = time.monotonic() + 1.0
        end = start + seconds
        await asyncio.gather(
            *(resident(port, stats, start, end, timeout) for _ in range(residents))
        )
        stop.set()
        await holder

    asyncio.run(main())
    return stats


def servers(folder: Path, threads: list[int]) -> dict[str, tuple[list[str], dict[str, str], int]]:
    """The server models compared, each on its own SQLite file, 2 processes each."""
    found: dict[str, tuple[list[str], dict[str, str], int]] = {}
    names = [f"casereview serve (waitress), {t} thread(s)" for t in threads]
    for name in [*names, "gunicorn sync", "gunicorn gthread x4"]:
        port = free_port()
        data = folder / str(len(found))
        data.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, CASEREVIEW_INSTANCE=str(data), SECRET_KEY="bench",
                   LOG_LEVEL="ERROR", PORT=str(port), HOST="127.0.0.1",
                   RATE_LIMITS="off")  # fmt: skip
        env.pop("DATABASE_URL", None)
        if name.startswith("casereview"):
            command = [sys.executable, "-m", "bot.cli", "serve", "--no-worker", "--workers", "2",
                       "--threads", name.split(", ")[1].split()[0]]  # fmt: skip
        else:
            command = [sys.executable, "-m", "gunicorn", "--workers", "2",
                       "--bind", f"127.0.0.1:{port}", "bot:create_app()"]  # fmt: skip
            if "gthread" in name:
                command += ["--worker-class", "gthread", "--threads", "4"]
            # gunicorn alone does not migrate; casereview serve does it on start.
            migrate = [sys.executable, "-m", "bot.cli", "migrate"]
            subprocess.run(migrate, env=env, check=True, capture_output=True)
        found[name] = (command, env, port)
    return found


def main() -> None:
    """Every server model, quiet and under slow clients; print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--residents", type=int, default=16)
    parser.add_argument("--idle", type=int, default=100)
    parser.add_argument("--slow", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--threads", default="1,2,4", help="waitress threads per process to try")
    parser.add_argument("--only-casereview", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="casereview-slow-"))
    rows = []
    try:
        models = servers(folder, [int(t) for t in args.threads.split(",")])
        for name, (command, env, port) in models.items():
            if args.only_casereview and not name.startswith("casereview"):
                continue
            probe: tuple[str, str, dict[str, str]] = ("POST", "/api/chat/sessions", {})
            with serve(command, env, port, probe, 201):
                for idle, slow in ((0, 0), (args.idle, args.slow)):
                    s = run(port, args.residents, args.seconds, idle, slow, args.timeout)
                    load = "quiet" if not idle else f"{idle} idle + {slow} trickling sockets"
                    rows.append((
                        f"{name}, {args.residents} residents, {load}",
                        f"{len(s.latencies) / args.seconds:.0f} turns/s, p50 / p99 / max "
                        f"{pct(s.latencies, 50):.1f} / {pct(s.latencies, 99):.1f} / "
                        f"{max(s.latencies, default=float('nan')):.1f} ms, "
                        f"{s.errors} turns timed out or failed",
                    ))  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    table = "| run | result |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    print(table)  # noqa: T201
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "slow_clients.md").write_text(
        f"Measured by bench/slow_clients.py, {time.strftime('%Y-%m-%d')}, SQLite, "
        f"{os.cpu_count()} cores, request timeout {args.timeout:g} s:\n\n{table}\n"
    )


if __name__ == "__main__":
    main()
