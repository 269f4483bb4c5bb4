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

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from bot import db
from bot import store
from bot.conversation import Conversations
from bot.conversation import Turn
from dialogs import sms
from dialogs import texts
from dialogs.parsing import simplify

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
                return sms.render([texts.opted_out_help(self.conversations.policy)])
            return None  # nothing more is sent to this number until START
        row = self._current(conn, sender)
        if row is None:
            return self._new(conn, key, now)
        idle = now - row["updated_at"]
        if row["status"] != "active":
            if word in sms.NEW_WORDS or simplify(body) in {"new", "start", "new request"}:
                return self._new(conn, key, now)
            if idle > self.conversations.sms_ttl:
                return self._new(conn, key, now)
            dialog = self.conversations.restore(row, now)
            ended = texts.ended(dialog.state, row["reference"], self.conversations.policy, True)
            return sms.render([ended])
        if idle > self.conversations.sms_ttl:
            store.end_conversation(conn, row["id"], status="expired", now=now)
            days = round(self.conversations.sms_ttl.total_seconds() / 86400)
            return self._new(conn, key, now, note=texts.expired_sms(days))
        dialog = self.conversations.restore(row, now)
        offer = None
        if idle > self.pause and dialog.model.pending != "resume":
            offer = dialog.offer_resume()
        turn = self.conversations.respond(conn, row, dialog, body, now, reply=offer)
        return self._text(turn)

    def _current(self, conn: Connection, sender: RowMapping) -> RowMapping | None:
        if sender["conversation_id"] is None:
            return None
        return store.lock_conversation(conn, sender["conversation_id"])

    def _new(self, conn: Connection, key: str, now: dt.datetime, note: str | None = None) -> str:
        turn = self.conversations.open(conn, "sms", now, sender=key, note=note)
        store.update_sms_sender(conn, key, now, conversation_id=turn.session_id)
        return self._text(turn)

    def _end_current(self, conn: Connection, sender: RowMapping, now: dt.datetime) -> None:
        row = self._current(conn, sender)
        if row is not None and row["status"] == "active":
            store.end_conversation(conn, row["id"], status="stopped", now=now)

    @staticmethod
    def _text(turn: Turn) -> str:
        return sms.render(turn.messages)
