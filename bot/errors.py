"""Every error the API returns is JSON: {"error": {"code", "message"}}, never a traceback."""

from __future__ import annotations

import logging

from cryptography.fernet import InvalidToken
from flask import Flask
from flask import jsonify
from flask import request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from bot import web

logger = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


class ApiError(Exception):
    """An error with an HTTP status, a short code and a message for the client."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The contract's error object."""
    return {"error": {"code": code, "message": message}}


def register(app: Flask) -> None:
    """Install the JSON error handlers."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> ResponseReturnValue:
        return jsonify(error_body(error.code, error.message)), error.status

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        if status == 429:
            logger.warning("rate limit reached on %s", request.endpoint)
        if web.wants_html():  # a person on a page: a page with a way back, never raw JSON
            return web.error_page(status)
        code = _CODES.get(status, "error")
        message = error.description or code
        if status == 429:
            message = "You are sending messages too quickly. Wait a minute, then try again."
        # Keep the exception's own headers (Allow on a 405), but answer in JSON.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return jsonify(error_body(code, message)), status, headers

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError) -> ResponseReturnValue:
        # The database went away (a restart, a failover). The turn's transaction was rolled
        # back, so nothing was half-saved; the pool reconnects on the next request.
        logger.warning("database unavailable: %s", type(error.orig).__name__)
        if web.wants_html():
            page, status = web.error_page(503)
            return page, status, {"Retry-After": "2"}
        body = error_body(
            "unavailable", "The service is busy for a moment. Please send that again."
        )
        return jsonify(body), 503, {"Retry-After": "2"}

    @app.errorhandler(InvalidToken)
    def _unreadable(error: InvalidToken) -> ResponseReturnValue:
        # Stored under a key no longer in DATA_KEYS (start-up checks a sample; this is a row
        # the sample missed). That conversation alone is lost to the resident, not the service.
        logger.error("a stored value cannot be decrypted with DATA_KEYS on %s", request.endpoint)
        body = error_body(
            "unreadable", "We cannot open this conversation any more. Please start a new one."
        )
        return jsonify(body), 404

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        logger.exception("unexpected error: %s", type(error).__name__)
        if web.wants_html():
            return web.error_page(500)
        body = error_body("server_error", "Something went wrong. Please try again.")
        return jsonify(body), 500
