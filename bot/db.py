"""Database engine and migrations. SQLite by default; any SQLAlchemy URL (PostgreSQL) works.

Every write transaction locks what it changes: SQLite transactions start with BEGIN IMMEDIATE
(one writer at a time, waiting up to the busy timeout), PostgreSQL rows are locked with
SELECT ... FOR UPDATE in `bot.store`.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


_OPENING = threading.Lock()


class WriteLock:
    """One writer at a time across every process using a SQLite file, waking the next at once.

    SQLite's own busy handler polls with sleeps of up to 100 ms, which a waiting resident
    feels; a blocking flock on a file beside the database hands over as soon as a writer
    commits. The descriptor is opened per process, so forked gunicorn workers never share it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = -1
        self._fd = -1
        self._threads = threading.Lock()

    def _descriptor(self) -> int:
        if self._pid != os.getpid():
            # Several request threads can get here at once in a fresh process: one opens the
            # file, and the pid is set last so no thread ever sees a half-made descriptor.
            with _OPENING:
                if self._pid != os.getpid():
                    self._threads = threading.Lock()
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                    self._pid = os.getpid()
        return self._fd

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the block."""
        fd = self._descriptor()
        with self._threads:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)


_write_locks: weakref.WeakKeyDictionary[Engine, WriteLock] = weakref.WeakKeyDictionary()


READ_ONLY = "casereview_read_only"


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A read-only connection: on SQLite it never takes the write lock, so it waits for no one."""
    with engine.connect() as conn:
        conn.execution_options(**{READ_ONLY: True})
        if engine.dialect.name != "sqlite":
            # One snapshot for every statement of the block, as SQLite's read transaction gives.
            conn.execution_options(isolation_level="REPEATABLE READ")
        yield conn


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed at the end of the block, rolled back on an exception.

    On SQLite it also holds the file's write lock until after the commit.
    """
    lock = _write_locks.get(engine)
    if lock is None:
        with engine.begin() as conn:
            yield conn
        return
    with lock.held(), engine.begin() as conn:
        yield conn


def make_engine(url: str) -> Engine:
    """An engine for `url`, with the SQLite settings that make it safe for several processes."""
    # hide_parameters: an error's message (and so a logged traceback) never carries what a
    # resident typed, a phone number or a conversation id.
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                             hide_parameters=True)  # fmt: skip
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                           hide_parameters=True)  # fmt: skip
    database = url.removeprefix("sqlite:///")
    if database and database != url and ":memory:" not in database:
        _write_locks[engine] = WriteLock(Path(database + ".writelock"))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # 512 KB of pages per connection, not 2 MB: a turn reads a few pages by primary key,
        # the OS caches the file anyway, and a web process holds a connection per thread.
        cursor.execute("PRAGMA cache_size=-512")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front so two turns of one conversation run one after the other;
        # only a block opened with `read()` starts a plain (deferred) read transaction.
        reading = connection.get_execution_options().get(READ_ONLY, False)
        # Straight to the driver: this runs on every turn, and SQLAlchemy's statement machinery
        # (an execution context for a fixed string) cost about a tenth of a turn.
        connection.connection.driver_connection.execute("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def alembic_config(url: str) -> Config:
    """Alembic settings pointing at the bundled migrations."""
    # Alembic loads only when migrating: a web process forked after start-up would otherwise
    # carry about 10 MB of it.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current_revision(url: str) -> str | None:
    """The database's migration revision; None for a new database with no tables yet."""
    from alembic.migration import MigrationContext

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            revision: str | None = MigrationContext.configure(conn).get_current_revision()
            return revision
    finally:
        engine.dispose()


def migrate(url: str) -> tuple[str | None, str | None]:
    """Bring the database schema up to date (safe to run on every start).

    Returns the revisions before and after, so a caller can say whether tables were created,
    updated or already current.
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config(url)
    before = current_revision(url)
    head = ScriptDirectory.from_config(config).get_current_head()
    if before != head:
        command.upgrade(config, "head")
    return before, head
