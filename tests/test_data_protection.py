"""Data protection: answers encrypted at rest, keys rotated while serving, data purged on time."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import text

from bot import create_app
from bot import vault
from bot.cli import main as cli
from bot.maintenance import purge
from bot.maintenance import rekey
from tests.clients import say
from tests.clients import start
from tests.conftest import Clock
from tests.conftest import make_app
from tests.helpers import conversation
from tests.helpers import incident

PRIVATE = ("Jane Smith", "jane@example.com", "447123456789", "High Street", "Loud music")
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def submit(app: Flask) -> str:
    client = app.test_client()
    sid = start(client)["session_id"]
    for answer in conversation([incident("2 weeks ago", "1 week ago")]):
        say(client, sid, answer)
    reference: str = say(client, sid, "yes")["reference"]
    return reference


def raw(app: Flask, sql: str) -> list[str]:
    """Column values exactly as stored, bypassing decryption."""
    with app.extensions["casereview.engine"].connect() as conn:
        return [str(r[0]) for r in conn.execute(text(sql)) if r[0] is not None]


def test_answers_records_and_recipients_are_encrypted_at_rest(app: Flask) -> None:
    submit(app)
    start(app.test_client())  # and an unfinished one
    stored = (
        raw(app, "SELECT data FROM conversations")
        + raw(app, "SELECT transcript FROM conversations")
        + raw(app, "SELECT record FROM requests")
        + raw(app, "SELECT recipient FROM outbox")
    )
    assert len(stored) == 2 + 2 + 1 + 2
    for value in stored:
        assert value.startswith("gAAAAA"), value[:20]
        for private in PRIVATE:
            assert private not in value
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):  # nor anywhere in the database files
        database = Path(url.removeprefix("sqlite:///"))
        app.extensions["casereview.engine"].dispose()
        for path in database.parent.glob(database.name + "*"):
            content = path.read_bytes()
            for private in PRIVATE:
                assert private.encode() not in content, path.name


def test_keys_rotate_without_downtime(tmp_path: Path, database: str, clock: Clock) -> None:
    old = make_app(tmp_path / "old", database, clock, DATA_KEYS=[OLD_KEY])
    client = old.test_client()
    sid = start(client)["session_id"]
    say(client, sid, "yes")
    reference = submit(old)
    # Step 1: every server gets the new key first in line; old data still reads.
    both = make_app(tmp_path / "both", database, clock, DATA_KEYS=[NEW_KEY, OLD_KEY])
    assert both.test_client().get(f"/api/chat/sessions/{sid}").status_code == 200
    assert say(both.test_client(), sid, "1")["expects"]["field"] == "name"
    # Step 2: re-encrypt everything with the new key, while serving.
    rewritten = rekey(both.extensions["casereview.engine"], vault(both.config)).rewritten
    assert rewritten >= 7
    # Step 3: the old key can go.
    new = make_app(tmp_path / "new", database, clock, DATA_KEYS=[NEW_KEY])
    body = new.test_client().get(f"/api/chat/sessions/{sid}").get_json()
    assert [t["text"] for t in body["transcript"] if t["from"] == "resident"] == ["yes", "1"]
    assert all(v.startswith("gAAAAA") for v in raw(new, "SELECT record FROM requests"))
    record = json.loads(_decrypted_record(new, reference))
    assert record["applicant"]["name"] == "Jane Smith"


def _decrypted_record(app: Flask, reference: str) -> str:
    from sqlalchemy import select

    from bot.tables import requests

    with app.extensions["casereview.engine"].connect() as conn:
        query = select(requests.c.record).where(requests.c.reference == reference)
        return str(conn.execute(query).scalar_one())


def test_a_malformed_data_key_stops_start_up_with_a_clear_message(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    with pytest.raises(SystemExit, match="DATA_KEYS must be Fernet keys"):
        make_app(tmp_path, database, clock, DATA_KEYS=["not-a-key"])


def test_purge_removes_what_is_past_retention_and_says_so(app: Flask, clock: Clock) -> None:
    policy = app.extensions["casereview.policy"]
    engine = app.extensions["casereview.engine"]
    clock.now = dt.datetime(2025, 10, 1, 12, 0)
    old_reference = submit(app)  # a request from 14 months ago
    clock.now = dt.datetime(2026, 10, 1, 12, 0)
    start(app.test_client())  # abandoned 52 days ago
    clock.now = dt.datetime(2026, 11, 20, 12, 0)
    new_reference = submit(app)
    recent = start(app.test_client())["session_id"]  # two days ago
    now = dt.datetime(2026, 11, 22, 12, 0)

    preview = purge(engine, policy, now, dry_run=True)
    assert (preview.requests, preview.unfinished) == (1, 1)
    assert len(raw(app, "SELECT id FROM conversations")) == 4  # a dry run keeps everything

    done = purge(engine, policy, now)
    assert (done.requests, done.outbox, done.sent_conversations, done.unfinished) == (1, 2, 1, 1)
    assert raw(app, "SELECT reference FROM requests") == [new_reference]
    assert old_reference not in raw(app, "SELECT reference FROM requests")
    assert recent in raw(app, "SELECT id FROM conversations")
    assert len(raw(app, "SELECT id FROM conversations")) == 2
    assert "Removed 1 submitted requests older than 12 months" in done.describe(policy)
    assert purge(engine, policy, now).requests == 0  # nothing more to do


def test_the_purge_command_reports_in_plain_words(
    tmp_path: Path, migrated_template: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    database = tmp_path / "casereview.sqlite3"
    database.write_bytes(migrated_template.read_bytes())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("CASEREVIEW_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "purge-test")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    assert cli(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was deleted." in out
    assert "Removed 0 unfinished conversations not touched for 30 days." in out
    assert cli(["rekey"]) == 0
    assert "Re-encrypted 0 stored values" in capsys.readouterr().out
    create_app().extensions["casereview.engine"].dispose()
