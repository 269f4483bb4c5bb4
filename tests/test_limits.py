"""Rate limits per client and per conversation, shared between servers through Redis."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from tests.clients import start
from tests.conftest import Clock
from tests.conftest import make_app

REDIS_URL = os.environ.get("CASEREVIEW_TEST_REDIS", "redis://127.0.0.1:6379/15")


def limited_app(tmp_path: Path, database: str, clock: Clock, **limits: Any) -> Flask:
    settings: dict[str, Any] = {"RATE_LIMITS": True, "RATE_LIMIT_PREFIX": secrets.token_hex(6)}
    settings.update(limits)
    return make_app(tmp_path, database, clock, **settings)


def post(app: Flask, session: str, text: str = "help", **headers: str) -> Any:
    return app.test_client().post(
        f"/api/chat/sessions/{session}/messages", json={"text": text}, headers=headers
    )


def test_one_conversation_cannot_send_faster_than_its_limit(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    app = limited_app(tmp_path, database, clock, RATE_LIMIT_CONVERSATION="5 per minute")
    first = start(app.test_client())["session_id"]
    assert [post(app, first).status_code for _ in range(5)] == [200] * 5
    refused = post(app, first)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert "too quickly" in refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    other = start(app.test_client())["session_id"]
    assert post(app, other).status_code == 200  # another resident is not held up


def test_one_client_cannot_spread_requests_over_many_conversations(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    app = limited_app(tmp_path, database, clock, RATE_LIMIT_CLIENT="8 per minute")
    sessions = [start(app.test_client())["session_id"] for _ in range(3)]  # 3 of the 8
    codes = [post(app, sessions[n % 3]).status_code for n in range(6)]
    assert codes == [200] * 5 + [429]


def test_new_conversations_per_client_are_limited(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    app = limited_app(tmp_path, database, clock, RATE_LIMIT_NEW="3 per hour")
    client = app.test_client()
    codes = [client.post("/api/chat/sessions", json={}).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    app = limited_app(tmp_path, database, clock, RATE_LIMIT_CLIENT="4 per minute")
    client = app.test_client()
    codes = [
        client.post(
            "/api/chat/sessions", json={}, headers={"X-Forwarded-For": f"10.0.0.{n}"}
        ).status_code
        for n in range(5)
    ]
    assert codes[-1] == 429  # not behind a trusted proxy: the header is ignored
    proxied = limited_app(tmp_path / "p", database, clock, RATE_LIMIT_CLIENT="4 per minute",
                          TRUSTED_PROXIES=1)  # fmt: skip
    client = proxied.test_client()
    codes = [
        client.post(
            "/api/chat/sessions", json={}, headers={"X-Forwarded-For": f"10.0.0.{n}"}
        ).status_code
        for n in range(5)
    ]
    assert codes == [201] * 5  # behind the council's proxy, each resident counts alone


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


def test_several_servers_share_one_limit_through_redis(
    tmp_path: Path, database: str, clock: Clock, redis_url: str
) -> None:
    prefix = secrets.token_hex(6)
    servers = [
        limited_app(tmp_path / name, database, clock, REDIS_URL=redis_url,
                    RATE_LIMIT_PREFIX=prefix, RATE_LIMIT_CONVERSATION="4 per minute")
        for name in ("a", "b")
    ]  # fmt: skip
    session = start(servers[0].test_client())["session_id"]
    codes = [post(servers[n % 2], session).status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # two on each server, then refused on either


def test_texts_are_limited_per_number_not_per_twilio_address(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    from tests.phones import PUBLIC_URL
    from tests.phones import TOKEN
    from tests.phones import Phone

    app = limited_app(tmp_path, database, clock, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_URL=PUBLIC_URL,
                      RATE_LIMIT_CONVERSATION="3 per minute",
                      RATE_LIMIT_CLIENT="3 per minute")  # fmt: skip
    one, two = Phone(app.test_client()), Phone(app.test_client(), "+447123000222")
    assert [one.post("hi")[0] for _ in range(4)] == [200, 200, 200, 429]
    assert [two.post("hi")[0] for _ in range(3)] == [200, 200, 200]  # same address, own limit
