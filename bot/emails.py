"""Build the emails: the team summary (text, HTML and the JSON record) and the acknowledgement.

Everything is built by libraries: email.message for MIME and headers, Jinja2 (autoescaping)
for HTML and json for the record, never by joining strings into markup.
"""

from __future__ import annotations

import datetime as dt
import json
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2 import FileSystemLoader
from jinja2 import select_autoescape

from dialogs import appeal
from dialogs import summary
from dialogs.parsing import format_date
from dialogs.policy import Policy
from dialogs.texts import SAFETY
from dialogs.texts import after_review

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def _base(sender: str, recipient: str, subject: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    name, address = parseaddr(recipient)
    message["To"] = Address(display_name=name, addr_spec=address)
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = message_id
    return message


def _attach_record(message: EmailMessage, record: dict[str, Any]) -> None:
    """The machine-readable record as `<reference>.json`, for the team's case system."""
    message.add_attachment(
        json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8"),
        maintype="application",
        subtype="json",
        filename=f"{record['reference']}.json",
    )


def team_email(
    record: dict[str, Any], *, sender: str, recipient: str, message_id: str, policy: Policy
) -> EmailMessage:
    """The Community Safety Team's email: text and HTML summary plus `<reference>.json`."""
    subject = summary.subject(record)
    message = _base(sender, recipient, subject, message_id)
    yot = policy.youth_offending_team
    message.set_content(summary.plain_text(record, youth_offending_team=yot))
    html = _templates.get_template("team_email.html").render(
        subject=subject,
        sections=summary.sections(record, youth_offending_team=yot),
        reference=record["reference"],
    )
    message.add_alternative(html, subtype="html")
    _attach_record(message, record)
    return message


def resident_email(
    record: dict[str, Any], *, sender: str, recipient: str, message_id: str, policy: Policy
) -> EmailMessage:
    """The resident's acknowledgement: reference and what happens next, no case details."""
    reference = record["reference"]
    acknowledge_by = dt.date.fromisoformat(record["deadlines"]["acknowledge_by"])
    message = _base(sender, recipient, f"Your ASB case review request {reference}", message_id)
    message.set_content(
        "\n\n".join(
            [
                "We have your request for an anti-social behaviour case review.",
                f"Your reference is {reference}.",
                f"The {policy.team_name} will contact you by {format_date(acknowledge_by)}. "
                "They will look at what you told us with the council, police, NHS and housing "
                "providers, and tell you if there will be a review.",
                *after_review(policy),
                f"To ask about your request, call {policy.team_phone} and give your reference.",
                SAFETY,
            ]
        )
        + "\n"
    )
    return message


def appeal_team_email(
    record: dict[str, Any], *, sender: str, recipient: str, message_id: str, policy: Policy
) -> EmailMessage:
    """The team's email for an appeal or escalation: summary and `<reference>.json`."""
    subject = appeal.subject(record)
    message = _base(sender, recipient, subject, message_id)
    message.set_content(appeal.plain_text(record))
    html = _templates.get_template("team_email.html").render(
        subject=subject, sections=appeal.sections(record), reference=record["reference"]
    )
    message.add_alternative(html, subtype="html")
    _attach_record(message, record)
    return message
