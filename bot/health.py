"""GET /healthz for load balancers and tests: 200 when the database answers, else 503."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from bot import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Report whether this server can reach its database (errors become 503 JSON)."""
    with db.read(current_app.extensions["casereview.engine"]) as conn:
        conn.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})
