"""What every sender promises: send one message or raise a temporary or permanent error."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol


class DeliveryError(Exception):
    """A message could not be delivered."""


class TemporaryDeliveryError(DeliveryError):
    """Worth retrying later: the server was busy, refused for now, or could not be reached."""


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help: for example the address was rejected outright."""


class EmailSender(Protocol):
    """Anything that can deliver an email message."""

    def send(self, message: EmailMessage, *, reference: str = "") -> None:
        """Deliver `message` or raise a DeliveryError; `reference` names it to the provider."""


class SmsSender(Protocol):
    """Anything that can deliver a text message."""

    def send(self, to: str, body: str, *, reference: str = "") -> None:
        """Text `body` to the E.164 number `to` or raise a DeliveryError."""
