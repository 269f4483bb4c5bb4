"""A resident's phone for tests: signed Twilio webhooks in, TwiML out; the outbox behind it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot import deliverer
from bot.outbox import Deliverer
from bot.tables import outbox
from dialogs.sms import SEGMENT_BUDGET
from dialogs.sms import is_gsm7
from dialogs.sms import segments
from tests.conftest import Clock
from tests.conftest import make_app

TOKEN = "a3c2e1f0b9d8c7b6a5f4e3d2c1b0a9f8"
ACCOUNT = "AC" + "0123456789abcdef" * 2
PUBLIC_URL = "https://casereview.example.gov.uk"
WEBHOOK = f"{PUBLIC_URL}/sms/twilio"
RESIDENT = "+447123456789"
SMS_DETAILS = [
    "yes",  # consent
    "1",  # victim
    "Jane Smith",
    "1 High Street, Exampletown",
    "sw1a1aa",
    "07123 456789",
    "skip",  # no email
    "text",  # contact by text message
    "texts, phone calls",  # safe ways to contact
    "no",  # safe contact
    "no",  # support needs
    "Outside 1 High Street",  # where it happens
    "no",  # who is causing it
]


class Phone:
    """A resident's phone: texts go through Twilio's signed webhook, replies come back as TwiML."""

    def __init__(self, client: FlaskClient, number: str = RESIDENT) -> None:
        self.client = client
        self.number = number
        self.count = 0

    def post(self, body: str, sid: str | None = None, url: str = WEBHOOK,
             sign: bool = True, signature: str | None = None) -> tuple[int, list[str]]:  # fmt: skip
        self.count += 1
        params = {
            "From": self.number,
            "To": "+447700000000",
            "Body": body,
            "MessageSid": sid or f"SM{self.count:032d}{self.number[-4:]}",
            "AccountSid": ACCOUNT,
            "NumMedia": "0",
        }
        headers = {}
        if sign:
            headers["X-Twilio-Signature"] = signature or RequestValidator(TOKEN).compute_signature(
                url, params
            )
        response = self.client.post("/sms/twilio", data=params, headers=headers)
        if response.status_code != 200:
            return response.status_code, []
        assert response.mimetype == "application/xml"
        root = ET.fromstring(response.data)
        assert root.tag == "Response"
        return 200, [m.text or "" for m in root.findall("Message")]

    def text(self, body: str, sid: str | None = None) -> str:
        """Send one text and return the single reply, checked against the SMS rules."""
        status, messages = self.post(body, sid)
        assert status == 200
        assert len(messages) == 1, messages
        reply = messages[0]
        assert is_gsm7(reply) and segments(reply) <= SEGMENT_BUDGET, reply
        return reply


def sms_app(tmp_path: Path, database: str, clock: Clock, **overrides: object) -> Flask:
    settings: dict[str, object] = {"TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_URL": PUBLIC_URL}
    settings.update(overrides)
    return make_app(tmp_path, database, clock, **settings)


def worker(app: Flask, clock: Clock) -> Deliverer:
    d = deliverer(app)
    d.clock = clock
    return d


def outbox_rows(app: Flask) -> list[dict[str, object]]:
    with app.extensions["casereview.engine"].connect() as conn:
        rows = conn.execute(select(outbox).order_by(outbox.c.id)).mappings().all()
    return [dict(r) for r in rows]
