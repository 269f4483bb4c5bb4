"""Can the current data keys read what is stored? Checked at start-up, by `status` and `rekey`.

A changed SECRET_KEY (with DATA_KEYS unset) or a different DATA_KEYS leaves every stored
answer unreadable. Starting anyway would look healthy while old conversations fail and old
messages never go, so the service refuses to start and says how to put it right.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import field

from cryptography.fernet import InvalidToken
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.crypto import Vault

logger = logging.getLogger(__name__)
# Each encrypted column, with a column that orders its rows from oldest to newest.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("conversations", "data", "updated_at"),
    ("conversations", "transcript", "updated_at"),
    ("requests", "record", "id"),
    ("outbox", "recipient", "id"),
    ("sms_messages", "reply", "received_at"),
)
REMEDY = (
    "The data keys have changed since this data was stored: SECRET_KEY (when DATA_KEYS is "
    "unset) or DATA_KEYS is not what it was. Put the previous value back and start again. To "
    "change keys without losing data, keep the old key after the new one: set DATA_KEYS to "
    "NEW_KEY,OLD_KEY (`casereview data-key`, run with the old SECRET_KEY, prints the key it "
    "gave), start the service, run `casereview rekey`, then take OLD_KEY out of DATA_KEYS."
)


@dataclass
class KeyReport:
    """How many stored values were checked, and how many the keys could not open, by table."""

    checked: int = 0
    unreadable: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every checked value decrypted."""
        return not self.unreadable

    def describe(self) -> str:
        """One line for the operator."""
        if self.ok:
            return f"all {self.checked} stored values checked decrypt with the current keys"
        bad = ", ".join(f"{n} in {table}" for table, n in sorted(self.unreadable.items()))
        return f"{sum(self.unreadable.values())} of {self.checked} values do not decrypt ({bad})"


def check(engine: Engine, vault: Vault, sample: int | None = 5) -> KeyReport:
    """Try to decrypt the oldest and newest `sample` values of each encrypted column (every
    value when `sample` is None). Tables not created yet are skipped."""
    report = KeyReport()
    for table, column, order in COLUMNS:
        queries = [f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"]
        if sample is not None:
            base = queries[0]
            queries = [f"{base} ORDER BY {order} {way} LIMIT {sample}" for way in ("ASC", "DESC")]
        values: set[str] = set()
        for query in queries:
            try:
                with engine.connect() as conn:  # raw text: no decrypting on the way out
                    values.update(str(v) for v in conn.execute(text(query)).scalars())
            except DBAPIError:
                break  # no such table yet: nothing stored to check
        for value in values:
            report.checked += 1
            try:
                vault.open(value)
            except InvalidToken:
                report.unreadable[table] = report.unreadable.get(table, 0) + 1
    return report


def require_readable(engine: Engine, vault: Vault) -> None:
    """Stop the process, saying what to do, when the keys cannot read stored data."""
    report = check(engine, vault)
    if not report.ok:
        logger.error("data keys do not match stored data: %s", report.describe())
        raise SystemExit(f"casereview: stored data cannot be decrypted: {report.describe()}.\n"
                         f"{REMEDY}")  # fmt: skip
