"""Submission: a finished dialog becomes a stored request, its screening, its reference and
the messages queued for delivery, all in the turn's transaction."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot import store
from dialogs.model import DialogModel
from dialogs.parsing import can_text
from dialogs.policy import Policy
from dialogs.record import answers_to_record
from dialogs.record import complete_record
from dialogs.record import contact_way
from dialogs.record import safe_to_use
from dialogs.turn import Submission
from dialogs.vocabulary import Channel
from dialogs.vocabulary import Outcome

logger = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Recipients:
    """Who hears about every request: the team inbox, and a duty phone if there is one."""

    team_email: str
    mail_domain: str
    team_sms: str | None = None


def enqueue(conn: Connection, request_id: int, purpose: str, via: str, recipient: str,
            recipients: Recipients, now: dt.datetime) -> None:  # fmt: skip
    """Queue one message about a stored request, with a Message-ID in the service's domain."""
    store.enqueue(
        conn,
        request_id=request_id,
        purpose=purpose,
        channel=via,
        recipient=recipient,
        message_id=make_msgid(idstring=purpose, domain=recipients.mail_domain),
        now=now,
    )


def submit(
    conn: Connection,
    *,
    conversation_id: str,
    channel: Channel | str,
    model: DialogModel,
    policy: Policy,
    recipients: Recipients,
    now: dt.datetime,
    council: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], Submission]:
    """Store the intake record and queue the team email and acknowledgements, atomically;
    `council` is the record's council block in a partnership."""
    record = answers_to_record(model, channel=str(channel), policy=policy, council=council)
    submitted_at = now.replace(tzinfo=dt.UTC).astimezone(LONDON)
    record = complete_record(
        record,
        reference="pending",
        submitted_at=submitted_at,
        as_of=submitted_at.date(),
        policy=policy,
    )
    request_id = store.create_request(
        conn, conversation_id=conversation_id, record=record, submitted_at=now
    )

    def queue(purpose: str, via: str, recipient: str) -> None:
        enqueue(conn, request_id, purpose, via, recipient, recipients, now)

    queue("team_email", "email", recipients.team_email)
    applicant = record["applicant"]
    # Never a text or an email to someone who said it is not safe: someone may read it.
    if applicant.get("email") and safe_to_use(applicant, "email"):
        queue("resident_email", "email", applicant["email"])
    wants_texts = applicant["contact_preference"] == "sms"
    textable = bool(applicant.get("phone")) and can_text(applicant["phone"])  # not a landline
    if wants_texts and textable and safe_to_use(applicant, "sms"):
        queue("resident_sms", "sms", applicant["phone"])
    if recipients.team_sms:
        queue("team_sms", "sms", recipients.team_sms)
    screening = record["screening"]
    logger.info(
        "request submitted id=%s request=%s outcome=%s council=%s",
        conversation_id[:8],
        request_id,
        screening["outcome"],
        record["council"]["code"],
    )
    return record, Submission(
        reference=record["reference"],
        outcome=Outcome(screening["outcome"]),
        routes_met=tuple(screening.get("routes_met", [])),
        acknowledge_by=dt.date.fromisoformat(record["deadlines"]["acknowledge_by"]),
        contact=contact_way(applicant),
    )
