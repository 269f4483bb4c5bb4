"""Scripted residents: answers for a whole conversation, to drive the dialog or the API."""

from __future__ import annotations

from collections.abc import Sequence

VICTIM_DETAILS = [
    "yes",  # consent
    "1",  # victim
    "Jane Smith",
    "1 High Street, Exampletown",
    "sw1a1aa",
    "07123 456789",
    "jane@example.com",
    "email",
    "no",  # safe contact
]


def incident(date: str, reported: str, to: str = "police", ref: str = "no") -> list[str]:
    """The five answers of one incident."""
    return [date, "Loud music and shouting at night", to, reported, ref]


def conversation(
    incidents: Sequence[list[str]],
    *,
    hate: bool = False,
    details: Sequence[str] = VICTIM_DETAILS,
    community: str | None = None,
    tail: Sequence[str] = ("It stops me sleeping", "no", "I want it to stop"),
) -> list[str]:
    """A whole application, from consent to check-your-answers (not including 'yes')."""
    answers = list(details)
    answers += ["yes", "race"] if hate else ["no"]
    for number, answers_for_one in enumerate(incidents):
        if number:
            answers.append("yes")  # another incident
        answers += answers_for_one
    answers.append("no")  # no more incidents
    if community is not None:
        answers.append(community)
    answers += list(tail)
    return answers
