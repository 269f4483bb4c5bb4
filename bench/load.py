"""Load benchmark: simulated residents against real casereview serve processes, beside bare Flask.

Not a test. `make bench` runs it (5 s windows, a few minutes in all) and `make bench-long`
(30 s windows, more conversations); it prints one table and writes it to
build/bench/load.md, with a target beside each figure that has one.

Each resident runs complete conversations (the answers of bench/conversation.py) through the
JSON API, one after another.
The same client drives a bare Flask echo app under the same server settings (waitress, 2
workers), so turn throughput / bare throughput is measured in one run on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from conversation import ANSWERS  # bench/ is on sys.path when this runs as a script
from report import LONG
from report import Row
from report import not_measured
from report import percentiles
from report import write
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TURNS = len(ANSWERS) + 1  # the first POST opens the conversation


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def http(port: int, method: str, path: str, body: Any) -> tuple[int, Any]:
    """One HTTP/1.1 request on a new connection (gunicorn's sync workers close each one)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = json.dumps(body).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + data)
    raw = await reader.read()
    writer.close()
    header, _, payload = raw.partition(b"\r\n\r\n")
    return int(header.split(b" ", 2)[1]), json.loads(payload)


@dataclass
class Stats:
    """What the residents measured inside the window."""

    latencies: list[float] = field(default_factory=list)
    final_turns: list[float] = field(default_factory=list)
    conversations: int = 0
    errors: int = 0
    all_turns: int = 0
    """Every turn answered, warm-up included, to share out the server's CPU time."""


async def resident(port: int, echo: bool, stats: Stats, start: float, end: float) -> None:
    """Complete conversations until the window ends; only turns inside it count."""
    while time.monotonic() < end:
        session = ""
        for number in range(TURNS):
            text = ANSWERS[number - 1] if number else ""
            if echo:
                method, path, body, ok = "POST", "/echo", {"text": text or "start"}, 200
            elif number == 0:
                method, path, body, ok = "POST", "/api/chat/sessions", {}, 201
            else:
                path = f"/api/chat/sessions/{session}/messages"
                method, body, ok = "POST", {"text": text}, 200
            t0 = time.monotonic()
            status, reply = await http(port, method, path, body)
            t1 = time.monotonic()
            if status != ok:
                stats.errors += 1
                break
            stats.all_turns += 1
            if number == 0 and not echo:
                session = reply["session_id"]
            if start <= t0 and t1 <= end:
                stats.latencies.append((t1 - t0) * 1000)
                if number == TURNS - 1:
                    stats.final_turns.append((t1 - t0) * 1000)
                    stats.conversations += 1


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def children(pid: int) -> list[int]:
    """The gunicorn workers under a master process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Served:
    """A running gunicorn master and how long it took to serve its first request."""

    process: subprocess.Popen[bytes]
    port: int
    first_request_s: float

    @property
    def workers(self) -> list[int]:
        return children(self.process.pid)

    def wait_for_workers(self, count: int) -> list[int]:
        """The worker pids, once all `count` have forked (the first may answer before the
        last exists, and CPU time must be summed over all of them)."""
        deadline = time.monotonic() + 30
        while len(self.workers) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.workers


@contextmanager
def serve(command: list[str], env: dict[str, str], port: int, probe: tuple[str, str, Any],
          ok: int) -> Iterator[Served]:  # fmt: skip
    """Start a server and time process start to first successful request."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while True:
            try:
                status, _ = asyncio.run(http(port, *probe))
                if status == ok:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() - started > 60:
                raise RuntimeError(f"server did not start: {' '.join(command)}")
            time.sleep(0.01)
        yield Served(process, port, time.monotonic() - started)
    finally:
        process.terminate()
        process.wait(timeout=30)


def casereview(database: str, folder: Path, workers: int = 2) -> tuple[list[str], dict[str, str]]:
    """The command and environment for `casereview serve` without the delivery worker."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database, CASEREVIEW_INSTANCE=str(folder),
               SECRET_KEY="bench", LOG_LEVEL="WARNING", PORT=str(port), RATE_LIMITS="off",
               HOST="127.0.0.1")  # fmt: skip
    command = [sys.executable, "-m", "bot.cli", "serve", "--no-worker", "--workers", str(workers)]
    return command, env


def bare_flask() -> tuple[list[str], dict[str, str], int]:
    """The echo app under the same server and settings as casereview serve (waitress, 2
    processes of 4 threads; bench/echo_serve.py)."""
    port = free_port()
    command = [sys.executable, str(ROOT / "bench" / "echo_serve.py"), str(port)]
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}", SECRET_KEY="bench")
    return command, env, port


def run_load(port: int, residents: int, seconds: float, echo: bool) -> Stats:
    """`residents` at once for a warm-up second and then `seconds` of measurement."""
    stats = Stats()

    async def main() -> None:
        start = time.monotonic() + 1.0
        end = start + seconds
        await asyncio.gather(*(resident(port, echo, stats, start, end) for _ in range(residents)))

    asyncio.run(main())
    return stats


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A throwaway schema on the PostgreSQL server."""
    schema = f"bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(POSTGRES)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def measure_backend(name: str, database: str, folder: Path, seconds: float,
                    rows: list[Row], ratios: dict[str, float],
                    bare: dict[int, float]) -> None:  # fmt: skip
    """Throughput, latency and CPU per conversation for one database."""
    command, env = casereview(database, folder)
    port = int(env["PORT"])
    with serve(command, env, port, ("POST", "/api/chat/sessions", {}), 201) as served:
        rows.append((f"{name}: process start to first turn served",
                     f"{served.first_request_s:.2f} s", "at most 1 s"))  # fmt: skip
        for residents in (8, 64):
            pids = served.wait_for_workers(2)
            cpu0 = cpu_seconds(pids)
            stats = run_load(port, residents, seconds, echo=False)
            cpu = cpu_seconds(pids) - cpu0
            rate = len(stats.latencies) / seconds
            rows.append((
                f"{name}, {residents} residents: turns/s, p50 / p99",
                f"{rate:.0f}/s, {percentiles(stats.latencies)}"
                f" ({rate / bare[residents]:.2f} of bare Flask, {stats.errors} errors)",
                "p99 at most 15 ms" if residents == 8 else "",
            ))  # fmt: skip
            rows.append((
                f"{name}, {residents} residents: final confirmation turn p50 / p99",
                percentiles(stats.final_turns, why_few="{n} conversations ended inside the"
                            f" {seconds:g} s window (make bench-long measures for longer)"),
                "",
            ))  # fmt: skip
            conversations = stats.all_turns / TURNS
            rows.append((
                f"{name}, {residents} residents: server CPU per complete conversation",
                f"{cpu / conversations * 1000:.1f} ms" if conversations
                else not_measured("no turn was answered"),
                "at most 40 ms",
            ))  # fmt: skip
            ratios[f"{name}/{residents}"] = rate / bare[residents]


def measure_memory(database: str, folder: Path, marks_at: list[int], rows: list[Row]) -> None:
    """RSS of one worker (the only one) after each number of conversations in `marks_at`."""
    command, env = casereview(database, folder, workers=1)
    port = int(env["PORT"])
    with serve(command, env, port, ("POST", "/api/chat/sessions", {}), 201) as served:
        [worker] = served.wait_for_workers(1)
        marks = {}
        done = 0

        async def batch(count: int) -> None:
            stats = Stats()
            await asyncio.gather(*(one(stats) for _ in range(count)))

        async def one(stats: Stats) -> None:
            _, turn = await http(port, "POST", "/api/chat/sessions", {})
            session = turn["session_id"]
            for text in ANSWERS:
                await http(port, "POST", f"/api/chat/sessions/{session}/messages", {"text": text})

        for mark in sorted(set(marks_at)):
            while done < mark:
                step = min(8, mark - done)
                asyncio.run(batch(step))
                done += step
            marks[mark] = rss_mb(worker)
        text = ", ".join(f"{marks[m]:.1f} MB after {m:,}" for m in sorted(marks))
        rows.append(("RSS of the web process (1 process, SQLite)", text,
                     "at most 70 MB after 5,000"))  # fmt: skip


def measure_delivery(folder: Path, count: int, rows: list[Row]) -> None:
    """Emails delivered per second by one worker to an SMTP server on loopback (aiosmtpd)."""
    from bot import create_app
    from bot import deliverer
    from bot.db import migrate

    url = f"sqlite:///{folder / 'delivery.sqlite3'}"
    migrate(url)
    smtp_port = free_port()
    smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                             "-l", f"127.0.0.1:{smtp_port}"])  # fmt: skip
    try:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "LOG_LEVEL": "WARNING",
                          "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port,
                          "MAIL_DROP_DIR": str(folder / "drop"),
                          "RATE_LIMITS": False})  # fmt: skip
        client = app.test_client()
        for _ in range(count // 2):  # each request queues the team email and an acknowledgement
            session = client.post("/api/chat/sessions", json={}).get_json()["session_id"]
            for text in ANSWERS:
                client.post(f"/api/chat/sessions/{session}/messages", json={"text": text})
        time.sleep(0.5)
        worker = deliverer(app)
        started = time.monotonic()
        sent = 0
        while True:
            counts = worker.run_once(limit=100)
            sent += counts["sent"]
            if not any(counts.values()):
                break
        elapsed = time.monotonic() - started
        rows.append(("emails delivered per second, one worker, loopback SMTP",
                     f"{sent / elapsed:.0f}/s ({sent} emails)", "at least 50/s"))  # fmt: skip
    finally:
        smtp.terminate()
        smtp.wait(timeout=10)


def postgres_reachable() -> str:
    """Empty when the PostgreSQL server answers, else why not (for the table)."""
    engine = create_engine(POSTGRES)
    try:
        with engine.connect():
            return ""
    except OperationalError:
        return f"no PostgreSQL server answered at {POSTGRES.split('@')[-1]}"
    finally:
        engine.dispose()


def main() -> None:
    """Run every measurement and write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0 if LONG else 5.0,
                        help="measurement window per run")  # fmt: skip
    parser.add_argument("--memory-conversations", type=int, nargs=2,
                        default=[1000, 5000] if LONG else [200, 600],
                        help="the worker's memory after this many and that many")  # fmt: skip
    parser.add_argument("--emails", type=int, default=400 if LONG else 200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="casereview-bench-"))
    rows: list[Row] = []
    ratios: dict[str, float] = {}
    why_not = ""
    try:
        command, env, port = bare_flask()
        bare: dict[int, float] = {}
        with serve(command, env, port, ("POST", "/echo", {"text": "x"}), 200):
            for residents in (8, 64):
                stats = run_load(port, residents, args.seconds, echo=True)
                bare[residents] = len(stats.latencies) / args.seconds
                rows.append((f"bare Flask echo, {residents} clients: requests/s, p50 / p99",
                             f"{bare[residents]:.0f}/s, {percentiles(stats.latencies)}",
                             ""))  # fmt: skip
        sqlite = f"sqlite:///{folder / 'bench.sqlite3'}"
        measure_backend("SQLite", sqlite, folder / "sqlite", args.seconds, rows, ratios, bare)
        why_not = postgres_reachable()
        if why_not:
            rows.append(("PostgreSQL: every figure", not_measured(why_not), ""))
        else:
            with postgres_schema() as postgres:
                measure_backend("PostgreSQL", postgres, folder / "pg", args.seconds, rows, ratios,
                                bare)  # fmt: skip
        measure_memory(f"sqlite:///{folder / 'memory.sqlite3'}", folder / "memory",
                       args.memory_conversations, rows)  # fmt: skip
        measure_delivery(folder, args.emails, rows)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows.insert(0, ("turn throughput / bare Flask, 8 residents: SQLite",
                    f"{ratios['SQLite/8']:.2f}", "at least 0.35"))  # fmt: skip
    rows.insert(1, ("turn throughput / bare Flask, 8 residents: PostgreSQL",
                    f"{ratios['PostgreSQL/8']:.2f}" if "PostgreSQL/8" in ratios
                    else not_measured(why_not), "at least 0.35"))  # fmt: skip
    write("load", "bench/load.py", rows)


if __name__ == "__main__":
    main()
