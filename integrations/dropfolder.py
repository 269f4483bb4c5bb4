"""Email (.eml) and texts (.txt) written to a folder, for a machine with neither (the default)."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from integrations.base import TemporaryDeliveryError


@dataclass(frozen=True)
class DropFolderSender:
    """Write each message to `folder`, named after its Message-ID."""

    folder: Path

    def path_for(self, message: EmailMessage) -> Path:
        """Where a message lands: one file per Message-ID, so a resend replaces, not duplicates."""
        message_id = str(message["Message-ID"] or "no-id")
        return self.folder / (re.sub(r"[^A-Za-z0-9.@_-]", "", message_id) + ".eml")

    def send(self, message: EmailMessage, *, reference: str = "") -> None:
        """Write the message atomically (temporary file, then rename)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.path_for(message)
            fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes())
            os.replace(temporary, target)
        except OSError as exc:
            raise TemporaryDeliveryError(f"cannot write to the drop folder: {exc}") from exc


@dataclass(frozen=True)
class SmsDropFolderSender:
    """Write each text message to `folder` as a small .txt file, for a machine with no SMS."""

    folder: Path

    def send(self, to: str, body: str, *, reference: str = "") -> None:
        """Write `sms-<reference>.txt` atomically; a resend replaces the file."""
        name = "sms-" + (re.sub(r"[^A-Za-z0-9_-]", "", reference) or "message") + ".txt"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f"To: {to}\n\n{body}\n")
            os.replace(temporary, self.folder / name)
        except OSError as exc:
            raise TemporaryDeliveryError(f"cannot write to the drop folder: {exc}") from exc
