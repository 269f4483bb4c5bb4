"""Outbox recipients are encrypted at rest, so the column becomes unbounded text.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """outbox.recipient: VARCHAR(320) -> TEXT (batch mode copies the table on SQLite)."""
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("recipient", type_=sa.Text, existing_nullable=False)


def downgrade() -> None:
    """Back to VARCHAR(320); only safe once the recipients have been decrypted."""
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("recipient", type_=sa.String(320), existing_nullable=False)
