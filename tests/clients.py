"""A web chat client for tests: start a conversation and say things through the JSON API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "dialogs/schema/intake-record.schema.json").read_text()
)


def start(client: FlaskClient) -> dict[str, Any]:
    response = client.post("/api/chat/sessions", json={})
    assert response.status_code == 201
    body: dict[str, Any] = response.get_json()
    return body


def say(client: FlaskClient, session_id: str, text: str) -> dict[str, Any]:
    response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body
