"""The turn pipeline every channel calls: lock, restore, take the turn, save.

Each channel (the JSON API, the forms, the Twilio webhook, the terminal) turns its input into
one `Inbound` and calls `Conversations.post` (or `take`, inside a transaction it already holds).
Each turn is one database transaction, so any server can take any turn, and two turns sent at
once to the same conversation run one after the other (the row is locked for the turn).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine

from bot import db
from bot import store
from bot.appeals import lookup_for
from bot.appeals import submit_appeal
from bot.submission import LONDON
from bot.submission import Recipients
from bot.submission import submit
from dialogs.engine import Dialog
from dialogs.model import DialogModel
from dialogs.partnership import Partnership
from dialogs.partnership import council_block
from dialogs.policy import Policy
from dialogs.render import renderer_for
from dialogs.turn import Inbound
from dialogs.turn import Outcome
from dialogs.vocabulary import Channel
from dialogs.vocabulary import ConversationStatus
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Stage

logger = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    """Now, as naive UTC (how times are stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class NotFound(LookupError):
    """No conversation with that id."""


class Expired(LookupError):
    """The conversation was idle for longer than the configured time."""


@dataclass(frozen=True)
class Turn:
    """One turn in its channel's words (the API's turn object), with the outcome behind it."""

    session_id: str
    messages: list[str]
    expects: dict[str, Any] | None
    done: bool
    reference: str | None
    problem: str | None = None
    expires_at: dt.datetime | None = None
    outcome: Outcome | None = None
    feedback: list[str] = field(default_factory=list)

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
            "feedback": self.feedback,
        }


def iso_utc(moment: dt.datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with its zone, for clients."""
    return None if moment is None else moment.replace(tzinfo=dt.UTC).isoformat()


_STATUS = {
    Stage.SUBMITTED: ConversationStatus.SUBMITTED,
    Stage.DECLINED: ConversationStatus.ENDED,
    Stage.STOPPED: ConversationStatus.STOPPED,
    Stage.EXPIRED: ConversationStatus.EXPIRED,
}


@dataclass
class Conversations:
    """The conversation service used by the web API, the forms, the terminal chat and SMS."""

    engine: Engine
    policy: Policy
    team_email: str
    mail_domain: str
    ttl: dt.timedelta
    clock: Callable[[], dt.datetime] = utcnow
    sms_ttl: dt.timedelta = dt.timedelta(days=7)
    team_sms: str | None = None
    partnership: Partnership | None = None
    """Several councils: each request goes to the council of its postcode."""

    def policy_for(self, model: DialogModel) -> Policy:
        """The policy a conversation is worded by: its council's, once the postcode says."""
        if self.partnership is not None:
            council = self.partnership.council(model.answers.get("council"))
            if council is not None:
                return council.policy
        return self.policy

    def destination(self, model: DialogModel) -> tuple[Policy, Recipients, dict[str, Any] | None]:
        """Where a finished request goes: the policy, the team's inbox and duty phone, and the
        record's council block (None: the single council's default)."""
        if self.partnership is None:
            return self.policy, Recipients(self.team_email, self.mail_domain, self.team_sms), None
        council, routed_by = self.partnership.chosen(model.answers)
        recipients = Recipients(council.team_email, self.mail_domain, council.team_sms)
        return council.policy, recipients, council_block(council, routed_by)

    def start(self, channel: Channel | str) -> Turn:
        """Open a new conversation and return the welcome turn."""
        with db.write(self.engine) as conn:
            return self.open(conn, channel, self.clock())

    def open(
        self,
        conn: Connection,
        channel: Channel | str,
        now: dt.datetime,
        *,
        sender: str | None = None,
        note: str | None = None,
    ) -> Turn:
        """Open a new conversation inside the caller's transaction."""
        dialog = Dialog.new(self.policy.has_community_route, self.partnership)
        outcome = dialog.start(note)
        rendered = renderer_for(channel, self.policy).render(outcome, dialog.model)
        conversation_id = store.create_conversation(
            conn,
            channel=str(channel),
            state=_state_of(dialog.model),
            data=dialog.model.to_json(),
            transcript=[{"from": "bot", "text": m} for m in rendered.messages],
            now=now,
            sender=sender,
        )
        logger.info("conversation started id=%s channel=%s", conversation_id[:8], channel)
        expires = now + self.ttl_for(channel)
        return Turn(conversation_id, rendered.messages, rendered.expects, False, None, None,
                    expires, outcome, rendered.feedback)  # fmt: skip

    def post(self, conversation_id: str, inbound: Inbound | str) -> Turn:
        """Handle one message from the resident, in one transaction."""
        now = self.clock()
        with db.write(self.engine) as conn:
            row = store.lock_conversation(conn, conversation_id)
            dialog = self.restore(row, now)
            assert row is not None
            return self.take(conn, row, dialog, inbound, now)

    def take(
        self,
        conn: Connection,
        row: Mapping[str, Any],
        dialog: Dialog,
        inbound: Inbound | str,
        now: dt.datetime,
        *,
        paused: bool = False,
    ) -> Turn:
        """Take one turn in the caller's transaction, with the conversation row locked: answer
        `inbound` (or, after a long pause, ask whether to carry on), submit if confirmed, save."""
        if isinstance(inbound, str):
            inbound = Inbound(inbound)
        conversation_id, channel = row["id"], row["channel"]
        renderer = renderer_for(channel, self.policy_for(dialog.model))
        reference = row["reference"]
        if dialog.done:  # nothing changes: say how it ended, and keep no more of the transcript
            outcome = dialog.handle(inbound, self.today(now))
            outcome.reference = reference
            rendered = renderer.render(outcome, dialog.model)
            return Turn(conversation_id, rendered.messages, None, True, reference, None, None,
                        outcome, rendered.feedback)  # fmt: skip
        before = _state_of(dialog.model)
        dialog.lookup = lookup_for(conn, self.policy, self.partnership)
        outcome = dialog.offer_resume() if paused else dialog.handle(inbound, self.today(now))
        if outcome.ended == EndReason.SUBMITTED:
            policy, recipients, council = self.destination(dialog.model)
            send = submit_appeal if dialog.model.questionnaire == "appeal" else submit
            record, outcome.submitted = send(
                conn,
                conversation_id=conversation_id,
                channel=channel,
                model=dialog.model,
                policy=policy,
                recipients=recipients,
                now=now,
                council=council,
            )
            reference = record["reference"]
        # After the postcode, and in the confirmation: that council's name, phone and address.
        renderer = renderer_for(channel, self.policy_for(dialog.model))
        outcome.reference = reference
        rendered = renderer.render(outcome, dialog.model)
        said = _said_by_resident(inbound)
        if rendered.problem:  # an answer sent back is kept only as far as needed to recognise it
            said = said[:MAX_REFUSED_CHARS]
        lines = [{"from": "resident", "text": said}]
        lines += [{"from": "bot", "text": m} for m in rendered.messages]
        store.save_conversation(
            conn,
            conversation_id,
            state=_state_of(dialog.model),
            status=_STATUS.get(Stage(dialog.model.stage), ConversationStatus.ACTIVE),
            data=dialog.model.to_json(),
            now=now,
            reference=reference,
            said=lines,
        )
        if row["transcript_size"] > MAX_TRANSCRIPT_CHARS:
            # Rare (hundreds of refused answers): keep the newest lines, sealed as one.
            kept = bounded(store.read_transcript(conn, conversation_id), MAX_TRANSCRIPT_CHARS // 2)
            store.rewrite_transcript(conn, conversation_id, kept)
        logger.info(
            "turn id=%s from=%s to=%s", conversation_id[:8], before, _state_of(dialog.model)
        )
        expires = None if outcome.done else now + self.ttl_for(channel)
        return Turn(conversation_id, rendered.messages, rendered.expects, outcome.done, reference,
                    rendered.problem, expires, outcome, rendered.feedback)  # fmt: skip

    def get(self, conversation_id: str) -> dict[str, Any]:
        """The transcript and current question, so a reloaded page can resume."""
        now = self.clock()
        with db.read(self.engine) as conn:
            row = store.read_conversation(conn, conversation_id)
            dialog = self.restore(row, now)
            assert row is not None
            sent = row["status"] == ConversationStatus.SUBMITTED
            transcript = [] if sent else store.read_transcript(conn, conversation_id)
        active = row["status"] == ConversationStatus.ACTIVE
        expires = row["updated_at"] + self.ttl_for(row["channel"]) if active else None
        ask = dialog.asking()
        if sent:
            # Sent: whoever holds the id sees the reference and what happens next, not answers.
            outcome = dialog.handle(Inbound(""), self.today(now))
            outcome.reference = row["reference"]
            closing = renderer_for(row["channel"], self.policy).render(outcome, dialog.model)
            transcript = [{"from": "bot", "text": m} for m in closing.messages]
        return {
            "session_id": conversation_id,
            "transcript": transcript,
            "expects": renderer_for(row["channel"], self.policy).expects(ask, dialog.model)
            if ask
            else None,
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

    def keep_draft(self, conversation_id: str, step: list[Any] | None, text: str | None) -> None:
        """Keep a refused answer on the server (never in a cookie), to show again in its box;
        `text` None drops it. Kept with the answers, so it goes when they go."""
        now = self.clock()
        with db.write(self.engine) as conn:
            row = store.lock_conversation(conn, conversation_id)
            dialog = self.restore(row, now)
            assert row is not None
            if text is None:
                dialog.model.view.pop("draft", None)
            else:
                dialog.model.view["draft"] = {"step": step, "text": text}
            store.save_conversation(
                conn,
                conversation_id,
                state=_state_of(dialog.model),
                status=row["status"],
                data=dialog.model.to_json(),
                now=now,
                reference=row["reference"],
            )

    def extend(self, conversation_id: str) -> dt.datetime | None:
        """Restart the idle timer of an open conversation (the resident asked for more time);
        None for one that has ended, which keeps no timer (and must stay due for purging)."""
        now = self.clock()
        with db.write(self.engine) as conn:
            row = store.lock_conversation(conn, conversation_id)
            self.restore(row, now)
            assert row is not None
            if row["status"] != ConversationStatus.ACTIVE:
                return None
            store.touch_conversation(conn, conversation_id, now)
        logger.info("conversation extended id=%s", conversation_id[:8])
        return now + self.ttl_for(row["channel"])

    def end(
        self, conn: Connection, row: Mapping[str, Any], reason: EndReason, now: dt.datetime
    ) -> None:
        """End an open conversation without a turn (STOP by text, or expiry), keeping answers."""
        dialog = self.restore(row, now, check_expiry=False)
        dialog.end(reason)
        store.save_conversation(
            conn,
            row["id"],
            state=_state_of(dialog.model),
            status=_STATUS.get(Stage(dialog.model.stage), ConversationStatus.ENDED),
            data=dialog.model.to_json(),
            now=now,
            reference=row["reference"],
        )

    def today(self, now: dt.datetime) -> dt.date:
        """The resident's date: today in England and Wales."""
        return now.replace(tzinfo=dt.UTC).astimezone(LONDON).date()

    def is_expired(self, row: Mapping[str, Any], now: dt.datetime) -> bool:
        """True when an open conversation has been idle for longer than its channel allows."""
        idle = now - row["updated_at"]
        return bool(
            row["status"] == ConversationStatus.ACTIVE and idle > self.ttl_for(row["channel"])
        )

    def restore(
        self, row: Mapping[str, Any] | None, now: dt.datetime, *, check_expiry: bool = True
    ) -> Dialog:
        """The stored dialog, or NotFound / Expired for a missing or idle conversation."""
        if row is None:
            raise NotFound
        if check_expiry and self.is_expired(row, now):
            raise Expired
        return Dialog(DialogModel.from_dict(json.loads(row["data"])), self.partnership)

    def ttl_for(self, channel: Channel | str) -> dt.timedelta:
        """How long an untouched conversation stays open: longer by text than on the web."""
        return self.sms_ttl if channel == Channel.SMS else self.ttl


MAX_REFUSED_CHARS = 200
MAX_TRANSCRIPT_CHARS = 100_000
"""A transcript stored longer than this (sealed, so longer than what was said) loses its
oldest lines, down to half as many characters as stored, so a conversation cannot fill the
disk with refused answers, and a rewrite happens once in many turns, not on every one."""


def bounded(transcript: list[dict[str, str]], limit: int) -> list[dict[str, str]]:
    """The transcript, without its oldest lines if, written as JSON (as it is sealed, with
    every character outside ASCII escaped), it has grown past `limit` characters."""
    sizes = [len(json.dumps(line)) for line in transcript]
    total, start = sum(sizes), 0
    while total > limit and start < len(transcript) - 1:
        total -= sizes[start]
        start += 1
    return transcript[start:]


def _said_by_resident(inbound: Inbound) -> str:
    """The resident's message as the transcript keeps it."""
    if inbound.values is not None:
        return ", ".join(inbound.values)
    return inbound.text or str(inbound.command or "")


def _state_of(model: DialogModel) -> str:
    """What the `state` column shows: the question's field, `confirm`, or how it ended."""
    if model.ended:
        return str(model.ended)
    if model.step is None:
        return "confirm"
    return str(model.step[0])
