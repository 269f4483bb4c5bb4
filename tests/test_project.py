"""Project-level promises: the dialog diagram is current, layers stay apart, migrations match."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from bot.tables import metadata
from dialogs.diagram import embed

ROOT = Path(__file__).parent.parent


def test_dialog_diagram_matches_the_state_machine() -> None:
    doc = (ROOT / "docs" / "dialog.md").read_text()
    assert embed(doc) == doc, "run: python -m dialogs.diagram --write"


def test_dialogs_and_integrations_import_no_web_or_database_code() -> None:
    code = (
        "import sys, dialogs.engine, dialogs.screening, dialogs.summary, integrations.smtp, "
        "integrations.dropfolder; "
        "print([m for m in ('flask', 'sqlalchemy', 'bot') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_migrations_create_exactly_the_declared_tables(migrated_template: Path) -> None:
    engine = create_engine(f"sqlite:///{migrated_template}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_bundled_schema_matches_the_shared_contract() -> None:
    shared = ROOT.parent / "shared" / "schema" / "intake-record.schema.json"
    bundled = ROOT / "dialogs" / "schema" / "intake-record.schema.json"
    if shared.exists():  # beside the clone in CI and on developers' machines
        assert json.loads(bundled.read_text()) == json.loads(shared.read_text())


def test_no_test_module_imports_another() -> None:
    """Shared builders live in helper modules: one test file changes without breaking others."""
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        for line in path.read_text().splitlines()
        if line.lstrip().startswith(("from tests.test_", "import tests.test_"))
    ]
    assert offenders == []


def test_the_core_has_no_channel_checks() -> None:
    """The questionnaire, the path and the turn engine never ask which channel they serve."""
    for name in ("engine.py", "journey.py", "questionnaire.py", "turn.py", "model.py"):
        text = (ROOT / "dialogs" / name).read_text()
        for word in ("sms", "channel", "web"):
            assert f"self.{word}" not in text and f"{word}=" not in text, (name, word)
