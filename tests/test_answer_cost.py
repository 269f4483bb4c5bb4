"""What one answer can cost is bounded (issue 12, item 7), through the API on a real database.

A 10,000-character answer to a date question is refused before any date parsing, and a
resident re-sending such answers hundreds of times cannot grow the stored transcript without
limit (each turn reads, decrypts and writes it back while it holds the conversation's lock).
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.helpers import conversation
from tests.helpers import incident

ANSWERS = conversation([incident("1/10/2026", "2/10/2026")])
LONG = ("on the 3rd of last month, I think, " * 300)[:9_990]  # within the 10,000 limit


def _post(client: FlaskClient, sid: str, text: str) -> dict[str, Any]:
    response = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": text})
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def _at_first_date(client: FlaskClient) -> str:
    sid: str = client.post("/api/chat/sessions", json={}).get_json()["session_id"]
    for text in ANSWERS[: ANSWERS.index("1/10/2026")]:
        turn = _post(client, sid, text)
    assert turn["expects"]["kind"] == "date"
    return sid


def test_a_very_long_answer_to_a_date_question_is_refused_before_parsing(
    client: FlaskClient,
) -> None:
    sid = _at_first_date(client)
    assert len(LONG) > 9000
    turn = _post(client, sid, LONG)
    assert turn["problem"] and "longer than this question needs" in turn["messages"][0]["text"]
    assert turn["expects"]["kind"] == "date"  # asked again, nothing lost
    assert _post(client, sid, "1/10/2026")["expects"]["kind"] != "date"


def test_hundreds_of_refused_long_answers_keep_the_transcript_bounded(
    client: FlaskClient,
) -> None:
    sid = _at_first_date(client)
    for _ in range(400):
        _post(client, sid, LONG)
    body = client.get(f"/api/chat/sessions/{sid}").get_json()
    stored = sum(len(line["text"]) for line in body["transcript"])
    assert stored <= 100_000  # 400 x 10,000 characters were sent: 4 MB before the bound
    assert body["expects"]["kind"] == "date"
    assert _post(client, sid, "1/10/2026")["expects"]["kind"] != "date"
