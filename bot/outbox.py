"""The delivery worker: claim due messages, send them with no transaction open, record results.

A message is claimed with a lease. If the worker dies after sending but before recording, the
lease runs out and the message is sent again with the same Message-ID, so nothing is lost and
a mail system can recognise the repeat. Temporary failures back off exponentially; after
`max_attempts` (or at once, for a permanent failure) the message is marked failed.

Every message succeeds or fails on its own: an error nobody foresaw (a message that cannot be
built, a row that cannot be decrypted) counts as an attempt of that message only, so one bad
message never holds back the others. A message that finally fails sends an alert to the team
by another route (the duty phone, a fallback inbox), and `casereview status` lists it.
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
from email.utils import format_datetime
from email.utils import make_msgid
from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import Connection
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
from bot.tables import requests
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
ALERT = "delivery_alert"
_CLAIMED = (outbox.c.id, outbox.c.attempts, outbox.c.purpose, outbox.c.channel,
            outbox.c.request_id)  # fmt: skip
"""The columns a claimed message is handled by (its text is read only when it is sent)."""
"""The purpose of a message telling the team that another message could not be delivered."""
_WHAT = {
    "team_email": "the email to the team",
    "team_sms": "the text to the duty phone",
    "resident_email": "the email to the resident",
    "resident_sms": "the text to the resident",
}


class OptedOut(PermanentDeliveryError):
    """The number texted STOP: not a fault, so nobody is alerted."""


def alert_text(reference: str, purpose: str) -> str:
    """What the team is told when a message about a request could not be sent."""
    what = _WHAT.get(purpose, "a message")
    return (
        f"Case review request {reference}: {what} could not be sent. "
        "Find the request in the team inbox or ask the service's operator to run "
        "casereview status."
    )


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
    alert_routes: tuple[tuple[str, str], ...] = ()
    """(channel, recipient) pairs told when a message finally fails, when the request's own
    team rows cannot be read: the configured duty phone and team inbox. The route the failed
    message itself took is skipped."""
    mail_domain: str = "localhost"
    alert_email: str | None = None
    """ALERT_EMAIL: a fallback inbox told of every message that finally fails."""
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
            for outbox_id, attempts in self._claim(limit):
                counts[self._deliver(outbox_id, attempts)] += 1
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
            except Exception as exc:  # keep the worker alive through a database restart
                logger.error("delivery round failed (%s); will try again", type(exc).__name__)
                counts = {"sent": 0}
            if not counts["sent"]:
                stop.wait(poll_seconds)
        logger.info("delivery worker stopped")

    def _claim(self, limit: int) -> list[tuple[int, int]]:
        """Claim due messages: (id, attempt number) each. Reads no encrypted column, so a row
        the keys cannot open is claimed, and fails, on its own."""
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
            query = select(*_CLAIMED).where(due).order_by(outbox.c.id).limit(limit)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            for row in conn.execute(query).mappings().all():
                if row["attempts"] >= self.max_attempts:
                    # Claimed that often and never recorded: the worker died while sending it
                    # each time. Claiming it again would break the bound.
                    reason = f"gave up after {row['attempts']} attempts: never finished sending"
                    self._fail_in(conn, dict(row), reason)
                    continue
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
                    claimed.append((row["id"], row["attempts"] + 1))
        return claimed

    def _load(self, outbox_id: int) -> dict[str, Any]:
        """The message row with its request (decrypted here, per message)."""
        with db.read(self.engine) as conn:
            row = conn.execute(select(outbox).where(outbox.c.id == outbox_id)).mappings().one()
            request: dict[str, Any] | None
            if row["purpose"] == ALERT:  # reads nothing encrypted: it may be about a row that is
                reference = reference_of(conn, row["request_id"])
                request = None if reference is None else {"reference": reference}
            else:
                found = store.read_request(conn, row["request_id"])
                request = None if found is None else dict(found)
        if request is None:
            raise PermanentDeliveryError("the request is no longer stored")
        return {**row, "request": request}

    def _compose(self, row: dict[str, Any]) -> EmailMessage:
        request = row["request"]
        if row["purpose"] == ALERT:
            return self._alert_email(row, request["reference"])
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

    def _alert_email(self, row: dict[str, Any], reference: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = row["recipient"]
        message["Subject"] = f"Not delivered: ASB case review request {reference}"
        message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        message["Message-ID"] = row["message_id"]
        message.set_content(alert_text(reference, _failed_purpose(row["message_id"])) + "\n")
        return message

    def _text(self, row: dict[str, Any]) -> str:
        """The text message for an SMS row: never a name, an address or what happened."""
        request = row["request"]
        if row["purpose"] == ALERT:
            return alert_text(request["reference"], _failed_purpose(row["message_id"]))
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
            raise OptedOut("the number has opted out (STOP)")
        self.sms.send(row["recipient"], self._text(row), reference=reference)

    def _deliver(self, outbox_id: int, attempts: int) -> str:
        row: dict[str, Any] = {"id": outbox_id, "attempts": attempts, "purpose": "?"}
        try:
            row = {**self._load(outbox_id), "attempts": attempts}
            self._send(row)
        except PermanentDeliveryError as exc:
            return self._failed(row, str(exc), alert=not isinstance(exc, OptedOut))
        except TemporaryDeliveryError as exc:
            return self._retry(row, str(exc))
        except Exception as exc:
            # Neither a temporary nor a permanent delivery error: a message that cannot be
            # built or decrypted, a bug. It costs this message an attempt, nothing more. Only
            # the type is logged: the text of such errors can quote what a resident wrote.
            return self._retry(row, f"unexpected {type(exc).__name__}")
        self._record(outbox_id, status="sent", sent_at=self.clock(), lease_until=None,
                     last_error=None)  # fmt: skip
        logger.info("delivered outbox=%s purpose=%s", outbox_id, row["purpose"])
        return "sent"

    def _retry(self, row: dict[str, Any], error: str) -> str:
        if row["attempts"] >= self.max_attempts:
            return self._failed(row, f"gave up after {row['attempts']} attempts: {error}")
        delay = min(self.retry_base * 2 ** (row["attempts"] - 1), MAX_BACKOFF)
        self._record(row["id"], status="pending", next_attempt_at=self.clock() + delay,
                     lease_until=None, last_error=error[:500])  # fmt: skip
        logger.warning(
            "delivery retry outbox=%s purpose=%s attempt=%s in=%ss error=%s",
            row["id"], row["purpose"], row["attempts"], int(delay.total_seconds()), error,
        )  # fmt: skip
        return "retry"

    def _failed(self, row: dict[str, Any], reason: str, *, alert: bool = True) -> str:
        with db.write(self.engine) as conn:
            stored = (
                conn.execute(select(*_CLAIMED).where(outbox.c.id == row["id"])).mappings().one()
            )
            current = {**stored, "attempts": row["attempts"], "recipient": row.get("recipient")}
            self._fail_in(conn, current, reason, alert=alert)
        return "failed"

    def _fail_in(self, conn: Connection, row: dict[str, Any], reason: str, *,
                 alert: bool = True) -> None:  # fmt: skip
        """Mark a message failed and, unless it was itself an alert, queue the team's alerts."""
        conn.execute(
            update(outbox)
            .where(outbox.c.id == row["id"])
            .values(status="failed", lease_until=None, last_error=reason[:500])
        )
        logger.error(
            "delivery FAILED outbox=%s purpose=%s attempts=%s reason=%s",
            row["id"], row["purpose"], row["attempts"], reason,
        )  # fmt: skip
        if not alert or row["purpose"] == ALERT:
            return  # an alert that fails is in the log and in `casereview status`, no further
        now = self.clock()
        for channel, recipient in self._routes_for(conn, row["request_id"]):
            if channel == row["channel"] and row.get("recipient") == recipient:
                continue  # that route has just failed (unknown, as for an unreadable row: try)
            store.enqueue(
                conn,
                request_id=row["request_id"],
                purpose=ALERT,
                channel=channel,
                recipient=recipient,
                # The failed message's purpose rides in the id, so the alert can name it.
                message_id=make_msgid(
                    idstring=f"{row['id']}.{row['purpose']}.alert", domain=self.mail_domain
                ),
                now=now,
            )
            logger.warning("delivery alert queued for outbox=%s via=%s", row["id"], channel)

    def _routes_for(self, conn: Connection, request_id: int) -> list[tuple[str, str]]:
        """Where to alert for a request: its own team's inbox and duty phone (in a partnership,
        its council's), as queued beside it, and ALERT_EMAIL; the configured routes when those
        rows cannot be read."""
        query = select(outbox.c.channel, outbox.c.recipient).where(
            outbox.c.request_id == request_id, outbox.c.purpose.in_(("team_email", "team_sms"))
        )
        try:
            routes = [(str(r.channel), str(r.recipient)) for r in conn.execute(query)]
        except InvalidToken:
            routes = []
        routes = routes or [r for r in self.alert_routes if r[1] != self.alert_email]
        if self.alert_email:
            routes.append(("email", self.alert_email))
        return list(dict.fromkeys(routes))

    def _record(self, outbox_id: int, **values: Any) -> None:
        with db.write(self.engine) as conn:
            conn.execute(update(outbox).where(outbox.c.id == outbox_id).values(**values))


def reference_of(conn: Connection, request_id: int) -> str | None:
    """A request's reference (stored in clear), for reports that must not decrypt anything."""
    return conn.execute(select(requests.c.reference).where(requests.c.id == request_id)).scalar()


def _failed_purpose(message_id: str) -> str:
    """The purpose of the message an alert is about, from the alert's Message-ID."""
    parts = message_id.strip("<>").partition("@")[0].split(".")
    return parts[-2] if len(parts) >= 2 and parts[-1] == "alert" else ""
