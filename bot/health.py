"""GET /healthz and /readyz: is the database there, and is delivery keeping up?

/healthz is for a load balancer: 200 while this server can reach its database (503 when it
cannot), with `"status": "degraded"` in the body when delivery has stalled. /readyz is for
monitoring: 503 as soon as the oldest due message has waited longer than
OUTBOX_STALL_SECONDS (the delivery worker is dead, stuck, or cannot reach its provider).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import text

from bot import db
from bot.conversation import iso_utc
from bot.conversation import utcnow
from bot.tables import outbox

bp = Blueprint("health", __name__)


@dataclass(frozen=True)
class Delivery:
    """The outbox at a glance: counts by state, the oldest due message, the last delivery."""

    counts: dict[str, int]
    oldest_due_seconds: float | None
    last_sent_at: dt.datetime | None

    def stalled(self, bound_seconds: float) -> bool:
        """True when a due message has waited longer than the bound."""
        return self.oldest_due_seconds is not None and self.oldest_due_seconds > bound_seconds

    def to_json(self) -> dict[str, Any]:
        """For /healthz and `casereview status --json`."""
        return {
            "counts": self.counts,
            "oldest_due_seconds": self.oldest_due_seconds,
            "last_sent_at": iso_utc(self.last_sent_at),
        }


def delivery(conn: Connection, now: dt.datetime) -> Delivery:
    """Read the outbox's state (reads no encrypted column)."""
    rows = conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
    counts = {"pending": 0, "sending": 0, "sent": 0, "failed": 0}
    counts.update({str(status): int(n) for status, n in rows})
    due = and_(
        outbox.c.next_attempt_at <= now,
        or_(
            outbox.c.status == "pending",
            and_(outbox.c.status == "sending", outbox.c.lease_until < now),
        ),
    )
    oldest = conn.execute(select(func.min(outbox.c.next_attempt_at)).where(due)).scalar()
    last = conn.execute(select(func.max(outbox.c.sent_at))).scalar()
    age = None if oldest is None else max((now - oldest).total_seconds(), 0.0)
    return Delivery(counts, age, last)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 while the database answers (errors become 503 JSON); says if delivery stalled."""
    with db.read(current_app.extensions["casereview.engine"]) as conn:
        conn.execute(text("SELECT 1"))
        state = delivery(conn, utcnow())
    stalled = state.stalled(current_app.config["OUTBOX_STALL_SECONDS"])
    return jsonify({"status": "degraded" if stalled else "ok", "delivery": state.to_json()})


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """503 when delivery has stalled, so monitoring can page someone."""
    with db.read(current_app.extensions["casereview.engine"]) as conn:
        state = delivery(conn, utcnow())
    stalled = state.stalled(current_app.config["OUTBOX_STALL_SECONDS"])
    body = {"status": "degraded" if stalled else "ok", "delivery": state.to_json()}
    return jsonify(body), 503 if stalled else 200
