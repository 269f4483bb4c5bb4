"""The drop folder names each file after the request and what the message is for."""

from __future__ import annotations

from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path

from flask import Flask

from bot import deliverer
from tests.conftest import Clock
from tests.conftest import make_app
from tests.helpers import conversation
from tests.helpers import incident


def _submit(app: Flask) -> str:
    client = app.test_client()
    sid = client.post("/api/chat/sessions", json={}).get_json()["session_id"]
    for answer in [*conversation([incident("1/10/2026", "2/10/2026")]), "yes"]:
        turn = client.post(f"/api/chat/sessions/{sid}/messages", json={"text": answer})
    reference: str = turn.get_json()["reference"]
    return reference


def test_files_are_named_by_reference_and_purpose(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    app = make_app(tmp_path, database, clock, TEAM_SMS="+447123000111")
    reference = _submit(app)
    worker = deliverer(app)
    worker.clock = clock
    assert worker.run_once()["sent"] == 3
    names = sorted(path.name for path in (tmp_path / "maildrop").iterdir())
    assert names[:2] == [f"{reference}-resident-email.eml", f"{reference}-team-email.eml"]
    assert len(names) == 3 and names[2].startswith(f"{reference}-text-")


def test_a_resend_replaces_the_file_instead_of_adding_one(
    tmp_path: Path, database: str, clock: Clock
) -> None:
    app = make_app(tmp_path, database, clock)
    _submit(app)
    worker = deliverer(app)
    worker.clock = clock
    worker.run_once()
    folder = tmp_path / "maildrop"
    team = next(folder.glob("*-team-email.eml"))
    worker.email.send(message_from_bytes(team.read_bytes(), policy=email_policy.default))
    assert len(list(folder.iterdir())) == 2
