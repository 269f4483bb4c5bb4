"""Rate-limit counters in a small SQLite file, shared by every process on the machine.

Flask-Limiter's `memory://` counts in each process, so with two web processes every limit
was really twice as high. Redis (REDIS_URL) shares counters between machines; without it,
this storage shares them between the processes of one machine, with nothing else to run.
Counters live in their own file, so counting never waits for the conversations' write lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from typing import Any

from limits.storage import Storage

SCHEME = "casereview+sqlite"
_SCHEMA = """CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"""
_INCR = """INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :expires)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN expires <= :now THEN :amount ELSE count + :amount END,
        expires = CASE WHEN expires <= :now THEN :expires ELSE expires END
    RETURNING count"""


class SqliteStorage(Storage):
    """A limits storage (fixed windows) in one SQLite file: `casereview+sqlite:///path`."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: Any) -> None:  # fmt: skip
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = (uri or "").removeprefix(f"{SCHEME}://") or ":memory:"
        self._local = threading.local()
        self._calls = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        """What a failing database raises (Flask-Limiter then counts in memory for a while)."""
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        # One connection per thread and per process: a forked process opens its own.
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None,
                                   check_same_thread=False)  # fmt: skip
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # counters: losing the last few is harmless
            conn.execute(_SCHEMA)
            if self.path != ":memory:":
                os.chmod(self.path, 0o600)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the counter, starting a new window of `expiry` seconds if it ran out."""
        now = time.time()
        db = self._db()
        row = db.execute(_INCR, {"key": key, "amount": amount, "expires": now + expiry,
                                 "now": now}).fetchone()  # fmt: skip
        self._calls += 1
        if self._calls % 1000 == 0:  # now and then, forget windows that have ended
            db.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return int(row[0])

    def get(self, key: str) -> int:
        """The counter's value in the current window (0 after it ran out)."""
        row = (
            self._db()
            .execute("SELECT count FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        """When the current window ends (epoch seconds)."""
        row = self._db().execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        """True when the file can be used."""
        try:
            self._db().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        return self._db().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        """Forget one counter."""
        self._db().execute("DELETE FROM counters WHERE key = ?", (key,))
