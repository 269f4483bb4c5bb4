"""The Twilio SMS webhook (contract section 3): signed form posts in, TwiML out."""

from __future__ import annotations

import logging

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.errors import ApiError
from bot.sms import SmsConversations

logger = logging.getLogger(__name__)
bp = Blueprint("sms", __name__, url_prefix="/sms")
MAX_SID_CHARS = 64


def signed_url() -> str:
    """The URL Twilio signed: PUBLIC_URL and this path (behind a proxy the public one counts)."""
    public = str(current_app.config.get("PUBLIC_URL") or "")
    if not public:
        return request.url
    query = request.query_string.decode("latin-1")
    return public.rstrip("/") + request.path + (f"?{query}" if query else "")


def _check_signature() -> None:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        raise ApiError(404, "sms_not_configured", "SMS is not set up on this service.")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(token).validate(signed_url(), request.form, signature):
        logger.warning("sms webhook refused: signature missing or wrong")
        raise ApiError(403, "forbidden", "The X-Twilio-Signature header is missing or wrong.")


@bp.post("/twilio")
def twilio_inbound() -> Response:
    """One inbound text: check it came from Twilio, take the turn, reply with TwiML."""
    _check_signature()
    sender = request.form.get("From", "").strip()
    message_sid = (request.form.get("MessageSid") or request.form.get("SmsSid") or "").strip()
    if not sender or not message_sid or len(message_sid) > MAX_SID_CHARS:
        raise ApiError(400, "bad_request", "From and MessageSid are required.")
    inbox: SmsConversations = current_app.extensions["casereview.sms"]
    reply = inbox.receive(sender, message_sid, request.form.get("Body", ""))
    twiml = MessagingResponse()
    if reply:
        twiml.message(reply)
    return Response(str(twiml), mimetype="application/xml")
