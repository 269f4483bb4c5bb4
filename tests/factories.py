"""Factories: a resident talking to the dialog, a conversation at any point, stored rows.

Tests build what they need here directly, instead of replaying a 20-turn script, and import no
helpers from other test modules.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from dialogs.appeal import Lookup
from dialogs.engine import Dialog
from dialogs.model import DialogModel
from dialogs.partnership import Partnership
from dialogs.policy import Policy
from dialogs.record import answers_to_record
from dialogs.record import complete_record
from dialogs.render import ChatRenderer
from dialogs.render import SmsRenderer
from dialogs.render import TypedRenderer
from dialogs.turn import Inbound
from dialogs.turn import Outcome
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Stage

TODAY = dt.date(2026, 11, 22)


@dataclass
class Reply:
    """One turn as a channel shows it, with the outcome behind it."""

    messages: list[str]
    expects: dict[str, Any] | None
    done: bool
    submitted: bool
    problem: str | None
    outcome: Outcome


class Resident:
    """Talks to a dialog that is saved and restored between turns, as the service does."""

    def __init__(
        self,
        policy: Policy,
        channel: str = "web",
        model: DialogModel | None = None,
        partnership: Partnership | None = None,
        lookup: Lookup | None = None,
    ):
        self.policy = policy
        self.partnership = partnership
        self.lookup = lookup  # the stored requests an appeal's reference is checked against
        renderers = {"web": ChatRenderer, "sms": SmsRenderer, "terminal": TypedRenderer}
        self.renderer = renderers[channel](policy)
        fresh = DialogModel(community_route=policy.has_community_route)
        self.dialog = Dialog(model or fresh, partnership, lookup)
        self.first = self._reply(self.dialog.start()) if model is None else None
        self.last: Reply | None = self.first

    def _reply(self, outcome: Outcome) -> Reply:
        rendered = self.renderer.render(outcome, self.dialog.model)
        submitted = outcome.ended == EndReason.SUBMITTED
        return Reply(rendered.messages, rendered.expects, outcome.done, submitted,
                     rendered.problem, outcome)  # fmt: skip

    def restore(self) -> Dialog:
        """Save and restore the dialog, as between two web requests."""
        restored = DialogModel.from_dict(self.dialog.model.to_dict())
        self.dialog = Dialog(restored, self.partnership, self.lookup)
        return self.dialog

    def say(self, *texts: str | Inbound) -> Reply:
        """Send each message in turn; the last reply."""
        for text in texts:
            self.restore()
            self.last = self._reply(self.dialog.handle(text, TODAY))
        assert self.last is not None
        return self.last

    def pause(self) -> Reply:
        """Come back after a long pause (the SMS adapter's offer to carry on)."""
        self.restore()
        self.last = self._reply(self.dialog.offer_resume())
        return self.last

    @property
    def field(self) -> str | None:
        """The field of the question being asked (None once ended)."""
        return self.last.expects["field"] if self.last and self.last.expects else None

    @property
    def text(self) -> str:
        """The last reply's messages, one per line."""
        return "\n".join(self.last.messages) if self.last else ""

    @property
    def model(self) -> DialogModel:
        """The dialog's current model."""
        return self.dialog.model


VICTIM_ANSWERS: dict[str, Any] = {
    "consent": True,
    "applicant_role": "victim",
    "name": "Jane Smith",
    "address": "1 High Street, Exampletown",
    "postcode": "SW1A 1AA",
    "phone": "+447123456789",
    "email": "jane@example.com",
    "contact_preference": "email",
    "contact_safety": ["phone_call", "email"],
    "safe_contact": None,
    "support_needs": None,
    "location": "Outside 1 High Street",
    "perpetrators": None,
    "hate_motivated": False,
    "agency_response": "The police came once, but it goes on",
    "impact": "It stops me sleeping",
    "perpetrator_under_18": "no",
    "desired_outcome": "I want it to stop",
}


def an_incident(
    occurred: str = "2026-11-01", reported: str = "2026-11-02", **more: Any
) -> dict[str, Any]:
    """One incident's answers, as stored."""
    return {
        "incident_date": occurred,
        "incident_description": "Loud music and shouting at night",
        "reported_to": ["police"],
        "report_date": reported,
        "report_reference": None,
        "another_incident": False,
        **more,
    }


def model_at_review(
    incidents: int = 1, community_route: bool = False, **answers: Any
) -> DialogModel:
    """A conversation at check your answers, every question answered (override any answer)."""
    # Each a separate incident: the same date and words would be flagged as a possible repeat.
    rows = [
        an_incident(
            another_incident=i + 1 < incidents,
            incident_date=(dt.date(2026, 11, 1) - dt.timedelta(days=i)).isoformat(),
        )
        for i in range(incidents)
    ]
    given = {**copy.deepcopy(VICTIM_ANSWERS), **answers}
    if community_route:
        given.setdefault("other_reporters", None)
    return DialogModel(stage=Stage.REVIEWING, step=None, answers=given, incidents=rows,
                       community_route=community_route)  # fmt: skip


def submitted_record(
    policy: Policy, model: DialogModel | None = None, *, channel: str = "web", **answers: Any
) -> dict[str, Any]:
    """The complete intake record (version 2) of a conversation sent on TODAY."""
    model = model or model_at_review(**answers)
    record = answers_to_record(model, channel=channel, policy=policy)
    moment = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 14, 5, tzinfo=dt.UTC)
    return complete_record(record, reference="CR-ACDE-FGHJ", submitted_at=moment, as_of=TODAY,
                           policy=policy)  # fmt: skip
