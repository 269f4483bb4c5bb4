"""GOV.UK Notify as the email and SMS provider, through notifications-python-client.

Notify sends from templates. Make an email template whose subject is ((subject)) and whose body
is ((body)), and a text message template whose body is ((body)). Each message carries the
outbox id as Notify's `reference`, so a delivery can be found in Notify's dashboard.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from dataclasses import field
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from notifications_python_client.errors import APIError
from notifications_python_client.errors import TokenError
from notifications_python_client.notifications import NotificationsAPIClient
from notifications_python_client.utils import prepare_upload

from integrations.base import PermanentDeliveryError
from integrations.base import TemporaryDeliveryError

DEFAULT_API_URL = "https://api.notifications.service.gov.uk"


def _raise_for(exc: APIError) -> None:
    """Notify's 5xx and 429 are worth retrying; its 400 and 403 are not."""
    what = f"notify HTTP {exc.status_code}"
    if exc.status_code == 429 or exc.status_code >= 500:
        raise TemporaryDeliveryError(what) from None
    raise PermanentDeliveryError(what) from None


@dataclass
class NotifyClient:
    """One Notify API client shared by the email and SMS senders."""

    api_key: str
    api_url: str = DEFAULT_API_URL
    timeout: float = 20.0
    _client: NotificationsAPIClient = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            self._client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
                self.api_key, base_url=self.api_url, timeout=self.timeout
            )
        except (AssertionError, IndexError, TokenError) as exc:
            raise ValueError("NOTIFY_API_KEY is not a valid Notify API key") from exc

    def call(self, method: str, **kwargs: Any) -> None:
        """Call one client method, turning its errors into delivery errors."""
        try:
            getattr(self._client, method)(**kwargs)
        except APIError as exc:
            _raise_for(exc)


@dataclass
class NotifySmsSender:
    """Texts through a Notify SMS template with a ((body)) placeholder."""

    notify: NotifyClient
    template_id: str
    sms_sender_id: str | None = None

    def send(self, to: str, body: str, *, reference: str = "") -> None:
        """Send `body` to `to` through the template."""
        self.notify.call(
            "send_sms_notification",
            phone_number=to,
            template_id=self.template_id,
            personalisation={"body": body},
            reference=reference or None,
            sms_sender_id=self.sms_sender_id,
        )


@dataclass
class NotifyEmailSender:
    """Emails through a Notify template with ((subject)) and ((body)) placeholders.

    Notify cannot attach files to email. With `send_record_file` the JSON record is sent with
    Notify's "send a file by email" as the ((record)) placeholder (the service must allow it).
    """

    notify: NotifyClient
    template_id: str
    send_record_file: bool = False

    def send(self, message: EmailMessage, *, reference: str = "") -> None:
        """Send the plain-text part of `message` (and its JSON attachment, if allowed)."""
        text = message.get_body(preferencelist=("plain",))
        body = text.get_content() if text is not None else ""
        personalisation: dict[str, Any] = {"subject": str(message["Subject"]), "body": body}
        if self.send_record_file:
            for part in message.iter_attachments():
                if part.get_content_type() == "application/json":
                    data = part.get_payload(decode=True)
                    assert isinstance(data, bytes)
                    upload = prepare_upload(  # type: ignore[no-untyped-call]
                        io.BytesIO(data), filename=part.get_filename()
                    )
                    personalisation["record"] = upload
        self.notify.call(
            "send_email_notification",
            email_address=parseaddr(str(message["To"]))[1],
            template_id=self.template_id,
            personalisation=personalisation,
            reference=reference or None,
        )
