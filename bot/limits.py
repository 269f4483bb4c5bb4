"""Rate limits per client and per conversation (Flask-Limiter), counted in one shared place.

With REDIS_URL every server counts in Redis; without it every process on the machine counts
in one SQLite file (bot/ratestore.py), so a client cannot multiply a limit by the number of
processes. Each key is a keyed hash (HMAC with SECRET_KEY) of the address, conversation or
phone number, because Flask-Limiter writes keys into its log lines. A request that fails its
CSRF or Twilio signature check is not counted: only the owner can use up their own limit.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app
from flask import request
from flask import session
from flask_limiter import Limiter
from twilio.request_validator import RequestValidator
from werkzeug.middleware.proxy_fix import ProxyFix

from bot import ratestore
from bot.sms_webhook import signed_url
from dialogs.sms import normalise_number

logger = logging.getLogger(__name__)


def keyed(kind: str, value: str) -> str:
    """A log-safe key: HMAC-SHA256 of the value under SECRET_KEY, so logs cannot be reversed."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:32]}"


def client_key() -> str:
    """The client's address (the proxy's view of it when TRUSTED_PROXIES is set), keyed."""
    return keyed("client", request.remote_addr or "unknown")


def conversation_key() -> str:
    """The conversation a request belongs to: its session id, the form's conversation (from
    the signed cookie) or the texting number; a client with none of these counts by address."""
    session_id = (request.view_args or {}).get("session_id")
    if session_id:
        return keyed("session", str(session_id))
    if request.endpoint == "sms.twilio_inbound":
        return keyed("sms", normalise_number(request.form.get("From", "")))
    conversation = session.get("conversation")
    if conversation:
        return keyed("session", str(conversation))
    return client_key()


def _twilio_unsigned() -> bool:
    """True for a post the webhook will refuse (403): it must not use up that number's limit."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return True
    return not RequestValidator(token).validate(signed_url(), request.form, signature)


def _csrf_wrong() -> bool:
    """True for a form post the page will refuse (400): a forged post counts against no one."""
    sent = str(request.form.get("csrf_token", ""))
    expected = str(session.get("csrf", ""))
    return not sent or not expected or not hmac.compare_digest(sent, expected)


def register(app: Flask) -> Limiter | None:
    """Put the limits on the views that take residents' input."""
    config = app.config
    if config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=config["TRUSTED_PROXIES"], x_proto=config["TRUSTED_PROXIES"]
        )
    if not config["RATE_LIMITS"]:
        return None
    storage = config["REDIS_URL"] or config.get("RATE_LIMIT_STORAGE")
    if not storage:
        storage = f"{ratestore.SCHEME}://{Path(config['INSTANCE_PATH']) / 'ratelimits.sqlite3'}"
    limiter = Limiter(
        client_key,
        app=app,
        storage_uri=storage,
        key_prefix=config["RATE_LIMIT_PREFIX"],
        headers_enabled=True,
        strategy="fixed-window",
        # If Redis is down, count in this process rather than turn residents away.
        in_memory_fallback_enabled=True,
    )
    views: dict[str, Any] = app.view_functions  # type: ignore[assignment]
    per_client = limiter.shared_limit(config["RATE_LIMIT_CLIENT"], scope="client")
    per_conversation = limiter.limit(config["RATE_LIMIT_CONVERSATION"], key_func=conversation_key)
    new_conversations = limiter.limit(config["RATE_LIMIT_NEW"])
    form_client = limiter.shared_limit(config["RATE_LIMIT_CLIENT"], scope="client",
                                       exempt_when=_csrf_wrong)  # fmt: skip
    form_conversation = limiter.limit(
        config["RATE_LIMIT_CONVERSATION"], key_func=conversation_key, exempt_when=_csrf_wrong
    )
    form_new = limiter.limit(config["RATE_LIMIT_NEW"], exempt_when=_csrf_wrong)
    for name in ("api.post_message", "api.extend_session"):
        views[name] = per_client(per_conversation(views[name]))
    views["web.apply_answer"] = form_client(form_conversation(views["web.apply_answer"]))
    views["api.start_session"] = per_client(new_conversations(views["api.start_session"]))
    views["web.apply_begin"] = form_client(form_new(views["web.apply_begin"]))
    # Every text arrives from Twilio's addresses, so SMS is limited per number only, and only
    # once the signature shows Twilio sent it.
    signed_sms = limiter.limit(config["RATE_LIMIT_CONVERSATION"], key_func=conversation_key,
                               exempt_when=_twilio_unsigned)  # fmt: skip
    views["sms.twilio_inbound"] = signed_sms(views["sms.twilio_inbound"])
    for name in ("api.get_session", "web.apply_question", "web.apply_start", "web.chat",
                 "web.apply_step", "web.apply_step_in_incident", "web.apply_check"):  # fmt: skip
        views[name] = per_client(views[name])
    return limiter
