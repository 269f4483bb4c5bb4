"""All SQL lives here. Each function takes an open Connection inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

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
            transcript=json.dumps(transcript),
            turns=0,
            created_at=now,
            updated_at=now,
        )
    )
    return conversation_id


# The statements of every turn, built once: building and cache-keying a statement each call
# cost more than running it (profiled in issue 10).
_READ = select(conversations).where(conversations.c.id == bindparam("conversation_id"))
_LOCK = _READ.with_for_update()
_SAVE = (
    update(conversations)
    .where(conversations.c.id == bindparam("conversation_id"))
    .values(turns=conversations.c.turns + 1)
)


def lock_conversation(conn: Connection, conversation_id: str) -> RowMapping | None:
    """Read a conversation and lock it until the transaction ends."""
    # SQLite is already locked by BEGIN IMMEDIATE.
    query = _READ if conn.dialect.name == "sqlite" else _LOCK
    return conn.execute(query, {"conversation_id": conversation_id}).mappings().first()


def read_conversation(conn: Connection, conversation_id: str) -> RowMapping | None:
    """Read a conversation without locking it."""
    return conn.execute(_READ, {"conversation_id": conversation_id}).mappings().first()


def save_conversation(
    conn: Connection,
    conversation_id: str,
    *,
    state: str,
    status: str,
    data: str,
    transcript: list[dict[str, str]],
    now: dt.datetime,
    reference: str | None = None,
) -> None:
    """Write back a conversation after a turn."""
    conn.execute(
        _SAVE,
        {
            "conversation_id": conversation_id,
            "state": state,
            "status": str(status),
            "data": data,
            "transcript": json.dumps(transcript),
            "reference": reference,
            "updated_at": now,
        },
    )


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
