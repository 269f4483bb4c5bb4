"""All SQL lives here. Each function takes an open Connection inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Dialect
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError

from bot.crypto import LOG_SEPARATOR
from bot.crypto import vault_of
from bot.tables import conversations
from bot.tables import outbox
from bot.tables import requests
from bot.tables import sms_messages
from bot.tables import sms_senders
from dialogs.record import READABLE_ALPHABET


def new_conversation_id() -> str:
    """An unguessable id: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def create_conversation(
    conn: Connection,
    *,
    channel: str,
    state: str,
    data: str,
    transcript: list[dict[str, str]],
    now: dt.datetime,
    sender: str | None = None,
) -> str:
    """Insert a new conversation and return its id."""
    conversation_id = new_conversation_id()
    conn.execute(
        insert(conversations).values(
            id=conversation_id,
            channel=channel,
            sender=sender,
            state=state,
            status="active",
            data=data,
            transcript=json.dumps(transcript, separators=(",", ":")),
            turns=0,
            created_at=now,
            updated_at=now,
        )
    )
    return conversation_id


# What every turn reads and writes of its conversation, run straight on the database driver:
# SQLAlchemy's statement machinery (execution context, result rows, type processing) cost
# about 150 microseconds a statement, ten times what the driver takes (profiled in issue 10).
# The transcript is not read by a turn: its new lines are sealed and appended (`bot.crypto`).
_COLUMNS = ("id", "channel", "status", "data", "reference", "updated_at")
_SELECT = (
    "SELECT id, channel, status, data, reference, updated_at, length(transcript) "
    "FROM conversations WHERE id = {p}"
)
_UPDATE = (
    "UPDATE conversations SET state = {p}, status = {p}, data = {p}, reference = {p}, "
    "updated_at = {p}, turns = turns + 1, transcript = transcript || {p} WHERE id = {p}"
)
_REWRITE = "UPDATE conversations SET transcript = {p} WHERE id = {p}"


@dataclass(frozen=True)
class _Driver:
    """The turn's statements in one driver's placeholder style, with its type conversions."""

    read: str
    lock: str
    save: str
    rewrite: str
    time_in: Callable[[Any], Any]
    time_out: Callable[[Any], Any]
    error: type[Exception]


def _same(value: Any) -> Any:
    return value


def _driver(dialect: Dialect) -> _Driver:
    found: _Driver | None = getattr(dialect, "casereview_driver", None)
    if found is not None:
        return found
    # sqlite3 takes ?, psycopg %s; casereview runs on those two.
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    read = _SELECT.format(p=mark)
    stamp = conversations.c.updated_at.type.dialect_impl(dialect)
    driver = _Driver(
        read=read,
        lock=read if dialect.name == "sqlite" else read + " FOR UPDATE",  # SQLite: BEGIN IMMEDIATE
        save=_UPDATE.format(p=mark),
        rewrite=_REWRITE.format(p=mark),
        time_in=stamp.bind_processor(dialect) or _same,
        time_out=stamp.result_processor(dialect, None) or _same,
        error=dialect.loaded_dbapi.Error,
    )
    dialect.casereview_driver = driver  # type: ignore[attr-defined]
    return driver


def _run(conn: Connection, driver: _Driver, sql: str, params: tuple[Any, ...]) -> Any:
    """Run one statement on the driver, its errors raised as SQLAlchemy's (503, not 500)."""
    if not conn.in_transaction():
        # Begun as SQLAlchemy would, so this and the connection's later statements read one
        # snapshot (a reload must never show a conversation row and a newer transcript).
        conn.begin()
    try:
        return conn.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
    except driver.error as exc:
        raise DBAPIError.instance(sql, params, exc, driver.error, hide_parameters=True,
                                  dialect=conn.dialect) from exc  # fmt: skip


CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What `new_conversation_id` makes; anything else is no conversation, asked of no database."""


def _conversation(conn: Connection, sql: str, conversation_id: str) -> dict[str, Any] | None:
    if not CONVERSATION_ID.fullmatch(conversation_id):
        return None
    driver = _driver(conn.dialect)
    found = _run(conn, driver, sql, (conversation_id,)).fetchone()
    if found is None:
        return None
    row = dict(zip(_COLUMNS, found, strict=False))
    row["data"] = vault_of(conn.dialect).open(row["data"])
    row["updated_at"] = driver.time_out(row["updated_at"])
    row["transcript_size"] = found[-1]
    return row


def lock_conversation(conn: Connection, conversation_id: str) -> dict[str, Any] | None:
    """Read a conversation (not its transcript) and lock it until the transaction ends."""
    return _conversation(conn, _driver(conn.dialect).lock, conversation_id)


def read_conversation(conn: Connection, conversation_id: str) -> dict[str, Any] | None:
    """Read a conversation (not its transcript) without locking it."""
    return _conversation(conn, _driver(conn.dialect).read, conversation_id)


def save_conversation(
    conn: Connection,
    conversation_id: str,
    *,
    state: str,
    status: str,
    data: str,
    now: dt.datetime,
    reference: str | None = None,
    said: list[dict[str, str]] | None = None,
) -> None:
    """Write back a conversation after a turn, adding the lines `said` to its transcript."""
    driver = _driver(conn.dialect)
    vault = vault_of(conn.dialect)
    added = vault.log_line(json.dumps(said, separators=(",", ":"))) if said else ""
    params = (state, str(status), vault.seal(data), reference, driver.time_in(now), added,
              conversation_id)  # fmt: skip
    _run(conn, driver, driver.save, params)


def read_transcript(conn: Connection, conversation_id: str) -> list[dict[str, str]]:
    """Everything said in a conversation, oldest first."""
    query = select(conversations.c.transcript).where(conversations.c.id == conversation_id)
    return transcript_lines(conn.execute(query).scalar_one())


def transcript_lines(stored: str) -> list[dict[str, str]]:
    """A transcript as opened from its column: one JSON list of lines per turn."""
    return [line for turn in stored.split(LOG_SEPARATOR) for line in json.loads(turn)]


def rewrite_transcript(
    conn: Connection, conversation_id: str, transcript: list[dict[str, str]]
) -> None:
    """Replace a conversation's transcript (to drop its oldest lines)."""
    driver = _driver(conn.dialect)
    sealed = vault_of(conn.dialect).seal(json.dumps(transcript, separators=(",", ":")))
    _run(conn, driver, driver.rewrite, (sealed, conversation_id))


def new_reference() -> str:
    """A reference easy to read out: CR- and 8 characters with no look-alikes, e.g. CR-7KXT-9MHA."""
    chars = "".join(secrets.choice(READABLE_ALPHABET) for _ in range(8))
    return f"CR-{chars[:4]}-{chars[4:]}"


def create_request(
    conn: Connection,
    *,
    conversation_id: str,
    record: dict[str, Any],
    submitted_at: dt.datetime,
) -> int:
    """Store a submitted request under a fresh unique reference (set in `record`)."""
    for _ in range(10):
        record["reference"] = new_reference()
        try:
            # A savepoint, so a clash on the unique reference does not abort the turn.
            with conn.begin_nested():
                result = conn.execute(
                    insert(requests).values(
                        reference=record["reference"],
                        conversation_id=conversation_id,
                        submitted_at=submitted_at,
                        policy=record["policy"],
                        # an appeal's record has no screening: its type stands in
                        outcome=(record.get("screening") or {}).get("outcome")
                        or record["record_type"],
                        record=json.dumps(record),
                    )
                )
        except IntegrityError:
            continue
        assert result.inserted_primary_key is not None
        return int(result.inserted_primary_key[0])
    raise RuntimeError("could not find an unused reference")  # 25**8 codes: never in practice


def enqueue(
    conn: Connection,
    *,
    request_id: int,
    purpose: str,
    channel: str,
    recipient: str,
    message_id: str,
    now: dt.datetime,
) -> None:
    """Queue one message for the delivery worker."""
    conn.execute(
        insert(outbox).values(
            request_id=request_id,
            purpose=purpose,
            channel=channel,
            recipient=recipient,
            message_id=message_id,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


def find_request(conn: Connection, reference: str) -> RowMapping | None:
    """One submitted request (or appeal) by its reference."""
    return (
        conn.execute(select(requests).where(requests.c.reference == reference)).mappings().first()
    )


def read_request(conn: Connection, request_id: int) -> RowMapping | None:
    """One submitted request by id."""
    return conn.execute(select(requests).where(requests.c.id == request_id)).mappings().first()


def lock_sms_sender(conn: Connection, sender_key: str, now: dt.datetime) -> RowMapping:
    """The row for one phone number, created on its first text, locked until the turn ends.

    Locking it makes two texts from one number, arriving together, take their turns one
    after the other, even before that number has a conversation to lock.
    """
    query = select(sms_senders).where(sms_senders.c.sender_key == sender_key)
    if conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(sms_senders).values(
                        sender_key=sender_key, conversation_id=None, opted_out=False, updated_at=now
                    )
                )
        except IntegrityError:
            pass  # another server inserted it first; the select below waits for its lock
        row = conn.execute(query).mappings().first()
    assert row is not None
    return row


def update_sms_sender(conn: Connection, sender_key: str, now: dt.datetime, **values: Any) -> None:
    """Change a sender's conversation or opt-out."""
    conn.execute(
        update(sms_senders)
        .where(sms_senders.c.sender_key == sender_key)
        .values(updated_at=now, **values)
    )


def sms_opted_out(conn: Connection, sender_key: str) -> bool:
    """True when that number has texted STOP (and not START since)."""
    query = select(sms_senders.c.opted_out).where(sms_senders.c.sender_key == sender_key)
    return bool(conn.execute(query).scalar())


def read_sms_reply(conn: Connection, message_sid: str) -> RowMapping | None:
    """The inbound text with this MessageSid, if it was handled before, and our reply to it."""
    query = select(sms_messages).where(sms_messages.c.message_sid == message_sid)
    return conn.execute(query).mappings().first()


def record_sms_reply(
    conn: Connection, message_sid: str, sender_key: str, reply: str | None, now: dt.datetime
) -> None:
    """Remember an inbound text and what we answered, in the same transaction as the turn."""
    conn.execute(
        insert(sms_messages).values(
            message_sid=message_sid, sender_key=sender_key, reply=reply, received_at=now
        )
    )


def touch_conversation(conn: Connection, conversation_id: str, now: dt.datetime) -> None:
    """Mark a conversation as used now, without a turn."""
    conn.execute(
        update(conversations).where(conversations.c.id == conversation_id).values(updated_at=now)
    )
