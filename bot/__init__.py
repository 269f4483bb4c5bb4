"""The casereview web service: app factory, storage, delivery worker and commands."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from bot import config
from bot import crypto
from bot import db
from bot import files
from bot import keycheck
from bot import providers
from bot import store
from bot.conversation import Conversations
from bot.db import make_engine
from bot.outbox import Deliverer
from bot.sms import SmsConversations
from bot.sms import sender_key
from dialogs.partnership import Partnership
from dialogs.partnership import PartnershipError
from dialogs.partnership import load_partnership
from dialogs.policy import Policy
from dialogs.policy import load_policy
from dialogs.sms import normalise_number

logger = logging.getLogger(__name__)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app from the environment, with `test_config` overriding any setting."""
    settings = config.load()
    if test_config:
        settings.update(test_config)
    files.make_private(settings)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=str(settings.get("PUBLIC_URL") or "").startswith("https://"),
        SESSION_COOKIE_NAME="casereview_session",
    )
    app.config.update(settings)
    app.json = SafeJSONProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    configure_logging(app.config["LOG_LEVEL"])

    partnership = partnership_of(app.config)
    policy = partnership.policy if partnership else load_policy(app.config["CASEREVIEW_POLICY"])
    engine = make_engine(app.config["DATABASE_URL"])
    keys = vault(app.config)
    crypto.attach(engine, keys)
    if app.config.get("CHECK_DATA_KEYS", True):
        keycheck.require_readable(engine, keys)  # fail at start-up, not row by row later
    app.extensions["casereview.engine"] = engine
    app.extensions["casereview.policy"] = policy
    app.extensions["casereview.partnership"] = partnership
    conversations = Conversations(
        engine=engine,
        policy=policy,
        team_email=team_email(app.config, policy),
        mail_domain=mail_domain(app.config["MAIL_FROM"]),
        ttl=dt.timedelta(hours=app.config["SESSION_TTL_HOURS"]),
        sms_ttl=dt.timedelta(hours=app.config["SMS_SESSION_TTL_HOURS"]),
        team_sms=normalise_number(app.config["TEAM_SMS"]) if app.config["TEAM_SMS"] else None,
        partnership=partnership,
    )
    app.extensions["casereview.conversations"] = conversations
    app.extensions["casereview.sms"] = SmsConversations(
        conversations,
        secret=app.config["SECRET_KEY"],
        pause=dt.timedelta(hours=app.config["SMS_RESUME_AFTER_HOURS"]),
    )

    from bot import api
    from bot import errors
    from bot import health
    from bot import limits
    from bot import openapi
    from bot import security
    from bot import sms_webhook
    from bot import web

    app.register_blueprint(api.bp)
    app.register_blueprint(sms_webhook.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(openapi.bp)
    security.register(app)
    limits.register(app)
    errors.register(app)
    return app


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested too deeply to parse is bad JSON (400), not a crash."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON; RecursionError (say, 2,000 nested arrays) becomes a ValueError."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None


def partnership_of(settings: Mapping[str, Any]) -> Partnership | None:
    """CASEREVIEW_PARTNERSHIP, loaded with its postcode table (None: one council)."""
    name = settings.get("CASEREVIEW_PARTNERSHIP")
    if not name:
        return None
    try:
        partnership = load_partnership(str(name))
        about = partnership.about  # reads the postcode table now, not at the first postcode
    except PartnershipError as exc:
        raise SystemExit(str(exc)) from None
    if settings.get("TEAM_EMAIL") or settings.get("TEAM_SMS"):
        logger.warning("TEAM_EMAIL and TEAM_SMS are not used in a partnership: each council's "
                       "inbox and duty phone are in the partnership file")  # fmt: skip
    logger.info("partnership %s: %d councils, postcodes of ONSPD %s", partnership.name,
                len(partnership.councils), about.get("onspd_edition"))  # fmt: skip
    return partnership


def vault(settings: Mapping[str, Any]) -> crypto.Vault:
    """The data keys: DATA_KEYS, else one derived from SECRET_KEY."""
    keys = list(settings.get("DATA_KEYS") or []) or [crypto.derived_key(settings["SECRET_KEY"])]
    try:
        return crypto.Vault(keys)
    except crypto.DataKeyError as exc:
        raise SystemExit(str(exc)) from None


def team_email(settings: Mapping[str, Any], policy: Policy) -> str:
    """TEAM_EMAIL, else the inbox named in the policy file."""
    return str(settings.get("TEAM_EMAIL") or policy.team_email)


def mail_domain(mail_from: str) -> str:
    """The domain used in Message-IDs: that of MAIL_FROM."""
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def deliverer(app: Flask) -> Deliverer:
    """The outbox worker for this app's database and settings."""
    return Deliverer(
        engine=app.extensions["casereview.engine"],
        email=providers.email_sender(app.config),
        sms=providers.sms_sender(app.config),
        opted_out=opted_out_check(app),
        policy=app.extensions["casereview.policy"],
        policies=policies_of(app.extensions["casereview.partnership"]),
        mail_from=app.config["MAIL_FROM"],
        max_attempts=app.config["OUTBOX_MAX_ATTEMPTS"],
        retry_base=dt.timedelta(seconds=app.config["OUTBOX_RETRY_SECONDS"]),
        lease=dt.timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"]),
        alert_routes=alert_routes(app),
        alert_email=app.config.get("ALERT_EMAIL"),
        mail_domain=mail_domain(app.config["MAIL_FROM"]),
    )


def alert_routes(app: Flask) -> tuple[tuple[str, str], ...]:
    """Who hears of a failed message when its request's own team rows cannot be read: the
    configured duty phone and team inbox (ALERT_EMAIL is always told)."""
    conversations: Conversations = app.extensions["casereview.conversations"]
    routes = [("sms", conversations.team_sms)] if conversations.team_sms else []
    routes.append(("email", conversations.team_email))
    return tuple(routes)


def policies_of(partnership: Partnership | None) -> dict[str, Policy]:
    """Each council's policy by GSS code (empty for one council)."""
    return {c.code: c.policy for c in partnership.councils} if partnership else {}


def opted_out_check(app: Flask) -> Callable[[str], bool]:
    """A function telling the delivery worker whether a number has texted STOP."""
    engine = app.extensions["casereview.engine"]
    secret = app.config["SECRET_KEY"]

    def opted_out(number: str) -> bool:
        with db.read(engine) as conn:
            return store.sms_opted_out(conn, sender_key(secret, number))

    return opted_out


def configure_logging(level: str) -> None:
    """One line per event, ids and states only (never what residents type)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Provider clients log requests and their error messages, which can name a phone number;
    # the outbox logs each delivery and failure itself, without them.
    logging.getLogger("twilio").setLevel(logging.WARNING)
    logging.getLogger("notifications_python_client").setLevel(logging.ERROR)
