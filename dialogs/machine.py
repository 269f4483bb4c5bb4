"""The order of questions, as a python-statemachine 3.x state chart.

One state per question (named after the contract's field), plus the end states. The machine
holds no I/O and no text: guards read the `DialogModel`, and `dialogs.engine` stores answers,
renders prompts and decides which event to send.

Events:
- `answered`: the current question has a valid answer; guards choose the next question.
  While the resident is changing an answer from check-your-answers, every question returns
  to `confirm` as soon as the request is complete again.
- `change`: from `confirm`, jump to the question the resident wants to change.
- `submit`: from `confirm`, send the request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from statemachine import State
from statemachine import StateChart

from dialogs.model import MAX_INCIDENTS
from dialogs.model import DialogModel

QUESTION_ORDER = (
    "consent",
    "applicant_role",
    "victim_name",
    "victim_consent",
    "name",
    "address",
    "postcode",
    "phone",
    "email",
    "contact_preference",
    "safe_contact",
    "hate_motivated",
    "hate_categories",
    "incident_date",
    "incident_description",
    "reported_to",
    "report_date",
    "report_reference",
    "another_incident",
    "other_reporters",
    "impact",
    "perpetrator_under_18",
    "desired_outcome",
)
CHANGEABLE = tuple(q for q in QUESTION_ORDER if q not in {"consent", "another_incident"})


def _wants(name: str) -> Callable[..., bool]:
    """A guard for `change`: true when the resident asked to change `name`."""

    def guard(wanted: str | None = None, **_: Any) -> bool:
        return wanted == name

    guard.__name__ = f"wants_{name}"
    return guard


class IntakeDialog(StateChart[DialogModel]):
    """The ASB case review request, one question per state."""

    # Unknown input must never raise inside a web request: the engine only sends events the
    # current state accepts, and an error in a guard should reach the caller, not be swallowed.
    catch_errors_as_events = False
    allow_event_without_transition = False
    enable_self_transition_entries = False
    atomic_configuration_update = True

    consent = State(initial=True)
    applicant_role = State()
    victim_name = State()
    victim_consent = State()
    # `name` is taken by StateChart (the class name), so this state's attribute differs; its
    # value, which is what is stored and shown in `expects.field`, is still "name".
    full_name = State("Name", value="name")
    address = State()
    postcode = State()
    phone = State()
    email = State()
    contact_preference = State()
    safe_contact = State()
    hate_motivated = State()
    hate_categories = State()
    incident_date = State()
    incident_description = State()
    reported_to = State()
    report_date = State()
    report_reference = State()
    another_incident = State()
    other_reporters = State()
    impact = State()
    perpetrator_under_18 = State()
    desired_outcome = State()
    confirm = State()
    submitted = State(final=True)
    no_consent = State(final=True)
    no_victim_consent = State(final=True)

    answered = (
        consent.to(applicant_role, cond="gave_consent")
        | consent.to(no_consent)
        | applicant_role.to(confirm, cond="back_to_review")
        | applicant_role.to(victim_name, cond="is_representative")
        | applicant_role.to(full_name)
        | victim_name.to(confirm, cond="back_to_review")
        | victim_name.to(victim_consent)
        | victim_consent.to(no_victim_consent, unless="victim_agreed")
        | victim_consent.to(confirm, cond="back_to_review")
        | victim_consent.to(full_name)
        | full_name.to(confirm, cond="back_to_review")
        | full_name.to(address)
        | address.to(confirm, cond="back_to_review")
        | address.to(postcode)
        | postcode.to(confirm, cond="back_to_review")
        | postcode.to(phone)
        | phone.to(confirm, cond="back_to_review")
        | phone.to(email)
        | email.to(confirm, cond="back_to_review")
        | email.to(contact_preference)
        | contact_preference.to(confirm, cond="back_to_review")
        | contact_preference.to(safe_contact)
        | safe_contact.to(confirm, cond="back_to_review")
        | safe_contact.to(hate_motivated)
        | hate_motivated.to(confirm, cond="back_to_review")
        | hate_motivated.to(hate_categories, cond="is_hate")
        | hate_motivated.to(incident_date)
        | hate_categories.to(confirm, cond="back_to_review")
        | hate_categories.to(incident_date)
        | incident_date.to(confirm, cond="back_to_review")
        | incident_date.to(incident_description)
        | incident_description.to(confirm, cond="back_to_review")
        | incident_description.to(reported_to)
        | reported_to.to(confirm, cond="back_to_review")
        | reported_to.to(report_date)
        | report_date.to(confirm, cond="back_to_review")
        | report_date.to(report_reference)
        | report_reference.to(confirm, cond="back_to_review")
        | report_reference.to(another_incident, cond="has_room")
        | report_reference.to(other_reporters, cond="asks_other_reporters")
        | report_reference.to(impact)
        | another_incident.to(incident_date, cond="wants_another", on="next_incident")
        | another_incident.to(confirm, cond="back_to_review")
        | another_incident.to(other_reporters, cond="asks_other_reporters")
        | another_incident.to(impact)
        | other_reporters.to(confirm, cond="back_to_review")
        | other_reporters.to(impact)
        | impact.to(confirm, cond="back_to_review")
        | impact.to(perpetrator_under_18)
        | perpetrator_under_18.to(confirm, cond="back_to_review")
        | perpetrator_under_18.to(desired_outcome)
        | desired_outcome.to(confirm)
    )

    change = (
        confirm.to(applicant_role, cond=_wants("applicant_role"))
        | confirm.to(victim_name, cond=_wants("victim_name"))
        | confirm.to(victim_consent, cond=_wants("victim_consent"))
        | confirm.to(full_name, cond=_wants("name"))
        | confirm.to(address, cond=_wants("address"))
        | confirm.to(postcode, cond=_wants("postcode"))
        | confirm.to(phone, cond=_wants("phone"))
        | confirm.to(email, cond=_wants("email"))
        | confirm.to(contact_preference, cond=_wants("contact_preference"))
        | confirm.to(safe_contact, cond=_wants("safe_contact"))
        | confirm.to(hate_motivated, cond=_wants("hate_motivated"))
        | confirm.to(hate_categories, cond=_wants("hate_categories"))
        | confirm.to(incident_date, cond=_wants("incident_date"))
        | confirm.to(incident_description, cond=_wants("incident_description"))
        | confirm.to(reported_to, cond=_wants("reported_to"))
        | confirm.to(report_date, cond=_wants("report_date"))
        | confirm.to(report_reference, cond=_wants("report_reference"))
        | confirm.to(other_reporters, cond=_wants("other_reporters"))
        | confirm.to(impact, cond=_wants("impact"))
        | confirm.to(perpetrator_under_18, cond=_wants("perpetrator_under_18"))
        | confirm.to(desired_outcome, cond=_wants("desired_outcome"))
    )

    submit = confirm.to(submitted)

    # Guards: pure reads of the model.
    def gave_consent(self) -> bool:
        return self.model.answers.get("consent") is True

    def is_representative(self) -> bool:
        return self.model.answers.get("applicant_role") == "representative"

    def victim_agreed(self) -> bool:
        return self.model.answers.get("victim_consent") is True

    def is_hate(self) -> bool:
        return self.model.answers.get("hate_motivated") is True

    def has_room(self) -> bool:
        return len(self.model.incidents) < MAX_INCIDENTS

    def wants_another(self) -> bool:
        return self.model.current_incident.get("another_incident") is True

    def asks_other_reporters(self) -> bool:
        return self.model.ask_other_reporters

    def back_to_review(self) -> bool:
        return self.model.reviewing and self.model.is_complete()

    # Actions: they write only to the model.
    def next_incident(self) -> None:
        self.model.incident += 1

    def on_enter_confirm(self) -> None:
        self.model.reviewing = False

    def bind(self, model: DialogModel) -> None:
        """Point this machine at another conversation's model (see `machine_for`)."""
        self.model = model
        # Guards and actions read `self.model` when they run; the callback registry (the
        # costly part) does not depend on the model. The state lookup holds the model it was
        # built with, and the engine stops for good at a final state, so both are built anew.
        # The engine starts a model with no state at the first question, as a new machine would.
        self._config = self._build_configuration()
        self._engine = self._get_engine()  # type: ignore[no-untyped-call]
        self._engine.start()


_local = threading.local()


def machine_for(model: DialogModel) -> IntakeDialog:
    """A machine bound to `model`, reused within a thread.

    Building a python-statemachine instance registers every callback, which costs more than
    the rest of a turn put together; the definition never changes, so each thread builds one
    and rebinds it to the model of each turn.
    """
    machine: IntakeDialog | None = getattr(_local, "machine", None)
    if machine is None:
        machine = IntakeDialog(model=DialogModel())
        _local.machine = machine
    if machine.model is not model:
        machine.bind(model)
    return machine


def forget_machine() -> None:
    """Drop this thread's machine, so the next turn builds a fresh one (after an error)."""
    _local.machine = None
