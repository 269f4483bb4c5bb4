"""SMS: who has texted (by keyed hash, with opt-outs) and every inbound MessageSid.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create sms_senders and sms_messages."""
    op.create_table(
        "sms_senders",
        sa.Column("sender_key", sa.String(64), primary_key=True),
        sa.Column("conversation_id", sa.String(64), nullable=True),
        sa.Column("opted_out", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sms_messages",
        sa.Column("message_sid", sa.String(64), primary_key=True),
        sa.Column("sender_key", sa.String(64), nullable=False),
        sa.Column("reply", sa.Text, nullable=True),
        sa.Column("received_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sms_messages_received_at", "sms_messages", ["received_at"])


def downgrade() -> None:
    """Drop the SMS tables."""
    op.drop_index("ix_sms_messages_received_at", table_name="sms_messages")
    op.drop_table("sms_messages")
    op.drop_table("sms_senders")
