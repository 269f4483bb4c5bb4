"""Choose the email and SMS providers from the settings: Notify, SMTP, Twilio or a drop folder.

GOV.UK Notify is used for a channel when NOTIFY_API_KEY and that channel's template id are
set (EMAIL_PROVIDER / SMS_PROVIDER can name one outright). Otherwise email goes by SMTP when
SMTP_HOST is set, texts by Twilio when its account is set, and anything else to the drop folder.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from integrations.base import EmailSender
from integrations.base import SmsSender
from integrations.dropfolder import DropFolderSender
from integrations.dropfolder import SmsDropFolderSender
from integrations.notify import NotifyClient
from integrations.notify import NotifyEmailSender
from integrations.notify import NotifySmsSender
from integrations.smtp import SmtpSender
from integrations.twilio_sms import TwilioSmsSender

logger = logging.getLogger(__name__)


def email_provider(settings: Mapping[str, Any]) -> str:
    """notify, smtp or drop."""
    if settings.get("EMAIL_PROVIDER"):
        return str(settings["EMAIL_PROVIDER"])
    if settings.get("NOTIFY_API_KEY") and settings.get("NOTIFY_EMAIL_TEMPLATE_ID"):
        return "notify"
    return "smtp" if settings.get("SMTP_HOST") else "drop"


def sms_provider(settings: Mapping[str, Any]) -> str:
    """notify, twilio or drop."""
    if settings.get("SMS_PROVIDER"):
        return str(settings["SMS_PROVIDER"])
    if settings.get("NOTIFY_API_KEY") and settings.get("NOTIFY_SMS_TEMPLATE_ID"):
        return "notify"
    if settings.get("TWILIO_ACCOUNT_SID") and settings.get("TWILIO_FROM_NUMBER"):
        return "twilio"
    return "drop"


def _notify(settings: Mapping[str, Any]) -> NotifyClient:
    return NotifyClient(
        api_key=settings["NOTIFY_API_KEY"],
        api_url=settings.get("NOTIFY_API_URL") or "https://api.notifications.service.gov.uk",
    )


def email_sender(settings: Mapping[str, Any]) -> EmailSender:
    """The configured email sender (the drop folder, named in the log, by default)."""
    provider = email_provider(settings)
    if provider == "notify":
        return NotifyEmailSender(
            _notify(settings),
            template_id=settings["NOTIFY_EMAIL_TEMPLATE_ID"],
            send_record_file=bool(settings.get("NOTIFY_SEND_RECORD_FILE")),
        )
    if provider == "smtp":
        return SmtpSender(
            host=settings["SMTP_HOST"],
            port=settings.get("SMTP_PORT"),
            security=settings.get("SMTP_SECURITY") or "auto",
            username=settings.get("SMTP_USERNAME"),
            password=settings.get("SMTP_PASSWORD"),
            timeout=settings.get("SMTP_TIMEOUT", 20.0),
            ca_file=settings.get("SMTP_CA_FILE"),
            allow_cleartext_login=bool(settings.get("SMTP_ALLOW_CLEARTEXT_LOGIN")),
        )
    folder = Path(settings["MAIL_DROP_DIR"])
    logger.warning("no email provider is set: email is written to the drop folder %s", folder)
    return DropFolderSender(folder)


def sms_sender(settings: Mapping[str, Any]) -> SmsSender:
    """The configured SMS sender (the drop folder, named in the log, by default)."""
    provider = sms_provider(settings)
    if provider == "notify":
        return NotifySmsSender(
            _notify(settings),
            template_id=settings["NOTIFY_SMS_TEMPLATE_ID"],
            sms_sender_id=settings.get("NOTIFY_SMS_SENDER_ID"),
        )
    if provider == "twilio":
        return TwilioSmsSender(
            account_sid=settings["TWILIO_ACCOUNT_SID"],
            auth_token=settings["TWILIO_AUTH_TOKEN"] or "",
            from_number=settings["TWILIO_FROM_NUMBER"],
            api_url=settings.get("TWILIO_API_URL"),
        )
    folder = Path(settings["MAIL_DROP_DIR"])
    logger.warning("no SMS provider is set: texts are written to the drop folder %s", folder)
    return SmsDropFolderSender(folder)
