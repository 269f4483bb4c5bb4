"""Hypothesis drives the dialog with random and hostile input at every state.

Properties: it never raises; a stored answer is never lost or changed except by the resident
answering that question, restarting, or removing an incident; and while the conversation is
open, a valid path to submission always remains. `make fuzz` runs many more examples.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from typing import Any

from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule

from dialogs import appeal
from dialogs.model import DialogModel
from dialogs.policy import load_policy
from dialogs.vocabulary import Stage
from tests.factories import Resident

TODAY = dt.date(2026, 11, 22)
LONG = os.environ.get("FUZZ") == "long"
COMMANDS = ["help", "back", "start again", "yes", "no", "skip", "not sure", "1", "2", "4", "9",
            "change phone", "change incident 1 date", "change incident 7 what happened",
            "change nonsense", "add incident", "remove incident 1", "remove incident 2", "more",
            "all", "none", "police and council", "07123 456789", "jane@example.com", "SW1A 1AA",
            "last Friday", "31/02/2026", "tomorrow", "1 January 1900", "-5",
            "99999999", "I want to appeal the outcome", "escalate", "CR-ACDE-FGHJ",
            "CR-AAAA-AAAA"]  # fmt: skip
HOSTILE = ["<script>alert(1)</script>", "'; DROP TABLE conversations; --", "\x00\x01\x1b[2J",
           "A" * 10_000, "\u202eevil", "🙂" * 50, "\r\nBcc: someone@example.com", "{{7*7}}",
           "%s%s%s%n", "../../etc/passwd", "\ufeffyes", "²", "1²", "٣", "⅔"]  # fmt: skip
VALID = {
    "consent": "yes", "applicant_role": "1", "victim_name": "Sam Jones", "victim_consent": "yes",
    "name": "Jane Smith", "address": "1 High Street", "postcode": "SW1A 1AA",
    "phone": "07123 456789", "email": "jane@example.com", "safe_contact": "no",
    "relationship": "friend", "victim_contact": "skip", "support_needs": "no",
    "contact_safety": "phone calls, texts, email, letters", "location": "The park",
    "perpetrators": "no", "incident_hate": "yes", "housing_provider": "skip",
    "agency_response": "skip",
    "hate_motivated": "no", "hate_categories": "1", "incident_date": "not sure",
    "incident_description": "Noise at night", "reported_to": "police", "report_date": "not sure",
    "report_reference": "no", "another_incident": "no", "other_reporters": "skip",
    "impact": "skip", "perpetrator_under_18": "skip", "desired_outcome": "skip", "confirm": "yes",
    "appeal_reference": "CR-ACDE-FGHJ", "appeal_postcode": "SW1A 1AA", "outcome_date": "not sure",
    "appeal_ground": "1", "reconsider": "The facts",
}  # fmt: skip
RESTART = {"start again", "restart", "start over", "begin again", "reset", "start from scratch"}


def stored_request(reference: str, postcode: str) -> dict[str, Any] | None:
    """The one request an appeal in the fuzz can find."""
    if (reference, postcode) == ("CR-ACDE-FGHJ", "SW1A 1AA"):
        return appeal.found(load_policy("merseyside"), None)
    return None


def valid_answer(resident: Resident) -> str:
    """An answer that moves the conversation on, for whatever it asks now."""
    if resident.model.pending == "restart":
        return "no"
    field = str(resident.field)
    if field == "contact_preference":
        return "phone" if resident.model.answers.get("phone") else "email"
    return VALID[field]  # both phone and email are given, so any contact choice works


def asked(model: DialogModel) -> str:
    """The field being asked, or confirm."""
    return str(model.step[0]) if model.step else "confirm"


class DialogFuzz(RuleBasedStateMachine):
    """One conversation, saved and restored between turns as the service does."""

    def __init__(self) -> None:
        super().__init__()
        self.policy = load_policy("merseyside" if LONG else "default")
        self.resident = Resident(self.policy, "sms" if LONG else "web", lookup=stored_request)
        self.turns = 0

    @property
    def done(self) -> bool:
        return self.resident.dialog.done

    def _say(self, text: str) -> None:
        before = copy.deepcopy(self.resident.model)
        reply = self.resident.say(text)  # never raises: any exception fails the test
        assert reply.messages or reply.submitted, "every turn says something"
        for message in reply.messages:
            assert message.strip()
        self._check_nothing_lost(before, text)
        self.turns += 1

    def _check_nothing_lost(self, before: DialogModel, text: str) -> None:
        after = self.resident.model
        words = " ".join(text.lower().split())
        if before.pending == "restart" and not after.answers:
            return  # the resident confirmed "start again"
        if after.questionnaire != before.questionnaire:
            return  # an appeal begun at the front door, where at most consent was answered
        if after.answers.get("appeal_misses", 0) > before.answers.get("appeal_misses", 0):
            return  # a reference and postcode that do not match are forgotten on purpose
        question = asked(before)
        for name, value in before.answers.items():
            if name in appeal.DERIVED:
                continue  # the service's, worked out again from the reference check
            assert name in after.answers, f"{name} lost after {text[:40]!r} at {question}"
            if after.answers[name] != value:
                assert name == question, f"{name} changed by {text[:40]!r} at {question}"
        removed = words.startswith(("remove incident", "delete incident"))
        ended_loop = question == "another_incident"
        if not removed and not ended_loop:
            assert len(after.incidents) >= len(before.incidents), f"incident lost at {question}"
            for index, incident in enumerate(before.incidents):
                for name in incident:
                    assert name in after.incidents[index], f"incident {index + 1} {name} lost"

    @precondition(lambda self: not self.done)
    @rule(text=st.text(max_size=60))
    def random_text(self, text: str) -> None:
        self._say(text)

    @precondition(lambda self: not self.done)
    @rule(text=st.sampled_from(COMMANDS))
    def command_or_likely_answer(self, text: str) -> None:
        self._say(text)

    @precondition(lambda self: not self.done)
    @rule(text=st.sampled_from(HOSTILE))
    def hostile(self, text: str) -> None:
        self._say(text)

    @precondition(lambda self: not self.done)
    @rule()
    def valid(self) -> None:
        self._say(valid_answer(self.resident))

    @precondition(lambda self: self.done)
    @rule(text=st.text(max_size=20))
    def after_the_end(self, text: str) -> None:
        """A message after the end gets a clear answer and changes nothing."""
        before = self.resident.model.to_dict()
        reply = self.resident.say(text)
        assert reply.done and reply.expects is None and reply.messages
        assert self.resident.model.to_dict() == before

    @invariant()
    def state_is_known(self) -> None:
        asking = self.resident.dialog.asking()
        assert (asking is None) == self.done

    def teardown(self) -> None:
        """From wherever it got to, a resident can still finish and send the request."""
        if self.done:
            return  # sent, or ended by the resident's own "no" to consent
        for _ in range(300):
            self._say(valid_answer(self.resident))
            if self.done:
                break
        stage = self.resident.model.stage
        assert stage == Stage.SUBMITTED, f"stuck at {stage} {asked(self.resident.model)}"


DialogFuzz.TestCase.settings = settings(
    max_examples=2000 if LONG else 150,
    stateful_step_count=60 if LONG else 25,
    deadline=None,
    derandomize=not LONG,  # the same cases on every `make test`; `make fuzz` explores
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestDialogFuzz = DialogFuzz.TestCase
