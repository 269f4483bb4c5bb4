"""The resident's pages without a browser: CSRF, headers, theming, and the time-out API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import BadSignature

from bot import config
from bot import db
from bot import store
from bot.security import CookieSessions
from bot.web import contrast
from bot.web import text_colour
from tests.clients import say
from tests.clients import start
from tests.conftest import Clock
from tests.conftest import make_app
from tests.helpers import VICTIM_DETAILS
from tests.helpers import conversation
from tests.helpers import incident


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
    page = client.get("/apply/question", follow_redirects=True).get_data(as_text=True)
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
    page = client.get("/apply/question", follow_redirects=True).get_data(as_text=True)
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


def test_session_cookies_signed_under_an_old_secret_key_stop_working_when_it_changes() -> None:
    # The signer is made once per key (it cost a turn 4%), so it must follow a key change.
    app = Flask(__name__)
    app.secret_key = "first key"
    sessions = CookieSessions()
    signer = sessions.get_signing_serializer(app)
    assert signer is not None and sessions.get_signing_serializer(app) is signer
    cookie = signer.dumps({"csrf": "token"})
    app.secret_key = "second key"
    changed = sessions.get_signing_serializer(app)
    assert changed is not None
    with pytest.raises(BadSignature):
        changed.loads(cookie)
    app.config["SECRET_KEY_FALLBACKS"] = ["first key"]  # Flask's way to rotate without logouts
    rotating = sessions.get_signing_serializer(app)
    assert rotating is not None and rotating.loads(cookie) == {"csrf": "token"}


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


def test_extending_an_ended_conversation_restarts_no_timer(app: Flask, clock: Clock) -> None:
    # It used to answer with a new expiry and touch the row, keeping it from being purged.
    client = app.test_client()
    sid = start(client)["session_id"]
    assert say(client, sid, "no")["done"]  # does not agree to share: ended
    engine = app.extensions["casereview.engine"]
    with db.read(engine) as conn:
        before = store.read_conversation(conn, sid)
    clock.advance(hours=1)
    response = client.post(f"/api/chat/sessions/{sid}/extend", json={})
    assert response.status_code == 200 and response.get_json()["expires_at"] is None
    with db.read(engine) as conn:
        after = store.read_conversation(conn, sid)
    assert before is not None and after is not None
    assert after["updated_at"] == before["updated_at"]


def test_a_turn_says_what_was_wrong_with_an_answer(client: FlaskClient) -> None:
    sid = start(client)["session_id"]
    turn = say(client, sid, "perhaps")
    assert turn["problem"] == "Please answer yes or no." or "yes or no" in turn["problem"]
    assert say(client, sid, "yes")["problem"] is None


def test_the_front_page_leads_to_the_form_version(app: Flask) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/apply")


def _answer(client: FlaskClient, csrf: str, **form: str) -> str:
    """Post one form answer; the path of the page it leads to."""
    response = client.post("/apply/answer", data={"csrf_token": csrf, **form},
                           follow_redirects=True)  # fmt: skip
    return response.request.path


def _form_at_address(client: FlaskClient) -> str:
    csrf = token(client)
    client.post("/apply/start", data={"csrf_token": csrf})
    for answer in ("yes", "victim", "Jane Smith"):
        _answer(client, csrf, answer=answer)
    return csrf


def test_each_form_question_has_its_own_address_so_the_browsers_back_works(
    client: FlaskClient,
) -> None:
    csrf = _form_at_address(client)
    assert client.get("/apply/question").headers["Location"].endswith("/apply/q/address")
    assert _answer(client, csrf, answer="1 High Street") == "/apply/q/postcode"
    # The browser's Back: the address page again, with the answer given, not the postcode.
    page = client.get("/apply/q/address").get_data(as_text=True)
    assert "What is your address?" in page and ">1 High Street</textarea>" in page
    # Answering it there changes that answer and goes on from it.
    assert _answer(client, csrf, answer="2 Low Road", step="address") == "/apply/q/postcode"
    page = client.get("/apply/q/name").get_data(as_text=True)
    assert 'value="Jane Smith"' in page
    # A question not reached yet is not shown: the resident is sent to where they are.
    assert client.get("/apply/q/email").headers["Location"].endswith("/apply/question")


def test_change_from_check_your_answers_opens_the_answer_pre_filled(
    client: FlaskClient,
) -> None:
    csrf = _form_at_address(client)
    answers = conversation([incident("1/10/2026", "2/10/2026")])[3:]
    for answer in answers:
        _answer(client, csrf, answer=answer)
    assert client.get("/apply/question").headers["Location"].endswith("/apply/check")
    page_path = _answer(client, csrf, command="change phone")
    assert page_path == "/apply/q/phone"
    page = client.get(page_path).get_data(as_text=True)
    assert 'value="07123 456789"' in page or 'value="07123456789"' in page


def test_form_headings_hold_the_question_only_and_titles_stay_short(client: FlaskClient) -> None:
    csrf = token(client)
    first = client.post("/apply/start", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Hello" not in first.get_data(as_text=True)  # a form page does not say hello
    for answer in ("yes", "victim", "Jane Smith", "1 High Street", "SW1A 1AA", "07123 456789",
                   "jane@example.com", "email", "email", "no", "no"):  # fmt: skip
        _answer(client, csrf, answer=answer)
    page = client.get("/apply/q/location").get_data(as_text=True)
    heading = re.search(r'<label[^>]*for="answer">(.*?)</label>', page, re.S)
    assert heading and heading.group(1).strip() == "Where does the behaviour happen?"
    assert '<div class="govuk-hint" id="hint">For example a street' in page
    consent = client.get("/apply/q/consent").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", consent, re.S)
    assert title and len(title.group(1)) < 120 and "Type yes" not in consent
    assert "Hello" not in consent


def test_errors_on_pages_are_html_with_a_way_back_and_the_api_keeps_json(
    client: FlaskClient,
) -> None:
    html = {"Accept": "text/html,application/xhtml+xml"}
    missing = client.get("/no-such-page", headers=html)
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "Page not found" in missing.get_data(as_text=True)
    expired = client.post("/apply/answer", data={"answer": "yes"}, headers=html)
    assert expired.status_code == 400 and expired.mimetype == "text/html"
    assert "This form has expired" in expired.get_data(as_text=True)
    assert 'href="/apply"' in expired.get_data(as_text=True)
    huge = client.post("/apply/answer", data={"answer": "x" * 300_000}, headers=html)
    assert huge.status_code == 413 and huge.mimetype == "text/html"
    assert "Back button" in huge.get_data(as_text=True)
    api = client.get("/api/chat/sessions/nope", headers=html)
    assert api.status_code == 404 and api.mimetype == "application/json"


def test_an_over_long_form_answer_is_kept_on_the_server_not_lost_nor_in_the_cookie(
    client: FlaskClient,
) -> None:
    csrf = _form_at_address(client)
    long = "A long address line. " * 600  # 12,600 characters: over every limit
    response = client.post("/apply/answer", data={"csrf_token": csrf, "answer": long,
                           "step": "address"}, follow_redirects=True)  # fmt: skip
    assert response.request.path == "/apply/q/address"
    page = response.get_data(as_text=True)
    assert "Answers can be up to 3,000 characters" in page
    assert long.strip() in page
    cookies = response.request.headers.get("Cookie", "")
    assert "session=" in cookies and len(cookies) < 1000
    # Shortened, it is taken and the draft is gone.
    assert _answer(client, csrf, answer="1 High Street", step="address") == "/apply/q/postcode"
    assert long[:40] not in client.get("/apply/q/address").get_data(as_text=True)


def test_removing_an_incident_on_the_form_asks_first(client: FlaskClient) -> None:
    csrf = _form_at_address(client)
    answers = conversation([incident("1/10/2026", "2/10/2026"), incident("8/10/2026", "9/10/2026")])
    for answer in answers[3:]:
        _answer(client, csrf, answer=answer)
    check = client.get("/apply/check").get_data(as_text=True)
    assert 'value="remove incident 2"' in check
    assert _answer(client, csrf, command="remove incident 2") == "/apply/question"
    sure = client.get("/apply/question").get_data(as_text=True)
    assert "Are you sure you want to remove incident 2?" in sure
    assert "Yes, remove incident 2" in sure and "No, keep it" in sure
    assert _answer(client, csrf, choices_shown="1", choice="yes") == "/apply/check"
    assert "Incident 2" not in client.get("/apply/check").get_data(as_text=True)


def test_the_chat_is_small_and_served_by_this_service(client: FlaskClient) -> None:
    """Under 50 KB gzipped, page, styles and script together (chat widgets run to 1 to 5 MB),
    every asset from this origin so the CSP stays 'self'."""
    import gzip

    page = client.get("/chat").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/[^"]+\.(?:css|js))"', page)
    assert "/static/govuk.css" in assets and "/static/chat.js" in assets
    total = len(gzip.compress(page.encode(), 9))
    for path in [*assets, "/theme.css"]:
        with client.get(path) as response:
            assert response.status_code == 200
            body = response.get_data()
        total += len(gzip.compress(body, 9))
        assert b"GDS Transport" not in body  # that typeface is for GOV.UK only
    assert total < 50_000, f"{total:,} bytes gzipped"


def test_the_form_shows_the_incidents_so_far_before_asking_for_another(
    client: FlaskClient,
) -> None:
    csrf = _form_at_address(client)
    for answer in [*VICTIM_DETAILS[3:], "no", *incident("1/10/2026", "2/10/2026")]:
        _answer(client, csrf, answer=answer)
    path = client.get("/apply/question").headers["Location"]
    assert path.endswith("/apply/q/another_incident/1")
    page = client.get(path).get_data(as_text=True)
    assert "Incidents so far" in page and "1 October 2026. Loud music" in page


def test_a_form_user_over_a_rate_limit_gets_a_page_and_keeps_the_answers(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    import secrets

    limits = {"RATE_LIMITS": True, "RATE_LIMIT_PREFIX": secrets.token_hex(6),
              "RATE_LIMIT_CLIENT": "6 per minute"}  # fmt: skip
    app = make_app(tmp_path, database, clock, **limits)
    client = app.test_client()
    csrf = token(client)
    client.post("/apply/start", data={"csrf_token": csrf})
    responses = [
        client.post("/apply/answer", data={"csrf_token": csrf, "answer": "yes"}) for _ in range(6)
    ]
    refused = responses[-1]
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    page = refused.get_data(as_text=True)
    assert "wait a minute" in page and "Your answers are kept" in page
    # Each question's own page is limited too (it was a way round the limit).
    assert client.get("/apply/q/applicant_role").status_code == 429


def test_an_unexpected_fault_on_a_page_is_a_page_not_json(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    app = make_app(tmp_path, database, clock)

    def broken() -> str:
        raise RuntimeError("a fault for the test")

    app.add_url_rule("/broken-page", "broken_page", broken)
    response = app.test_client().get("/broken-page", headers={"Accept": "text/html"})
    assert response.status_code == 500 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page and "RuntimeError" not in page
    assert 'href="/apply"' in page


def test_an_optional_question_left_empty_on_the_form_is_skipped(client: FlaskClient) -> None:
    # GOV.UK forms accept an optional field left empty; asking again says nothing new.
    csrf = _form_at_address(client)
    for answer in ("1 High Street", "sw1a1aa", "07123 456789", "jane@example.com", "email"):
        _answer(client, csrf, answer=answer)
    assert _answer(client, csrf, choices_shown="1", choice="email") == "/apply/q/safe_contact"
    assert _answer(client, csrf, answer="  ") == "/apply/q/support_needs"
    assert _answer(client, csrf, answer="") == "/apply/q/location"
    # A question that must be answered still says what it wants.
    response = client.post("/apply/answer", data={"csrf_token": csrf, "answer": ""},
                           follow_redirects=True)  # fmt: skip
    assert response.request.path == "/apply/q/location"
    assert "Please tell us where" in response.get_data(as_text=True)
    with client.session_transaction() as cookie:
        sid = cookie["conversation"]
    with db.read(client.application.extensions["casereview.engine"]) as conn:
        row = store.read_conversation(conn, sid)
    assert row is not None
    answers = json.loads(row["data"])["answers"]
    assert answers["safe_contact"] is None and answers["support_needs"] is None


def test_an_empty_page_sent_from_another_tab_never_skips_the_question_being_asked(
    client: FlaskClient,
) -> None:
    # At "who is causing it" (optional), Back to "where it happens" (must be answered), then
    # the first page sent empty from another tab: "where it happens" was stored as "skip".
    csrf = _form_at_address(client)
    for answer in ("1 High Street", "sw1a1aa", "07123 456789", "jane@example.com", "email"):
        _answer(client, csrf, answer=answer)
    _answer(client, csrf, choices_shown="1", choice="email")
    _answer(client, csrf, answer="")
    _answer(client, csrf, answer="")
    assert _answer(client, csrf, answer="Outside 1 High Street") == "/apply/q/perpetrators"
    assert _answer(client, csrf, command="back") == "/apply/q/location"
    assert _answer(client, csrf, answer="", step="perpetrators") == "/apply/q/location"
    assert _answer(client, csrf, command="skip") == "/apply/q/location"
    with client.session_transaction() as cookie:
        sid = cookie["conversation"]
    with db.read(client.application.extensions["casereview.engine"]) as conn:
        row = store.read_conversation(conn, sid)
    assert row is not None
    assert json.loads(row["data"])["answers"]["location"] == "Outside 1 High Street"
