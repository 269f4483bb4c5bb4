"""Rate limits per client and per conversation (Flask-Limiter), shared through Redis when set.

With REDIS_URL every server counts in the same place, so a client cannot multiply its limit
by the number of servers. Without it each process counts on its own (fine for one server).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from flask import Flask
from flask import request
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

logger = logging.getLogger(__name__)


def client_key() -> str:
    """The client's address (the proxy's view of it when TRUSTED_PROXIES is set)."""
    return request.remote_addr or "unknown"


def conversation_key() -> str:
    """The conversation a request belongs to: its session id, or the texting number's hash."""
    session_id = (request.view_args or {}).get("session_id")
    if session_id:
        return "session:" + hashlib.sha256(str(session_id).encode()).hexdigest()[:32]
    sender = request.form.get("From", "")
    return "sms:" + hashlib.sha256(sender.encode()).hexdigest()[:32]


def register(app: Flask) -> Limiter | None:
    """Put the limits on the views that take residents' input."""
    config = app.config
    if config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=config["TRUSTED_PROXIES"], x_proto=config["TRUSTED_PROXIES"]
        )
    if not config["RATE_LIMITS"]:
        return None
    limiter = Limiter(
        client_key,
        app=app,
        storage_uri=config["REDIS_URL"] or "memory://",
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
    for name in ("api.post_message", "api.extend_session", "web.apply_answer"):
        views[name] = per_client(per_conversation(views[name]))
    for name in ("api.start_session", "web.apply_begin"):
        views[name] = per_client(new_conversations(views[name]))
    # Every text arrives from Twilio's addresses, so SMS is limited per number only.
    views["sms.twilio_inbound"] = per_conversation(views["sms.twilio_inbound"])
    for name in ("api.get_session", "web.apply_question", "web.apply_start", "web.chat",
                 "web.apply_step", "web.apply_step_in_incident", "web.apply_check"):  # fmt: skip
        views[name] = per_client(views[name])
    return limiter
