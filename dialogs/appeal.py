"""After a review: the appeal (seed 000) or the escalation to the Police and Crime Commissioner
through the council (seed 004), as a second questionnaire the same engine runs.

A resident with a reference starts it from the same front door ("I want to appeal the
outcome"). The reference is checked with the postcode given in the request, and a wrong pair gets
one answer whichever half is wrong, so nothing is learnt about other people's references. The
record (`schema/appeal-record.schema.json`) goes to the team of the request's council, never to
the Commissioner: residents cannot refer themselves. A late appeal is flagged, never refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from dialogs.calendar import Period
from dialogs.parsing import Choice
from dialogs.parsing import Invalid
from dialogs.parsing import format_date
from dialogs.policy import Policy
from dialogs.questionnaire import Facts
from dialogs.questionnaire import Question
from dialogs.summary import Section
from dialogs.vocabulary import Kind

QUESTIONNAIRE = "appeal"
SCHEMA_VERSION = "1"
APPEAL, ESCALATION = "appeal", "escalation"
_ASKS = (
    (ESCALATION, re.compile(r"\b(escalat\w*|police and crime commissioner|pcc|commissioner)\b")),
    (APPEAL, re.compile(r"\b(appeal\w*|challenge the (outcome|decision)|review the outcome)\b")),
)
FOUND = "appeal_of"
"""The answers' key for what the reference check found (the route, no personal data)."""
DERIVED = (FOUND, "appeal_misses", "council")
"""Keys the service keeps beside the resident's answers, worked out from the reference check."""
NOT_MATCHED = (
    "We could not match that reference and postcode. Check both are as in the message we sent "
    "you when you asked for the review, then type the reference again. If you cannot find "
    "them, call the council's Community Safety Team."
)
NOT_A_GROUND = (
    "An escalation is for a review that missed a relevant process, policy, protocol or facts. "
    "It cannot change a decision an agency made with proper thought not to use a power, such "
    "as a closure order. You can still send it: the council will read it and reply."
)

Lookup = Callable[[str, str], "dict[str, Any] | None"]
"""Checks a reference and postcode against stored requests: what `found` gives, or None."""


def wants(words: str) -> str | None:
    """`appeal` or `escalation` when a resident asks for one in their own words, else None."""
    for kind, pattern in _ASKS:
        if pattern.search(words):
            return kind
    return None


def found(policy: Policy, council: str | None) -> dict[str, Any]:
    """What an appeal needs to know of the request it is about: its policy's route after a
    review and the timescales, and the council whose team gets it."""
    escalates = policy.escalation is not None
    within = policy.timescales.get(APPEAL)
    respond = policy.timescales.get("escalation_response")
    return {
        "route": ESCALATION if escalates else APPEAL,
        "within": None if escalates or within is None else str(within),
        "respond_within": str(respond) if escalates and respond else None,
        "council": council,
    }


def _route(facts: Facts) -> str:
    return str((facts.answers.get(FOUND) or {}).get("route", APPEAL))


def _escalation(facts: Facts) -> bool:
    return _route(facts) == ESCALATION


def parse_reference(text: str) -> str:
    """A reference as the service writes it (CR-XXXX-XXXX), however it was typed."""
    compact = re.sub(r"[^A-Za-z0-9]", "", text).upper().removeprefix("CR")
    if not re.fullmatch(r"[A-Z0-9]{8}", compact):
        raise Invalid("Type the reference as it is in our message, for example CR-7KXT-9MHA.")
    return f"CR-{compact[:4]}-{compact[4:]}"


def _reference_problem(value: Any) -> str | None:
    try:
        parse_reference(str(value or ""))
    except Invalid as problem:
        return str(problem)
    return None


START = (
    "You can ask for the outcome of your case review to be looked at again here. Depending on "
    "your council, that is an appeal to the council, or an escalation that the council passes "
    "to the Police and Crime Commissioner. First we need to find your request."
)


GROUND_CHOICES = (
    Choice("process", "It missed a relevant process, policy or protocol", ("process", "policy",
           "protocol")),
    Choice("facts", "It missed relevant facts", ("facts", "information", "fact")),
    Choice("other", "Something else", ("other", "something else", "else")),
)  # fmt: skip
SECTION = "Your appeal"

QUESTIONS: tuple[Question, ...] = (
    Question(
        "appeal_reference",
        Kind.TEXT,
        "Reference",
        "What is the reference of your case review request? It is in the message we sent you, "
        "for example CR-7KXT-9MHA.",
        empty="Please type the reference of your request, for example CR-7KXT-9MHA.",
        short="What is your request's reference?",
        help="We check the reference with the postcode you gave, so only you can appeal it.",
        check=lambda value, facts: _reference_problem(value),
        section=SECTION,
        change_words=("reference", "my reference"),
    ),
    Question(
        "appeal_postcode",
        Kind.POSTCODE,
        "Postcode",
        "What postcode did you give when you asked for the review?",
        section=SECTION,
        change_words=("postcode", "post code"),
    ),
    Question(
        "outcome_date",
        Kind.DATE,
        "Outcome received",
        "When did you receive the outcome of the review?",
        typed="Type the date, or not sure.",
        optional=True,
        section=SECTION,
        change_words=("date", "outcome date", "when", "outcome received"),
    ),
    Question(
        "appeal_ground",
        Kind.CHOICE,
        "Why the review should be looked at again",
        "Why should the review be looked at again? An escalation is for a review that missed "
        "a relevant process, policy or protocol, or missed relevant facts.",
        short="Why should the review be looked at again?",
        help="It cannot change a decision an agency made, after thinking about it properly, "
        "not to use a power such as an injunction.",
        choices=GROUND_CHOICES,
        ask_if=_escalation,
        section=SECTION,
        change_words=("ground", "why", "reason"),
    ),
    Question(
        "reconsider",
        Kind.TEXT,
        "What you want looked at again",
        "What do you want looked at again, and why?",
        empty="Please tell us what you want looked at again, and why.",
        narrative=True,
        section=SECTION,
        change_words=("what", "what i want looked at", "details", "reconsider"),
    ),
)
BY_FIELD = {q.field: q for q in QUESTIONS}
MAX_MISSES = 5
"""Reference checks one conversation may make: after that every pair is a miss, so references
cannot be guessed one after another."""


def after(
    field: str, value: Any, answers: dict[str, Any], lookup: Lookup | None
) -> tuple[list[str], str | None]:
    """What follows an answer: things to say, or a problem that sends the resident back to the
    reference. Whenever both halves of the pair are known and one changes, the pair is looked
    up again; a pair that does not match is forgotten, with the same words whichever half was
    wrong (a guess is never kept)."""
    if field == "appeal_ground" and value == "other":
        return [NOT_A_GROUND], None
    if field == "appeal_reference":
        answers["appeal_reference"] = parse_reference(value)
        if "appeal_postcode" not in answers:
            return [], None
    elif field != "appeal_postcode":
        return [], None
    misses = int(answers.get("appeal_misses", 0))
    result = None
    if lookup is not None and misses < MAX_MISSES:
        result = lookup(answers["appeal_reference"], answers["appeal_postcode"])
    if result is None:
        for key in ("appeal_reference", "appeal_postcode", FOUND, "council"):
            answers.pop(key, None)
        answers["appeal_misses"] = misses + 1
        return [], NOT_MATCHED
    answers[FOUND] = result
    if result.get("council"):
        answers["council"] = result["council"]  # from now on, in that council's words
    return [matched_note(answers)], None


def matched_note(answers: dict[str, Any]) -> str:
    """What the resident is told once the reference is theirs: which route, and its timescale."""
    route = answers[FOUND]
    if route["route"] == ESCALATION:
        reply = f", who aims to reply within {route['respond_within']}" if route.get(
            "respond_within") else ""  # fmt: skip
        return (
            "Thank you, we found your request. The council will pass your escalation to the "
            f"Police and Crime Commissioner{reply}. You cannot send it to the Commissioner "
            "yourself: it goes through the council."
        )
    within = f" within {route['within']} of receiving the outcome" if route.get("within") else ""
    return (
        f"Thank you, we found your request. You can appeal in writing{within}. If it is later "
        "than that, still tell us: the team will look at it."
    )


def _day(value: Any) -> str | None:
    """A date answer when it is one day (ISO); a rough one ("last week") is a day not known."""
    return value if isinstance(value, str) else None


def appeal_by(answers: dict[str, Any]) -> dt.date | None:
    """The last day to appeal (None: the policy sets none, or the date is not known)."""
    route = answers.get(FOUND) or {}
    received = _day(answers.get("outcome_date"))
    if not route.get("within") or not received:
        return None
    return Period.parse(route["within"]).after(dt.date.fromisoformat(received))


def record(
    answers: dict[str, Any],
    *,
    channel: str,
    policy: Policy,
    council: dict[str, Any] | None,
    request: dict[str, Any],
    submitted_at: dt.datetime,
) -> dict[str, Any]:
    """The appeal record (`schema/appeal-record.schema.json`), with the request's contact
    details so the team can reply, but no reference of its own yet."""
    route = answers[FOUND]
    last_day = appeal_by(answers)
    as_of = submitted_at.date()
    ground = answers.get("appeal_ground")
    applicant = request.get("applicant") or {}
    keep = ("name", "phone", "email", "contact_preference", "contact_safety", "safe_contact")
    return {
        "schema_version": SCHEMA_VERSION,
        "record_type": route["route"],
        "asked_for": answers.get("appeal_kind", route["route"]),
        "reference": None,
        "request_reference": answers["appeal_reference"],
        "submitted_at": submitted_at.isoformat(timespec="seconds"),
        "channel": channel,
        "policy": policy.name,
        "council": council or request.get("council"),
        "applicant": {k: applicant.get(k) for k in keep if k in applicant},
        "outcome_received_on": _day(answers.get("outcome_date")),
        "appeal_by": last_day.isoformat() if last_day else None,
        "late": (as_of > last_day) if last_day else None,
        "ground": ground,
        "ground_in_policy": None if ground is None else ground != "other",
        "reconsider": answers.get("reconsider"),
        "escalation": {
            "to": "Police and Crime Commissioner",
            "through": "council",
            "respond_within": route.get("respond_within"),
        }
        if route["route"] == ESCALATION
        else None,
        "deadlines": {"acknowledge_by": policy.acknowledge.after(as_of).isoformat()},
    }


def confirmation(done: dict[str, Any], policy: Policy) -> tuple[str, ...]:
    """What the resident hears once it is sent (short enough for one or two texts)."""
    what = "escalation" if done["record_type"] == ESCALATION else "appeal"
    lines = [f"Your {what} is sent. Its reference is {done['reference']}."]
    if done["record_type"] == ESCALATION:
        lines.append(
            f"The {policy.team_name} will look at it, then pass it to the Police and Crime "
            "Commissioner"
            + (
                f", who aims to reply within {done['escalation']['respond_within']}."
                if done["escalation"]["respond_within"]
                else "."
            )
        )
    else:
        lines.append(f"The {policy.team_name} will look at it and reply.")
    if done["late"]:
        lines.append(
            "It is later than the usual time limit, but the team will still read it and "
            "decide what they can do."
        )
    lines.append(f"To ask about it, call {policy.team_phone}.")
    return (" ".join(lines),)


def sections(done: dict[str, Any]) -> list[Section]:
    """The staff summary of an appeal record."""
    what = "Escalation to the PCC" if done["record_type"] == ESCALATION else "Appeal"
    received = done.get("outcome_received_on")
    rows = [
        ("Reference", done["reference"]),
        ("About request", done["request_reference"]),
        ("Received", done["submitted_at"]),
        ("Channel", done["channel"]),
        ("Council", (done.get("council") or {}).get("name", "")),
        (
            "Outcome received",
            format_date(dt.date.fromisoformat(received)) if received else "Not known",
        ),
    ]
    lines = []
    if done["late"]:
        lines.append(f"LATE: after the last day to appeal ({done['appeal_by']}). Not refused: "
                     "the team decides.")  # fmt: skip
    if done["record_type"] == ESCALATION:
        lines.append("Pass to the Police and Crime Commissioner if it meets the grounds; the "
                     "resident cannot refer it themselves.")  # fmt: skip
        labels = {c.value: c.label for c in GROUND_CHOICES}
        rows.append(("Ground", labels.get(done.get("ground") or "", "Not given")))
        if done.get("ground_in_policy") is False:
            lines.append("The ground given is not one of the policy's two grounds.")
    applicant = done.get("applicant") or {}
    contact = [(label, str(applicant[key])) for key, label in
               (("name", "Name"), ("phone", "Phone"), ("email", "Email"),
                ("contact_preference", "Contact by"), ("safe_contact", "Safe contact"))
               if applicant.get(key)]  # fmt: skip
    return [
        Section(what, rows, lines),
        Section("Contact (from the request)", contact, []),
        Section("What they want looked at again", [], [str(done.get("reconsider") or "")]),
    ]


def subject(done: dict[str, Any]) -> str:
    """The team email's subject: no personal data."""
    what = "escalation" if done["record_type"] == ESCALATION else "appeal"
    flag = " (late)" if done["late"] else ""
    return f"ASB case review {what} {done['reference']}{flag} about {done['request_reference']}"


def team_sms(done: dict[str, Any]) -> str:
    """The duty phone's alert: reference and type, never a name or what was said."""
    what = "escalation" if done["record_type"] == ESCALATION else "appeal"
    late = " It is late: the team decides." if done["late"] else ""
    return (
        f"New ASB case review {what} {done['reference']} about {done['request_reference']}."
        f"{late} The details are in the team inbox."
    )


def plain_text(done: dict[str, Any]) -> str:
    """The summary as plain text for the email's text part."""
    parts = [subject(done), ""]
    for section in sections(done):
        parts.append(section.heading.upper())
        parts += [f"{label}: {value}" for label, value in section.rows]
        parts += [f"- {line}" for line in section.lines]
        parts.append("")
    parts.append(f"The machine-readable record is attached as {done['reference']}.json.")
    return "\n".join(parts) + "\n"
