"""Text messages through Twilio's REST API, with the twilio library's own client."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

import requests
from twilio.base.exceptions import TwilioException
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from integrations.base import PermanentDeliveryError
from integrations.base import TemporaryDeliveryError

# Twilio's error codes for numbers that will never take a text from us: worth a clear reason.
# https://www.twilio.com/docs/api/errors
KNOWN_PERMANENT = {
    21211: "invalid phone number",
    21408: "no permission to text that region",
    21610: "the number has opted out (STOP)",
    21612: "cannot route to that number",
    21614: "not a mobile number",
}


@dataclass
class TwilioSmsSender:
    """Send one SMS per call; provider errors become temporary or permanent delivery errors."""

    account_sid: str
    auth_token: str
    from_number: str
    api_url: str | None = None
    """Another base URL for Twilio's API (a regional edge, or a local stand-in in tests)."""
    timeout: float = 20.0
    _client: Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        http = TwilioHttpClient(timeout=self.timeout)
        self._client = Client(self.account_sid, self.auth_token, http_client=http)
        if self.api_url:
            self._client.api.base_url = self.api_url.rstrip("/")

    def send(self, to: str, body: str, *, reference: str = "") -> None:
        """Text `body` to `to`. Errors name the status and code only, never the number."""
        try:
            self._client.messages.create(to=to, from_=self.from_number, body=body)
        except TwilioRestException as exc:
            reason = KNOWN_PERMANENT.get(exc.code or 0, "rejected")
            what = f"twilio HTTP {exc.status} error {exc.code}: {reason}"
            if exc.status == 429 or exc.status >= 500:
                raise TemporaryDeliveryError(what) from None
            raise PermanentDeliveryError(what) from None
        except (requests.RequestException, TwilioException) as exc:
            raise TemporaryDeliveryError(f"twilio unreachable: {type(exc).__name__}") from None
