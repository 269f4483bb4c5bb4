"""A conversation's life, as a python-statemachine chart: asking, checking answers, paused,
then submitted, declined, stopped or expired.

The order of questions is not here: `dialogs.journey` works it out from the answers. The chart
holds only what changes what the resident may do next. A "carry on where you left off" after a
pause returns to checking answers when everything is answered, else to asking: a guard on the
model, not a HistoryState, because a HistoryState remembers in the machine instance and our
machines live for one turn (the model is saved between turns).
"""

from __future__ import annotations

from statemachine import State
from statemachine import StateChart

from dialogs import journey
from dialogs.model import DialogModel
from dialogs.vocabulary import Stage


class Lifecycle(StateChart[DialogModel]):
    """Where one conversation is; its state is stored in the model's `stage`."""

    catch_errors_as_events = False
    allow_event_without_transition = False

    asking = State(initial=True, value=Stage.ASKING)
    reviewing = State(value=Stage.REVIEWING)
    paused = State(value=Stage.PAUSED)
    submitted = State(final=True, value=Stage.SUBMITTED)
    declined = State(final=True, value=Stage.DECLINED)
    stopped = State(final=True, value=Stage.STOPPED)
    expired = State(final=True, value=Stage.EXPIRED)

    complete = asking.to(reviewing)
    change = reviewing.to(asking)
    submit = reviewing.to(submitted)
    decline = asking.to(declined)
    pause = asking.to(paused) | reviewing.to(paused)
    resume = paused.to(reviewing, cond="all_answered") | paused.to(asking)
    restart = asking.to(asking) | reviewing.to(asking) | paused.to(asking)
    stop = asking.to(stopped) | reviewing.to(stopped) | paused.to(stopped)
    expire = asking.to(expired) | reviewing.to(expired) | paused.to(expired)

    def all_answered(self) -> bool:
        """True when nothing is missing, so the resident can go straight to checking."""
        return not journey.missing(self.model.given)


def lifecycle(model: DialogModel) -> Lifecycle:
    """The chart for one turn, at the model's stage (building one costs about 0.1 ms)."""
    return Lifecycle(model=model, state_field="stage")


FINAL = frozenset({Stage.SUBMITTED, Stage.DECLINED, Stage.STOPPED, Stage.EXPIRED})
