"""Email (.eml) and texts (.txt) written to a folder, for a machine with neither (the default)."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from integrations.base import TemporaryDeliveryError

# What an operator looks for in the folder: the request's reference (CR-7KXT-9MHA) and what the
# message is for. Both are read from the message itself, so every sender keeps one interface.
_REFERENCE = re.compile(r"\bCR-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
_PURPOSE = re.compile(r"\.([a-z][a-z_]*)@")  # make_msgid(idstring=purpose): <...purpose@domain>


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.@_-]", "", name)


@dataclass(frozen=True)
class DropFolderSender:
    """Write each message to `folder` as `<reference>-<purpose>.eml`."""

    folder: Path

    def path_for(self, message: EmailMessage) -> Path:
        """Where a message lands, e.g. `CR-7KXT-9MHA-team-email.eml`; a resend replaces it.

        A message without a reference or a purpose is named after its Message-ID instead.
        """
        message_id = str(message["Message-ID"] or "no-id")
        reference = _REFERENCE.search(str(message["Subject"] or ""))
        purpose = _PURPOSE.search(message_id)
        if reference and purpose:
            name = f"{reference.group()}-{purpose.group(1).replace('_', '-')}"
        else:
            name = _safe(message_id)
        return self.folder / f"{name}.eml"

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
        """Write `<request reference>-text-<reference>.txt` atomically; a resend replaces it.

        `reference` tells the texts of one request apart (the outbox passes its message id).
        """
        request = _REFERENCE.search(body)
        parts = [request.group()] if request else []
        parts += ["text", _safe(reference).replace(".", "")]
        name = "-".join(part for part in parts if part) + ".txt"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f"To: {to}\n\n{body}\n")
            os.replace(temporary, self.folder / name)
        except OSError as exc:
            raise TemporaryDeliveryError(f"cannot write to the drop folder: {exc}") from exc
