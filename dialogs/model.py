"""One conversation's state, as a plain object saved after every turn."""

from __future__ import annotations

import json
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from typing import Any

from dialogs.journey import Answers
from dialogs.journey import Step
from dialogs.questionnaire import BY_FIELD
from dialogs.vocabulary import Stage


@dataclass
class DialogModel:
    """Answers, the question being asked, and where the conversation is in its life."""

    stage: str = Stage.ASKING
    step: list[Any] | None = field(default_factory=lambda: ["consent", None])
    """The question being asked, as [field, incident index]; None while checking answers."""
    answers: dict[str, Any] = field(default_factory=dict)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    community_route: bool = False
    changing: bool = False
    """True while changing an answer from check your answers (back returns there)."""
    pending: str | None = None
    checking: dict[str, Any] = field(default_factory=dict)
    """What a pending yes or no is about: the email typed and the one suggested, or the
    incident to remove."""
    ended: str | None = None
    view: dict[str, Any] = field(default_factory=dict)
    """What a channel's renderer keeps between turns (which part of the answers SMS showed)."""
    questionnaire: str = "request"
    """Which questionnaire this conversation runs: `request`, or `appeal` after a review."""
    warned: list[Any] | None = None
    """The step whose answer was just taken as a call for help (a safety notice instead): the
    same step answered again is an answer, whatever its words."""
    contact_words: str | None = None
    """What the resident typed at the safe ways question when it said more than the choices
    ("texts are fine but not after 9pm"): staff see it with their note on contacting safely."""
    remarks: list[list[str]] = field(default_factory=list)
    """[field, words] for words suggesting a risk typed where the answer keeps no text (a yes
    or no, a choice, a date, or an answer sent back): staff see them beside the risk line."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready deep copy."""
        return asdict(self)

    def to_json(self) -> str:
        """The model as JSON text for storage (no deep copy first: it is written at once)."""
        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogModel:
        """Restore a model saved by `to_dict` (or by the version before the journey)."""
        if "state" in data and "stage" not in data:
            data = _from_state_chart(data)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def given(self) -> Answers:
        """The answers, as the journey reads them."""
        return Answers(self.answers, self.incidents, self.community_route, self.questionnaire)

    @property
    def current(self) -> Step | None:
        """The step being asked, or None while checking answers or after the end."""
        if self.step is None:
            return None
        return self.step[0], self.step[1]


_ENDS = {"submitted": Stage.SUBMITTED, "no_consent": Stage.DECLINED,
         "no_victim_consent": Stage.DECLINED}  # fmt: skip


def _from_state_chart(old: dict[str, Any]) -> dict[str, Any]:
    """A conversation saved by the old one-state-per-question chart, in today's shape."""
    state = old["state"]
    question = BY_FIELD.get(state)
    step = [state, old.get("incident", 0) if question and question.loop else None]
    return {
        "stage": _ENDS.get(state, Stage.REVIEWING if state == "confirm" else Stage.ASKING),
        "step": step if question else None,
        "answers": old.get("answers", {}),
        "incidents": old.get("incidents", []),
        "community_route": old.get("ask_other_reporters", False),
        "pending": old.get("pending"),
        "ended": state if state in _ENDS else None,
    }
