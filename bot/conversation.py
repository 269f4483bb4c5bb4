"""Run one turn of a conversation: load, lock, handle, save, and on submission queue delivery.

Each turn is one database transaction, so any server can take any turn, and two turns sent at
once to the same conversation run one after the other (the row is locked for the turn).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy.engine import RowMapping

from bot import db
from bot import store
from dialogs import texts
from dialogs.engine import Dialog
from dialogs.engine import Reply
from dialogs.model import DialogModel
from dialogs.policy import Policy
from dialogs.record import answers_to_record
from dialogs.record import complete_record

logger = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")


def utcnow() -> dt.datetime:
    """Now, as naive UTC (how times are stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class NotFound(LookupError):
    """No conversation with that id."""


class Expired(LookupError):
    """The conversation was idle for longer than the configured time."""


@dataclass(frozen=True)
class Turn:
    """The contract's turn object."""

    session_id: str
    messages: list[str]
    expects: dict[str, Any] | None
    done: bool
    reference: str | None
    problem: str | None = None
    expires_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON body of the API response (the contract's fields, then our additions)."""
        return {
            "session_id": self.session_id,
            "messages": [{"text": m} for m in self.messages],
            "expects": self.expects,
            "done": self.done,
            "reference": self.reference,
            "problem": self.problem,
            "expires_at": iso_utc(self.expires_at),
        }


def iso_utc(moment: dt.datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with its zone, for clients."""
    return None if moment is None else moment.replace(tzinfo=dt.UTC).isoformat()


@dataclass
class Conversations:
    """The conversation service used by the web API, the terminal chat and SMS."""

    engine: Engine
    policy: Policy
    team_email: str
    mail_domain: str
    ttl: dt.timedelta
    clock: Callable[[], dt.datetime] = utcnow
    sms_ttl: dt.timedelta = dt.timedelta(days=7)
    team_sms: str | None = None

    def start(self, channel: str) -> Turn:
        """Open a new conversation and return the welcome turn."""
        with db.write(self.engine) as conn:
            return self.open(conn, channel, self.clock())

    def open(
        self,
        conn: Connection,
        channel: str,
        now: dt.datetime,
        *,
        sender: str | None = None,
        note: str | None = None,
    ) -> Turn:
        """Open a new conversation inside the caller's transaction."""
        dialog = Dialog(self.policy, channel=channel)
        reply = dialog.start(note)
        transcript = [{"from": "bot", "text": m} for m in reply.messages]
        conversation_id = store.create_conversation(
            conn,
            channel=channel,
            state=dialog.state,
            data=dialog.model.to_json(),
            transcript=transcript,
            now=now,
            sender=sender,
        )
        logger.info("conversation started id=%s channel=%s", conversation_id[:8], channel)
        expires = now + self.ttl_for(channel)
        return Turn(conversation_id, reply.messages, reply.expects, False, None, None, expires)

    def post(self, conversation_id: str, text: str) -> Turn:
        """Handle one message from the resident, in one transaction."""
        now = self.clock()
        with db.write(self.engine) as conn:
            row = store.lock_conversation(conn, conversation_id)
            dialog = self.restore(row, now)
            assert row is not None
            return self.respond(conn, row, dialog, text, now)

    def respond(
        self,
        conn: Connection,
        row: RowMapping,
        dialog: Dialog,
        text: str,
        now: dt.datetime,
        reply: Reply | None = None,
    ) -> Turn:
        """Answer `text` (or send `reply`), submit if confirmed, and save, in the caller's
        transaction with the conversation row locked."""
        conversation_id = row["id"]
        before = dialog.state
        reference = row["reference"]
        if reply is not None:
            pass
        elif dialog.done:
            reply = Reply(
                [texts.ended(dialog.state, reference, self.policy, dialog.sms)], None, True
            )
        else:
            reply = dialog.handle(text, self.today(now))
        if reply.submitted:
            record = self._submit(conn, row, dialog, now)
            reference = record["reference"]
            reply.messages.extend(self._confirmation(record, dialog.sms))
        transcript = json.loads(row["transcript"])
        transcript.append({"from": "resident", "text": text})
        transcript += [{"from": "bot", "text": m} for m in reply.messages]
        status = "submitted" if dialog.state == "submitted" else "ended" if reply.done else "active"
        store.save_conversation(
            conn,
            conversation_id,
            state=dialog.state,
            status=status,
            data=dialog.model.to_json(),
            transcript=transcript,
            now=now,
            reference=reference,
        )
        logger.info("turn id=%s from=%s to=%s", conversation_id[:8], before, dialog.state)
        expires = None if reply.done else now + self.ttl_for(row["channel"])
        return Turn(
            conversation_id,
            reply.messages,
            reply.expects,
            reply.done,
            reference,
            reply.problem,
            expires,
        )

    def get(self, conversation_id: str) -> dict[str, Any]:
        """The transcript and current question, so a reloaded page can resume."""
        now = self.clock()
        with db.read(self.engine) as conn:
            row = store.read_conversation(conn, conversation_id)
        dialog = self.restore(row, now)
        assert row is not None
        active = row["status"] == "active"
        expires = row["updated_at"] + self.ttl_for(row["channel"]) if active else None
        return {
            "session_id": conversation_id,
            "transcript": json.loads(row["transcript"]),
            "expects": dialog.expects(),
            "done": dialog.done,
            "reference": row["reference"],
            "expires_at": iso_utc(expires),
        }

    def dialog(self, conversation_id: str) -> tuple[Dialog, str | None]:
        """The stored dialog and reference, for pages that show answers (NotFound, Expired)."""
        with db.read(self.engine) as conn:
            row = store.read_conversation(conn, conversation_id)
        dialog = self.restore(row, self.clock())
        assert row is not None
        return dialog, row["reference"]

    def extend(self, conversation_id: str) -> dt.datetime:
        """Restart the idle timer of an open conversation (the resident asked for more time)."""
        now = self.clock()
        with db.write(self.engine) as conn:
            row = store.lock_conversation(conn, conversation_id)
            self.restore(row, now)
            assert row is not None
            store.touch_conversation(conn, conversation_id, now)
        logger.info("conversation extended id=%s", conversation_id[:8])
        return now + self.ttl_for(row["channel"])

    def today(self, now: dt.datetime) -> dt.date:
        """The resident's date: today in England and Wales."""
        return now.replace(tzinfo=dt.UTC).astimezone(LONDON).date()

    def restore(self, row: RowMapping | None, now: dt.datetime) -> Dialog:
        """The stored dialog, or NotFound / Expired for a missing or idle conversation."""
        if row is None:
            raise NotFound
        if row["status"] == "active" and now - row["updated_at"] > self.ttl_for(row["channel"]):
            raise Expired
        model = DialogModel.from_dict(json.loads(row["data"]))
        return Dialog(self.policy, model, channel=row["channel"])

    def ttl_for(self, channel: str) -> dt.timedelta:
        """How long an untouched conversation stays open: longer by text than on the web."""
        return self.sms_ttl if channel == "sms" else self.ttl

    def _submit(
        self, conn: Connection, row: RowMapping, dialog: Dialog, now: dt.datetime
    ) -> dict[str, Any]:
        """Store the intake record and queue the team email and acknowledgement, atomically."""
        record = answers_to_record(dialog.model, channel=row["channel"], policy=self.policy)
        submitted_at = now.replace(tzinfo=dt.UTC).astimezone(LONDON)
        record = complete_record(
            record,
            reference="pending",
            submitted_at=submitted_at,
            as_of=submitted_at.date(),
            policy=self.policy,
        )
        request_id = store.create_request(
            conn, conversation_id=row["id"], record=record, submitted_at=now
        )
        self._queue(conn, request_id, "team_email", "email", self.team_email, now)
        applicant = record["applicant"]
        if applicant.get("email"):
            self._queue(conn, request_id, "resident_email", "email", applicant["email"], now)
        if applicant["contact_preference"] == "sms" and applicant.get("phone"):
            self._queue(conn, request_id, "resident_sms", "sms", applicant["phone"], now)
        if self.team_sms:
            self._queue(conn, request_id, "team_sms", "sms", self.team_sms, now)
        logger.info(
            "request submitted id=%s request=%s outcome=%s",
            row["id"][:8],
            request_id,
            record["screening"]["outcome"],
        )
        return record

    def _queue(
        self,
        conn: Connection,
        request_id: int,
        purpose: str,
        channel: str,
        recipient: str,
        now: dt.datetime,
    ) -> None:
        store.enqueue(
            conn,
            request_id=request_id,
            purpose=purpose,
            channel=channel,
            recipient=recipient,
            message_id=make_msgid(idstring=purpose, domain=self.mail_domain),
            now=now,
        )

    def _confirmation(self, record: dict[str, Any], sms: bool) -> list[str]:
        preference = record["applicant"]["contact_preference"]
        return texts.confirmation(
            record["reference"],
            record["screening"],
            dt.date.fromisoformat(record["deadlines"]["acknowledge_by"]),
            self.policy,
            texts.CONTACT_WORDS.get(preference, preference),
            sms=sms,
        )
