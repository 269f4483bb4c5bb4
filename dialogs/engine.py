"""Take one message from a resident, update the answers, and say what happened.

`Dialog.handle()` reads commands (help, back, start again, change ...), reads answers with the
questionnaire's parsers, stores them on the `DialogModel`, asks `dialogs.journey` what comes
next and moves `dialogs.lifecycle` on. It returns an `Outcome`: data, never channel text.
Nothing here touches the network, a database or a web framework, or knows the channel.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from dialogs import appeal
from dialogs import journey
from dialogs.journey import BY_FIELD
from dialogs.journey import Step
from dialogs.lifecycle import FINAL
from dialogs.lifecycle import lifecycle
from dialogs.model import DialogModel
from dialogs.parsing import Approximate
from dialogs.parsing import Choice
from dialogs.parsing import Invalid
from dialogs.parsing import hedged
from dialogs.parsing import is_clear_no
from dialogs.parsing import parse_later
from dialogs.parsing import parse_yes_no
from dialogs.parsing import simplify
from dialogs.parsing import suggest_email
from dialogs.partnership import Partnership
from dialogs.questionnaire import CONFIRM
from dialogs.questionnaire import MAX_INCIDENTS
from dialogs.questionnaire import WHAT_A_REVIEW_IS
from dialogs.questionnaire import Question
from dialogs.safety import Risk
from dialogs.safety import risk_in
from dialogs.turn import Ask
from dialogs.turn import Command
from dialogs.turn import Inbound
from dialogs.turn import Note
from dialogs.turn import Outcome
from dialogs.turn import Said
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Kind
from dialogs.vocabulary import Pending
from dialogs.vocabulary import Stage

_WORDS: dict[Command, frozenset[str]] = {
    Command.HELP: frozenset({"help", "help me", "?", "info", "what", "i need help",
                             "how does this work"}),
    Command.BACK: frozenset({"back", "go back", "previous", "undo", "back please"}),
    Command.RESTART: frozenset({"start again", "restart", "start over", "begin again", "reset",
                                "start from scratch"}),
    Command.MORE: frozenset({"more", "next", "m", "more please", "next part", "see more", "rest"}),
    Command.SUBMIT: frozenset({"yes", "y", "send", "submit", "confirm", "yes send", "yes please",
                               "1", "send it", "send my request", "send request"}),
}  # fmt: skip
_LOOKS_RIGHT = re.compile(
    r"^(yes )?(thats |that is |its |it is |everything is |everythings |it all |that all |that )?"
    r"(all )?(looks )?(correct|right|good|fine|ok|okay|great|perfect)( thanks| thank you| to me)?$"
)
"""At check your answers, a yes in other words: "thats all correct", "looks good"."""
_PUZZLED = re.compile(
    r"^(sorry )?(what (does|do) (that|this|it|you) mean( by (that|this))?|what do you mean"
    r"|what is (that|this)|whats (that|this)|(i )?(dont|do not) (understand|get it)"
    r"( (that|this|it|the question|what you mean))?|(im |i am )?not sure what (you mean|that means"
    r"|this means)|(can you |please )?explain( (that|this))?|(im |i am )?confused)( please)?$"
)
"""A resident who did not understand the question ("what does that mean", "i dont understand")."""
_ASKING_BACK = re.compile(
    r"^(why|what|whats|will|wont|is|isnt|does|do|can|how|who|whos|would|could|should|are"
    r"|where|when)\b"
)
_ABOUT_REVIEWS = re.compile(
    r"^(so |sorry |but )?(what|whats|what is|what does|what do you mean by|whats this|what is this)"
    r"( a| the| an asb)? (case review|review|community trigger)( mean| for| about| like)?\b"
    r"(?!.*\b(find out|anonymous|know|told|tell|see|share)\b)"
)
"""Asking what a case review is ("whats a case review? is it like a complaint"), not about it."""
_A_YES_OR_NO = frozenset({"yes", "no", "yeah", "yep", "nope", "nah", "y", "n"})


def asks_back(text: str) -> bool:
    """True when a message is a question put back to us ("is this anonymous?", "why do you need
    it") with no yes or no in it: it wants the question explained, not "answer yes or no"."""
    words = simplify(text).replace("'", "")
    if _A_YES_OR_NO & set(words.split()):
        return False
    return text.strip().endswith("?") or bool(_ASKING_BACK.match(words))


_CARRY_ON = {"1", "carry on", "continue", "yes", "y", "go on", "resume", "carry on please", "ok",
             "carry on where i left off"}  # fmt: skip
_START_AGAIN = {"2", "start again", "restart", "start over", "new", "begin again", "reset"}
_SAME_DAY = frozenset({"same day", "the same day", "that day", "on the same day", "same",
                       "that same day", "the day it happened", "same day it happened",
                       "later that day", "that night", "that evening", "the same night",
                       "same night", "straight away", "straightaway", "right away"})  # fmt: skip
_NOTICE = {Risk.SELF_HARM: Said.SELF_HARM, Risk.DANGER: Said.SAFETY}
_NO_WAY = (
    r"|(write|writing) to me|by (letter|post)|letters? only|only (by )?(letter|post)|in writing)\b"
)
_NONE_TO_GIVE = {
    Kind.PHONE: re.compile(
        r"\b((dont|do not|never|cant|cannot) (really )?(have|use|got|get)( an?| any)? (phone|mobile"
        r"|phone number|mobile number|telephone)|(no|without)( an?)? (phone|mobile|telephone)"
        + _NO_WAY
    ),
    Kind.EMAIL: re.compile(
        r"\b((dont|do not|never|cant|cannot) (really )?(do|have|use|got|get)( an?| any)? (email"
        r"|e ?mail|emails|email address|computer|internet)|(no|without)( an?)? (email|e ?mail)"
        + _NO_WAY
    ),
}
"""At the phone or the email question: the resident has none to give, or wants letters."""


_CONDITION = re.compile(
    r"\b(after|before|between|until|till|except|apart from|but not|not (on|at|in|during|when)"
    r"|only (on|at|in|during|when|if)|in my name|weekends?|weekdays?|evenings?|mornings?"
    r"|afternoons?|nights?|at work|when (he|she|they) (is|are|isnt|arent)|\d{1,2} ?(am|pm)"
    r"|\d{1,2}[:.]\d\d)\b"
)
"""Words at the safe ways question that say when or how, beyond which ways ("not after 9pm")."""


_NEEDS_AN_ANSWER = "This question needs an answer."


class NoWayToContact(Invalid):
    """Neither a phone number nor an email address: the resident is told the other routes."""


MAX_REMARKS, MAX_REMARK_CHARS = 10, 500
"""How many risk remarks a conversation keeps, and how much of each: enough for staff to act on,
never a transcript."""


def safety_note(words: str) -> Note | None:
    """Samaritans for words of suicide or self-harm, 999 for danger, else nothing."""
    risk = risk_in(words)
    return Note(_NOTICE[risk]) if risk is not None else None


RESTART_CHOICES = (Choice("yes", "Yes, start again"), Choice("no", "No, keep my answers"))
RESUME_CHOICES = (
    Choice("carry_on", "Carry on where I left off", ("carry on", "continue")),
    Choice("start_again", "Start again", ("start again", "new")),
)


@dataclass
class Dialog:
    """One conversation's dialog: a model restored from storage, moved on by one message."""

    model: DialogModel
    partnership: Partnership | None = None
    """Several councils: the postcode says which one the request goes to."""
    lookup: appeal.Lookup | None = None
    """Checks an appeal's reference and postcode against stored requests."""

    @classmethod
    def new(cls, community_route: bool, partnership: Partnership | None = None) -> Dialog:
        """A conversation at its first question (`community_route`: the policy has one)."""
        return cls(DialogModel(community_route=community_route), partnership)

    @property
    def done(self) -> bool:
        """True when the conversation has ended (sent, declined, stopped or expired)."""
        return self.model.stage in FINAL

    @property
    def reviewing(self) -> bool:
        """True at check your answers."""
        return self.model.stage == Stage.REVIEWING

    def start(self, note: str | None = None) -> Outcome:
        """The welcome and the first question, after `note` when there is something to explain."""
        notes = [Note(Said.NOTE, text=note)] if note else []
        return self._ask([*notes, Note(Said.WELCOME)])

    def offer_resume(self) -> Outcome:
        """After a long pause: ask whether to carry on or start again (answered in `handle`)."""
        if self.model.stage != Stage.PAUSED:
            lifecycle(self.model).send("pause")
        self.model.pending = Pending.RESUME
        return self._ask([Note(Said.OFFER_RESUME)], repeat=False)

    def end(self, reason: EndReason) -> None:
        """End the conversation from outside the dialog (STOP by text, or expiry)."""
        if not self.done:
            lifecycle(self.model).send("stop" if reason == EndReason.STOPPED else "expire")
            self.model.ended = reason

    def handle(self, inbound: Inbound | str, today: dt.date) -> Outcome:
        """Process one message from the resident."""
        if isinstance(inbound, str):
            inbound = Inbound(inbound)
        if self.done:
            return Outcome([Note(Said.ENDED)], ended=EndReason(self.model.ended or "submitted"))
        words = simplify(inbound.text)
        if self.model.pending == Pending.RESUME:
            return self._answer_resume(inbound, words)
        if self.model.pending == Pending.RESTART:
            return self._confirm_restart(inbound, words)
        if self.model.pending == Pending.EMAIL:
            return self._confirm_email(inbound, words, today)
        if self.model.pending == Pending.REMOVE:
            return self._confirm_remove(inbound, words)
        kind = appeal.wants(words) if self._at_front_door() else None
        if kind is not None:
            return self._start_appeal(kind)
        command = inbound.command or self._command(words)
        if command == Command.HELP:
            return self._ask([Note(Said.HELP)])
        if command == Command.BACK:
            return self._back()
        if command == Command.RESTART:
            self.model.pending = Pending.RESTART
            return self._ask([Note(Said.CONFIRM_RESTART)], repeat=False)
        if _PUZZLED.match(words.replace("'", "")):
            return self._ask([Note(Said.EXPLAIN)])
        if self.reviewing:
            return self._at_confirm(inbound, words, command)
        if words.startswith("change "):
            return self._ask([Note(Said.CHANGE_LATER)])
        return self._answer(inbound, words, command, today)

    # -- answering a question ------------------------------------------------------------------

    def _answer(
        self, inbound: Inbound, words: str, command: Command | None, today: dt.date
    ) -> Outcome:
        step = self.model.current
        assert step is not None
        given = self.model.given
        question = BY_FIELD[step[0]].bind(given.facts(step[1]))
        safety = safety_note(words)
        warned, self.model.warned = self.model.warned == [step[0], step[1]], None
        if safety is not None and question.kind == Kind.TEXT and not question.narrative \
                and not warned:  # fmt: skip
            # "I am in danger" typed as a name is a call for help, not a name: the notice, and
            # the question again. Said again, it is their answer: never ask for ever.
            self.model.warned = [step[0], step[1]]
            self._remark(step, inbound.text)
            return self._ask([safety])
        try:
            value = self._read(question, step, inbound, words, command, today)
        except Invalid as problem:
            if safety is not None:  # a call for help, not an answer: the notice, then the question
                self._remark(step, inbound.text)
                return self._ask([safety])
            if question.kind == Kind.YES_NO and question.help and asks_back(inbound.text):
                if _ABOUT_REVIEWS.search(words):  # "whats a case review": that, not the question
                    return self._ask([Note(Said.NOTE, text=WHAT_A_REVIEW_IS)])
                return self._ask([Note(Said.EXPLAIN)])  # a question asked back: what it means
            routes = [Note(Said.OTHER_ROUTES)] if isinstance(problem, NoWayToContact) else []
            return self._ask(routes, problem=str(problem))
        suggested = suggest_email(value) if question.kind == Kind.EMAIL and value else None
        if suggested:  # a likely typo in the domain: ask before keeping it (GOV.UK pattern)
            self.model.pending = Pending.EMAIL
            self.model.checking = {"typed": value, "suggested": suggested}
            return self._ask([Note(Said.CHECK_EMAIL, text=suggested)], repeat=False)
        return self._accept(question, step, value, words, typed=inbound.text)

    def _accept(
        self, question: Question, step: Step, value: Any, words: str, *, typed: str = ""
    ) -> Outcome:
        """Keep an answer that was read (`typed`: as the resident typed it), and move on."""
        safety = safety_note(words)
        if question.field == "postcode" and self.partnership is not None:
            routed = self.partnership.route(value)
            if not routed.in_area:  # never a dead end: who to ask instead, or type it again
                return self._ask([], problem=self.partnership.outside(routed))
            self.partnership.settle(self.model.answers, routed)
        notes = self._store(question, step, value)
        if question.field == "contact_safety":  # "phone but not after 9pm": the condition is kept
            conditional = bool(typed) and _CONDITION.search(words) is not None
            self.model.contact_words = typed[:MAX_REMARK_CHARS] if conditional else None
        if self.model.questionnaire == appeal.QUESTIONNAIRE:
            said, miss = appeal.after(question.field, value, self.model.answers, self.lookup)
            if miss is not None:  # back to the reference, saying nothing of whose it is
                self.model.step = ["appeal_reference", None]
                return self._ask([], problem=miss)
            notes += [Note(Said.NOTE, text=line) for line in said]
        if safety is not None:  # the answer is kept, and the notice given with it
            notes.append(safety)
            if question.kind != Kind.TEXT:  # "yes, and hes got a knife" keeps only the yes
                self._remark(step, typed or words)
        if question.ends_with is not None and value == question.ends_on:
            lifecycle(self.model).send("decline")
            self.model.ended = question.ends_with
            self.model.step = None
            return Outcome(notes, answered=step, ended=self.model.ended)
        given = self.model.given
        if self.model.changing:  # from check your answers: back there once nothing is missing
            self._move_on(journey.first_missing(given, after=step))
        else:
            self._move_on(journey.following(given, step))
        outcome = self._ask(notes)
        outcome.answered = step
        return outcome

    def _read(
        self,
        question: Question,
        step: Step,
        inbound: Inbound,
        words: str,
        command: Command | None,
        today: dt.date,
    ) -> Any:
        facts = self.model.given.facts(step[1])
        skipping = command == Command.SKIP or (bool(words) and words in question.skip_words)
        # "i dont do email, can you just write to me"; but "no mobile, landline 0113..." and
        # "no email, use jane@example.com" give one
        none = _NONE_TO_GIVE.get(question.kind)
        if none and not re.search(r"[\d@]", inbound.text) and none.search(words.replace("'", "")):
            skipping = True
        if skipping and question.is_optional(facts):
            return None
        if command == Command.SKIP and question.field != "email":  # never "skip" as an answer
            raise Invalid(question.empty if question.kind == Kind.TEXT else _NEEDS_AN_ANSWER)
        if skipping and question.field == "email":
            raise NoWayToContact(
                "We need a phone number or an email address to contact you. Give your email "
                "address, or go back to give a phone number."
            )
        happened = facts.incident.get("incident_date")
        if inbound.values is not None and question.choices:
            value: Any = _picked(question, inbound.values)
        elif question.field == "report_date" and hedged(words) in _SAME_DAY and happened:
            value = happened  # reported the day it happened (a range, if that is what it is)
        else:
            value = None
            if question.field == "report_date" and happened:
                # "the next day", "a few days later": counted from the incident's date or range
                since = dt.date.fromisoformat(happened) if isinstance(happened, str) \
                    else Approximate.from_json(happened)  # fmt: skip
                value = parse_later(inbound.text, since, today)
            if value is None:
                value = question.parse(inbound.text, today)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Approximate):
            value = value.to_json()  # what they said, with its precision
        if question.ends_with is not None and value == question.ends_on and \
                inbound.values is None and not is_clear_no(inbound.text):  # fmt: skip
            raise Invalid(question.unclear_end())  # ending needs a clear no: else ask again
        problem = question.check(value, facts) if question.check else None
        if problem:
            raise Invalid(problem)
        return value

    def _remark(self, step: Step, words: str) -> None:
        """Keep words that suggest a risk which the answer itself will not keep, for staff."""
        if len(self.model.remarks) < MAX_REMARKS:
            self.model.remarks.append([step[0], words[:MAX_REMARK_CHARS]])

    def _store(self, question: Question, step: Step, value: Any) -> list[Note]:
        """Keep an answer, and say what was understood where that helps (dates)."""
        name, index = step
        if index is None:
            self.model.answers[name] = value
        else:
            while len(self.model.incidents) <= index:
                self.model.incidents.append({})
            self.model.incidents[index][name] = value
            if name == "another_incident" and value is False:
                del self.model.incidents[index + 1 :]
        if question.kind != Kind.DATE:
            return []
        if isinstance(value, dict):
            approximate = Approximate.from_json(value)
            if approximate.precision == "vague":
                return [Note(Said.DATE_UNKNOWN)]
            return [Note(Said.DATE_NOTED, text=approximate.describe())]
        if value is None:
            return [Note(Said.DATE_UNKNOWN)]
        return [Note(Said.DATE_NOTED, date=dt.date.fromisoformat(value))]

    def _move_on(self, step: Step | None) -> None:
        """Ask `step` next, or go to check your answers when nothing is missing."""
        if step is None:
            self.model.step = None
            self.model.changing = False
            if self.model.stage == Stage.ASKING:
                lifecycle(self.model).send("complete")
            return
        self.model.step = [step[0], step[1]]

    # -- after a review: the appeal -------------------------------------------------------

    def _at_front_door(self) -> bool:
        """True at a request's first question with nothing else answered yet, where an appeal
        can begin instead (nothing is lost by leaving)."""
        model = self.model
        return model.questionnaire != appeal.QUESTIONNAIRE and set(model.answers) <= {"consent"} \
            and not model.incidents and model.step == ["consent", None] \
            and model.stage == Stage.ASKING and model.pending is None  # fmt: skip

    def _start_appeal(self, kind: str) -> Outcome:
        """Run the appeal questionnaire from here on (`kind`: what the resident asked for)."""
        self.model.questionnaire = appeal.QUESTIONNAIRE
        self.model.answers = {"appeal_kind": kind}
        self.model.step = ["appeal_reference", None]
        return self._ask([Note(Said.NOTE, text=appeal.START)])

    # -- commands --------------------------------------------------------------------------

    def _command(self, words: str) -> Command | None:
        for command in (Command.HELP, Command.BACK, Command.RESTART):
            if words in _WORDS[command]:
                return command
        return None

    def _back(self) -> Outcome:
        given = self.model.given
        if self.model.changing and not journey.missing(given):
            self.model.changing = False
            self._move_on(None)
            return self._ask([])
        target = journey.previous(given, self.model.current)
        if target is None:
            return self._ask([Note(Said.FIRST_QUESTION)])
        if self.reviewing:
            lifecycle(self.model).send("change")
        self.model.step = [target[0], target[1]]
        return self._ask([])

    def _answer_resume(self, inbound: Inbound, words: str) -> Outcome:
        self.model.pending = None
        picked = inbound.values[0] if inbound.values else None
        if picked == "carry_on" or words in _CARRY_ON:
            lifecycle(self.model).send("resume")
            return self._ask([Note(Said.CARRY_ON)])
        if picked == "start_again" or words in _START_AGAIN:
            lifecycle(self.model).send("resume")
            return self._restart()
        self.model.pending = Pending.RESUME
        return self._ask([Note(Said.OFFER_RESUME_AGAIN)], repeat=False)

    def _restart(self) -> Outcome:
        fresh = DialogModel(community_route=self.model.community_route, view=self.model.view)
        lifecycle(self.model).send("restart")
        self.model.__dict__.update(fresh.__dict__)
        return self._ask([Note(Said.RESTARTED)])

    def _confirm_email(self, inbound: Inbound, words: str, today: dt.date) -> Outcome:
        """After "did you mean": the suggested address, the one typed, or a new one."""
        checking = self.model.checking
        suggested, typed = str(checking.get("suggested")), str(checking.get("typed"))
        self.model.pending, self.model.checking = None, {}
        picked = inbound.values[0] if inbound.values else None
        chosen = {"suggested": suggested, "typed": typed}.get(picked or "")
        if chosen is None and picked is None and "@" not in inbound.text:
            if self._command(words) is not None or inbound.command is not None:
                return self.handle(inbound, today)
            try:
                chosen = suggested if parse_yes_no(words) else typed
            except Invalid:
                self.model.pending, self.model.checking = Pending.EMAIL, checking
                return self._ask(
                    [], problem=f"Choose yes to use {suggested}, or no to use {typed}.",
                    repeat=False,
                )  # fmt: skip
        if chosen is None:  # a new address: read it as the answer to the email question
            return self._answer(inbound, words, None, today)
        if chosen == typed:  # they know best: keep it as typed, without asking again
            return self._accept(BY_FIELD["email"], ("email", None), typed, words)
        return self._accept(BY_FIELD["email"], ("email", None), suggested, words)

    def _confirm_remove(self, inbound: Inbound, words: str) -> Outcome:
        number = int(self.model.checking.get("incident", 0))
        self.model.pending, self.model.checking = None, {}
        picked = inbound.values[0] if inbound.values else None
        yes = picked == "yes"
        if picked is None:
            try:
                yes = parse_yes_no(words) or words.startswith(("remove", "delete"))
            except Invalid:
                yes = words.startswith(("remove", "delete"))
        if yes:
            return self._remove_incident(number)
        return self._ask([Note(Said.INCIDENT_KEPT, number=number)])

    def _confirm_restart(self, inbound: Inbound, words: str) -> Outcome:
        self.model.pending = None
        picked = inbound.values[0] if inbound.values else None
        yes = picked == "yes" or words in {
            "yes start again",
            "start again",
            *_WORDS[Command.SUBMIT],
        }
        if picked is None and not yes:
            try:
                yes = parse_yes_no(words)
            except Invalid:
                yes = False
        if yes:
            return self._restart()
        return self._ask([Note(Said.KEPT)])

    # -- check your answers -----------------------------------------------------------------

    def _at_confirm(self, inbound: Inbound, words: str, command: Command | None) -> Outcome:
        yes = command == Command.SUBMIT or words in _WORDS[Command.SUBMIT] or _is_yes(words)
        asked = inbound.text.strip().endswith("?")  # "all good?" asks; it does not send
        if not asked and (yes or _LOOKS_RIGHT.match(words.replace("'", ""))):
            lifecycle(self.model).send("submit")
            self.model.ended = EndReason.SUBMITTED
            return Outcome(ended=EndReason.SUBMITTED)
        if command == Command.MORE or words in _WORDS[Command.MORE]:
            outcome = self._ask([])
            outcome.more = True
            return outcome
        if words.startswith(("add incident", "add another", "another incident")):
            return self._add_incident()
        remove = re.match(r"^(remove|delete) incident (\d+)$", words)
        if remove:  # are you sure? first, as start again asks
            number = int(remove.group(2))
            incidents = self.model.incidents
            if not 1 <= number <= len(incidents):
                return self._ask([], problem=f"There is no incident {number}.", repeat=False)
            if len(incidents) == 1:
                return self._ask(
                    [], problem="You need to tell us about at least one incident.", repeat=False
                )
            self.model.pending, self.model.checking = Pending.REMOVE, {"incident": number}
            return self._ask([Note(Said.CONFIRM_REMOVE, number=number)], repeat=False)
        if words.startswith("change"):
            return self._change(words.removeprefix("change").strip())
        return self._ask([Note(Said.AT_CONFIRM)], repeat=False)

    def _change(self, what: str) -> Outcome:
        target = journey.change_target(what, self.model.given)
        if isinstance(target, str):
            return self._ask([], problem=target, repeat=False)
        self._reopen(target)
        return self._ask([])

    def _reopen(self, step: Step) -> None:
        """Leave check your answers to ask `step`; answering it comes back."""
        lifecycle(self.model).send("change")
        self.model.changing = True
        self.model.step = [step[0], step[1]]

    def _add_incident(self) -> Outcome:
        incidents = self.model.incidents
        if len(incidents) >= MAX_INCIDENTS:
            return self._ask([], problem=f"You can tell us about up to {MAX_INCIDENTS} incidents.")
        incidents[-1]["another_incident"] = True
        # Added from check your answers: after its questions, the resident comes back here.
        incidents.append({"another_incident": False})
        self._reopen(
            journey.first_missing(self.model.given) or ("incident_date", len(incidents) - 1)
        )
        return self._ask([])

    def _remove_incident(self, number: int) -> Outcome:
        incidents = self.model.incidents
        if not 1 <= number <= len(incidents):
            return self._ask([], problem=f"There is no incident {number}.", repeat=False)
        if len(incidents) == 1:
            return self._ask(
                [], problem="You need to tell us about at least one incident.", repeat=False
            )
        del incidents[number - 1]
        for incident in incidents[:-1]:
            incident["another_incident"] = True
        incidents[-1]["another_incident"] = False
        return self._ask([Note(Said.INCIDENT_REMOVED, number=number)])

    # -- what to ask ----------------------------------------------------------------------

    def _ask(self, notes: list[Note], problem: str | None = None, repeat: bool = True) -> Outcome:
        """The outcome of a turn that stays in the conversation: notes, then what is asked."""
        outcome = Outcome(notes, self.asking(), problem, repeat)
        if self.reviewing and self.model.pending is None:
            outcome.review = journey.rows(self.model.given)
        return outcome

    def asking(self) -> Ask | None:
        """What the resident is being asked now (None once the conversation has ended)."""
        if self.done:
            return None
        step = self.model.current
        pending = Pending(self.model.pending) if self.model.pending else None
        if pending is not None:
            field, incident = (step[0], step[1]) if step else (CONFIRM, None)
            choices, about = _pending_choices(pending, self.model.checking)
            number = incident + 1 if incident is not None else None
            return Ask(field, Kind.CHOICE, False, choices, number, None, pending=pending,
                       about=about)  # fmt: skip
        if step is None:
            return Ask(CONFIRM, Kind.CONFIRM, False, (), None, None)
        facts = self.model.given.facts(step[1])
        question = BY_FIELD[step[0]].bind(facts)
        return Ask(
            question.field,
            question.kind,
            question.is_optional(facts),
            question.choices,
            step[1] + 1 if step[1] is not None else None,
            question,
            self.model.answers.get("victim_name") or "the person",
            representative=self.model.answers.get("applicant_role") == "representative",
        )


def _pending_choices(pending: Pending, checking: dict[str, Any]) -> tuple[tuple[Choice, ...], str]:
    """The two answers to a yes or no asked in passing, and what it is about."""
    if pending == Pending.RESTART:
        return RESTART_CHOICES, ""
    if pending == Pending.EMAIL:
        suggested, typed = str(checking.get("suggested")), str(checking.get("typed"))
        choices = (
            Choice("suggested", f"Yes, use {suggested}"),
            Choice("typed", f"No, use {typed}"),
        )
        return choices, suggested
    if pending == Pending.REMOVE:
        number = int(checking.get("incident", 0))
        return (Choice("yes", f"Yes, remove incident {number}"), Choice("no", "No, keep it")), str(
            number
        )
    return RESUME_CHOICES, ""


def _picked(question: Question, values: tuple[str, ...]) -> Any:
    """Choice values from a page's controls, checked against the question's own."""
    known = [c.value for c in question.choices]
    picked = [v for v in known if v in values]
    if not picked or len(picked) != len(set(values)):
        wanted = {
            Kind.YES_NO: "Choose yes or no.",
            Kind.MULTI_CHOICE: "Choose at least one option.",
        }
        raise Invalid(wanted.get(question.kind, "Choose one of the options."))
    if question.kind == Kind.MULTI_CHOICE:
        return picked
    if len(picked) > 1:
        raise Invalid("Choose one of the options.")
    return picked[0] == "yes" if question.kind == Kind.YES_NO else picked[0]


def _is_yes(words: str) -> bool:
    """A yes in the resident's own words ("yes please send it")."""
    try:
        return parse_yes_no(words)
    except Invalid:
        return False
