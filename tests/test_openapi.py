"""The JSON API against its OpenAPI document: real responses checked, then schemathesis
generates valid and hostile requests from it (no 5xx, no response outside the document)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import settings

from bot.openapi import DOCUMENT
from tests.clients import say
from tests.clients import start
from tests.helpers import conversation
from tests.helpers import incident


def validate(body: Any, name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{name}", "components": DOCUMENT["components"]}
    jsonschema.validate(body, schema)


def test_the_document_is_served_and_is_openapi_3_1(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"] == "3.1.0"


def test_every_real_response_of_a_whole_conversation_fits_the_document(
    client: FlaskClient,
) -> None:
    first = start(client)
    validate(first, "Turn")
    sid = first["session_id"]
    for answer in [*conversation([incident("2 weeks ago", "1 week ago")], hate=True), "perhaps",
                   "help", "back", "no", "yes"]:  # fmt: skip
        validate(say(client, sid, answer), "Turn")
    validate(client.get(f"/api/chat/sessions/{sid}").get_json(), "Session")
    for bad in (
        client.post(f"/api/chat/sessions/{sid}/messages", data="x", content_type="text/plain"),
        client.post("/api/chat/sessions/nope/messages", json={"text": "hi"}),
        client.post(f"/api/chat/sessions/{sid}/messages", json={"text": "x" * 10_001}),
        client.post(f"/api/chat/sessions/{sid}/messages", json={}),
        client.delete("/api/chat/sessions"),
    ):
        assert 400 <= bad.status_code < 500
        validate(bad.get_json(), "Error")


def _app() -> Flask:
    import tempfile
    from pathlib import Path

    from bot.db import migrate
    from tests.conftest import Clock
    from tests.conftest import make_app

    folder = Path(tempfile.mkdtemp(prefix="casereview-schemathesis-"))
    url = f"sqlite:///{folder / 'casereview.sqlite3'}"
    migrate(url)
    return make_app(folder, url, Clock())


schema = schemathesis.openapi.from_wsgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_schemathesis_finds_no_server_error_and_no_undocumented_response(
    case: schemathesis.Case,
) -> None:
    case.call_and_validate()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"text": "\xff\xfe"}', "application/json"),  # invalid UTF-8
        (b'{"text": "a\\u0000b\\u001b[2J"}', "application/json"),  # control characters
        (b"\xff" * 100, "application/json"),
        (b'{"text": ' + b'"a"' * 3 + b"}", "application/json"),  # malformed JSON
        (b"text=hello", "application/x-www-form-urlencoded"),
        (b"[1, 2, 3]", "application/json"),
        (b'{"text": ["not", "a", "string"]}', "application/json"),
    ],
)
def test_hostile_bodies_get_a_4xx_json_answer_or_a_normal_turn(
    client: FlaskClient, body: bytes, content_type: str
) -> None:
    sid = start(client)["session_id"]
    response = client.post(
        f"/api/chat/sessions/{sid}/messages", data=body, content_type=content_type
    )
    assert response.status_code in {200, 400, 415}
    if response.status_code == 200:
        validate(response.get_json(), "Turn")
    else:
        validate(response.get_json(), "Error")
