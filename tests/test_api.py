"""Whole conversations through the Flask app and its JSON API."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db import make_engine
from bot.store import transcript_lines
from bot.tables import conversations
from bot.tables import outbox
from bot.tables import requests
from dialogs.record import READABLE_ALPHABET
from tests.clients import SCHEMA
from tests.clients import say
from tests.clients import start
from tests.conftest import Clock
from tests.conftest import make_app
from tests.helpers import conversation
from tests.helpers import incident


def test_full_conversation_submits_record_and_queues_email(client: FlaskClient, app: Flask) -> None:
    turn = start(client)
    assert len(turn["session_id"]) >= 43  # 256 random bits, URL-safe
    assert turn["expects"]["field"] == "consent"
    assert turn["done"] is False and turn["reference"] is None
    sid = turn["session_id"]
    answers = conversation(
        [incident("1/10/2026", "2/10/2026"), incident("8/10/2026", "9/10/2026"),
         incident("15/10/2026", "16/10/2026", ref="CAD 123")]
    )  # fmt: skip
    for answer in answers:
        turn = say(client, sid, answer)
    contract = {k: turn["expects"][k] for k in ("field", "kind", "optional", "choices", "incident")}
    assert contract == {
        "field": "confirm", "kind": "confirm", "optional": False, "choices": [], "incident": None,
    }  # fmt: skip
    turn = say(client, sid, "yes")
    assert turn["done"] is True and turn["expects"] is None
    reference = turn["reference"]
    assert reference.startswith("CR-") and set(reference[3:].replace("-", "")) <= set(
        READABLE_ALPHABET
    )
    text = " ".join(m["text"] for m in turn["messages"])
    assert reference in text and "25 November 2026" in text and "999" in text
    engine = app.extensions["casereview.engine"]
    with engine.connect() as conn:
        row = conn.execute(select(requests)).mappings().one()
        queued = conn.execute(select(outbox.c.purpose, outbox.c.recipient)).all()
    record = json.loads(row["record"])
    jsonschema.validate(record, SCHEMA)
    assert record["reference"] == reference
    assert record["screening"]["outcome"] == "meets_threshold"
    assert record["deadlines"] == {"acknowledge_by": "2026-11-25"}
    assert record["incidents"][2]["reference"] == "CAD 123"
    assert sorted(queued) == [("resident_email", "jane@example.com"),
                              ("team_email", "team@council.example")]  # fmt: skip
    # A late message gets a clear answer with the reference, and nothing is sent twice.
    late = say(client, sid, "hello?")
    assert late["done"] is True and reference in late["messages"][0]["text"]
    with engine.connect() as conn:
        assert len(conn.execute(select(requests)).all()) == 1


def test_get_session_returns_transcript_for_resume(client: FlaskClient) -> None:
    sid = start(client)["session_id"]
    say(client, sid, "yes")
    say(client, sid, "victim")
    body = client.get(f"/api/chat/sessions/{sid}").get_json()
    assert body["session_id"] == sid
    assert body["expects"]["field"] == "name"
    assert body["done"] is False and body["reference"] is None
    residents = [t["text"] for t in body["transcript"] if t["from"] == "resident"]
    assert residents == ["yes", "victim"]
    assert body["transcript"][0]["from"] == "bot"


def test_conversation_survives_a_server_restart(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    first = make_app(tmp_path, database, clock)
    sid = start(first.test_client())["session_id"]
    say(first.test_client(), sid, "yes")
    first.extensions["casereview.engine"].dispose()
    # A second app on the same database stands in for the restarted server.
    second = make_app(tmp_path / "other", database, clock)
    turn = say(second.test_client(), sid, "1")
    assert turn["expects"]["field"] == "name"


def test_idle_conversation_expires_with_a_clear_answer(client: FlaskClient, clock: Clock) -> None:
    sid = start(client)["session_id"]
    say(client, sid, "yes")
    clock.advance(hours=23, minutes=59)
    say(client, sid, "1")  # still alive, and the timer restarts
    clock.advance(hours=24, minutes=1)
    response = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": "Jane"})
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "expired" and "24 hours" in error["message"]
    assert client.get(f"/api/chat/sessions/{sid}").status_code == 404


def test_expiry_time_is_configurable(tmp_path: Path, database: str, clock: Clock) -> None:
    app = make_app(tmp_path, database, clock, SESSION_TTL_HOURS=1)
    client = app.test_client()
    sid = start(client)["session_id"]
    clock.advance(hours=1, minutes=1)
    response = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": "yes"})
    assert response.get_json()["error"]["code"] == "expired"


def test_two_turns_at_once_never_lose_an_answer(app: Flask) -> None:
    client = app.test_client()
    sid = start(client)["session_id"]
    say(client, sid, "yes")
    say(client, sid, "1")
    barrier = threading.Barrier(2)
    results: list[int] = []

    def post(text: str) -> None:
        own = app.test_client()
        barrier.wait()
        response = own.post(f"/api/chat/sessions/{sid}/messages", json={"text": text})
        results.append(response.status_code)

    threads = [threading.Thread(target=post, args=(t,)) for t in ("Jane Smith", "1 High Street")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200, 200]
    with app.extensions["casereview.engine"].connect() as conn:
        row = conn.execute(select(conversations)).mappings().one()
    answers = json.loads(row["data"])["answers"]
    # Both answers are kept: one became the name, the other the address, in arrival order.
    assert {answers["name"], answers["address"]} == {"Jane Smith", "1 High Street"}
    assert row["state"] == "postcode" and row["turns"] == 4
    said = [t["text"] for t in transcript_lines(row["transcript"]) if t["from"] == "resident"]
    assert sorted(said[2:]) == ["1 High Street", "Jane Smith"]


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "bad_request"),
        ({"json": ["text"]}, 400, "bad_request"),
        ({"json": {"message": "hi"}}, 400, "bad_request"),
        ({"json": {"text": 42}}, 400, "bad_request"),
        ({"data": "text=hi", "content_type": "application/x-www-form-urlencoded"}, 415,
         "unsupported_media_type"),
        ({"json": {"text": "x" * 10_001}}, 413, "too_large"),
        ({"data": b'{"text": "\xff\xfe"}', "content_type": "application/json"}, 400,
         "bad_request"),
    ],
)  # fmt: skip
def test_bad_requests_get_json_errors(
    client: FlaskClient, kwargs: dict[str, Any], status: int, code: str
) -> None:
    sid = start(client)["session_id"]
    response = client.post(f"/api/chat/sessions/{sid}/messages", **kwargs)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert client.get(f"/api/chat/sessions/{sid}").get_json()["expects"]["field"] == "consent"


def test_huge_body_is_refused_with_413(client: FlaskClient) -> None:
    sid = start(client)["session_id"]
    body = json.dumps({"text": "x" * 300_000})
    response = client.post(
        f"/api/chat/sessions/{sid}/messages", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_ten_thousand_characters_outside_ascii_fit_in_a_body(client: FlaskClient) -> None:
    # Escaped as JSON, 10,000 emoji take 120 KB; the API takes 10,000 characters of any kind.
    sid = start(client)["session_id"]
    body = json.dumps({"text": "\U0001f600" * 10_000})
    assert len(body) > 120_000
    response = client.post(
        f"/api/chat/sessions/{sid}/messages", data=body, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.get_json()["problem"]  # far too long for a yes or no: asked again


@pytest.mark.parametrize("session", ["a%00b", "x" * 65, "a.b", "%27%20or%201%3D1--", "%E2%82%AC"])
def test_ids_no_conversation_could_have_are_not_found(client: FlaskClient, session: str) -> None:
    # A NUL reached PostgreSQL as a DataError: a 500, and the id in a logged traceback.
    assert client.get(f"/api/chat/sessions/{session}").status_code == 404
    response = client.post(f"/api/chat/sessions/{session}/messages", json={"text": "hi"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert client.post(f"/api/chat/sessions/{session}/extend", json={}).status_code == 404


def test_database_errors_never_carry_the_values_sent(database: str) -> None:
    # An error's text reaches the log with its traceback: it must not hold what was typed.
    engine = make_engine(database)
    try:
        with pytest.raises(DBAPIError) as raised, engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table WHERE id = :id"),
                         {"id": "Jane Smith 07700 900123"})  # fmt: skip
    finally:
        engine.dispose()
    assert "Jane Smith" not in str(raised.value) and "07700" not in str(raised.value)


def test_unknown_session_and_wrong_method_are_json(client: FlaskClient) -> None:
    response = client.post("/api/chat/sessions/nope/messages", json={"text": "hi"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/chat/sessions/nope").status_code == 404
    response = client.delete("/api/chat/sessions")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert client.post("/api/chat/sessions", data="x", content_type="text/plain").status_code == 415


def test_logs_carry_ids_and_states_not_what_residents_type(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    sid = start(client)["session_id"]
    for answer in [*conversation([incident("1/10/2026", "2/10/2026")]), "yes"]:
        say(client, sid, answer)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "submitted" in logged
    for secret in ("Jane Smith", "High Street", "SW1A", "07123", "447123456789", "jane@",
                   "Loud music", sid):  # fmt: skip
        assert secret not in logged
