"""Alembic environment: runs the bundled migrations against the configured database."""

from __future__ import annotations

from alembic import context

from bot.db import make_engine
from bot.tables import metadata

config = context.config
target_metadata = metadata


def run_migrations_offline() -> None:
    """Emit SQL without a database connection (alembic --sql)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply migrations over a live connection."""
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
