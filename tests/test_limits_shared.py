"""Rate limits that hurt only the client that exceeds them (issue 12, items 6 and 11).

Against real `casereview serve` processes (two web processes): each form user has a bucket of
their own, an unsigned text cannot use up a number's limit, the counts are shared by the
processes, and the limiter's log lines carry keyed hashes, never a number or its plain hash.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from tests.serving import Serve
from tests.serving import serving

TOKEN = "b4d3e2f1a0c9b8a7f6e5d4c3b2a1f0e9"
VICTIM = "+447700900456"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Serve]:
    with serving(tmp_path, "--no-worker", RATE_LIMITS="on", RATE_LIMIT_CONVERSATION="3 per hour",
                 RATE_LIMIT_NEW="4 per hour", TWILIO_AUTH_TOKEN=TOKEN) as running:  # fmt: skip
        yield running


class Browser:
    """One form user, with a cookie jar of their own."""

    def __init__(self, server: Serve) -> None:
        self.url = server.url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        try:
            with self.opener.open(self.url + path, data=data, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def start(self) -> str:
        status, page = self.open("/apply")
        assert status == 200
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        assert self.open("/apply/start", {"csrf_token": token.group(1)})[0] == 200
        return token.group(1)


def test_each_form_user_has_a_bucket_of_their_own(server: Serve) -> None:
    fast, other = Browser(server), Browser(server)
    fast_token, other_token = fast.start(), other.start()
    statuses = [fast.open("/apply/answer", {"csrf_token": fast_token, "answer": "yes"})[0]
                for _ in range(4)]  # fmt: skip
    assert statuses[-1] == 429  # the fast user alone reached their limit
    assert other.open("/apply/answer", {"csrf_token": other_token, "answer": "yes"})[0] == 200


def test_forged_form_posts_count_against_no_one(server: Serve) -> None:
    user = Browser(server)
    token = user.start()
    for _ in range(5):  # a page elsewhere posting with the user's cookie but no token
        assert user.open("/apply/answer", {"answer": "yes"})[0] == 400
    assert user.open("/apply/answer", {"csrf_token": token, "answer": "yes"})[0] == 200


def _text(server: Serve, sid: str, body: str, signed: bool) -> int:
    params = {"From": VICTIM, "Body": body, "MessageSid": sid}
    request = urllib.request.Request(server.url + "/sms/twilio",
                                     data=urllib.parse.urlencode(params).encode())  # fmt: skip
    if signed:
        # No PUBLIC_URL (it would make the form's cookie https-only): Twilio signs this URL.
        signature = RequestValidator(TOKEN).compute_signature(f"{server.url}/sms/twilio", params)
        request.add_header("X-Twilio-Signature", signature)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_unsigned_texts_with_a_victims_number_do_not_use_up_their_limit(server: Serve) -> None:
    for n in range(6):
        assert _text(server, f"SMforged{n:026d}", "hello", signed=False) == 403
    assert _text(server, "SM" + "1" * 32, "hello", signed=True) == 200
    for n in range(2, 5):  # over the limit by genuine texts, it is reached, and logged keyed
        _text(server, "SM" + str(n) * 32, "hello", signed=True)
    log = server.log.read_text()
    assert "exceeded" in log
    assert VICTIM not in log and VICTIM[1:] not in log
    assert hashlib.sha256(VICTIM.encode()).hexdigest()[:32] not in log  # the old, unkeyed hash


def test_limits_are_counted_once_for_all_web_processes(server: Serve) -> None:
    statuses = [server.call("POST", "/api/chat/sessions", {})[0] for _ in range(10)]
    # RATE_LIMIT_NEW is 4 an hour: per process, two processes let up to 8 through.
    assert statuses.count(201) == 4 and statuses[4:] == [429] * 6
