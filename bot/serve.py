"""`casereview serve`: web processes that slow clients cannot stall, and a supervised worker.

Why waitress, in processes of our own: gunicorn's sync workers give a whole process to each
connection, from its first byte to its last, so two sockets that send nothing (or a header
every few seconds) stop the service. Waitress reads every request in full, and writes every
response, in an event loop; its threads only ever run a request that has fully arrived. Idle
and slow connections cost a socket each, not a thread. One waitress per process, forked from
a supervisor that shares one listening socket among them, uses every core.

The supervisor also runs the delivery worker (`casereview worker`) and starts again any child
that dies, saying so in the log, with a growing pause if a child keeps dying at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

logger = logging.getLogger("casereview.serve")
QUICK_DEATH = 5.0
"""A child that dies sooner than this after starting is restarted after a growing pause."""
MAX_PAUSE = 30.0


def raise_file_limit(connections: int) -> int:
    """Let each process hold the connections it is allowed (the soft limit on open files is
    often 1,024); returns how many it can hold, fewer if the hard limit is lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + SPARE_FILES
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return connections
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < wanted:
        logger.warning("open files are limited to %s: each web process holds at most %s "
                       "connections", target, target - SPARE_FILES)  # fmt: skip
    return min(connections, target - SPARE_FILES)


SPARE_FILES = 256
"""Descriptors kept for the database, the logs and the listening socket."""


def listen(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """The listening socket every web process accepts from."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def waitress_options(settings: dict[str, Any], threads: int) -> dict[str, Any]:
    """Waitress settings that keep a slow or idle client from costing more than a socket."""
    return {
        "threads": threads,
        # Connections beyond this wait in the listen backlog; each idle one is only a socket.
        "connection_limit": settings["WEB_CONNECTION_LIMIT"],
        # A connection with nothing sent or received for this long is closed.
        "channel_timeout": settings["WEB_CHANNEL_TIMEOUT"],
        "cleanup_interval": 5,
        "asyncore_use_poll": True,  # select() cannot watch more than 1,024 sockets
        # Above the app's own limit, so a body a little too large gets the app's JSON 413;
        # waitress's plain-text 413 is only for bodies far beyond it.
        "max_request_body_size": settings["MAX_CONTENT_LENGTH"] * 4,
        "max_request_header_size": 32 * 1024,
        "ident": "casereview",
        # X-Forwarded-* are left for the app, which trusts TRUSTED_PROXIES hops of them.
        "clear_untrusted_proxy_headers": False,
    }


# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8
FIXED_THRESHOLD = 128 * 1024


def tune_heap() -> bool:
    """Keep a web process's C heap small (glibc only; False elsewhere, where nothing is set).

    By default glibc gives threads heaps of their own, up to 8 per core, and each keeps the
    memory its thread freed; and after a large block is freed it raises the size from which
    blocks get their own mapping, so later large blocks fragment the heap instead. With one
    heap and both thresholds fixed at 128 KB, a web process with 4 request threads held
    67 MB after 300 conversations, not 74 MB (issue 10). The threads take turns on the GIL,
    so one heap costs no measurable speed. Called first thing in `casereview serve`.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return False
    settings = ((M_ARENA_MAX, 1), (M_MMAP_THRESHOLD, FIXED_THRESHOLD),
                (M_TRIM_THRESHOLD, FIXED_THRESHOLD))  # fmt: skip
    return all(mallopt(parameter, value) == 1 for parameter, value in settings)


DRAIN_SECONDS = 8.0
"""How long a stopping web process waits for requests in flight (the supervisor waits 10 s)."""


def _drain(server: Any) -> None:
    """Exit the process once no request is queued, running or waiting to be sent."""
    deadline = time.monotonic() + DRAIN_SECONDS
    dispatcher = server.task_dispatcher
    while time.monotonic() < deadline:
        channels = [c for c in list(server._map.values()) if c is not server]
        # A request being read, waiting or running, a response not yet sent, or a connection
        # just taken on whose request has not arrived yet (an idle keep-alive one can go).
        now = time.time()
        busy = any(getattr(c, "request", None) or getattr(c, "requests", None)
                   or getattr(c, "total_outbufs_len", 0)
                   or now - getattr(c, "last_activity", 0) < 1.0 for c in channels)  # fmt: skip
        if not busy and not dispatcher.queue and dispatcher.active_count == 0:
            break
        time.sleep(0.02)
    os._exit(0)


class HideAddresses(logging.Filter):
    """Waitress names the client (address and port) in its error lines: keep it out of logs."""

    _ADDRESS = re.compile(
        r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"  # IPv4, with a port
        r"|\[[0-9a-fA-F:.]+\](?::\d+)?|\b[0-9a-fA-F]*::[0-9a-fA-F:.]*"  # IPv6
    )

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message with every address replaced."""
        record.msg = self._ADDRESS.sub("[client]", record.getMessage())
        record.args = None
        return True


def web_process(app: Any, sock: socket.socket, options: dict[str, Any]) -> Callable[[], None]:
    """What a forked web process runs."""

    def run() -> None:
        from waitress.server import create_server

        logging.getLogger("waitress").addFilter(HideAddresses())
        # Connections opened before the fork belong to the supervisor, not to this process.
        app.extensions["casereview.engine"].dispose(close=False)
        server = create_server(app, sockets=[sock], **options)

        def stop(*_: Any) -> None:
            # Stop accepting (the socket stays open in the other processes), then leave once
            # every request that has arrived is answered and sent, or after DRAIN_SECONDS.
            server.close()
            threading.Thread(target=_drain, args=(server,), daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor decides
        with contextlib.suppress(SystemExit):
            server.run()
        os._exit(0)

    return run


@dataclass
class Child:
    """One supervised process: how to start it, and its restart history."""

    name: str
    start: Callable[[], int]
    pid: int = 0
    started: float = 0.0
    pause: float = 0.0
    restart_at: float = 0.0
    exits: int = field(default=0)


def fork(run: Callable[[], None]) -> Callable[[], int]:
    """A start function that forks and runs `run` in the child."""

    def start() -> int:
        pid = os.fork()
        if pid == 0:
            try:
                run()
            finally:
                os._exit(1)
        return pid

    return start


def spawn(command: list[str]) -> Callable[[], int]:
    """A start function that runs a command."""

    def start() -> int:
        return subprocess.Popen(command).pid

    return start


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by signal {os.WTERMSIG(status)}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"


def supervise(children: list[Child]) -> int:
    """Run the children until SIGTERM or SIGINT; start again any that dies."""
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.pid, child.started = child.start(), time.monotonic()
        logger.info("%s started pid=%s", child.name, child.pid)
    by_pid = {child.pid: child for child in children}
    while not stopping:
        time.sleep(0.2)
        now = time.monotonic()
        while not stopping:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            dead = by_pid.pop(pid, None)
            if dead is None:
                continue
            lived = now - dead.started
            dead.pause = min(max(dead.pause * 2, 1.0), MAX_PAUSE) if lived < QUICK_DEATH else 0
            dead.restart_at, dead.pid = now + dead.pause, 0
            logger.error("%s pid=%s %s after %.0fs; starting it again in %.0fs",
                         dead.name, pid, _describe(status), lived, dead.pause)  # fmt: skip
        for child in children:
            if not stopping and child.pid == 0 and now >= child.restart_at:
                child.pid, child.started = child.start(), time.monotonic()
                by_pid[child.pid] = child
                logger.warning("%s restarted pid=%s", child.name, child.pid)
    _stop_all([c for c in children if c.pid])
    return 0


def _stop_all(children: list[Child], grace: float = 10.0) -> None:
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    waiting = {c.pid for c in children}
    while waiting and time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            waiting.discard(pid)
        else:
            time.sleep(0.05)
    for pid in waiting:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    logger.info("stopped")


def worker_command() -> list[str]:
    """How the supervisor starts the delivery worker."""
    return [sys.executable, "-m", "bot.cli", "worker"]
