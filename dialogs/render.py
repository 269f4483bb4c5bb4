"""Renderers: each channel's words for a turn's `Outcome`.

- `ChatRenderer`: the web chat, where choices are buttons, so no "Type yes or no".
- `TypedRenderer`: the terminal, where everything is typed: instructions and numbered options.
- `SmsRenderer`: a text message: typed wording, GSM-7, the segment budget and paging.

The SMS budget and paging live here and nowhere else. Adding a channel means one renderer.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from dialogs import journey
from dialogs import texts
from dialogs.journey import Row
from dialogs.journey import show
from dialogs.model import DialogModel
from dialogs.parsing import MAX_TEXT
from dialogs.parsing import format_date
from dialogs.parsing import join_labels
from dialogs.policy import Policy
from dialogs.questionnaire import BY_FIELD
from dialogs.questionnaire import CONFIRM
from dialogs.questionnaire import MAX_INCIDENTS
from dialogs.sms import SEGMENT_BUDGET
from dialogs.sms import render as sms_body
from dialogs.sms import segments
from dialogs.sms import septets
from dialogs.sms import shorten
from dialogs.turn import Ask
from dialogs.turn import Note
from dialogs.turn import Outcome
from dialogs.turn import Said
from dialogs.vocabulary import Channel
from dialogs.vocabulary import Kind
from dialogs.vocabulary import Pending


@dataclass(frozen=True)
class Rendered:
    """A turn in one channel's words."""

    messages: list[str]
    expects: dict[str, Any] | None
    problem: str | None = None
    feedback: list[str] = field(default_factory=list)
    """What the turn says about the last answer (the problem, notes, the confirmation): the
    messages without the question and the answers to check, which a page shows as controls."""


_QUESTION_END = re.compile(r"\?\s+(?=\S)")


def split_question(wording: str) -> tuple[str, str]:
    """The question up to its question mark, and what follows it (a hint, like "For example
    a street"): on a page the first is the heading and the second sits under it."""
    end = _QUESTION_END.search(wording)
    if end is None:
        return wording, ""
    return wording[: end.start() + 1], wording[end.end() :]


TITLE_CHARS = 60
_FILLED_IN = frozenset({Said.CHECK_EMAIL, Said.CONFIRM_REMOVE, Said.INCIDENT_KEPT})
_ASKED_IN_PASSING = frozenset({Said.CONFIRM_RESTART, Said.OFFER_RESUME, Said.OFFER_RESUME_AGAIN,
                               Said.CHECK_EMAIL, Said.CONFIRM_REMOVE})  # fmt: skip
"""Longer questions give the page title their short name (the label on check your answers)."""


@dataclass
class ChatRenderer:
    """The web chat's words: buttons carry the choices, so questions carry no instructions."""

    policy: Policy
    channel: Channel = Channel.WEB
    typed: bool = False

    def render(self, outcome: Outcome, model: DialogModel) -> Rendered:
        """The messages and `expects` of one turn."""
        expects: dict[str, Any] | None = None
        messages = [outcome.problem] if outcome.problem else []
        messages += self.notes(outcome)
        if outcome.submitted is not None:
            messages += self.confirmation(outcome)
        elif outcome.ended is not None:
            messages.append(self.ending(outcome))
        feedback = list(messages)
        if outcome.ask is not None and outcome.ask.pending is not None:
            # The yes or no asked in passing is the question itself, not feedback.
            feedback = [outcome.problem] if outcome.problem else []
            feedback += [
                m
                for note in outcome.notes
                if note.said not in _ASKED_IN_PASSING
                for m in self.note(note, outcome.ask)
            ]
        if outcome.ended is not None:
            pass  # nothing more to ask
        elif outcome.review is not None and outcome.repeat:
            messages = self.review(messages, outcome, model)
        elif outcome.ask is not None and outcome.repeat and outcome.ask.question is not None:
            messages.append(self.question(outcome.ask))
        if outcome.ended is None and outcome.ask is not None:
            expects = self.expects(outcome.ask, model)
        return Rendered(messages, expects, outcome.problem, feedback)

    def expects(self, ask: Ask, model: DialogModel) -> dict[str, Any]:
        """The API's `expects`, with what a page needs to draw the question as real controls:
        the question (its label or legend), a hint, whether "not sure" is an answer, the
        longest answer taken, and at check your answers the answers by section."""
        data = ask.expects()
        if ask.pending is not None:
            asked = self.pending_question(ask)
        elif ask.question is None:
            asked = "Check your answers before sending your request"
        else:
            asked = self.wording(ask)
        asked, after = split_question(asked)
        data["question"] = asked
        # A page title is the question, or its short name when the question is long.
        long = ask.question is not None and len(asked) > TITLE_CHARS
        data["title"] = ask.question.label if long and ask.question else asked
        data["hint"] = self.hint(ask, after)
        data["unsure"] = ask.kind == Kind.DATE  # "not sure" is an answer to a date
        data["max_length"] = MAX_TEXT if ask.kind == Kind.TEXT else None
        if ask.field == CONFIRM and ask.pending is None:
            data["review"] = review_sections(journey_rows(model), len(model.incidents))
        if ask.field == "another_incident":
            data["incidents"] = incidents_so_far(model)
        answer = current_answer(ask, model)
        if answer is not None:
            data["answer"] = answer
        return data

    # -- pieces, also used by the forms ---------------------------------------------------

    def notes(self, outcome: Outcome) -> list[str]:
        """The words of the turn's notes, in order."""
        return [m for note in outcome.notes for m in self.note(note, outcome.ask)]

    def wording(self, ask: Ask, short: bool = False) -> str:
        """The question filled in with the incident number and the victim's name."""
        question = ask.question
        assert question is not None
        text = question.short if short and question.short else question.ask
        if self.typed and question.typed and not (short and question.short):
            text = f"{text} {question.typed}"
        you, you_are, your = (("them", "they are", "their") if ask.representative
                              else ("you", "you are", "your"))  # fmt: skip
        return text.format(n=ask.incident or 1, victim=ask.victim, you_are=you_are, your=your,
                           you=you, window=self._community_window())  # fmt: skip

    def _community_window(self) -> str:
        """The community route's own lookback, or the policy's, in words (6 months)."""
        policy = self.policy
        route = policy.community
        return str(policy.route_window(route).period if route else policy.lookback)

    def question(self, ask: Ask, short: bool = False) -> str:
        """The question as this channel shows it."""
        text = self.wording(ask, short)
        if self.typed and ask.kind in {Kind.CHOICE, Kind.MULTI_CHOICE}:
            options = "\n".join(f"{n}. {c.label}" for n, c in enumerate(ask.choices, start=1))
            text = f"{text}\n{options}"
        return text

    def pending_question(self, ask: Ask) -> str:
        """The yes or no asked in passing (start again? carry on? did you mean?), as a page
        asks it: the choices are its buttons."""
        if ask.pending == Pending.EMAIL:
            return texts.SAID[Said.CHECK_EMAIL].format(text=ask.about)
        if ask.pending == Pending.REMOVE:
            return texts.SAID[Said.CONFIRM_REMOVE].format(number=ask.about)
        said = Said.CONFIRM_RESTART if ask.pending == Pending.RESTART else Said.OFFER_RESUME_AGAIN
        return texts.SAID[said]

    def hint(self, ask: Ask, after: str = "") -> str:
        """One line of help under the question on a page: what the wording says after the
        question itself ("For example ..."), its hint, or else its help."""
        question = ask.question
        if question is None:
            return ""
        hint = " ".join(part for part in (after, question.hint) if part)
        return (hint or question.help).format(max=MAX_INCIDENTS)

    def heading(self, ask: Ask) -> tuple[str, str]:
        """A page's question (its heading, label or legend) and the hint under it."""
        question, after = split_question(self.wording(ask))
        return question, self.hint(ask, after)

    def note(self, note: Note, ask: Ask | None) -> list[str]:
        """The words of one note (a few notes are more than one message)."""
        said = note.said
        if said == Said.WELCOME:
            return texts.welcome(self.policy, self.typed)
        if said == Said.NOTE:
            return [note.text or ""]
        if said == Said.HELP:
            return [self.help(ask)]
        if said == Said.EXPLAIN:
            return [self.explain(ask)]
        if said == Said.OTHER_ROUTES:
            return [texts.other_routes(self.policy)]
        if said == Said.DATE_NOTED:
            return [f"Thanks. I have {note.text or format_date(note.date)}."]
        if said == Said.INCIDENT_REMOVED:
            return [f"Incident {note.number} has been removed."]
        if said in _FILLED_IN:
            table = texts.TYPED if self.typed else {}
            wording = table.get(said) or texts.SAID[said]
            return [wording.format(text=note.text or "", number=note.number or "")]
        if said == Said.ENDED:
            return []
        table = texts.TYPED if self.typed else {}
        return [table.get(said) or texts.SAID[said]]

    def help(self, ask: Ask | None) -> str:
        """Help with the current question, then what can be done anywhere."""
        specific = ""
        if ask is not None and ask.field == "confirm":
            specific = "Send your request, or say change and what to change. "
        elif ask is not None and ask.question is not None and ask.question.help:
            specific = ask.question.help.format(max=MAX_INCIDENTS) + " "
        sms = self.channel == Channel.SMS
        return specific + texts.commands_help(self.policy, self.typed, sms=sms)

    def explain(self, ask: Ask | None) -> str:
        """What the current question means, in plain words: its help, else the help."""
        if ask is not None and ask.question is not None and ask.question.help:
            return ask.question.help.format(max=MAX_INCIDENTS)
        return self.help(ask)

    def ending(self, outcome: Outcome) -> str:
        """Why the conversation has ended, in words."""
        reason = outcome.ended
        assert reason is not None
        sms = self.channel == Channel.SMS
        if outcome.notes and outcome.notes[-1].said == Said.ENDED:
            return texts.ended(reason, outcome.reference, self.policy, sms=sms)
        return texts.declined(reason, self.policy, sms=sms)

    def confirmation(self, outcome: Outcome) -> list[str]:
        """What the resident hears once the request is sent."""
        sent = outcome.submitted
        assert sent is not None
        if sent.said:
            return list(sent.said)
        sms = self.channel == Channel.SMS
        return texts.confirmation(
            sent.reference,
            sent.outcome,
            sent.routes_met,
            sent.acknowledge_by,
            self.policy,
            sent.contact,
            sms=sms,
        )

    def review(self, said: list[str], outcome: Outcome, model: DialogModel) -> list[str]:
        """Check your answers: a message per section, then what to do."""
        rows = outcome.review or []
        blocks = [
            "\n".join([heading, *(f"{r.label}: {r.value}" for r in group)])
            for heading, group in _sections(rows)
        ]
        if blocks:
            blocks[0] = "Check your answers.\n" + blocks[0]
        return [*said, *blocks, texts.REVIEW_END[self.typed]]


def _sections(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    return [(name, list(group)) for name, group in itertools.groupby(rows, lambda r: r.section)]


def journey_rows(model: DialogModel) -> list[Row]:
    """The answers to check, in asking order."""
    return journey.rows(model.given)


def review_sections(answer_rows: list[Row], incidents: int) -> list[dict[str, Any]]:
    """Check your answers as data: sections of rows, each with the command that changes it,
    and, for an incident when there is more than one, the command that removes it."""
    sections = []
    for heading, group in _sections(answer_rows):
        index = group[0].step[1]
        remove = f"remove incident {index + 1}" if index is not None and incidents > 1 else None
        sections.append(
            {
                "section": heading,
                "rows": [{"label": r.label, "value": r.value, "change": r.change} for r in group],
                "remove": remove,
            }
        )
    return sections


def current_answer(ask: Ask, model: DialogModel) -> str | list[str] | None:
    """The answer already given to the question being asked (changing it from check your
    answers, or after back): the text to pre-fill, or the choice values to pre-select."""
    step = model.current
    if ask.question is None or ask.pending is not None or step is None:
        return None
    try:
        value = model.given.value(step)
    except KeyError:
        return None
    if ask.kind == Kind.YES_NO:
        return [] if value is None else ["yes" if value else "no"]
    if ask.choices:
        return (
            []
            if value is None
            else [str(v) for v in (value if isinstance(value, list) else [value])]
        )
    return "" if value is None else show(ask.question, value)


def incidents_so_far(model: DialogModel) -> list[dict[str, Any]]:
    """The incidents told so far, one line each, for the "add another" pattern."""
    told = []
    for number, incident in enumerate(model.incidents, start=1):
        when = show(BY_FIELD["incident_date"], incident.get("incident_date"))
        what = str(incident.get("incident_description", ""))
        told.append({"number": number, "date": when, "description": shorten(what, 80)})
    return told


class TypedRenderer(ChatRenderer):
    """The terminal: everything typed, so instructions and numbered options are shown."""

    def __init__(self, policy: Policy, channel: Channel = Channel.TERMINAL) -> None:
        super().__init__(policy, channel, typed=True)


SMS_VALUE_LIMIT = 70
"""Long answers are cut to this many characters when read back by text (all are kept)."""
_SMS_PAGE_CHARS = 153 * SEGMENT_BUDGET
_SHORT_AGENCY = {"housing_provider": "housing provider", "other": "someone else"}


class SmsRenderer(TypedRenderer):
    """A text message: typed wording in GSM-7, within the segment budget, answers in parts."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(policy, Channel.SMS)

    def render(self, outcome: Outcome, model: DialogModel) -> Rendered:
        """One turn, as few segments as it can be."""
        rendered = super().render(outcome, model)
        messages = rendered.messages
        if outcome.answered == ("consent", None) and not outcome.done:
            messages.insert(len(messages) - 1, texts.SMS_COMMANDS)
        ask = outcome.ask
        fits = segments(sms_body(messages)) <= SEGMENT_BUDGET
        if not fits and ask and ask.question and outcome.repeat and outcome.review is None:
            messages[-1] = self.question(ask, short=True)  # the same question, fewer words
        return Rendered(messages, rendered.expects, rendered.problem)

    def note(self, note: Note, ask: Ask | None) -> list[str]:
        """A shorter welcome by text, where the question must also fit."""
        if note.said == Said.WELCOME:
            return [texts.SMS_WELCOME]
        return super().note(note, ask)

    def notes(self, outcome: Outcome) -> list[str]:
        """After a note on why a new conversation began, only the 999 line of the welcome."""
        notes = outcome.notes
        if len(notes) > 1 and notes[0].said == Said.NOTE and notes[1].said == Said.WELCOME:
            return [notes[0].text or "", texts.SMS_DANGER]
        return super().notes(outcome)

    def review(self, said: list[str], outcome: Outcome, model: DialogModel) -> list[str]:
        """A part of check your answers by text, or just what was said when both won't fit."""
        pages = answer_pages(outcome.review or [], model)
        if outcome.more or not said:
            page = (model.view.get("page", 0) + 1) % len(pages) if outcome.more else 0
            model.view["page"] = page
            return [*said, pages[page]]
        if segments(sms_body([*said, pages[0]])) <= SEGMENT_BUDGET:
            model.view["page"] = 0
            return [*said, pages[0]]
        model.view["page"] = -1  # so MORE shows part 1
        return [*said, texts.SMS_AT_CONFIRM]


def _sms_footer(part: int, parts: int) -> str:
    if part < parts:
        return f"Reply MORE for part {part + 1}, YES to send, or CHANGE and what."
    return "Reply YES to send, or CHANGE and what, eg CHANGE PHONE."


def _sms_incident(number: int, incident: dict[str, Any]) -> list[str]:
    """One incident in two short lines: when and what, then who it was reported to."""
    when = show(BY_FIELD["incident_date"], incident.get("incident_date"))
    what = shorten(str(incident.get("incident_description", "")), SMS_VALUE_LIMIT - 10)
    lines = [f"Incident {number}: {when}. {what}"]
    if "reported_to" in incident:
        agencies = join_labels([_SHORT_AGENCY.get(a, a) for a in incident["reported_to"]])
        reported = f"Reported to {agencies}"
        if "report_date" in incident:
            reported += f" on {show(BY_FIELD['report_date'], incident['report_date'])}"
        if incident.get("report_reference"):
            reported += f", ref {shorten(incident['report_reference'], 30)}"
        lines.append(reported)
    return lines


def _sms_lines(rows: list[Row], model: DialogModel) -> list[str]:
    """Each answer on one short line, in the order of check your answers."""
    lines: list[str] = []
    shown: set[int] = set()
    for row in rows:
        index = row.step[1]
        if index is None:
            lines.append(f"{row.label}: {shorten(row.value, SMS_VALUE_LIMIT)}")
        elif index not in shown:
            shown.add(index)
            lines += _sms_incident(index + 1, model.incidents[index])
    return lines


def answer_pages(rows: list[Row], model: DialogModel) -> list[str]:
    """Check your answers by text: numbered parts that each fit the SMS segment budget."""
    lines = _sms_lines(rows, model)
    # Room left by the longest header and footer a part can have (up to 99 parts).
    room = _SMS_PAGE_CHARS - len("Check your answers, part 99 of 99:") - 2
    room -= max(len(_sms_footer(98, 99)), len(_sms_footer(99, 99)))
    bodies: list[list[str]] = [[]]
    used = 0
    for line in lines:
        cost = septets(sms_body([line])) + 1
        if bodies[-1] and used + cost > room:
            bodies.append([])
            used = 0
        bodies[-1].append(line)
        used += cost
    parts = len(bodies)
    pages = []
    for part, body in enumerate(bodies, start=1):
        title = "Check your answers" + (f", part {part} of {parts}:" if parts > 1 else ":")
        pages.append(sms_body([title + "\n" + "\n".join(body), _sms_footer(part, parts)]))
    return pages


def renderer_for(channel: Channel | str, policy: Policy) -> ChatRenderer:
    """The renderer of a channel."""
    if channel == Channel.SMS:
        return SmsRenderer(policy)
    if channel == Channel.TERMINAL:
        return TypedRenderer(policy)
    return ChatRenderer(policy)
