"""The delivery worker: claim due messages, send them with no transaction open, record results.

A message is claimed with a lease. If the worker dies after sending but before recording, the
lease runs out and the message is sent again with the same Message-ID, so nothing is lost and
a mail system can recognise the repeat. Temporary failures back off exponentially; after
`max_attempts` (or at once, for a permanent failure) the message is marked failed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from bot import db
from bot import emails
from bot import store
from bot.conversation import utcnow
from bot.tables import outbox
from dialogs import appeal
from dialogs import sms as sms_text
from dialogs import texts
from dialogs.policy import Policy
from integrations.base import EmailSender
from integrations.base import PermanentDeliveryError
from integrations.base import SmsSender
from integrations.base import TemporaryDeliveryError

logger = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(hours=1)


@dataclass
class Deliverer:
    """Delivers the outbox through one email sender and one SMS sender."""

    engine: Engine
    email: EmailSender
    policy: Policy
    mail_from: str
    sms: SmsSender | None = None
    opted_out: Callable[[str], bool] = lambda number: False
    """True for a number that texted STOP: nothing is sent to it until it texts START."""
    max_attempts: int = 8
    retry_base: dt.timedelta = dt.timedelta(seconds=30)
    lease: dt.timedelta = dt.timedelta(minutes=2)
    clock: Callable[[], dt.datetime] = utcnow
    policies: dict[str, Policy] = field(default_factory=dict)
    """In a partnership, each council's policy by GSS code: its name, phone and address."""

    def policy_for(self, record: dict[str, Any]) -> Policy:
        """The policy a record's messages are worded by: its council's, else the one policy."""
        code = (record.get("council") or {}).get("code")
        return self.policies.get(code or "", self.policy)

    def run_once(self, limit: int = 50) -> dict[str, int]:
        """Deliver every due message once; return counts of sent, retried and failed."""
        counts = {"sent": 0, "retry": 0, "failed": 0}
        try:
            for row in self._claim(limit):
                counts[self._deliver(row)] += 1
        finally:
            for sender in (self.email, self.sms):
                close = getattr(sender, "close", None)
                if close is not None:
                    close()  # e.g. end the SMTP session that carried this round
        return counts

    def run_forever(self, stop: threading.Event, poll_seconds: float = 2.0) -> None:
        """Poll until `stop` is set."""
        logger.info("delivery worker started")
        while not stop.is_set():
            try:
                counts = self.run_once()
            except Exception:  # keep the worker alive through a database restart
                logger.exception("delivery round failed; will try again")
                counts = {"sent": 0}
            if not counts["sent"]:
                stop.wait(poll_seconds)
        logger.info("delivery worker stopped")

    def _claim(self, limit: int) -> list[dict[str, Any]]:
        now = self.clock()
        due = and_(
            outbox.c.next_attempt_at <= now,
            or_(
                outbox.c.status == "pending",
                and_(outbox.c.status == "sending", outbox.c.lease_until < now),
            ),
        )
        claimed = []
        with db.write(self.engine) as conn:
            query = select(outbox).where(due).order_by(outbox.c.id).limit(limit)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            for row in conn.execute(query).mappings().all():
                # Compare-and-set, so two workers never hold the same message.
                result = conn.execute(
                    update(outbox)
                    .where(outbox.c.id == row["id"], due)
                    .values(
                        status="sending",
                        lease_until=now + self.lease,
                        attempts=outbox.c.attempts + 1,
                    )
                )
                if result.rowcount == 1:
                    claimed.append({**row, "attempts": row["attempts"] + 1})
        return claimed

    def _compose(self, row: dict[str, Any]) -> EmailMessage:
        with db.read(self.engine) as conn:
            request = store.read_request(conn, row["request_id"])
        assert request is not None
        record = json.loads(request["record"])
        build = emails.team_email if row["purpose"] == "team_email" else emails.resident_email
        if record.get("record_type"):  # an appeal or escalation: only the team hears of it
            build = emails.appeal_team_email
        return build(
            record,
            sender=self.mail_from,
            recipient=row["recipient"],
            message_id=row["message_id"],
            policy=self.policy_for(record),
        )

    def _text(self, row: dict[str, Any]) -> str:
        """The text message for an SMS row: never a name, an address or what happened."""
        with db.read(self.engine) as conn:
            request = store.read_request(conn, row["request_id"])
        assert request is not None
        record = json.loads(request["record"])
        acknowledge_by = dt.date.fromisoformat(record["deadlines"]["acknowledge_by"])
        if record.get("record_type"):
            message = appeal.team_sms(record)
        elif row["purpose"] == "team_sms":
            message = texts.team_sms(record["reference"], request["outcome"], acknowledge_by)
        else:
            policy = self.policy_for(record)
            message = texts.resident_sms(record["reference"], acknowledge_by, policy)
        return sms_text.render([message])

    def _send(self, row: dict[str, Any]) -> None:
        reference = str(row["id"])
        if row["channel"] != "sms":
            self.email.send(self._compose(row), reference=reference)
            return
        if self.sms is None:
            raise PermanentDeliveryError("no SMS provider is configured")
        if self.opted_out(row["recipient"]):
            raise PermanentDeliveryError("the number has opted out (STOP)")
        self.sms.send(row["recipient"], self._text(row), reference=reference)

    def _deliver(self, row: dict[str, Any]) -> str:
        try:
            self._send(row)
        except PermanentDeliveryError as exc:
            return self._failed(row, str(exc))
        except TemporaryDeliveryError as exc:
            if row["attempts"] >= self.max_attempts:
                return self._failed(row, f"gave up after {row['attempts']} attempts: {exc}")
            delay = min(self.retry_base * 2 ** (row["attempts"] - 1), MAX_BACKOFF)
            self._record(row, status="pending", next_attempt_at=self.clock() + delay,
                         lease_until=None, last_error=str(exc)[:500])  # fmt: skip
            logger.warning(
                "delivery retry outbox=%s purpose=%s attempt=%s in=%ss error=%s",
                row["id"], row["purpose"], row["attempts"], int(delay.total_seconds()), exc,
            )  # fmt: skip
            return "retry"
        self._record(row, status="sent", sent_at=self.clock(), lease_until=None, last_error=None)
        logger.info("delivered outbox=%s purpose=%s", row["id"], row["purpose"])
        return "sent"

    def _failed(self, row: dict[str, Any], reason: str) -> str:
        self._record(row, status="failed", lease_until=None, last_error=reason[:500])
        logger.error(
            "delivery FAILED outbox=%s purpose=%s attempts=%s reason=%s",
            row["id"], row["purpose"], row["attempts"], reason,
        )  # fmt: skip
        return "failed"

    def _record(self, row: dict[str, Any], **values: Any) -> None:
        with db.write(self.engine) as conn:
            conn.execute(update(outbox).where(outbox.c.id == row["id"]).values(**values))
