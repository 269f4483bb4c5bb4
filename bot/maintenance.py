"""Looking after stored data: delete what is past its retention, and re-encrypt with a new key."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import text

from bot import db
from bot.crypto import Vault
from bot.tables import conversations
from bot.tables import outbox
from bot.tables import requests
from bot.tables import sms_messages
from bot.tables import sms_senders
from dialogs.policy import Policy

logger = logging.getLogger(__name__)
SMS_RECEIPTS_DAYS = 7
"""MessageSids are kept only as long as Twilio might retry a webhook."""
# Every encrypted column, by table, with the table's key column.
SEALED: dict[str, tuple[str, object, tuple[str, ...]]] = {
    "conversations": ("id", "", ("data", "transcript")),
    "requests": ("id", 0, ("record",)),
    "outbox": ("id", 0, ("recipient",)),
    "sms_messages": ("message_sid", "", ("reply",)),
}


@dataclass
class Purged:
    """What a purge removed."""

    unfinished: int = 0
    requests: int = 0
    outbox: int = 0
    sent_conversations: int = 0
    sms_receipts: int = 0
    sms_senders: int = 0

    def describe(self, policy: Policy) -> str:
        """One sentence per kind of data, for the operator."""
        return "\n".join(
            [
                f"Removed {self.unfinished} unfinished conversations not touched for "
                f"{policy.keep_unfinished}.",
                f"Removed {self.requests} submitted requests older than {policy.keep_requests}, "
                f"with {self.outbox} queued messages and {self.sent_conversations} "
                "conversations.",
                f"Removed {self.sms_receipts} SMS message receipts older than "
                f"{SMS_RECEIPTS_DAYS} days and {self.sms_senders} phone-number entries no "
                "longer in use (opt-outs are kept).",
            ]
        )


def _naive(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def purge(engine: Engine, policy: Policy, now: dt.datetime, dry_run: bool = False) -> Purged:
    """Delete data past its retention period (in one transaction; `dry_run` rolls it back)."""
    today = now.date()
    unfinished_before = _naive(policy.keep_unfinished.before(today))
    requests_before = _naive(policy.keep_requests.before(today))
    receipts_before = now - dt.timedelta(days=SMS_RECEIPTS_DAYS)
    done = Purged()
    with db.write(engine) as conn:
        old = select(requests.c.id).where(requests.c.submitted_at < requests_before)
        old_ids = [r[0] for r in conn.execute(old)]
        if old_ids:
            done.outbox = conn.execute(
                delete(outbox).where(outbox.c.request_id.in_(old_ids))
            ).rowcount
            old_conversations = select(requests.c.conversation_id).where(requests.c.id.in_(old_ids))
            done.sent_conversations = conn.execute(
                delete(conversations).where(conversations.c.id.in_(old_conversations))
            ).rowcount
            done.requests = conn.execute(
                delete(requests).where(requests.c.id.in_(old_ids))
            ).rowcount
        done.unfinished = conn.execute(
            delete(conversations).where(
                conversations.c.status != "submitted",
                conversations.c.updated_at < unfinished_before,
            )
        ).rowcount
        done.sms_receipts = conn.execute(
            delete(sms_messages).where(sms_messages.c.received_at < receipts_before)
        ).rowcount
        live = select(conversations.c.id)
        done.sms_senders = conn.execute(
            delete(sms_senders).where(
                sms_senders.c.opted_out.is_(False),
                sms_senders.c.updated_at < unfinished_before,
                (sms_senders.c.conversation_id.is_(None))
                | (sms_senders.c.conversation_id.not_in(live)),
            )
        ).rowcount
        if dry_run:
            conn.rollback()
    logger.info("purge%s: %s", " (dry run)" if dry_run else "", done)
    return done


@dataclass
class Rekeyed:
    """What a rekey did: values rewritten under the first key, and values no key could open."""

    rewritten: int = 0
    unreadable: int = 0


def rekey(engine: Engine, vault: Vault, batch: int = 500) -> Rekeyed:
    """Re-encrypt every sealed value with the first data key.

    Each value is written back only if it has not changed meanwhile (compare and set), so the
    service can keep running: a turn saved during the rekey is already under the new key. A
    value none of the keys can open is left as it is and counted, not a reason to stop.
    """
    done = Rekeyed()
    for table, (key, start, columns) in SEALED.items():
        for column in columns:
            last = start
            while True:
                with db.write(engine) as conn:
                    rows = conn.execute(
                        text(
                            f"SELECT {key}, {column} FROM {table} WHERE {key} > :last "
                            f"ORDER BY {key} LIMIT :batch"
                        ),
                        {"last": last, "batch": batch},
                    ).all()
                    for row_key, value in rows:
                        if value is None:
                            continue
                        try:
                            fresh = vault.rotate(value)
                        except InvalidToken:
                            done.unreadable += 1
                            continue
                        if fresh != value:
                            done.rewritten += conn.execute(
                                text(
                                    f"UPDATE {table} SET {column} = :fresh "
                                    f"WHERE {key} = :key AND {column} = :old"
                                ),
                                {"fresh": fresh, "key": row_key, "old": value},
                            ).rowcount
                if len(rows) < batch:
                    break
                last = rows[-1][0]
    logger.info("rekey: %s values re-encrypted, %s unreadable", done.rewritten, done.unreadable)
    return done
