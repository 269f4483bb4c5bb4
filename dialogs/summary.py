"""The staff summary of an intake record: sections a person can act on in one read.

The same sections feed the plain-text email body here and the HTML body (a template in
`bot/templates`), so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dialogs.parsing import Approximate
from dialogs.parsing import format_date
from dialogs.questionnaire import AGENCY_CHOICES
from dialogs.questionnaire import CONTACT_CHOICES
from dialogs.questionnaire import HATE_CHOICES

OUTCOME_WORDS = {
    "meets_threshold": "Meets the threshold",
    "needs_staff_check": "Needs a staff check",
    "below_threshold": "Below the threshold: consider harm and vulnerability",
}
_LABELS = {c.value: c.label for c in (*AGENCY_CHOICES, *CONTACT_CHOICES, *HATE_CHOICES)}
_UNDER_18 = {"yes": "Yes", "no": "No", "not_sure": "Not sure", None: "Not given"}


@dataclass(frozen=True)
class Section:
    """A heading with label/value rows and optional free lines."""

    heading: str
    rows: list[tuple[str, str]]
    lines: list[str]


def _date(value: str | None, approximately: dict[str, Any] | None = None) -> str:
    if not value and approximately:  # not one date: as the resident put it, for staff to check
        said = Approximate.from_json(approximately)
        return f'Not known exactly: {said.describe()} (they said "{said.said[:60]}")'
    return format_date(dt.date.fromisoformat(value)) if value else "Not known"


def _or_none(value: Any) -> str:
    return str(value) if value not in (None, "") else "Not given"


def subject(record: dict[str, Any]) -> str:
    """An email subject with no personal data: reference and screening outcome."""
    outcome = OUTCOME_WORDS.get(record["screening"]["outcome"], record["screening"]["outcome"])
    return f"ASB case review request {record['reference']}: {outcome}"


def sections(record: dict[str, Any], *, youth_offending_team: bool = False) -> list[Section]:
    """Everything staff need, in the order they act on it."""
    screening = record["screening"]
    applicant = record["applicant"]
    out = [
        Section(
            "Request",
            [
                ("Reference", record["reference"]),
                ("Received", record["submitted_at"]),
                ("Channel", record["channel"]),
                ("Policy", record["policy"]),
                ("Acknowledge by", _date(record.get("deadlines", {}).get("acknowledge_by"))),
            ],
            [],
        ),
        Section(
            "Screening",
            [
                ("Outcome", OUTCOME_WORDS.get(screening["outcome"], screening["outcome"])),
                ("Routes met", ", ".join(screening["routes_met"]) or "None"),
                ("Qualifying incidents", str(screening["qualifying_incidents"])),
                ("Vulnerability review", "Yes" if screening.get("vulnerability_review") else "No"),
            ],
            list(screening["reasons"]),
        ),
        Section(
            "Applicant",
            [
                ("Role", "Victim" if applicant["role"] == "victim" else "Representative"),
                ("Name", applicant["name"]),
                ("Address", applicant["address"]),
                ("Postcode", applicant["postcode"]),
                ("Phone", _or_none(applicant.get("phone"))),
                ("Email", _or_none(applicant.get("email"))),
                ("Contact by", _LABELS.get(applicant["contact_preference"], "")),
                ("Safe contact notes", _or_none(applicant.get("safe_contact"))),
            ],
            [],
        ),
    ]
    if record.get("victim"):
        victim = record["victim"]
        out.append(
            Section(
                "Victim",
                [
                    ("Name", victim["name"]),
                    (
                        "Victim agreed to this request",
                        "Yes" if victim["consent_confirmed"] else "No",
                    ),
                ],
                [],
            )
        )
    hate = record["hate_motivated"]
    categories = ", ".join(_LABELS.get(c, c) for c in record.get("hate_categories", []))
    out.append(
        Section(
            "Hate",
            [("Hate crime or incident", "Yes" if hate else "No")]
            + ([("Motivated by", categories or "Not given")] if hate else []),
            [],
        )
    )
    for number, incident in enumerate(record["incidents"], start=1):
        out.append(
            Section(
                f"Incident {number}",
                [
                    (
                        "Happened on",
                        _date(incident["occurred_on"], incident.get("occurred_approximately")),
                    ),
                    ("Reported to", ", ".join(_LABELS.get(a, a) for a in incident["reported_to"])),
                    (
                        "First reported on",
                        _date(incident["reported_on"], incident.get("reported_approximately")),
                    ),
                    ("Reference", _or_none(incident.get("reference"))),
                    ("What happened", incident["description"]),
                ],
                [],
            )
        )
    under_18 = record.get("perpetrator_under_18")
    notes = []
    if under_18 == "yes" and youth_offending_team:
        notes.append("A person responsible is under 18: invite the youth offending team.")
    rows = [
        ("Impact and vulnerability", _or_none(record.get("impact"))),
        ("Anyone responsible under 18", _UNDER_18.get(under_18, str(under_18))),
        ("What they would like to happen", _or_none(record.get("desired_outcome"))),
    ]
    if record.get("other_reporters") is not None:
        rows.insert(0, ("Other people who complained", str(record["other_reporters"])))
    out.append(Section("Impact and outcome", rows, notes))
    return out


def plain_text(record: dict[str, Any], *, youth_offending_team: bool = False) -> str:
    """The summary as plain text for the email's text part."""
    parts = [subject(record), ""]
    for section in sections(record, youth_offending_team=youth_offending_team):
        parts.append(section.heading.upper())
        parts += [f"{label}: {value}" for label, value in section.rows]
        parts += [f"- {line}" for line in section.lines]
        parts.append("")
    parts.append(f"The machine-readable record is attached as {record['reference']}.json.")
    return "\n".join(parts) + "\n"
