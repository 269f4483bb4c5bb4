"""Check your answers: list everything given, and find what a resident wants to change."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from dialogs.fields import FIELDS
from dialogs.model import INCIDENT_QUESTIONS
from dialogs.model import DialogModel
from dialogs.parsing import format_date
from dialogs.parsing import format_phone
from dialogs.parsing import join_labels
from dialogs.parsing import simplify
from dialogs.policy import Policy
from dialogs.sms import SEGMENT_BUDGET
from dialogs.sms import render
from dialogs.sms import septets
from dialogs.sms import shorten

_TOP_SYNONYMS: dict[str, tuple[str, ...]] = {
    "applicant_role": ("role", "who is asking", "victim or someone else", "who"),
    "victim_name": ("victim name", "victim's name", "their name", "victims name"),
    "victim_consent": ("victim agreed", "victim consent", "their agreement", "agreement"),
    "name": ("name", "my name", "your name", "full name"),
    "address": ("address", "my address", "home address"),
    "postcode": ("postcode", "post code", "postal code"),
    "phone": ("phone", "phone number", "number", "mobile", "telephone", "mobile number"),
    "email": ("email", "email address", "e-mail", "e mail"),
    "contact_preference": ("contact", "how to contact", "contact preference", "contact method",
                           "how to contact you", "preference"),
    "safe_contact": ("safe contact", "safely", "contacting you safely", "safety", "safe"),
    "hate_motivated": ("hate", "hate crime", "hate incident", "because of who i am"),
    "hate_categories": ("type of hate", "hate type", "hate categories", "what it is about"),
    "other_reporters": ("other people", "others", "other reporters", "how many people",
                        "other people who reported it"),
    "impact": ("impact", "effect", "how it affects me", "vulnerability", "health"),
    "perpetrator_under_18": ("under 18", "age", "ages", "children", "young people",
                             "anyone responsible under 18"),
    "desired_outcome": ("outcome", "what i want", "what you want", "what should happen",
                        "what you would like to happen", "what i would like to happen"),
}  # fmt: skip
_INCIDENT_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("report_date", ("report date", "date reported", "reported on", "when reported",
                     "when i reported it", "report", "reported date")),
    ("report_reference", ("reference", "reference number", "crime number", "ref", "number")),
    ("reported_to", ("reported to", "who", "agencies", "agency", "who i reported it to")),
    ("incident_date", ("date", "incident date", "date it happened", "when", "when it happened",
                       "happened")),
    ("incident_description", ("description", "what happened", "details", "story", "text")),
)  # fmt: skip


def _show(name: str, value: Any) -> str:
    spec = FIELDS[name]
    if value is None:
        return "not known" if spec.kind == "date" else "not given"
    if spec.kind == "yes_no":
        return "Yes" if value else "No"
    if spec.kind == "date":
        return format_date(dt.date.fromisoformat(value))
    if spec.kind == "phone":
        return format_phone(value)
    if spec.choices:
        labels: dict[str, str] = {c.value: c.label for c in spec.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    return str(value)


def _top_level_order(model: DialogModel) -> list[str]:
    names = ["applicant_role", "victim_name", "victim_consent", "name", "address", "postcode"]
    names += ["phone", "email", "contact_preference", "safe_contact", "hate_motivated"]
    names += ["hate_categories"]
    return [n for n in names if model.answered(n) and not _hidden(n, model)]


def _hidden(name: str, model: DialogModel) -> bool:
    a = model.answers
    if name in {"victim_name", "victim_consent"}:
        return a.get("applicant_role") != "representative"
    if name == "hate_categories":
        return not a.get("hate_motivated")
    return False


@dataclass(frozen=True)
class AnswerRow:
    """One answer to check, for pages that show a summary list with change links."""

    section: str
    label: str
    value: str
    change: str
    """The command that changes this answer, as the resident could type it."""


def answer_rows(model: DialogModel) -> list[AnswerRow]:
    """Every answer given, grouped in sections, each with the command that changes it."""
    rows = [
        AnswerRow("Your details", FIELDS[n].label, _show(n, model.answers[n]),
                  f"change {n.replace('_', ' ')}")
        for n in _top_level_order(model)
    ]  # fmt: skip
    for number, incident in enumerate(model.incidents, start=1):
        rows += [
            AnswerRow(f"Incident {number}", FIELDS[n].label, _show(n, incident[n]),
                      f"change incident {number} {n.replace('_', ' ')}")
            for n in INCIDENT_QUESTIONS
            if n in incident
        ]  # fmt: skip
    tail = ["other_reporters", "impact", "perpetrator_under_18", "desired_outcome"]
    rows += [
        AnswerRow("About the problem", FIELDS[n].label, _show(n, model.answers[n]),
                  f"change {n.replace('_', ' ')}")
        for n in tail
        if n in model.answers
    ]  # fmt: skip
    return rows


def check_your_answers(model: DialogModel, policy: Policy) -> list[str]:
    """The answers to check, in a few messages: details, each incident, then what to do."""
    details = ["Check your answers."]
    details += [f"{FIELDS[n].label}: {_show(n, model.answers[n])}" for n in _top_level_order(model)]
    messages = ["\n".join(details)]
    for number, incident in enumerate(model.incidents, start=1):
        lines = [f"Incident {number}"]
        lines += [
            f"{FIELDS[n].label}: {_show(n, incident[n])}"
            for n in INCIDENT_QUESTIONS
            if n in incident
        ]
        messages.append("\n".join(lines))
    tail_names = ["other_reporters", "impact", "perpetrator_under_18", "desired_outcome"]
    tail = [
        f"{FIELDS[n].label}: {_show(n, model.answers[n])}" for n in tail_names if n in model.answers
    ]
    if tail:
        messages.append("\n".join(tail))
    messages.append(
        "If this is right, type yes to send your request. To change something, type change "
        "and what it is, for example change phone or change incident 1 date. You can also type "
        "add incident or remove incident 2."
    )
    return messages


SMS_VALUE_LIMIT = 70
"""Long answers are cut to this many characters when read back by text (all are kept)."""
_SMS_PAGE_CHARS = 153 * SEGMENT_BUDGET


def _sms_footer(part: int, parts: int) -> str:
    if part < parts:
        return f"Reply MORE for part {part + 1}, YES to send, or CHANGE and what."
    return "Reply YES to send, or CHANGE and what, eg CHANGE PHONE."


_SHORT_AGENCY = {"housing_provider": "housing provider", "other": "someone else"}


def _sms_incident(number: int, incident: dict[str, Any]) -> list[str]:
    """One incident in two short lines: when and what, then who it was reported to."""
    when = _show("incident_date", incident.get("incident_date"))
    what = shorten(str(incident.get("incident_description", "")), SMS_VALUE_LIMIT - 10)
    lines = [f"Incident {number}: {when}. {what}"]
    if "reported_to" in incident:
        agencies = join_labels([_SHORT_AGENCY.get(a, a) for a in incident["reported_to"]])
        reported = f"Reported to {agencies}"
        if "report_date" in incident:
            reported += f" on {_show('report_date', incident['report_date'])}"
        if incident.get("report_reference"):
            reported += f", ref {shorten(incident['report_reference'], 30)}"
        lines.append(reported)
    return lines


def _sms_lines(model: DialogModel) -> list[str]:
    """Each answer on one short line, in the order of the web check-your-answers."""
    lines = [
        f"{FIELDS[n].label}: {shorten(_show(n, model.answers[n]), SMS_VALUE_LIMIT)}"
        for n in _top_level_order(model)
    ]
    for number, incident in enumerate(model.incidents, start=1):
        lines += _sms_incident(number, incident)
    tail = ["other_reporters", "impact", "perpetrator_under_18", "desired_outcome"]
    lines += [
        f"{FIELDS[n].label}: {shorten(_show(n, model.answers[n]), SMS_VALUE_LIMIT)}"
        for n in tail
        if n in model.answers
    ]
    return lines


def sms_answer_pages(model: DialogModel) -> list[str]:
    """Check your answers by text: numbered parts that each fit the SMS segment budget."""
    lines = _sms_lines(model)
    # Room left by the longest header and footer a part can have (up to 99 parts).
    room = _SMS_PAGE_CHARS - len("Check your answers, part 99 of 99:") - 2
    room -= max(len(_sms_footer(98, 99)), len(_sms_footer(99, 99)))
    bodies: list[list[str]] = [[]]
    used = 0
    for line in lines:
        cost = septets(render([line])) + 1
        if bodies[-1] and used + cost > room:
            bodies.append([])
            used = 0
        bodies[-1].append(line)
        used += cost
    parts = len(bodies)
    pages = []
    for part, body in enumerate(bodies, start=1):
        title = "Check your answers" + (f", part {part} of {parts}:" if parts > 1 else ":")
        pages.append(render([title + "\n" + "\n".join(body), _sms_footer(part, parts)]))
    return pages


def find_change_target(what: str, model: DialogModel) -> tuple[str, int | None] | str:
    """Which question `change <what>` means, or a message asking the resident to be clearer."""
    words = simplify(what)
    words = re.sub(r"^(the|my|your)\s+", "", words)
    incident = re.search(r"\bincident\s*(\d+)\b|\b(\d+)(st|nd|rd|th)? incident\b", words)
    if incident:
        return _incident_target(words, int(incident.group(1) or incident.group(2)), model)
    for name, synonyms in _TOP_SYNONYMS.items():
        if (
            words in synonyms
            or words == name.replace("_", " ")
            or words == simplify(FIELDS[name].label)
        ):
            if not model.answered(name) or _hidden(name, model):
                if name == "hate_categories":
                    return "To change this, first type change hate."
                return "You were not asked that question, so there is nothing to change."
            return name, None
    if re.search(r"\bincident", words) and len(model.incidents) == 1:
        return _incident_target(words, 1, model)
    return (
        "I did not understand what you want to change. Type change and the name of the answer, "
        "for example change phone, change address or change incident 1 date."
    )


def _incident_target(words: str, number: int, model: DialogModel) -> tuple[str, int] | str:
    if not 1 <= number <= len(model.incidents):
        return f"There is no incident {number}. You told us about {len(model.incidents)}."
    rest = re.sub(r"\bincident\s*\d+\b|\b\d+(st|nd|rd|th)? incident\b|\bincident\b", " ", words)
    rest = re.sub(r"\b(of|for|the|on|in)\b", " ", rest)
    rest = " ".join(rest.split())
    for name, synonyms in _INCIDENT_SYNONYMS:
        if (
            rest in synonyms
            or rest == name.replace("_", " ")
            or rest == simplify(FIELDS[name].label)
        ):
            return name, number - 1
    return (
        f"What do you want to change about incident {number}? Type, for example, change incident "
        f"{number} date, change incident {number} what happened, change incident {number} "
        f"reported to, change incident {number} report date or change incident {number} "
        "reference."
    )
