"""Privacy across every channel: conversations full of recognisable personal data, and then
every log line searched for it; and no way to inject email headers through an answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from bot import deliverer
from tests.clients import say
from tests.clients import start
from tests.conftest import Clock
from tests.conftest import SmtpServer
from tests.conftest import make_app
from tests.helpers import incident
from tests.phones import ACCOUNT
from tests.phones import PUBLIC_URL
from tests.phones import TOKEN
from tests.phones import Phone
from tests.providers import ProviderServer
from tests.providers import provider  # noqa: F401 (fixture)
from tests.providers import twilio_error

PERSON = {
    "name": "Zebedee Quixotic",
    "address": "42 Marmalade Lane, Wibbleton",
    "postcode": "M1 1AE",
    "phone": "07123 987654",
    "email": "zebedee.quixotic@example.org",
    "story": "the purple trombone incident by the canal",
    "impact": "my heart condition and my daughter's asthma",
    "outcome": "I want the trombone confiscated",
    "safe": "never call before noon",
    "support": "a Lithuanian interpreter",
    "location": "the towpath behind Marmalade Lane",
    "perpetrators": "the Quixotic twins at number 9",
    "agencies": "the police never answered about the trombone",
    "reference": "CAD 777123",
}
SECRETS = [*PERSON.values(), "Zebedee", "Quixotic", "Marmalade", "7123987654", "trombone",
           "heart condition", "M1 1AE".lower(), "zebedee.quixotic"]  # fmt: skip


def answers(role: str = "1") -> list[str]:
    story = incident("2 weeks ago", "1 week ago", to="police", ref=PERSON["reference"])
    story[1] = PERSON["story"]
    story.insert(2, "yes")  # this incident was because of who they are
    return [
        "yes", role, PERSON["name"], PERSON["address"], PERSON["postcode"], PERSON["phone"],
        PERSON["email"], "text", "texts, email", PERSON["safe"], PERSON["support"],
        PERSON["location"], PERSON["perpetrators"], "yes", "race", *story, "no",
        PERSON["agencies"], PERSON["impact"], "not sure", PERSON["outcome"],
    ]  # fmt: skip


def test_no_log_line_from_any_channel_holds_personal_data(
    tmp_path: Path,
    database: str,
    clock: Clock,
    smtp_server: SmtpServer,
    provider: ProviderServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    app: Flask = make_app(
        tmp_path, database, clock, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port,
        TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_URL=PUBLIC_URL, TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_FROM_NUMBER="+447700000000", TWILIO_API_URL=provider.url, TEAM_SMS="07123 000111",
    )  # fmt: skip
    # The web chat, with a wrong answer and a change on the way.
    client = app.test_client()
    sid = start(client)["session_id"]
    for text in answers():
        say(client, sid, text)
    say(client, sid, "change name")
    say(client, sid, PERSON["name"] + " Junior")
    say(client, sid, "yes")
    # By text message, from the same person's phone.
    phone = Phone(app.test_client(), "+447123987654")
    phone.text("Hello")
    for text in answers():
        phone.text(text)
    phone.text("YES")
    phone.text("STOP")
    # The form version.
    form = app.test_client()
    page = form.get("/apply").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    form.post("/apply/start", data={"csrf_token": csrf.group(1)})
    for text in answers()[:8]:
        form.post("/apply/answer", data={"csrf_token": csrf.group(1), "answer": text})
    # Delivery, with failures that echo the recipient back.
    smtp_server.handler.refuse_next = 1
    provider.fail_next = [twilio_error(400, 21211, f"The 'To' number {PERSON['phone']} is bad")]
    worker = deliverer(app)
    worker.clock = clock
    worker.run_once()
    clock.advance(minutes=5)
    worker.run_once()
    assert smtp_server.handler.messages, "the team email went out"

    # Every line our process logged, except the stand-in mail server's own ("mail.log"),
    # which plays the council's mail system and is not part of this service.
    ours = [r for r in caplog.records if not r.name.startswith("mail.")]
    lines = [f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in ours]
    assert len(lines) > 100
    leaks = [(s, line) for line in lines for s in SECRETS if s.lower() in line.lower()]
    print(f"log lines searched: {len(lines)}, personal data found: {len(leaks)}")
    assert leaks == []


def test_line_breaks_in_answers_cannot_add_email_headers(
    tmp_path: Path, database: str, clock: Clock, smtp_server: SmtpServer
) -> None:
    app = make_app(tmp_path, database, clock, SMTP_HOST=smtp_server.host,
                   SMTP_PORT=smtp_server.port)  # fmt: skip
    client = app.test_client()
    sid = start(client)["session_id"]
    hostile = "Evil\r\nBcc: attacker@example.com\r\nSubject: hijacked"
    script = answers()
    script[2] = hostile  # the name
    script[6] = "victim@example.org\r\nBcc: attacker@example.com"  # refused: not an email
    turn = None
    for text in script:
        turn = say(client, sid, text)
        if turn["expects"] and turn["expects"]["field"] == "email" and turn.get("problem"):
            turn = say(client, sid, "victim@example.org")
    assert turn is not None
    say(client, sid, "yes")
    worker = deliverer(app)
    worker.clock = clock
    worker.run_once()
    assert smtp_server.handler.messages
    for message, recipients in zip(
        smtp_server.handler.messages, smtp_server.handler.recipients, strict=True
    ):
        assert "attacker@example.com" not in " ".join(recipients)
        assert message["Bcc"] is None
        assert "hijacked" not in str(message["Subject"])
