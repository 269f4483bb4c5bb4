"""Encryption at rest for what residents tell us, with keys that can be rotated without downtime.

Columns typed `Sealed` are encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from the
`cryptography` library) before they reach the database and decrypted when read. The keys
come from DATA_KEYS (comma-separated Fernet keys): the first encrypts, every one decrypts,
so a new key is added in front, `casereview rekey` re-encrypts the rows, and the old key is
then dropped. Without DATA_KEYS, one key is derived from SECRET_KEY.

A sealed value may also be a log: tokens joined by newlines, each sealing one line, so a line
can be added (the transcript, one turn at a time) without opening what is there already.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, then a timestamp)
LOG_SEPARATOR = "\n"  # never inside a token (url-safe base64) nor in compact JSON


class DataKeyError(ValueError):
    """DATA_KEYS holds something that is not a Fernet key."""


def derived_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY (HKDF-SHA256), for when DATA_KEYS is unset."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"casereview data key v1").derive(secret_key.encode())  # fmt: skip
    return base64.urlsafe_b64encode(raw).decode()


class Vault:
    """Encrypts with the first key, decrypts with any."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise DataKeyError("at least one data key is needed")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except ValueError as exc:
            raise DataKeyError(
                "DATA_KEYS must be Fernet keys (32 url-safe base64 bytes), comma-separated; "
                "make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from exc

    def seal(self, text: str) -> str:
        """Encrypt text."""
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, token: str) -> str:
        """Decrypt a token, or a log's tokens line by line; text stored before encryption was
        turned on is returned as it is."""
        if LOG_SEPARATOR in token:
            return LOG_SEPARATOR.join(self.open(line) for line in token.split(LOG_SEPARATOR))
        if not token.startswith(TOKEN_PREFIX):
            return token
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise InvalidToken("a stored value cannot be decrypted with DATA_KEYS") from None

    def rotate(self, token: str) -> str:
        """The same value encrypted with the first (newest) key (a log line by line)."""
        if LOG_SEPARATOR in token:
            return LOG_SEPARATOR.join(self.rotate(line) for line in token.split(LOG_SEPARATOR))
        if not token.startswith(TOKEN_PREFIX):
            return self.seal(token)
        return self._fernet.rotate(token.encode()).decode()

    def log_line(self, text: str) -> str:
        """What appending `text` (one line, no newline in it) adds to a sealed log."""
        return LOG_SEPARATOR + self.seal(text)


def attach(engine: Engine, vault: Vault) -> None:
    """Give an engine's `Sealed` columns their keys (kept on the engine's dialect)."""
    engine.dialect.casereview_vault = vault  # type: ignore[attr-defined]


def vault_of(dialect: Dialect) -> Vault:
    """The keys attached to an engine's dialect (`attach`)."""
    vault: Vault | None = getattr(dialect, "casereview_vault", None)
    if vault is None:
        raise RuntimeError("no data keys attached to this engine (bot.crypto.attach)")
    return vault


class Sealed(TypeDecorator[str]):
    """A text column encrypted at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Encrypt on the way in."""
        return None if value is None else vault_of(dialect).seal(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        """Decrypt on the way out."""
        return None if value is None else vault_of(dialect).open(str(value))
