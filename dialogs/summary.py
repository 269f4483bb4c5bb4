"""The staff summary of an intake record: sections a person can act on in one read.

It opens with an at-a-glance block (a safety risk first, when the resident's words suggest one;
who and where, outcome and route, acknowledge-by, how to contact safely, hate, under 18s), then
the detail. The same sections feed the plain-text email
body here and the HTML body (a template in `bot/templates`), so the two never disagree.
Version 1 records (no contact safety, no per-incident hate) read the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from dialogs.hate_words import might_be_hate
from dialogs.parsing import Approximate
from dialogs.parsing import format_date
from dialogs.parsing import format_phone
from dialogs.parsing import join_labels
from dialogs.questionnaire import AGENCY_CHOICES
from dialogs.questionnaire import BY_FIELD
from dialogs.questionnaire import CONTACT_CHOICES
from dialogs.questionnaire import HATE_CHOICES
from dialogs.questionnaire import RELATIONSHIP_CHOICES
from dialogs.questionnaire import SAFETY_CHOICES
from dialogs.safety import Risk
from dialogs.safety import risks_in

OUTCOME_WORDS = {
    "meets_threshold": "Meets the threshold",
    "needs_staff_check": "Needs a staff check",
    "below_threshold": "Below the threshold: consider harm and vulnerability",
}
ROUTE_WORDS = {
    "individual": "the individual route",
    "hate": "the hate route",
    "community": "the community route",
}
_HATE = {c.value: c.label for c in HATE_CHOICES}
_AGENCY = {c.value: c.label for c in AGENCY_CHOICES}
_CONTACT = {c.value: c.label for c in CONTACT_CHOICES}
_SAFETY = {c.value: c.label for c in SAFETY_CHOICES}
_RELATIONSHIP = {c.value: c.label for c in RELATIONSHIP_CHOICES}
CANNOT_CONSENT = (
    "No: they cannot agree (for example, they lack capacity). Check who may act for them"
)
_UNDER_18 = {"yes": "Yes", "no": "No", "not_sure": "Not sure", None: "Not given"}


@dataclass(frozen=True)
class Section:
    """A heading with label/value rows and optional free lines; `strong` rows are in bold."""

    heading: str
    rows: list[tuple[str, str]]
    lines: list[str]
    strong: frozenset[str] = field(default_factory=frozenset)


def _date(value: str | None, approximately: dict[str, Any] | None = None) -> str:
    if not value and approximately:  # not one date: as the resident put it, for staff to check
        said = Approximate.from_json(approximately)
        return f'Not known exactly: {said.describe()} (they said "{said.said[:60]}")'
    return format_date(dt.date.fromisoformat(value)) if value else "Not known"


def _phone(value: str | None) -> str:
    if not value:
        return "Not given"
    try:
        return format_phone(value)
    except Exception:  # a number stored by hand: show it as it is, never fail the email
        return value


def _under_18(record: dict[str, Any]) -> str:
    value = record.get("perpetrator_under_18")
    return _UNDER_18.get(value, str(value))


def _or_none(value: Any) -> str:
    return str(value) if value not in (None, "") else "Not given"


def _routes(routes: list[str]) -> str:
    return join_labels(ROUTE_WORDS.get(r, r) for r in routes)


_ROUTED_BY = {"postcode": "from the postcode", "resident": "chosen by the resident"}


def _council(block: dict[str, Any]) -> str:
    """The council's name and, in a partnership, how the request was routed to it."""
    how = _ROUTED_BY.get(str(block.get("routed_by")))
    return f"{_or_none(block.get('name'))} ({how})" if how else _or_none(block.get("name"))


def subject(record: dict[str, Any]) -> str:
    """An email subject with no personal data: reference and screening outcome."""
    outcome = OUTCOME_WORDS.get(record["screening"]["outcome"], record["screening"]["outcome"])
    return f"ASB case review request {record['reference']}: {outcome}"


def outcome_and_route(screening: dict[str, Any]) -> str:
    """The outcome in words, with the routes met for certain and those staff could find met."""
    words = str(OUTCOME_WORDS.get(screening["outcome"], screening["outcome"]))
    met = screening.get("routes_met") or []
    possible = [r for r in screening.get("routes_possible") or [] if r not in met]
    if met:
        words += f", by {_routes(met)}"
    if possible:
        words += f" (staff could also find {_routes(possible)} met)"
    return words


def safe_contact(applicant: dict[str, Any]) -> str:
    """How to contact the applicant safely, in one line staff cannot misread."""
    safety = applicant.get("contact_safety")
    note = applicant.get("safe_contact")
    preferred = _CONTACT.get(applicant.get("contact_preference") or "", "not given")
    if safety is None:  # a version 1 record: only the preference and the note
        words = f"Prefers: {preferred}. Safe ways were not asked"
    elif "none" in safety or not safety:
        words = "NO WAY IS SAFE: agree a safe way before any contact"
    else:
        safe = [_SAFETY[s] for s in _SAFETY if s in safety]
        unsafe = [_SAFETY[s] for s in _SAFETY if s not in safety and s != "none"]
        words = f"Safe: {join_labels(safe)}"
        if unsafe:
            words += f". NOT safe: {join_labels(unsafe)}"
        words += f". Prefers: {preferred}"
    if note:
        words += f". Note: {note}"
    return words + "."


def hate_line(record: dict[str, Any]) -> str:
    """Whether hate is reported, the motivation, and which incidents."""
    if not record.get("hate_motivated"):
        hinted = hate_hints(record)
        if hinted:
            return (f"Not said, but their words may describe a hate incident (in "
                    f"{join_labels(hinted)}). Ask them")  # fmt: skip
        return "No"
    categories = join_labels(_HATE.get(c, c) for c in record.get("hate_categories", []))
    flagged = [
        str(n) for n, i in enumerate(record["incidents"], start=1) if i.get("hate_motivated")
    ]
    words = f"Yes: {categories or 'motivation not given'}"
    if flagged:
        word = "incident" if len(flagged) == 1 else "incidents"
        words += f" ({word} {join_labels(flagged)})"
    return words


def hate_hints(record: dict[str, Any]) -> list[str]:
    """Where the resident's words suggest hate ("go back to your own country"), for a request
    not marked as hate: staff ask, since the hate route can change the outcome."""
    return [where for where, text in _free_text(record) if might_be_hate(text)]


def vulnerability_line(record: dict[str, Any]) -> str:
    """Whether to review vulnerability, never a bare "No" beside a described impact."""
    if record["screening"].get("vulnerability_review"):
        return "Yes: they describe the impact on them. Consider their vulnerability"
    if record.get("impact") or record.get("support_needs"):
        return "Not needed to meet the threshold. Read the impact and support needs below"
    return "No impact described"


RISK_WORDS = {
    Risk.SELF_HARM: "SUICIDE OR SELF-HARM: their words may be about suicide or self-harm "
    "({where}). The bot gave them the Samaritans number (116 123) and 999. Check they are safe",
    Risk.DANGER: "DANGER: their words may mean they or someone else is in danger ({where}). "
    "The bot told them to call 999 if in danger now. Check they are safe",
}


def _free_text(record: dict[str, Any]) -> list[tuple[str, str]]:
    """Everything the resident typed in their own words, with where they typed it."""
    applicant = record["applicant"]
    victim = record.get("victim") or {}
    said = [
        ("their name", applicant.get("name")),
        ("address", applicant.get("address")),
        ("contacting them safely", applicant.get("safe_contact")),
        ("victim's name", victim.get("name")),
        ("how to reach the victim", victim.get("contact")),
        ("help to take part", record.get("support_needs")),
        ("where it happens", record.get("location")),
        ("who is causing it", record.get("perpetrators")),
        ("housing provider", record.get("housing_provider")),
    ]
    for number, incident in enumerate(record["incidents"], start=1):
        said.append((f"incident {number}", incident.get("description")))
        said.append((f"incident {number} reference", incident.get("reference")))
    said += [
        ("what the agencies have done", record.get("agency_response")),
        ("impact", record.get("impact")),
        ("what they would like to happen", record.get("desired_outcome")),
    ]
    said += [
        (_typed_at(remark), remark.get("text")) for remark in record.get("safety_remarks") or []
    ]
    return [(where, text) for where, text in said if isinstance(text, str) and text]


def _asked(remark: dict[str, Any]) -> str:
    question = BY_FIELD.get(str(remark.get("field")))
    return f"“{question.label}”" if question else "a question"


def _typed_at(remark: dict[str, Any]) -> str:
    return f"what they typed at {_asked(remark)}"


def remark_lines(record: dict[str, Any]) -> list[str]:
    """Words suggesting a risk that were typed where the answer keeps no text (a yes or no, a
    choice, a date): shown as typed, since they are nowhere else in the request."""
    return [
        f"“{remark['text']}” (typed at {_asked(remark)})"
        for remark in record.get("safety_remarks") or []
        if isinstance(remark.get("text"), str)
    ]


def risk_lines(record: dict[str, Any]) -> list[str]:
    """A line for each kind of risk the resident's words suggest (the bot gave them the same
    safety notice as they typed), saying where; none when nothing suggests one."""
    places: dict[Risk, list[str]] = {risk: [] for risk in Risk}
    for where, text in _free_text(record):
        for risk in risks_in(text):
            places[risk].append(where)
    return [
        RISK_WORDS[risk].format(where="in " + join_labels(places[risk]))
        for risk in Risk
        if places[risk]
    ]


def _who_and_where(record: dict[str, Any]) -> str:
    applicant = record["applicant"]
    who = applicant["name"]
    if record.get("victim"):
        who = f"{record['victim']['name']} (asked for by {applicant['name']})"
    where = applicant["postcode"]
    if record.get("location"):
        where += f"; it happens at: {record['location']}"
    return f"{who}, {where}"


def at_a_glance(record: dict[str, Any]) -> Section:
    """The things staff decide on first: any safety risk, then the six for every request."""
    label_safety, label_risk, label_words = "How to contact safely", "Safety risk", "Their words"
    risks = [(label_risk, line) for line in risk_lines(record)]
    risks += [(label_words, line) for line in remark_lines(record)]
    strong = {label_safety, label_risk, label_words}
    if hate_hints(record) and not record.get("hate_motivated"):
        strong.add("Hate")  # words that may describe hate, on a request not marked as hate
    return Section(
        "At a glance",
        [
            *risks,
            ("Who and where", _who_and_where(record)),
            ("Outcome and route", outcome_and_route(record["screening"])),
            ("Acknowledge by", _date(record.get("deadlines", {}).get("acknowledge_by"))),
            (label_safety, safe_contact(record["applicant"])),
            ("Hate", hate_line(record)),
            ("Anyone responsible under 18", _under_18(record)),
        ],
        [],
        strong=frozenset(strong),
    )


def sections(record: dict[str, Any], *, youth_offending_team: bool = False) -> list[Section]:
    """Everything staff need, in the order they act on it."""
    screening = record["screening"]
    applicant = record["applicant"]
    council = record.get("council") or {}
    out = [
        at_a_glance(record),
        Section(
            "Request",
            [
                ("Reference", record["reference"]),
                ("Received", _moment(record["submitted_at"])),
                ("Channel", "Text message" if record["channel"] == "sms" else "Website"),
                ("Council", _council(council)),
                ("Policy", record["policy"]),
            ],
            [],
        ),
        Section(
            "Screening",
            [
                ("Outcome", outcome_and_route(screening)),
                ("Qualifying incidents", str(screening["qualifying_incidents"])),
                ("Vulnerability", vulnerability_line(record)),
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
                ("Phone", _phone(applicant.get("phone"))),
                ("Email", _or_none(applicant.get("email"))),
                ("Contact by", _CONTACT.get(applicant["contact_preference"], "Not given")),
                ("Support needed to take part", _or_none(record.get("support_needs"))),
            ],
            [],
        ),
    ]
    if record.get("victim"):
        victim = record["victim"]
        consent = victim.get("consent") or ("given" if victim["consent_confirmed"] else None)
        agreed = "Yes" if consent == "given" else CANNOT_CONSENT
        relationship = _RELATIONSHIP.get(victim.get("relationship") or "", "Not given")
        out.append(
            Section(
                "Victim",
                [
                    ("Name", victim["name"]),
                    ("Relationship", relationship),
                    ("How to reach them", _or_none(victim.get("contact"))),
                    ("Agreed to this request", agreed),
                ],
                [],
            )
        )
    out.append(
        Section(
            "The problem",
            [
                ("Where it happens", _or_none(record.get("location"))),
                ("Who is causing it", _or_none(record.get("perpetrators"))),
                ("Housing provider", _or_none(record.get("housing_provider"))),
            ],
            [],
        )
    )
    for number, incident in enumerate(record["incidents"], start=1):
        rows = [
            ("Happened on", _date(incident["occurred_on"], incident.get("occurred_approximately"))),
            ("Reported to", join_labels(_AGENCY.get(a, a) for a in incident["reported_to"])),
            (
                "First reported on",
                _date(incident["reported_on"], incident.get("reported_approximately")),
            ),
            ("Reference", _or_none(incident.get("reference"))),
            ("What happened", incident["description"]),
        ]
        if incident.get("hate_motivated"):
            rows.append(("Hate", "Yes: because of who the victim is"))
        out.append(Section(f"Incident {number}", rows, []))
    under_18 = record.get("perpetrator_under_18")
    notes = []
    if under_18 == "yes" and youth_offending_team:
        notes.append("A person responsible is under 18: invite the youth offending team.")
    rows = [
        ("What the agencies have done", _or_none(record.get("agency_response"))),
        ("Impact and vulnerability", _or_none(record.get("impact"))),
        ("Anyone responsible under 18", _UNDER_18.get(under_18, str(under_18))),
        ("What they would like to happen", _or_none(record.get("desired_outcome"))),
    ]
    if record.get("other_reporters") is not None:
        rows.insert(1, ("Other people who complained", str(record["other_reporters"])))
    out.append(Section("Impact and outcome", rows, notes))
    return out


def plain_text(record: dict[str, Any], *, youth_offending_team: bool = False) -> str:
    """The summary as plain text for the email's text part (bold rows marked with **)."""
    parts = [subject(record), ""]
    for section in sections(record, youth_offending_team=youth_offending_team):
        parts.append(section.heading.upper())
        for label, value in section.rows:
            parts.append(
                f"** {label}: {value} **" if label in section.strong else f"{label}: {value}"
            )
        parts += [f"- {line}" for line in section.lines]
        parts.append("")
    parts.append(f"The machine-readable record is attached as {record['reference']}.json.")
    return "\n".join(parts) + "\n"


def _moment(value: str) -> str:
    """An ISO time in words, GOV.UK style: 2 July 2026 at 12:30am, 5pm, or midday."""
    moment = dt.datetime.fromisoformat(value)
    if (moment.hour, moment.minute) == (12, 0):
        clock = "midday"
    elif (moment.hour, moment.minute) == (0, 0):
        clock = "midnight"
    else:
        hour = moment.hour % 12 or 12
        minutes = f":{moment.minute:02d}" if moment.minute else ""
        clock = f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"
    return f"{format_date(moment.date())} at {clock}"
