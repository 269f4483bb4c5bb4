"""Email through an SMTP server with smtplib: STARTTLS whenever offered, or implicit TLS.

The default (`auto`) upgrades to TLS whenever the server offers STARTTLS, and never sends a
password over a connection that is not encrypted unless the operator allows it outright
(SMTP_ALLOW_CLEARTEXT_LOGIN). Certificates are checked against the system's CAs, or against
SMTP_CA_FILE for a council's internal relay with its own CA.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from dataclasses import field
from email.message import EmailMessage

from integrations.base import PermanentDeliveryError
from integrations.base import TemporaryDeliveryError

SECURITY_MODES = ("auto", "none", "starttls", "ssl")
"""auto: STARTTLS when offered; none: never upgrade; starttls: insist on it; ssl: implicit TLS."""


@dataclass
class SmtpSender:
    """Send email through one SMTP server, keeping the session open between messages.

    One session carries a whole delivery round (the worker calls `close()` after it), so a
    batch costs one connection, not one per message.
    """

    host: str
    port: int | None = None
    security: str = "auto"
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0
    ca_file: str | None = None
    allow_cleartext_login: bool = False
    _client: smtplib.SMTP | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port or 465, timeout=self.timeout, context=context
            )
            encrypted = True
        else:
            client = smtplib.SMTP(self.host, self.port or 25, timeout=self.timeout)
            client.ehlo()
            offered = client.has_extn("starttls")
            encrypted = False
            if self.security == "starttls" or (self.security == "auto" and offered):
                client.starttls(context=context)  # fails if not offered: "starttls" insists
                client.ehlo()
                encrypted = True
        if self.username:
            if not encrypted and not self.allow_cleartext_login:
                client.close()
                raise CleartextRefused(
                    "refusing to send the SMTP password unencrypted: the server did not offer "
                    "STARTTLS (use SMTP_SECURITY=ssl, or set SMTP_ALLOW_CLEARTEXT_LOGIN=1 to "
                    "allow it)"
                )
            client.login(self.username, self.password or "")
        return client

    def send(self, message: EmailMessage, *, reference: str = "") -> None:
        """Deliver one message; 4xx replies and network trouble are temporary, 5xx permanent."""
        try:
            refused = self._send_once(message)
        except CleartextRefused as exc:
            raise TemporaryDeliveryError(str(exc)) from exc  # retried once the setting is put right
        except ssl.SSLError as exc:
            self.close()
            raise TemporaryDeliveryError(
                f"SMTP TLS failed: {exc.reason or type(exc).__name__}"
            ) from exc
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


class CleartextRefused(smtplib.SMTPException):
    """The server offers no encryption and the operator has not allowed a cleartext login."""


def _by_code(code: int, what: str) -> TemporaryDeliveryError | PermanentDeliveryError:
    if 400 <= code < 500:
        return TemporaryDeliveryError(f"{what}: SMTP {code}")
    return PermanentDeliveryError(f"{what}: SMTP {code}")
