"""Take one message from a resident, update the dialog and say what to reply.

`Dialog.handle()` reads commands (help, back, start again, change ...), reads answers with
`dialogs.fields`, stores them on the `DialogModel` and sends events to `IntakeDialog`, which
chooses the next question. Nothing here touches the network, a database or a web framework.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from dialogs import texts
from dialogs.answers import check_your_answers
from dialogs.answers import find_change_target
from dialogs.answers import sms_answer_pages
from dialogs.fields import FIELDS
from dialogs.fields import Field
from dialogs.machine import IntakeDialog
from dialogs.machine import forget_machine
from dialogs.machine import machine_for
from dialogs.model import MAX_INCIDENTS
from dialogs.model import DialogModel
from dialogs.model import contact_conflict
from dialogs.parsing import Invalid
from dialogs.parsing import format_date
from dialogs.parsing import simplify
from dialogs.policy import Policy
from dialogs.sms import SEGMENT_BUDGET
from dialogs.sms import render
from dialogs.sms import segments

FINAL_STATES = {"submitted", "no_consent", "no_victim_consent"}
_HELP = {"help", "help me", "?", "info", "what", "i need help", "how does this work"}
_BACK = {"back", "go back", "previous", "undo", "back please"}
_RESTART = {"start again", "restart", "start over", "begin again", "reset", "start from scratch"}
_MORE = {"more", "next", "m", "more please", "next part", "see more", "rest"}
_CARRY_ON = {"1", "carry on", "continue", "yes", "y", "go on", "resume", "carry on please", "ok"}
_START_AGAIN = {"2", "start again", "restart", "start over", "new", "begin again", "reset"}
NARRATIVE = {"incident_description", "impact", "desired_outcome", "safe_contact"}
_DANGER = re.compile(r"\b(in danger|emergency|help me now|being attacked|going to kill|suicid)")


@dataclass
class Reply:
    """What the bot says back, and what it expects next."""

    messages: list[str]
    expects: dict[str, Any] | None
    done: bool = False
    submitted: bool = False
    problem: str | None = None
    """Why the answer was not accepted, when it was not (shown as an error next to the input)."""


@dataclass
class Dialog:
    """One conversation's dialog: a model restored from storage plus the policy it runs under."""

    policy: Policy
    model: DialogModel = field(default_factory=DialogModel)
    channel: str = "web"

    def __post_init__(self) -> None:
        if self.model.state is None:
            self.model.ask_other_reporters = self.policy.has_community_route
            machine_for(self.model)  # binding a new model puts it at the first question

    @property
    def machine(self) -> IntakeDialog:
        """The state chart, bound to this dialog's model (one machine is shared per thread)."""
        return machine_for(self.model)

    @property
    def state(self) -> str:
        """The id of the current state (a question name, or an end state)."""
        return str(self.model.state)

    @property
    def done(self) -> bool:
        """True when the conversation has ended (sent, or stopped at consent)."""
        return self.state in FINAL_STATES

    @property
    def sms(self) -> bool:
        """True when replies go by text message, where every character costs."""
        return self.channel == "sms"

    def start(self, note: str | None = None) -> Reply:
        """The welcome and the first question, after `note` when there is something to explain."""
        return self._ask(texts.welcome(self.policy, sms=self.sms, note=note))

    def resume(self) -> Reply:
        """Repeat the current question, for a resident who comes back."""
        return self._ask(["Welcome back. Here is where you left off."])

    def offer_resume(self) -> Reply:
        """After a long pause: ask whether to carry on or start again (answered in `handle`)."""
        self.model.pending = "resume"
        return Reply([texts.OFFER_RESUME], self.expects())

    def handle(self, text: str, today: dt.date) -> Reply:
        """Process one message from the resident."""
        if self.done:
            return Reply([texts.ended(self.state, None, self.policy)], None, done=True)
        words = simplify(text)
        page, self.model.page = self.model.page, 0
        if self.model.pending == "resume":
            return self._answer_resume(words)
        if self.model.pending == "restart":
            return self._confirm_restart(words)
        command = self._command(words)
        if command is not None:
            return command
        if self.state == "confirm":
            return self._at_confirm(words, page)
        spec = FIELDS[self.state]
        if _DANGER.search(words) and spec.name not in NARRATIVE:
            return self._ask([texts.SAFETY])
        try:
            value = self._read(spec, text, words, today)
        except Invalid as problem:
            reply = self._ask([str(problem)], repeat=True)
            reply.problem = str(problem)
            return reply
        said = self._store(spec, value)
        if spec.name in NARRATIVE and _DANGER.search(words):
            said.append(texts.SAFETY)
        self._advance("answered")
        if self.sms and spec.name == "consent":
            said.append(texts.SMS_COMMANDS)
        if self.state == "no_consent":
            return Reply([texts.no_consent(self.policy)], None, done=True)
        if self.state == "no_victim_consent":
            return Reply([texts.no_victim_consent(self.policy)], None, done=True)
        return self._ask(said)

    # -- commands -------------------------------------------------------------------------

    def _command(self, words: str) -> Reply | None:
        if words in _HELP:
            return self._ask([self._help()])
        if words in _BACK:
            return self._back()
        if words in _RESTART:
            self.model.pending = "restart"
            return Reply(
                ["This will delete your answers and start again. Are you sure? Type yes or no."],
                self.expects(),
            )
        if words.startswith("change ") and self.state != "confirm":
            return self._ask(
                [
                    "You can change any answer when we check your answers at the end. "
                    "To go back one question, type back."
                ]
            )
        return None

    def _help(self) -> str:
        spec = FIELDS.get(self.state)
        specific = spec.help.format(max=MAX_INCIDENTS) + " " if spec and spec.help else ""
        if self.state == "confirm":
            specific = "Type yes to send your request, or change and what to change. "
        return specific + texts.commands_help(self.policy, sms=self.sms)

    def _back(self) -> Reply:
        if not self.model.history:
            return self._ask(["This is the first question."])
        state, incident = self.model.history.pop()
        self.model.incident = incident if incident is not None else self.model.incident
        # Back jumps to a question already asked, wherever the path came from, so it sets the
        # state directly (python-statemachine's documented low-level setter) instead of
        # declaring a transition between every pair of questions.
        self.machine.current_state_value = state
        self.model.reviewing = False
        return self._ask([])

    def _answer_resume(self, words: str) -> Reply:
        self.model.pending = None
        if words in _CARRY_ON:
            return self._ask(["OK, here is where you left off."])
        if words in _START_AGAIN:
            return self._restart()
        self.model.pending = "resume"
        return Reply([texts.OFFER_RESUME_AGAIN], self.expects())

    def _restart(self) -> Reply:
        fresh = DialogModel(ask_other_reporters=self.policy.has_community_route)
        self.model.__dict__.update(fresh.__dict__)
        self.machine.current_state_value = "consent"
        return self._ask(["Your answers have been deleted. Let's start again."])

    def _confirm_restart(self, words: str) -> Reply:
        self.model.pending = None
        if words in {"yes", "y", "yeah", "yes please", "1", "ok", "start again"}:
            return self._restart()
        return self._ask(["OK, your answers are kept."])

    # -- check your answers ---------------------------------------------------------------

    def _at_confirm(self, words: str, page: int) -> Reply:
        if words in {"yes", "y", "send", "submit", "confirm", "yes send", "yes please", "1"}:
            self._advance("submit")
            return Reply([], None, done=True, submitted=True)
        if words in _MORE and self.sms:
            pages = sms_answer_pages(self.model)
            self.model.page = (page + 1) % len(pages)
            return self._ask([])
        if words.startswith(("add incident", "add another", "another incident")):
            return self._add_incident()
        remove = re.match(r"^(remove|delete) incident (\d+)$", words)
        if remove:
            return self._remove_incident(int(remove.group(2)))
        if words.startswith("change"):
            return self._change(words.removeprefix("change").strip())
        return self._ask(
            [
                "Type yes to send your request. To change something, type change and what "
                "it is, for example change phone or change incident 1 date."
            ],
            repeat=False,
        )

    def _change(self, what: str) -> Reply:
        target = find_change_target(what, self.model)
        if isinstance(target, str):
            return self._ask([target], repeat=False)
        name, incident = target
        self.model.history.append(["confirm", None])
        if incident is not None:
            self.model.incident = incident
        self.model.reviewing = True
        self._advance("change", wanted=name)
        return self._ask([])

    def _add_incident(self) -> Reply:
        if len(self.model.incidents) >= MAX_INCIDENTS:
            return self._ask([f"You can tell us about up to {MAX_INCIDENTS} incidents."])
        self.model.history.append(["confirm", None])
        self.model.incident = len(self.model.incidents)
        self.model.reviewing = True
        self._advance("change", wanted="incident_date")
        return self._ask([])

    def _remove_incident(self, number: int) -> Reply:
        if not 1 <= number <= len(self.model.incidents):
            return self._ask([f"There is no incident {number}."], repeat=False)
        if len(self.model.incidents) == 1:
            return self._ask(["You need to tell us about at least one incident."], repeat=False)
        del self.model.incidents[number - 1]
        self.model.incident = min(self.model.incident, len(self.model.incidents) - 1)
        # History entries point into the incident list, so they are no longer safe to follow.
        self.model.history = [h for h in self.model.history if h[1] is None]
        return self._ask([f"Incident {number} has been removed."])

    # -- answers ---------------------------------------------------------------------------

    def _optional_now(self, spec: Field) -> bool:
        if spec.name == "email":
            return bool(self.model.answers.get("phone"))
        return spec.optional

    def _read(self, spec: Field, text: str, words: str, today: dt.date) -> Any:
        if spec.skip_words and words in spec.skip_words:
            if self._optional_now(spec):
                return None
            if spec.name == "email":
                raise Invalid(
                    "We need a phone number or an email address to contact you. Type your "
                    "email address, or type back to give a phone number."
                )
        value = spec.parse(text, today)
        if spec.kind == "date" and value is not None:
            self._check_date_order(spec.name, value)
        if spec.name == "contact_preference":
            problem = contact_conflict({**self.model.answers, spec.name: value})
            if problem:
                raise Invalid(f"{problem} Choose another way, or type back to add it.")
        return value

    def _check_date_order(self, name: str, value: dt.date) -> None:
        """An incident never happens after its first report."""
        incident = self.model.current_incident
        other = incident.get("report_date" if name == "incident_date" else "incident_date")
        if not other:
            return
        other_date = dt.date.fromisoformat(other)
        if name == "incident_date" and value > other_date:
            raise Invalid(
                f"The incident cannot be after you first reported it, on "
                f"{format_date(other_date)}. Check the date and try again."
            )
        if name == "report_date" and value < other_date:
            raise Invalid(
                f"You cannot have reported it before it happened, on {format_date(other_date)}."
                " Check the date and try again, or type not sure."
            )

    def _store(self, spec: Field, value: Any) -> list[str]:
        """Keep an answer and say what was understood where that helps (dates)."""
        self.model.history.append([self.state, self.model.incident if spec.per_incident else None])
        if isinstance(value, dt.date):
            stored: Any = value.isoformat()
        else:
            stored = value
        if spec.per_incident:
            self.model.current_incident[spec.name] = stored
            if spec.name == "another_incident" and value is False:
                del self.model.incidents[self.model.incident + 1 :]
        else:
            self.model.answers[spec.name] = stored
        if spec.kind == "date":
            return [f"Thanks. I have {format_date(value)}." if value else "Thanks. I have noted "
                    "that you are not sure of the date."]  # fmt: skip
        return []

    def _advance(self, event: str, **kwargs: Any) -> None:
        try:
            self.machine.send(event, **kwargs)
        except BaseException:
            forget_machine()  # never reuse a machine left mid-event
            raise

    # -- rendering -------------------------------------------------------------------------

    def _ask(self, said: list[str], repeat: bool = True) -> Reply:
        """Reply with what was said, then the current question (or the answers to check)."""
        if self.state == "confirm":
            if self.sms:
                return Reply(self._sms_answers(said), self.expects())
            body = said + check_your_answers(self.model, self.policy)
            return Reply(body, self.expects())
        spec = FIELDS[self.state]
        if not repeat:
            return Reply(said, self.expects())
        prompt = self._prompt(spec)
        if self.sms and segments(render([*said, prompt])) > SEGMENT_BUDGET:
            prompt = self._prompt(spec, short=True)  # the same question, fewer words
        return Reply([*said, prompt], self.expects())

    def _sms_answers(self, said: list[str]) -> list[str]:
        """A part of check-your-answers by text, or just what was said when both won't fit."""
        pages = sms_answer_pages(self.model)
        page = pages[min(self.model.page, len(pages) - 1)]
        if segments(render([*said, page])) <= SEGMENT_BUDGET:
            return [*said, page]
        self.model.page = -1  # so MORE shows part 1
        return [*said, texts.SMS_AT_CONFIRM]

    def _wording(self, spec: Field, short: bool = False) -> str:
        """The question filled in with the incident number and the victim's name."""
        victim = self.model.answers.get("victim_name") or "the person"
        wording = spec.short if short and spec.short else spec.prompt
        return wording.format(n=self.model.incident + 1, victim=victim)

    def _prompt(self, spec: Field, short: bool = False) -> str:
        text = self._wording(spec, short)
        if spec.kind in {"choice", "multi_choice"}:
            options = "\n".join(f"{n}. {c.label}" for n, c in enumerate(spec.choices, start=1))
            text = f"{text}\n{options}"
        return text

    def question(self) -> str:
        """The current question's wording, without numbered options (pages show those as
        buttons or boxes)."""
        if self.done or self.state == "confirm":
            return ""
        spec = FIELDS[self.state]
        text = self._wording(spec)
        if spec.choices:  # the page shows the options, so "Type yes or no." is not needed
            text = re.sub(r"\s*Type yes or no\.$", "", text)
        return text

    def hint(self) -> str:
        """A line of help for the current question, if it has one."""
        spec = FIELDS.get(self.state)
        return spec.help.format(max=MAX_INCIDENTS) if spec and spec.help else ""

    def said_before(self, messages: list[str]) -> list[str]:
        """The messages of a reply other than the question itself (feedback, errors, help)."""
        bare = set(self._ask([]).messages) if not self.done else set()
        return [m for m in messages if m not in bare]

    def expects(self) -> dict[str, Any] | None:
        """The contract's `expects` object for the current question, or None when ended."""
        if self.done:
            return None
        spec = FIELDS[self.state]
        return {
            "field": spec.name,
            "kind": spec.kind,
            "optional": self._optional_now(spec),
            "choices": [{"value": c.value, "label": c.label} for c in spec.choices],
            "incident": self.model.incident + 1 if spec.per_incident else None,
        }
