"""Appeals and escalations after a review: the reference check against stored requests, and
submission to the request's council team (never to the Police and Crime Commissioner)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from sqlalchemy import Connection

from bot import store
from bot.submission import LONDON
from bot.submission import Recipients
from bot.submission import enqueue
from dialogs import appeal
from dialogs.model import DialogModel
from dialogs.partnership import Partnership
from dialogs.policy import Policy
from dialogs.turn import Submission
from dialogs.vocabulary import Channel
from dialogs.vocabulary import Outcome

logger = logging.getLogger(__name__)


def _compact(postcode: Any) -> str:
    return re.sub(r"[^A-Z0-9]", "", str(postcode or "").upper())


def lookup_for(conn: Connection, policy: Policy, partnership: Partnership | None) -> appeal.Lookup:
    """The reference check for one turn: a stored request whose reference and postcode both
    match, described by `appeal.found`, else None (whichever half was wrong)."""

    def lookup(reference: str, postcode: str) -> dict[str, Any] | None:
        record = _request(conn, reference)
        if record is None or _compact(record["applicant"].get("postcode")) != _compact(postcode):
            return None
        code = (record.get("council") or {}).get("code")
        council = partnership.council(code) if partnership else None
        return appeal.found(
            council.policy if council else policy, council.code if council else None
        )

    return lookup


def _request(conn: Connection, reference: str) -> dict[str, Any] | None:
    """The intake record with that reference (an appeal's own reference is not one)."""
    try:
        reference = appeal.parse_reference(reference)
    except ValueError:
        return None
    row = store.find_request(conn, reference)
    if row is None:
        return None
    record: dict[str, Any] = json.loads(row["record"])
    return None if record.get("record_type") else record


def submit_appeal(
    conn: Connection,
    *,
    conversation_id: str,
    channel: Channel | str,
    model: DialogModel,
    policy: Policy,
    recipients: Recipients,
    council: dict[str, Any] | None,
    now: dt.datetime,
) -> tuple[dict[str, Any], Submission]:
    """Store the appeal record and queue the team's email and duty text, atomically."""
    request = _request(conn, model.answers["appeal_reference"]) or {}
    submitted_at = now.replace(tzinfo=dt.UTC).astimezone(LONDON)
    record = appeal.record(model.answers, channel=str(channel), policy=policy, council=council,
                           request=request, submitted_at=submitted_at)  # fmt: skip
    request_id = store.create_request(
        conn, conversation_id=conversation_id, record=record, submitted_at=now
    )
    purposes = [("team_email", "email", recipients.team_email)]
    if recipients.team_sms:
        purposes.append(("team_sms", "sms", recipients.team_sms))
    for purpose, via, recipient in purposes:
        enqueue(conn, request_id, purpose, via, recipient, recipients, now)
    logger.info("%s submitted id=%s request=%s late=%s", record["record_type"],
                conversation_id[:8], request_id, record["late"])  # fmt: skip
    return record, Submission(
        reference=record["reference"],
        outcome=Outcome.NEEDS_STAFF_CHECK,  # an appeal is always for the team to decide
        routes_met=(),
        acknowledge_by=dt.date.fromisoformat(record["deadlines"]["acknowledge_by"]),
        contact="",
        said=appeal.confirmation(record, policy),
    )
