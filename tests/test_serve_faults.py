"""`casereview serve` as an operator runs it, under the faults of issue 12 (items 2, 3, 5, 8, 9).

Real processes only: the supervisor, its web processes and delivery worker, SIGKILL, sockets
that send nothing or trickle a header, and a changed SECRET_KEY.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.serving import Serve
from tests.serving import serve_env
from tests.serving import serving


def _wait_for(check: Any, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _worker_pid(server: Serve) -> int | None:
    pids = [pid for pid, cmd in server.children().items() if "bot.cli worker" in cmd]
    return pids[0] if pids else None


def test_a_killed_delivery_worker_is_started_again_and_delivers(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        assert _wait_for(lambda: _worker_pid(server) is not None)
        first = _worker_pid(server)
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert _wait_for(lambda: _worker_pid(server) not in (None, first)), server.log.read_text()
        _, reference = server.resident()
        drop = tmp_path / "maildrop"
        assert _wait_for(lambda: len(list(drop.glob("*.eml"))) == 2)
        assert any(reference in p.read_text() for p in drop.glob("*.eml"))
        log = server.log.read_text()
    assert f"delivery worker pid={first} was killed by signal 9" in log


def test_a_killed_web_process_is_started_again(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-worker") as server:
        web = sorted(server.children())
        assert len(web) == 2
        for pid in web:
            os.kill(pid, signal.SIGKILL)
        assert _wait_for(lambda: len(set(server.children()) - set(web)) == 2)
        assert server.call("GET", "/healthz")[0] == 200


def test_stalled_delivery_shows_in_readyz_healthz_and_status(tmp_path: Path) -> None:
    env = serve_env(tmp_path, OUTBOX_STALL_SECONDS="1")
    with serving(tmp_path, "--no-worker", OUTBOX_STALL_SECONDS="1") as server:
        assert server.call("GET", "/readyz")[0] == 200
        server.resident()
        time.sleep(1.5)  # past the stall bound: nothing is delivering
        status, body = server.call("GET", "/readyz")
        assert status == 503 and body["status"] == "degraded"
        assert body["delivery"]["counts"]["pending"] == 2
        status, body = server.call("GET", "/healthz")
        assert status == 200 and body["status"] == "degraded"
        command = [sys.executable, "-m", "bot.cli", "status"]
        report = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert report.returncode == 1, report.stdout + report.stderr
        assert "2 pending" in report.stdout and "STALLED" in report.stdout
        assert "Last delivery: never." in report.stdout
        assert "decrypt with the current keys" in report.stdout
        worker = [sys.executable, "-m", "bot.cli", "worker", "--once"]
        subprocess.run(worker, env=env, check=True, capture_output=True, timeout=60)
        report = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert report.returncode == 0, report.stdout
        assert "2 sent" in report.stdout and "none waiting" in report.stdout
        assert server.call("GET", "/readyz")[0] == 200


def test_a_changed_secret_key_stops_the_start_and_says_what_to_do(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-worker") as server:
        sid, _ = server.resident()
    # The operator sets a new SECRET_KEY, with DATA_KEYS unset.
    changed = Serve(tmp_path, "--no-worker", SECRET_KEY="second-secret")
    try:
        assert changed.process.wait(timeout=60) != 0
    finally:
        changed.stop()
    log = changed.log.read_text()
    assert "stored data cannot be decrypted" in log and "DATA_KEYS" in log
    assert "Traceback" not in log
    env = serve_env(tmp_path, SECRET_KEY="second-secret")
    rekey = subprocess.run([sys.executable, "-m", "bot.cli", "rekey"], env=env,
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert rekey.returncode == 1 and "Traceback" not in rekey.stderr
    assert "cannot be decrypted" in rekey.stderr
    # The remedy the message gives: the old key kept after the new one, then a rekey.
    old_key = subprocess.run([sys.executable, "-m", "bot.cli", "data-key"], env=serve_env(tmp_path),
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    new_key = subprocess.run([sys.executable, "-m", "bot.cli", "data-key"], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    keys = f"{new_key},{old_key}"
    with serving(tmp_path, "--no-worker", SECRET_KEY="second-secret", DATA_KEYS=keys) as server:
        assert server.call("GET", f"/api/chat/sessions/{sid}")[0] == 200
        env["DATA_KEYS"] = keys
        subprocess.run([sys.executable, "-m", "bot.cli", "rekey"], env=env, check=True,
                       capture_output=True, timeout=60)  # fmt: skip
    with serving(tmp_path, "--no-worker", SECRET_KEY="second-secret") as server:
        assert server.call("GET", f"/api/chat/sessions/{sid}")[0] == 200


def _idle(port: int, sockets: list[socket.socket]) -> None:
    sock = socket.create_connection(("127.0.0.1", port))
    sockets.append(sock)  # connected, and sends nothing


def _trickle(port: int, stop: threading.Event) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        while not stop.wait(1.0):
            try:
                sock.sendall(b"X-Slow: 1\r\n")  # a header at a time, never the blank line
            except OSError:
                return


def test_idle_and_slow_connections_do_not_stop_other_residents(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-worker") as server:
        sockets: list[socket.socket] = []
        stop = threading.Event()
        trickles = [threading.Thread(target=_trickle, args=(server.port, stop))
                    for _ in range(10)]  # fmt: skip
        try:
            for _ in range(50):
                _idle(server.port, sockets)
            for thread in trickles:
                thread.start()
            time.sleep(0.5)  # every slow socket is open before the residents arrive
            # With sync workers (gunicorn's default) two of these sockets stopped the service
            # and every request timed out; here each resident finishes.
            results: list[str] = []

            def resident() -> None:
                results.append(server.resident(timeout=10)[1])

            threads = [threading.Thread(target=resident) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(results) == 4 and all(results)
            assert server.call("GET", "/healthz", timeout=10)[0] == 200
        finally:
            stop.set()
            for sock in sockets:
                sock.close()
            for thread in trickles:
                thread.join()


def _raw(server: Serve, method: str, path: str, data: bytes) -> tuple[int, Any, Any]:
    request = urllib.request.Request(server.url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_deep_json_is_a_400_and_a_sent_conversation_shows_only_its_reference(
    tmp_path: Path,
) -> None:
    with serving(tmp_path, "--no-worker") as server:
        sid, reference = server.resident()
        deep = b"[" * 5000 + b"]" * 5000
        for path in ("/api/chat/sessions", f"/api/chat/sessions/{sid}/messages"):
            status, headers, body = _raw(server, "POST", path, deep)
            assert status == 400 and body["error"]["code"] == "bad_request"
            assert headers["Cache-Control"] == "no-store"
        status, headers, body = _raw(server, "GET", f"/api/chat/sessions/{sid}", b"")
        assert status == 200 and headers["Cache-Control"] == "no-store"
        assert body["done"] and body["reference"] == reference
        said = json.dumps(body)
        assert "Jane Smith" not in said and "High Street" not in said  # no answers
        assert reference in said  # but the reference and what happens next
        assert {line["from"] for line in body["transcript"]} == {"bot"}
        status, _, _ = _raw(server, "POST", f"/api/chat/sessions/{sid}/messages",
                            json.dumps({"text": "Jane Smith again"}).encode())  # fmt: skip
        assert status == 200
        assert _raw(server, "GET", f"/api/chat/sessions/{sid}", b"")[2] == body  # kept nothing
        status, headers, _ = _raw(server, "GET", "/api/chat/sessions/nope", b"")
        assert status == 404 and headers["Cache-Control"] == "no-store"


def test_the_database_instance_and_drop_folder_are_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)  # as an older release (or the default umask) left it
    with serving(instance) as server:
        server.resident()
        drop = instance / "maildrop"
        assert _wait_for(lambda: len(list(drop.glob("*.eml"))) == 2)
        paths = [instance, drop, *drop.iterdir(), *instance.glob("*.sqlite3*")]
        assert len([p for p in paths if p.name.endswith("-wal")]) == 1
        readable = {p.name: oct(p.stat().st_mode & 0o777) for p in paths
                    if p.stat().st_mode & 0o077}  # fmt: skip
    assert readable == {}


def test_a_web_process_told_to_stop_finishes_what_it_took_on(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-worker") as server:
        failures: list[BaseException] = []
        answered: list[int] = []
        stop = threading.Event()

        def resident() -> None:
            while not stop.is_set():
                try:
                    server.resident(timeout=20)
                    answered.append(1)
                except BaseException as exc:
                    failures.append(exc)
                    return

        threads = [threading.Thread(target=resident) for _ in range(4)]
        for thread in threads:
            thread.start()
        for _ in range(3):  # a deploy: each web process in turn told to stop, and replaced
            time.sleep(0.5)
            for pid in list(server.children()):
                os.kill(pid, signal.SIGTERM)
                time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == [] and answered


THREAD_HEAPS = """
import sys, threading
from bot import serve
if sys.argv[1] == "tuned":
    assert serve.tune_heap()
together = threading.Barrier(4)
def work():
    together.wait()
    kept = [bytearray(4000) for _ in range(3000)]
    together.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
heaps = 0
for line in open("/proc/self/maps"):
    span, perms = line.split()[:2]
    start, end = (int(x, 16) for x in span.split("-"))
    heaps += perms == "---p" and end - start > 1 << 20  # a thread heap's reserved 64 MiB
print(heaps)
"""

LARGE_BLOCKS = """
import sys
from bot import serve
if sys.argv[1] == "tuned":
    assert serve.tune_heap()
def heap() -> int:
    for line in open("/proc/self/maps"):
        if line.rstrip().endswith("[heap]"):
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            return end - start
    return 0
freed = bytearray(4 << 20)
del freed  # by default glibc now puts blocks up to 4 MB in the heap
before = heap()
kept = [bytearray(300 << 10) for _ in range(40)]
print((heap() - before) >> 20)
"""


def _run(script: str, mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return int(done.stdout)


def test_request_threads_share_one_heap_in_a_web_process() -> None:
    # glibc gives each thread a heap of its own (each keeping what it freed): 6 MB more in a
    # web process with 4 request threads. casereview serve sets one heap before it forks.
    assert _run(THREAD_HEAPS, "default") >= 2  # busy threads spread over heaps of their own
    assert _run(THREAD_HEAPS, "tuned") == 0


def test_large_blocks_stay_out_of_the_heap_in_a_web_process() -> None:
    # After a large block is freed, glibc would put blocks of that size in the heap, where
    # they fragment it; with the threshold fixed at 128 KB they get mappings of their own.
    assert _run(LARGE_BLOCKS, "default") >= 8  # 40 blocks of 300 KB: 12 MB, most in the heap
    assert _run(LARGE_BLOCKS, "tuned") == 0
