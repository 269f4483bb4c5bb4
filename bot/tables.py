"""Table definitions (SQLAlchemy Core). Migrations in `bot/migrations` create the same tables."""

from __future__ import annotations

from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table

from bot.crypto import Sealed

metadata = MetaData()

# Times are naive UTC everywhere, so SQLite and PostgreSQL store them alike.
conversations = Table(
    "conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("sender", String(64), nullable=True, index=True),
    Column("state", String(40), nullable=False),
    Column("status", String(16), nullable=False),  # active|submitted|ended|stopped|expired
    Column("data", Sealed, nullable=False),  # the answers so far, encrypted at rest
    Column("transcript", Sealed, nullable=False),
    Column("reference", String(32), nullable=True),
    Column("turns", Integer, nullable=False, default=0),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, unique=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("submitted_at", DateTime, nullable=False),
    Column("policy", String(64), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("record", Sealed, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, ForeignKey("requests.id"), nullable=False, index=True),
    Column("purpose", String(32), nullable=False),  # team_email | resident_email
    Column("channel", String(16), nullable=False),  # email | sms
    Column("recipient", Sealed, nullable=False),  # an email address or phone number
    Column("message_id", String(200), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # pending | sending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("lease_until", DateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime, nullable=True),
)
Index("ix_outbox_due", outbox.c.status, outbox.c.next_attempt_at)

# One row per phone number that has texted us, keyed by a keyed hash of the number (see
# bot/sms.py), so opt-outs and the current conversation are found without storing the number.
sms_senders = Table(
    "sms_senders",
    metadata,
    Column("sender_key", String(64), primary_key=True),
    Column("conversation_id", String(64), nullable=True),
    Column("opted_out", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime, nullable=False),
)

# Every inbound text by Twilio's MessageSid, with the reply we gave, so a retry is answered
# the same way and never advances the dialog twice.
sms_messages = Table(
    "sms_messages",
    metadata,
    Column("message_sid", String(64), primary_key=True),
    Column("sender_key", String(64), nullable=False),
    Column("reply", Sealed, nullable=True),
    Column("received_at", DateTime, nullable=False, index=True),
)
