"""The casereview web service: app factory, storage, delivery worker and commands."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from flask import Flask

from bot import config
from bot.conversation import Conversations
from bot.db import make_engine
from bot.outbox import Deliverer
from dialogs.policy import Policy
from dialogs.policy import load_policy
from integrations.base import EmailSender
from integrations.dropfolder import DropFolderSender
from integrations.smtp import SmtpSender

logger = logging.getLogger(__name__)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app from the environment, with `test_config` overriding any setting."""
    settings = config.load()
    if test_config:
        settings.update(test_config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    configure_logging(app.config["LOG_LEVEL"])

    policy = load_policy(app.config["CASEREVIEW_POLICY"])
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["casereview.engine"] = engine
    app.extensions["casereview.policy"] = policy
    app.extensions["casereview.conversations"] = Conversations(
        engine=engine,
        policy=policy,
        team_email=team_email(app.config, policy),
        mail_domain=mail_domain(app.config["MAIL_FROM"]),
        ttl=dt.timedelta(hours=app.config["SESSION_TTL_HOURS"]),
    )

    from bot import api
    from bot import errors

    app.register_blueprint(api.bp)
    errors.register(app)
    return app


def team_email(settings: Mapping[str, Any], policy: Policy) -> str:
    """TEAM_EMAIL, else the inbox named in the policy file."""
    return str(settings.get("TEAM_EMAIL") or policy.team_email)


def mail_domain(mail_from: str) -> str:
    """The domain used in Message-IDs: that of MAIL_FROM."""
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def email_sender(settings: Mapping[str, Any]) -> EmailSender:
    """SMTP when SMTP_HOST is set, else the local drop folder (named in the log)."""
    if settings.get("SMTP_HOST"):
        return SmtpSender(
            host=settings["SMTP_HOST"],
            port=settings.get("SMTP_PORT"),
            security=settings.get("SMTP_SECURITY", "none"),
            username=settings.get("SMTP_USERNAME"),
            password=settings.get("SMTP_PASSWORD"),
            timeout=settings.get("SMTP_TIMEOUT", 20.0),
        )
    folder = Path(settings["MAIL_DROP_DIR"])
    logger.warning("SMTP_HOST is not set: email is written to the drop folder %s", folder)
    return DropFolderSender(folder)


def deliverer(app: Flask) -> Deliverer:
    """The outbox worker for this app's database and settings."""
    return Deliverer(
        engine=app.extensions["casereview.engine"],
        email=email_sender(app.config),
        policy=app.extensions["casereview.policy"],
        mail_from=app.config["MAIL_FROM"],
        max_attempts=app.config["OUTBOX_MAX_ATTEMPTS"],
        retry_base=dt.timedelta(seconds=app.config["OUTBOX_RETRY_SECONDS"]),
    )


def configure_logging(level: str) -> None:
    """One line per event, ids and states only (never what residents type)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
