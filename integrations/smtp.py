"""Email through an SMTP server with smtplib: plain, STARTTLS or implicit TLS, with login."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from dataclasses import field
from email.message import EmailMessage

from integrations.base import PermanentDeliveryError
from integrations.base import TemporaryDeliveryError

SECURITY_MODES = ("none", "starttls", "ssl")


@dataclass
class SmtpSender:
    """Send email through one SMTP server, keeping the session open between messages.

    One session carries a whole delivery round (the worker calls `close()` after it), so a
    batch costs one connection, not one per message.
    """

    host: str
    port: int | None = None
    security: str = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0
    _client: smtplib.SMTP | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port or 465, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port or 25, timeout=self.timeout)
            if self.security == "starttls":
                client.starttls(context=context)
        if self.username:
            client.login(self.username, self.password or "")
        return client

    def send(self, message: EmailMessage, *, reference: str = "") -> None:
        """Deliver one message; 4xx replies and network trouble are temporary, 5xx permanent."""
        try:
            refused = self._send_once(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _by_code(min(codes), "recipient refused") from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, "server refused") from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TemporaryDeliveryError(f"SMTP connection failed: {type(exc).__name__}") from exc
        if refused:
            codes = [code for code, _ in refused.values()]
            raise _by_code(min(codes), "some recipients refused")

    def _send_once(self, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        if self._client is not None:
            try:
                return self._client.send_message(message)
            except smtplib.SMTPServerDisconnected:
                self.close()  # the server closed an idle session: open a new one, once
        self._client = self._connect()
        return self._client.send_message(message)

    def close(self) -> None:
        """End the SMTP session, if one is open."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def _by_code(code: int, what: str) -> TemporaryDeliveryError | PermanentDeliveryError:
    if 400 <= code < 500:
        return TemporaryDeliveryError(f"{what}: SMTP {code}")
    return PermanentDeliveryError(f"{what}: SMTP {code}")
