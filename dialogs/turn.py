"""What a turn of the dialog produced, as data: never channel text.

Each channel's renderer (`dialogs.render`, the forms in `bot.web`) turns an `Outcome` into its
own words. Nothing here knows whether the resident has buttons or a phone keypad.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum

from dialogs.journey import Row
from dialogs.journey import Step
from dialogs.parsing import Choice
from dialogs.questionnaire import Question
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Kind
from dialogs.vocabulary import Outcome as ScreeningOutcome
from dialogs.vocabulary import Pending


class Command(StrEnum):
    """What a resident can ask for instead of answering (typed, or a button on a page)."""

    HELP = "help"
    BACK = "back"
    RESTART = "restart"
    SKIP = "skip"
    MORE = "more"
    SUBMIT = "submit"


@dataclass(frozen=True)
class Inbound:
    """One message in from a resident, however it arrived: typed text, or a page's controls."""

    text: str = ""
    values: tuple[str, ...] | None = None
    """Choice values picked on a page (radios or checkboxes): read as they are, never parsed."""
    command: Command | None = None


class Said(StrEnum):
    """Something the bot says before (or instead of) the question."""

    WELCOME = "welcome"
    WELCOME_BACK = "welcome_back"
    CARRY_ON = "carry_on"
    SAFETY = "safety"
    SELF_HARM = "self_harm"
    HELP = "help"
    EXPLAIN = "explain"
    """What the question means, for a resident who did not understand it."""
    FIRST_QUESTION = "first_question"
    CHANGE_LATER = "change_later"
    CONFIRM_RESTART = "confirm_restart"
    CHECK_EMAIL = "check_email"
    CONFIRM_REMOVE = "confirm_remove"
    INCIDENT_KEPT = "incident_kept"
    KEPT = "kept"
    RESTARTED = "restarted"
    OFFER_RESUME = "offer_resume"
    OFFER_RESUME_AGAIN = "offer_resume_again"
    DATE_NOTED = "date_noted"
    DATE_UNKNOWN = "date_unknown"
    INCIDENT_REMOVED = "incident_removed"
    AT_CONFIRM = "at_confirm"
    ENDED = "ended"
    NOTE = "note"
    """A message given by the caller (say, why an old conversation was deleted)."""
    OTHER_ROUTES = "other_routes"
    """For someone with no phone or email: how to apply by phone or in writing instead."""


@dataclass(frozen=True)
class Note:
    """One thing said, with what fills it in."""

    said: Said
    date: dt.date | None = None
    number: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class Ask:
    """The question the resident is asked next."""

    field: str
    kind: Kind
    optional: bool
    choices: tuple[Choice, ...]
    incident: int | None
    """1-based, inside the incident loop."""
    question: Question | None
    """None for check your answers and for a yes/no asked in passing."""
    victim: str = "the person"
    pending: Pending | None = None
    about: str = ""
    """For a pending yes or no: the address suggested, or the incident's number."""
    representative: bool = False
    """Someone asking for the victim: questions about the victim say "they", not "you"."""

    def expects(self) -> dict[str, object]:
        """The API's `expects` object."""
        return {
            "field": self.field,
            "kind": str(self.kind),
            "optional": self.optional,
            "choices": [{"value": c.value, "label": c.label} for c in self.choices],
            "incident": self.incident,
        }


@dataclass(frozen=True)
class Submission:
    """What the resident is told once their request is stored."""

    reference: str
    outcome: ScreeningOutcome
    routes_met: tuple[str, ...]
    acknowledge_by: dt.date
    contact: str
    """How the team will contact them (`dialogs.record.contact_way`): the way they chose when it
    is safe, else a way they said is safe, or carefully when none is."""
    said: tuple[str, ...] = ()
    """Words already written for the resident (an appeal's), said instead of the request's."""


@dataclass
class Outcome:
    """Everything one turn produced, for a renderer to put into words."""

    notes: list[Note] = field(default_factory=list)
    ask: Ask | None = None
    problem: str | None = None
    """Why the last answer was not taken, when it was not."""
    repeat: bool = True
    """False when the reply is only the notes or problem, not the question again."""
    review: list[Row] | None = None
    """The answers to check, when at check your answers."""
    more: bool = False
    """The resident asked to see more of the answers (a channel that pages them moves on)."""
    answered: Step | None = None
    ended: EndReason | None = None
    submitted: Submission | None = None
    reference: str | None = None

    @property
    def done(self) -> bool:
        """True when the conversation has ended (sent, or stopped)."""
        return self.ended is not None
