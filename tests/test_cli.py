"""What the `casereview` command says: its help, and what migrate did."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from bot.cli import main
from bot.db import alembic_config


def test_migrate_says_what_it_did_to_a_new_then_an_old_then_a_current_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'casereview.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.startswith("Created the tables in a new database (sqlite:")
    command.downgrade(alembic_config(url), "-1")
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.startswith("Updated the database from revision ")
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.startswith("The database is already up to date (sqlite:")


def test_help_names_nothing_outside_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out.lower()
    assert "contract" not in text and "seed" not in text
    assert "readme.md" in text
