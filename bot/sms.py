"""Conversations by text message: one conversation per phone number, carrier rules first.

Each inbound text is one transaction. The sender's row is locked first, so two texts from one
number are handled one after the other; the MessageSid is recorded with the reply, so a
retried webhook gets the same answer and never advances the dialog twice.

Phone numbers are not stored as keys: a number is found by an HMAC of it under SECRET_KEY.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from bot import db
from bot import store
from bot.conversation import Conversations
from dialogs import sms
from dialogs import texts
from dialogs.parsing import simplify
from dialogs.vocabulary import Channel
from dialogs.vocabulary import ConversationStatus
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Pending

logger = logging.getLogger(__name__)


def sender_key(secret: str, number: str) -> str:
    """The key a phone number is filed under: an HMAC, so the table holds no numbers."""
    normal = sms.normalise_number(number)
    return hmac.new(secret.encode(), b"sms:" + normal.encode(), hashlib.sha256).hexdigest()


@dataclass
class SmsConversations:
    """Answers inbound texts with the same dialog as the web chat."""

    conversations: Conversations
    secret: str
    pause: dt.timedelta = dt.timedelta(hours=12)

    def receive(self, sender: str, message_sid: str, body: str) -> str | None:
        """Handle one inbound text and return the reply to send (None: send nothing)."""
        service = self.conversations
        now = service.clock()
        key = sender_key(self.secret, sender)
        with db.write(service.engine) as conn:
            sender_row = store.lock_sms_sender(conn, key, now)
            seen = store.read_sms_reply(conn, message_sid)
            if seen is not None:
                logger.info("sms repeat sender=%s: same reply, no turn", key[:8])
                return str(seen["reply"]) if seen["reply"] is not None else None
            reply = self._respond(conn, sender_row, body, now)
            store.record_sms_reply(conn, message_sid, key, reply, now)
        return reply

    def _respond(
        self, conn: Connection, sender: RowMapping, body: str, now: dt.datetime
    ) -> str | None:
        """Carrier rules first (STOP, START, HELP, NEW, expiry, a long pause), then the turn."""
        service = self.conversations
        key = sender["sender_key"]
        word = sms.keyword(body)
        if word in sms.OPT_OUT_WORDS:
            self._end_current(conn, sender, now)
            store.update_sms_sender(conn, key, now, opted_out=True, conversation_id=None)
            logger.info("sms opt-out sender=%s", key[:8])
            return sms.render([texts.STOPPED])
        if sender["opted_out"]:
            if word in sms.OPT_IN_WORDS:
                store.update_sms_sender(conn, key, now, opted_out=False)
                logger.info("sms opt-in sender=%s", key[:8])
                return self._new(conn, key, now)
            if word in sms.HELP_WORDS:
                return sms.render([texts.opted_out_help(service.policy)])
            return None  # nothing more is sent to this number until START
        row = self._current(conn, sender)
        if row is None:
            return self._new(conn, key, now)
        if row["status"] != ConversationStatus.ACTIVE:
            idle = now - row["updated_at"]
            if word in sms.NEW_WORDS or simplify(body) in {"new", "start", "new request"}:
                return self._new(conn, key, now)
            if idle > service.sms_ttl:
                return self._new(conn, key, now)
        elif service.is_expired(row, now):
            service.end(conn, row, EndReason.EXPIRED, now)
            days = round(service.sms_ttl.total_seconds() / 86400)
            return self._new(conn, key, now, note=texts.expired_sms(days))
        dialog = service.restore(row, now)
        paused = (
            not dialog.done
            and now - row["updated_at"] > self.pause
            and dialog.model.pending != Pending.RESUME
        )
        turn = service.take(conn, row, dialog, body, now, paused=paused)
        return sms.render(turn.messages)

    def _current(self, conn: Connection, sender: RowMapping) -> dict[str, Any] | None:
        if sender["conversation_id"] is None:
            return None
        return store.lock_conversation(conn, sender["conversation_id"])

    def _new(self, conn: Connection, key: str, now: dt.datetime, note: str | None = None) -> str:
        turn = self.conversations.open(conn, Channel.SMS, now, sender=key, note=note)
        store.update_sms_sender(conn, key, now, conversation_id=turn.session_id)
        return sms.render(turn.messages)

    def _end_current(self, conn: Connection, sender: RowMapping, now: dt.datetime) -> None:
        row = self._current(conn, sender)
        if row is not None and row["status"] == ConversationStatus.ACTIVE:
            self.conversations.end(conn, row, EndReason.STOPPED, now)
