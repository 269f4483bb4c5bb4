"""The path through the questionnaire, worked out from the answers alone.

Like GOV.UK Forms' journey, nothing here remembers where a resident has been: the steps that
apply follow from the answers given, so next, previous, what is missing, the rows of check your
answers and the target of `change <thing>` can never disagree with each other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dialogs import appeal
from dialogs import questionnaire
from dialogs.parsing import Approximate
from dialogs.parsing import format_date
from dialogs.parsing import format_phone
from dialogs.parsing import simplify
from dialogs.questionnaire import INCIDENT_LOOP
from dialogs.questionnaire import QUESTIONS
from dialogs.questionnaire import Facts
from dialogs.questionnaire import Question
from dialogs.vocabulary import Kind

BY_FIELD = {**questionnaire.BY_FIELD, **appeal.BY_FIELD}
"""Every question of both questionnaires (their fields never clash)."""
Step = tuple[str, int | None]
"""A question to ask: its field, and the incident's index (0-based) inside the incident loop."""


@dataclass
class Answers:
    """The answers given so far: the request's own, and one dict per incident."""

    answers: dict[str, Any]
    incidents: list[dict[str, Any]]
    community_route: bool = False
    questionnaire: str = "request"

    def facts(self, index: int | None = None, housing: bool | None = None) -> Facts:
        """What the questions' predicates read, for the request or for one incident
        (`housing`: whether any incident was reported to housing, when already known)."""
        incident = (
            self.incidents[index] if index is not None and index < len(self.incidents) else {}
        )
        if housing is None:
            housing = self.reported_to_housing()
        return Facts(self.answers, incident, index or 0, self.community_route, len(self.incidents),
                     housing)  # fmt: skip

    def reported_to_housing(self) -> bool:
        """True when any incident was reported to a housing provider."""
        return any("housing_provider" in (i.get("reported_to") or ()) for i in self.incidents)

    def value(self, step: Step) -> Any:
        """The stored answer to a step (KeyError when not answered)."""
        name, index = step
        if index is None:
            return self.answers[name]
        if index >= len(self.incidents):
            raise KeyError(name)
        return self.incidents[index][name]

    def answered(self, step: Step) -> bool:
        """True when the step has an answer (a skip or 'not sure' counts as one)."""
        try:
            self.value(step)
        except KeyError:
            return False
        return True


def _loop_sections() -> tuple[tuple[Question, ...], tuple[Question, ...], tuple[Question, ...]]:
    """The questions before the incident loop, inside it, and after it (the loop is contiguous)."""
    inside = [i for i, q in enumerate(QUESTIONS) if q.loop == INCIDENT_LOOP]
    first, last = inside[0], inside[-1]
    return QUESTIONS[:first], QUESTIONS[first : last + 1], QUESTIONS[last + 1 :]


BEFORE_LOOP, INCIDENT_QUESTIONS, AFTER_LOOP = _loop_sections()


def path(given: Answers) -> Iterator[Step]:
    """Every step that applies to these answers, in asking order."""
    housing = given.reported_to_housing()  # once, not once per incident
    facts = given.facts(housing=housing)
    if given.questionnaire == appeal.QUESTIONNAIRE:  # no incident loop
        yield from ((q.field, None) for q in appeal.QUESTIONS if q.ask_if(facts))
        return
    for question in BEFORE_LOOP:
        if question.ask_if(facts):
            yield question.field, None
    index = 0
    while True:
        incident = given.facts(index, housing)
        for question in INCIDENT_QUESTIONS:
            if question.ask_if(incident):
                yield question.field, index
        if incident.incident.get("another_incident") is not True or not _has_room(incident):
            break
        index += 1
    for question in AFTER_LOOP:
        if question.ask_if(facts):
            yield question.field, None


def _has_room(facts: Facts) -> bool:
    return BY_FIELD["another_incident"].ask_if(facts)


def problem_with(given: Answers, step: Step) -> str | None:
    """Why the stored answer to `step` will not do (None when it is fine or not answered)."""
    question = BY_FIELD[step[0]]
    facts = given.facts(step[1])
    value = given.value(step)
    # None is an answer ("not sure", a skip); it stops fitting only when the question was
    # skippable at the time and no longer is (phone skipped, then the email taken away).
    if value is None and callable(question.optional) and not question.is_optional(facts):
        return "This question needs an answer."
    if question.check is not None:
        return question.check(value, facts)
    return None


def is_missing(given: Answers, step: Step) -> bool:
    """True when the step still needs an answer, or its answer no longer fits the others."""
    return not given.answered(step) or problem_with(given, step) is not None


def missing(given: Answers) -> list[Step]:
    """Steps still to answer before the request can be sent, in asking order."""
    return [step for step in path(given) if is_missing(given, step)]


def first_missing(given: Answers, after: Step | None = None) -> Step | None:
    """The next step to ask: the first missing one after `after`, else the first missing at
    all, else None (everything is answered: check your answers)."""
    steps = list(path(given))
    start = steps.index(after) + 1 if after in steps else 0
    for step in (*steps[start:], *steps[:start]):
        if is_missing(given, step):
            return step
    return None


def following(given: Answers, current: Step) -> Step | None:
    """The step after `current` on the path (None after the last). A resident who went back
    walks forward again one question at a time, as GOV.UK forms do."""
    steps = list(path(given))
    if current not in steps:
        return first_missing(given)
    at = steps.index(current)
    return steps[at + 1] if at + 1 < len(steps) else first_missing(given)


def previous(given: Answers, current: Step | None) -> Step | None:
    """The step before `current` on the path taken (None at the first question). From check
    your answers, the last step."""
    steps = list(path(given))
    if current is None:
        return steps[-1] if steps else None
    if current not in steps:
        return None
    at = steps.index(current)
    return steps[at - 1] if at > 0 else None


# -- check your answers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One answer on check your answers."""

    section: str
    label: str
    value: str
    step: Step
    change: str
    """The command that changes this answer, as the resident could type it."""

    @property
    def field(self) -> str:
        """The question's field."""
        return self.step[0]


def show(question: Question, value: Any) -> str:
    """An answer as a resident reads it back."""
    if value is None:
        return "not known" if question.kind == Kind.DATE else "not given"
    if question.kind == Kind.YES_NO:
        return "Yes" if value else "No"
    if question.kind == Kind.DATE:
        if isinstance(value, dict):  # a month, a season, "since ...": as it was understood
            return Approximate.from_json(value).describe()
        return format_date(dt.date.fromisoformat(value))
    if question.kind == Kind.PHONE:
        return format_phone(value)
    if question.choices:
        labels = {c.value: c.label for c in question.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    return str(value)


def rows(given: Answers) -> list[Row]:
    """Every answer given on the path, in asking order, each with the command that changes it."""
    out = []
    for step in path(given):
        question = BY_FIELD[step[0]].bind(given.facts(step[1]))
        if question.section is None or not given.answered(step):
            continue
        words = question.field.replace("_", " ")
        if step[1] is None:
            section, change = question.section, f"change {words}"
        else:
            number = step[1] + 1
            section, change = f"{question.section} {number}", f"change incident {number} {words}"
        out.append(Row(section, question.label, show(question, given.value(step)), step, change))
    return out


# -- change <thing> --------------------------------------------------------------------------

_INCIDENT_NUMBER = re.compile(r"\bincident\s*(\d+)\b|\b(\d+)(st|nd|rd|th)? incident\b")


def _means(question: Question, words: str) -> bool:
    return (
        words in question.change_words
        or words == question.field.replace("_", " ")
        or words == simplify(question.label)
    )


def change_target(what: str, given: Answers) -> Step | str:
    """Which step `change <what>` means, or a message asking the resident to be clearer."""
    words = re.sub(r"^(the|my|your)\s+", "", simplify(what))
    number = _INCIDENT_NUMBER.search(words)
    if number:
        return _incident_target(words, int(number.group(1) or number.group(2)), given)
    steps = set(path(given))
    flat = appeal.QUESTIONS if given.questionnaire == appeal.QUESTIONNAIRE else ()
    for question in flat or BEFORE_LOOP + AFTER_LOOP:
        if question.section is None or not _means(question, words):
            continue
        if (question.field, None) not in steps or not given.answered((question.field, None)):
            if question.field == "hate_categories":
                return "To change this, first change your answer about hate."
            return "You were not asked that question, so there is nothing to change."
        return question.field, None
    if re.search(r"\bincident", words) and len(given.incidents) == 1:
        return _incident_target(words, 1, given)
    return (
        "I did not understand what you want to change. Say change and the name of the answer, "
        "for example change phone, change address or change incident 1 date."
    )


def _incident_target(words: str, number: int, given: Answers) -> Step | str:
    if not 1 <= number <= len(given.incidents):
        return f"There is no incident {number}. You told us about {len(given.incidents)}."
    rest = _INCIDENT_NUMBER.sub(" ", words)
    rest = " ".join(re.sub(r"\b(incident|of|for|the|on|in)\b", " ", rest).split())
    for question in INCIDENT_QUESTIONS:
        if question.section is not None and _means(question, rest):
            return question.field, number - 1
    return (
        f"What do you want to change about incident {number}? Say, for example, change incident "
        f"{number} date, change incident {number} what happened, change incident {number} "
        f"reported to, change incident {number} report date or change incident {number} "
        "reference."
    )
