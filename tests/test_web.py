"""The resident's pages without a browser: CSRF, headers, theming, and the time-out API."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot import config
from bot.web import contrast
from bot.web import text_colour
from tests.clients import say
from tests.clients import start
from tests.conftest import Clock


def token(client: FlaskClient, path: str = "/apply") -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_form_posts_without_the_right_csrf_token_are_refused(client: FlaskClient) -> None:
    assert client.post("/apply/start", data={}).status_code == 400
    assert client.post("/apply/start", data={"csrf_token": "guess"}).status_code == 400
    good = token(client)
    assert client.post("/apply/start", data={"csrf_token": good}).status_code == 303
    assert client.post("/apply/answer", data={"answer": "yes"}).status_code == 400
    # Another browser's token does not work in this one.
    other = token(client.application.test_client())
    assert (
        client.post("/apply/answer", data={"csrf_token": other, "answer": "yes"}).status_code == 400
    )


def test_the_form_version_keeps_a_wrong_answer_to_correct_and_names_the_problem(
    client: FlaskClient,
) -> None:
    csrf = token(client)
    client.post("/apply/start", data={"csrf_token": csrf})
    client.post("/apply/answer", data={"csrf_token": csrf, "answer": "yes"})
    client.post("/apply/answer", data={"csrf_token": csrf, "answer": "victim"})
    client.post("/apply/answer", data={"csrf_token": csrf, "answer": "Jane Smith"})
    client.post("/apply/answer", data={"csrf_token": csrf, "answer": "1 High Street"})
    client.post("/apply/answer", data={"csrf_token": csrf, "answer": "not a postcode"})
    page = client.get("/apply/question").get_data(as_text=True)
    assert "<title>Error: " in page
    assert 'value="not a postcode"' in page and 'aria-invalid="true"' in page
    assert 'autocomplete="postal-code"' in page


def test_what_residents_type_is_escaped_on_the_pages(client: FlaskClient) -> None:
    csrf = token(client)
    client.post("/apply/start", data={"csrf_token": csrf})
    for answer in ("yes", "victim"):
        client.post("/apply/answer", data={"csrf_token": csrf, "answer": answer})
    client.post("/apply/answer", data={"csrf_token": csrf, "answer": "<script>alert(1)</script>"})
    client.post("/apply/answer", data={"csrf_token": csrf, "command": "back"})
    page = client.get("/apply/question").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


def test_pages_carry_a_strict_content_security_policy(client: FlaskClient) -> None:
    response = client.get("/chat")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'self'" in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"  # no embedding origins set
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    widget = client.get("/widget.js")
    assert widget.mimetype == "text/javascript"
    assert widget.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_theme_colour_gets_readable_text_whatever_the_council_picks() -> None:
    for colour in ("#1d70b8", "#ffdd00", "#6f2c91", "#ffffff", "#000000", "#00703c", "#d4351c"):
        chosen = text_colour(colour)
        best = max(contrast(colour, "#ffffff"), contrast(colour, "#0b0c0c"))
        assert contrast(colour, chosen) == best
        assert best >= 4.5  # AA for text, for every one of these brand colours
    assert text_colour("#ffdd00") == "#0b0c0c" and text_colour("#1d70b8") == "#ffffff"
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0


def test_bad_theme_and_origin_settings_stop_start_up_with_a_clear_message() -> None:
    with pytest.raises(SystemExit, match="THEME_COLOUR"):
        config.load({"THEME_COLOUR": "purple", "SECRET_KEY": "x"})
    with pytest.raises(SystemExit, match="EMBED_ORIGINS"):
        config.load({"EMBED_ORIGINS": "javascript:alert(1)", "SECRET_KEY": "x"})


def test_a_warned_resident_can_extend_and_an_expired_one_cannot(
    client: FlaskClient, clock: Clock
) -> None:
    first = start(client)
    sid = first["session_id"]
    assert first["expires_at"].startswith("2026-11-23T10:00")
    clock.advance(hours=23)
    response = client.post(f"/api/chat/sessions/{sid}/extend", json={})
    assert response.status_code == 200
    assert response.get_json()["expires_at"].startswith("2026-11-24T09:00")
    clock.advance(hours=23)
    assert say(client, sid, "yes")["expects"]["field"] == "applicant_role"  # still alive
    clock.advance(hours=25)
    assert client.post(f"/api/chat/sessions/{sid}/extend", json={}).status_code == 404


def test_a_turn_says_what_was_wrong_with_an_answer(client: FlaskClient) -> None:
    sid = start(client)["session_id"]
    turn = say(client, sid, "perhaps")
    assert turn["problem"] == "Please answer yes or no." or "yes or no" in turn["problem"]
    assert say(client, sid, "yes")["problem"] is None


def test_the_front_page_leads_to_the_form_version(app: Flask) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/apply")
