"""The web chat JSON API (contract section 2)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from flask.typing import ResponseReturnValue

from bot.conversation import Conversations
from bot.conversation import Expired
from bot.conversation import NotFound
from bot.conversation import iso_utc
from bot.errors import ApiError
from dialogs.turn import Inbound

bp = Blueprint("api", __name__, url_prefix="/api/chat")
MAX_TEXT_CHARS = 10_000
MAX_VALUES = 50


def _service() -> Conversations:
    service: Conversations = current_app.extensions["casereview.conversations"]
    return service


def _json_body() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "The body must be a JSON object.")
    return body


def _lookup_error(error: LookupError) -> ApiError:
    if isinstance(error, Expired):
        hours = current_app.config["SESSION_TTL_HOURS"]
        return ApiError(
            404,
            "expired",
            f"This conversation ended because there was no reply for {hours:g} hours. "
            "Nothing was sent. Please start a new conversation.",
        )
    return ApiError(404, "not_found", "There is no conversation with that id.")


@bp.post("/sessions")
def start_session() -> ResponseReturnValue:
    """Start a conversation: 201 with the first turn."""
    _json_body()
    turn = _service().start("web")
    return jsonify(turn.to_json()), 201


@bp.post("/sessions/<session_id>/messages")
def post_message(session_id: str) -> ResponseReturnValue:
    """Send the resident's message: 200 with the next turn."""
    body = _json_body()
    text = body.get("text")
    if not isinstance(text, str):
        raise ApiError(400, "bad_request", 'The body needs a "text" string.')
    if len(text) > MAX_TEXT_CHARS:
        raise ApiError(413, "too_large", f"Messages can be up to {MAX_TEXT_CHARS:,} characters.")
    values = body.get("values")
    if values is not None and (
        not isinstance(values, list)
        or len(values) > MAX_VALUES
        or not all(isinstance(v, str) and len(v) <= 100 for v in values)
    ):
        raise ApiError(
            400, "bad_request", f'"values" must be a list of up to {MAX_VALUES} strings.'
        )
    inbound = Inbound(text, values=tuple(values) if values is not None else None)
    try:
        turn = _service().post(session_id, inbound)
    except (NotFound, Expired) as error:
        raise _lookup_error(error) from None
    return jsonify(turn.to_json()), 200


@bp.get("/sessions/<session_id>")
def get_session(session_id: str) -> ResponseReturnValue:
    """The transcript so far, so a reloaded page can resume."""
    try:
        return jsonify(_service().get(session_id)), 200
    except (NotFound, Expired) as error:
        raise _lookup_error(error) from None


@bp.post("/sessions/<session_id>/extend")
def extend_session(session_id: str) -> ResponseReturnValue:
    """More time: restart the idle timer, so a warned resident keeps their answers."""
    _json_body()
    try:
        expires = _service().extend(session_id)
    except (NotFound, Expired) as error:
        raise _lookup_error(error) from None
    return jsonify({"session_id": session_id, "expires_at": iso_utc(expires)}), 200
