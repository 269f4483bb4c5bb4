"""Security headers on every response: a strict Content-Security-Policy for the pages, with
frame rules that let only the configured council sites embed the chat."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask import current_app
from flask import request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


def content_security_policy() -> str:
    """Scripts, styles and requests from this service only; framing by EMBED_ORIGINS only."""
    ancestors = " ".join(["'self'", *current_app.config["EMBED_ORIGINS"]])
    images = "'self' data:"
    logo = current_app.config.get("LOGO_URL") or ""
    if logo.startswith("https://"):
        images += " " + "/".join(logo.split("/")[:3])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once per key, not per request.

    Flask opens the session on every request, API calls included, and making the signer cost
    about 4% of a chat turn (issue 10's profile).
    """

    def __init__(self) -> None:
        self._signers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The signer for the app's current keys (made again only when they change)."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._signers:
            self._signers[keys] = super().get_signing_serializer(app)
        return self._signers[keys]


def register(app: Flask) -> None:
    """Add the headers after each request, and the cookie sessions."""
    app.session_interface = CookieSessions()

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if response.is_json:  # a turn, a transcript or an error: never kept by a cache
            headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html":
            headers["Content-Security-Policy"] = content_security_policy()
            headers["Cache-Control"] = "no-store"  # pages can show a resident's answers
            if not current_app.config["EMBED_ORIGINS"] or request.path != "/chat":
                headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
