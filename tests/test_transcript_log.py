"""The transcript is a sealed log: a turn adds its lines and never opens what was said before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot import db
from bot import keycheck
from bot import store
from bot import vault
from bot.conversation import MAX_TRANSCRIPT_CHARS
from bot.crypto import Vault
from bot.maintenance import rekey
from tests.clients import say
from tests.clients import start
from tests.conftest import Clock
from tests.conftest import make_app


def stored(app: Flask, session: str) -> str:
    """The transcript column exactly as stored, bypassing decryption."""
    with app.extensions["casereview.engine"].connect() as conn:
        query = text("SELECT transcript FROM conversations WHERE id = :id")
        return str(conn.execute(query, {"id": session}).scalar_one())


def said(app: Flask, session: str) -> list[str]:
    """What the resident said, as the API gives the transcript back."""
    body = app.test_client().get(f"/api/chat/sessions/{session}").get_json()
    return [line["text"] for line in body["transcript"] if line["from"] == "resident"]


def test_a_turn_adds_its_lines_without_rewriting_what_was_said(app: Flask) -> None:
    client = app.test_client()
    session = start(client)["session_id"]
    say(client, session, "yes")
    before = stored(app, session)
    say(client, session, "1")
    after = stored(app, session)
    # What was there is byte for byte the same: not decrypted and sealed again.
    assert after.startswith(before + "\n")
    added = after.removeprefix(before + "\n")
    assert "\n" not in added and added.startswith("gAAAAA")
    lines = json.loads(vault(app.config).open(added))
    assert lines[0] == {"from": "resident", "text": "1"}
    assert [line["from"] for line in lines[1:]] == ["bot"] * (len(lines) - 1)
    assert said(app, session) == ["yes", "1"]


def test_a_transcript_stored_before_it_was_a_log_reads_and_grows(app: Flask) -> None:
    client = app.test_client()
    session = start(client)["session_id"]
    # A row from before encryption at rest: the whole transcript as one plain JSON list.
    old = json.dumps([{"from": "bot", "text": "Hello"}, {"from": "resident", "text": "hi"}])
    with app.extensions["casereview.engine"].begin() as conn:
        conn.execute(text("UPDATE conversations SET transcript = :t"), {"t": old})
    say(client, session, "yes")
    assert said(app, session) == ["hi", "yes"]
    assert stored(app, session).startswith(old + "\n")


def test_a_long_transcript_loses_its_oldest_turns_and_keeps_its_newest(app: Flask) -> None:
    client = app.test_client()
    session = start(client)["session_id"]
    say(client, session, "yes")
    refused = ["x" * 150 + str(n) for n in range(MAX_TRANSCRIPT_CHARS // 200)]
    for answer in refused:  # not a choice: asked again, each time with the question
        assert say(client, session, answer)["problem"]
    kept = said(app, session)
    body = client.get(f"/api/chat/sessions/{session}").get_json()
    total = sum(len(line["text"]) for line in body["transcript"])
    assert MAX_TRANSCRIPT_CHARS // 4 < total <= MAX_TRANSCRIPT_CHARS
    assert kept[-1] == refused[-1] and "yes" not in kept  # the newest kept, the oldest gone
    assert kept == refused[len(refused) - len(kept) :]  # in order, nothing missing between
    assert len(stored(app, session)) <= MAX_TRANSCRIPT_CHARS + 2_000  # one turn past, at most


def test_keys_check_and_rotate_a_log_line_by_line(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    old = make_app(tmp_path / "old", database, clock, DATA_KEYS=[first])
    client = old.test_client()
    session = start(client)["session_id"]
    for answer in ("yes", "1", "Jane Smith"):
        say(client, session, answer)
    engine = old.extensions["casereview.engine"]
    assert stored(old, session).count("\n") == 3
    assert keycheck.check(engine, Vault([first])).ok
    assert not keycheck.check(engine, Vault([second])).ok
    rekey(engine, Vault([second, first]))
    assert keycheck.check(engine, Vault([second]), sample=None).ok
    new = make_app(tmp_path / "new", database, clock, DATA_KEYS=[second])
    assert said(new, session) == ["yes", "1", "Jane Smith"]


def test_a_driver_error_in_a_turn_is_raised_as_sqlalchemys(app: Flask) -> None:
    # The turn's statements run on the driver itself; its errors must still reach the error
    # handlers as SQLAlchemy's (a locked or lost SQLite database is a 503, not a 500).
    client = app.test_client()
    session = start(client)["session_id"]
    engine = app.extensions["casereview.engine"]
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE conversations RENAME TO gone"))
    try:
        with pytest.raises(DBAPIError) as raised, engine.begin() as conn:
            store.lock_conversation(conn, session)
        response = client.post(f"/api/chat/sessions/{session}/messages", json={"text": "yes"})
    finally:  # the PostgreSQL schema is shared by the whole run
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE gone RENAME TO conversations"))
    assert isinstance(raised.value.orig, engine.dialect.loaded_dbapi.Error)
    if engine.dialect.name == "sqlite":  # "no such table" is an OperationalError there
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "unavailable"


def test_a_reload_reads_the_conversation_and_its_transcript_as_of_one_moment(app: Flask) -> None:
    # A turn committed between reading the row and reading the transcript must not show: a
    # reload would otherwise pair an old question (or a request not yet sent) with newer lines.
    client = app.test_client()
    session = start(client)["session_id"]
    say(client, session, "yes")
    with db.read(app.extensions["casereview.engine"]) as conn:
        row = store.read_conversation(conn, session)
        say(client, session, "1")  # another request's turn, committed now
        lines = store.read_transcript(conn, session)
    assert row is not None
    assert [line["text"] for line in lines if line["from"] == "resident"] == ["yes"]
    assert said(app, session) == ["yes", "1"]


def test_a_transcript_of_text_outside_ascii_stays_bounded_and_is_not_rewritten_each_turn(
    app: Flask,
) -> None:
    # Each emoji is stored as a 12-character JSON escape: the bound counts what is stored.
    client = app.test_client()
    session = start(client)["session_id"]
    say(client, session, "yes")
    before, rewrites = stored(app, session), 0
    for number in range(260):
        assert say(client, session, f"aaab {number} " + "\U0001f600" * 195)["problem"]
        now = stored(app, session)
        assert len(now) <= MAX_TRANSCRIPT_CHARS + 20_000  # at most one refused turn past it
        rewrites += not now.startswith(before)  # trimmed this turn, not only appended to
        before = now
    assert 1 <= rewrites <= 260 // 5  # trimmed now and then, not on every turn
    assert said(app, session)[-1].startswith("aaab 259 ")
