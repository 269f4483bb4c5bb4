"""The resident's answers so far, as a plain object that is saved after every turn."""

from __future__ import annotations

import json
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from typing import Any

INCIDENT_QUESTIONS = (
    "incident_date",
    "incident_description",
    "reported_to",
    "report_date",
    "report_reference",
)
MAX_INCIDENTS = 30
"""The incident loop accepts this many incidents (the contract asks for at least 20)."""


@dataclass
class DialogModel:
    """Answers, the current question and the path taken, for one conversation."""

    state: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    incident: int = 0
    history: list[list[Any]] = field(default_factory=list)
    reviewing: bool = False
    pending: str | None = None
    page: int = 0
    ask_other_reporters: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready deep copy."""
        return asdict(self)

    def to_json(self) -> str:
        """The model as JSON text for storage (no deep copy first: it is written at once)."""
        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogModel:
        """Restore a model saved by `to_dict`."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def current_incident(self) -> dict[str, Any]:
        """The incident the loop is asking about, created on first use."""
        while len(self.incidents) <= self.incident:
            self.incidents.append({})
        return self.incidents[self.incident]

    def answered(self, name: str) -> bool:
        """True when the field has an answer (skipped and 'not known' count as answers)."""
        return name in self.answers

    def missing_fields(self) -> list[tuple[str, int | None]]:
        """Questions still to answer before the request can be sent, in asking order."""
        a = self.answers
        missing: list[tuple[str, int | None]] = []
        order = ["consent", "applicant_role"]
        if a.get("applicant_role") == "representative":
            order += ["victim_name", "victim_consent"]
        order += ["name", "address", "postcode", "phone", "email", "contact_preference"]
        order += ["safe_contact", "hate_motivated"]
        if a.get("hate_motivated"):
            order.append("hate_categories")
        missing += [(name, None) for name in order if name not in a]
        if not self.incidents:
            missing.append(("incident_date", 0))
        for index, incident in enumerate(self.incidents):
            missing += [(name, index) for name in INCIDENT_QUESTIONS if name not in incident]
        tail = ["impact", "perpetrator_under_18", "desired_outcome"]
        if self.ask_other_reporters:
            tail.insert(0, "other_reporters")
        missing += [(name, None) for name in tail if name not in a]
        if "phone" in a and "email" in a and not (a["phone"] or a["email"]):
            missing.append(("phone", None))
        if contact_conflict(a):
            missing.append(("contact_preference", None))
        return missing

    def is_complete(self) -> bool:
        """True when every question the request needs has been answered."""
        return not self.missing_fields()


def contact_conflict(answers: dict[str, Any]) -> str | None:
    """Why the chosen way to contact does not work with the details given, if it does not."""
    preference = answers.get("contact_preference")
    if preference in {"phone", "sms"} and not answers.get("phone"):
        return "You did not give a phone number."
    if preference == "email" and not answers.get("email"):
        return "You did not give an email address."
    return None
