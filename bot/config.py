"""Configuration from the environment (contract section 1). Every setting has a working default."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_INSTANCE = Path.cwd() / "instance"


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{key} must be a whole number, not {raw!r}") from None


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"{key} must be a number, not {raw!r}") from None


def _flag(env: Mapping[str, str], key: str) -> bool:
    return (env.get(key) or "").strip().lower() in {"1", "true", "yes", "on"}


def _choice(env: Mapping[str, str], key: str, allowed: tuple[str, ...]) -> str | None:
    raw = (env.get(key) or "").strip().lower()
    if raw and raw not in allowed:
        raise SystemExit(f"{key} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw or None


def _colour(env: Mapping[str, str], key: str, default: str) -> str:
    raw = (env.get(key) or default).strip().lower()
    if not re.fullmatch(r"#[0-9a-f]{6}", raw):
        raise SystemExit(f"{key} must be a colour written #rrggbb, not {raw!r}")
    return raw


def _origins(raw: str) -> list[str]:
    """EMBED_ORIGINS: scheme://host[:port] entries, separated by commas or spaces."""
    origins = [o.strip().rstrip("/") for o in re.split(r"[,\s]+", raw) if o.strip()]
    for origin in origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?", origin):
            raise SystemExit(f"EMBED_ORIGINS entries look like https://www.council.gov.uk, "
                             f"not {origin!r}")  # fmt: skip
    return origins


def instance_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the SQLite file, the secret key and the mail drop folder live."""
    env = os.environ if env is None else env
    return Path(env.get("CASEREVIEW_INSTANCE") or DEFAULT_INSTANCE).resolve()


def database_url(env: Mapping[str, str], folder: Path) -> str:
    """DATABASE_URL, with Heroku's old 'postgres://' alias and psycopg 3 as the driver."""
    url = env.get("DATABASE_URL") or f"sqlite:///{folder / 'casereview.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def secret_key(env: Mapping[str, str], folder: Path) -> str:
    """SECRET_KEY, or one generated once and kept (readable by its owner only) in the instance."""
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """All settings, read once, as a mapping for Flask's `app.config`."""
    env = os.environ if env is None else env
    folder = instance_path(env)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return {
        "INSTANCE_PATH": str(folder),
        "HOST": env.get("HOST", "127.0.0.1"),
        "PORT": _int(env, "PORT", 5000),
        "DATABASE_URL": database_url(env, folder),
        "CASEREVIEW_POLICY": env.get("CASEREVIEW_POLICY", "default"),
        # Several councils routed by postcode (contract section 1); unset: one council.
        "CASEREVIEW_PARTNERSHIP": env.get("CASEREVIEW_PARTNERSHIP") or None,
        # Where completed requests go; the policy file names the inbox when this is unset.
        "TEAM_EMAIL": env.get("TEAM_EMAIL") or None,
        "TEAM_SMS": env.get("TEAM_SMS") or None,
        # A fallback inbox (best on another mail system) told when a message cannot be sent.
        "ALERT_EMAIL": env.get("ALERT_EMAIL") or None,
        "SMTP_HOST": env.get("SMTP_HOST") or None,
        "SMTP_PORT": _int(env, "SMTP_PORT", 0) or None,
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        # auto: STARTTLS whenever the server offers it (none, starttls, ssl: see integrations/smtp).
        "SMTP_SECURITY": (env.get("SMTP_SECURITY") or "auto").lower(),
        # A CA bundle (PEM) for a relay whose certificate a private CA signed.
        "SMTP_CA_FILE": env.get("SMTP_CA_FILE") or None,
        # Only with this set is a password ever sent over an unencrypted connection.
        "SMTP_ALLOW_CLEARTEXT_LOGIN": _flag(env, "SMTP_ALLOW_CLEARTEXT_LOGIN"),
        "SMTP_TIMEOUT": _float(env, "SMTP_TIMEOUT", 20.0),
        "MAIL_FROM": env.get("MAIL_FROM") or "ASB case review <casereview@localhost>",
        # With no SMTP_HOST, email is written here as .eml files.
        "MAIL_DROP_DIR": env.get("MAIL_DROP_DIR") or str(folder / "maildrop"),
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID") or None,
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN") or None,
        "TWILIO_FROM_NUMBER": env.get("TWILIO_FROM_NUMBER") or None,
        # Another Twilio API base URL (a regional edge); tests point it at a local stand-in.
        "TWILIO_API_URL": env.get("TWILIO_API_URL") or None,
        "NOTIFY_API_KEY": env.get("NOTIFY_API_KEY") or None,
        "NOTIFY_EMAIL_TEMPLATE_ID": env.get("NOTIFY_EMAIL_TEMPLATE_ID") or None,
        "NOTIFY_SMS_TEMPLATE_ID": env.get("NOTIFY_SMS_TEMPLATE_ID") or None,
        "NOTIFY_SMS_SENDER_ID": env.get("NOTIFY_SMS_SENDER_ID") or None,
        "NOTIFY_SEND_RECORD_FILE": _flag(env, "NOTIFY_SEND_RECORD_FILE"),
        "NOTIFY_API_URL": env.get("NOTIFY_API_URL") or None,
        # Name a provider outright (email: notify|smtp|drop, sms: notify|twilio|drop).
        "EMAIL_PROVIDER": _choice(env, "EMAIL_PROVIDER", ("notify", "smtp", "drop")),
        "SMS_PROVIDER": _choice(env, "SMS_PROVIDER", ("notify", "twilio", "drop")),
        "PUBLIC_URL": env.get("PUBLIC_URL") or None,
        "SECRET_KEY": secret_key(env, folder),
        # Keys that encrypt answers and records at rest: the first encrypts, all decrypt.
        # Unset: one key derived from SECRET_KEY. Several servers must share the same keys.
        "DATA_KEYS": [k.strip() for k in (env.get("DATA_KEYS") or "").split(",") if k.strip()],
        # The resident's pages: service name, council name and logo, the brand colour (text
        # on it is chosen for contrast), and the origins allowed to embed the chat widget.
        "SERVICE_NAME": env.get("SERVICE_NAME") or "Ask for an anti-social behaviour case review",
        "COUNCIL_NAME": env.get("COUNCIL_NAME") or None,
        "LOGO_URL": env.get("LOGO_URL") or None,
        "THEME_COLOUR": _colour(env, "THEME_COLOUR", "#1d70b8"),
        "EMBED_ORIGINS": _origins(env.get("EMBED_ORIGINS", "")),
        # Warn a resident this many seconds before an idle web conversation expires.
        "SESSION_WARNING_SECONDS": _int(env, "SESSION_WARNING_SECONDS", 300),
        # A web conversation nobody has touched for this long expires.
        "SESSION_TTL_HOURS": _float(env, "SESSION_TTL_HOURS", 24.0),
        # A conversation by text lasts longer; after a pause it offers to carry on or restart.
        "SMS_SESSION_TTL_HOURS": _float(env, "SMS_SESSION_TTL_HOURS", 7 * 24.0),
        "SMS_RESUME_AFTER_HOURS": _float(env, "SMS_RESUME_AFTER_HOURS", 12.0),
        # Outbox: attempts before a message is marked failed, and the first retry delay.
        "OUTBOX_MAX_ATTEMPTS": _int(env, "OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_RETRY_SECONDS": _float(env, "OUTBOX_RETRY_SECONDS", 30.0),
        "OUTBOX_POLL_SECONDS": _float(env, "OUTBOX_POLL_SECONDS", 2.0),
        # /readyz is 503 (and /healthz says degraded) when a due message waits longer than this.
        "OUTBOX_STALL_SECONDS": _float(env, "OUTBOX_STALL_SECONDS", 300.0),
        # A claimed message not recorded within this time (a worker died) is sent again.
        "OUTBOX_LEASE_SECONDS": _float(env, "OUTBOX_LEASE_SECONDS", 120.0),
        # Rate limits ("N per second|minute|hour"), counted in Redis when REDIS_URL is set so
        # that several servers share them. RATE_LIMITS=off turns them off (benchmarks only).
        "RATE_LIMITS": (env.get("RATE_LIMITS") or "on").strip().lower() not in {"off", "0", "no"},
        "RATE_LIMIT_CLIENT": env.get("RATE_LIMIT_CLIENT") or "300 per minute",
        "RATE_LIMIT_CONVERSATION": env.get("RATE_LIMIT_CONVERSATION") or "30 per minute",
        "RATE_LIMIT_NEW": env.get("RATE_LIMIT_NEW") or "100 per hour",
        "RATE_LIMIT_PREFIX": env.get("RATE_LIMIT_PREFIX") or "casereview",
        "REDIS_URL": env.get("REDIS_URL") or None,
        # How many proxies in front of the service set X-Forwarded-For (0: none, trust none).
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        # Each web process keeps up to this many connections open; one silent this long closes.
        "WEB_CONNECTION_LIMIT": _int(env, "WEB_CONNECTION_LIMIT", 1000),
        "WEB_CHANNEL_TIMEOUT": _int(env, "WEB_CHANNEL_TIMEOUT", 30),
        # Largest request body accepted (bytes); bigger gets 413.
        # 10,000 characters outside ASCII take 120 KB as escaped JSON, and the API takes them.
        "MAX_CONTENT_LENGTH": _int(env, "MAX_BODY_BYTES", 256 * 1024),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
    }
