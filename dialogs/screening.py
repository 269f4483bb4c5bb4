"""Pre-screen an intake record against a policy. The bot never refuses: this only informs staff.

Each incident is judged `yes` (it counts), `no` (it cannot count) or `maybe` (it could count,
but a date the resident did not know decides it). Routes are then met, possible or not met,
and the outcome follows: meets_threshold, needs_staff_check or below_threshold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dialogs.calendar import Period
from dialogs.parsing import format_date
from dialogs.parsing import join_labels
from dialogs.policy import Policy
from dialogs.policy import Route

YES, NO, MAYBE = "yes", "no", "maybe"
AGENCY_NAMES = {
    "council": "the council",
    "police": "the police",
    "housing_provider": "the housing provider",
    "other": "another organisation",
}


class ScreeningInputError(ValueError):
    """An intake record that cannot be screened; the message says what is wrong."""


@dataclass(frozen=True)
class Incident:
    """The facts of one incident that screening needs."""

    number: int
    occurred_on: dt.date | None
    reported_on: dt.date | None
    reported_to: tuple[str, ...]


@dataclass(frozen=True)
class Judgement:
    """Whether one incident counts for one lookback, and why, in words staff can read."""

    status: str
    reason: str


def screen(record: dict[str, Any], policy: Policy, as_of: dt.date) -> dict[str, Any]:
    """Return the record's `screening` block, as of the day the request is made."""
    incidents = read_incidents(record)
    hate = record.get("hate_motivated")
    if not isinstance(hate, bool):
        raise ScreeningInputError("hate_motivated must be true or false")
    judgements = [judge(i, policy, as_of, policy.lookback) for i in incidents]
    reasons = [j.reason for j in judgements]
    met: list[str] = []
    possible: list[str] = []
    for route in (policy.individual, policy.hate if hate else None):
        if route is None:
            continue
        status, reason = _route_status(route, incidents, judgements, policy, as_of)
        reasons.append(reason)
        (met if status == YES else possible if status == MAYBE else []).append(route.name)
    community = _community_claim(record, policy)
    if community:
        reasons.append(community)
        possible.append("community")
    met, possible = _apply_conditions(met, possible, incidents, policy, as_of, reasons)
    outcome = "meets_threshold" if met else "needs_staff_check" if possible else "below_threshold"
    impact = record.get("impact")
    described = isinstance(impact, str) and bool(impact.strip())
    vulnerability = policy.vulnerability_review and outcome != "meets_threshold" and described
    reasons.append(_summary(outcome, vulnerability))
    routes_met = met + (["community"] if community else [])
    return {
        "outcome": outcome,
        "routes_met": routes_met,
        "qualifying_incidents": sum(j.status == YES for j in judgements),
        "reasons": reasons,
        "as_of": as_of.isoformat(),
        "vulnerability_review": vulnerability,
    }


def read_incidents(record: dict[str, Any]) -> list[Incident]:
    """Pull the screening facts out of the record's incidents, checking their form."""
    raw = record.get("incidents")
    if not isinstance(raw, list) or not raw:
        raise ScreeningInputError("the record needs a list of at least one incident")
    incidents = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ScreeningInputError(f"incident {number} must be an object")
        agencies = item.get("reported_to")
        if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
            raise ScreeningInputError(f"incident {number}: reported_to must be a list of agencies")
        incidents.append(
            Incident(
                number=number,
                occurred_on=_date(item.get("occurred_on"), number, "occurred_on"),
                reported_on=_date(item.get("reported_on"), number, "reported_on"),
                reported_to=tuple(agencies),
            )
        )
    return incidents


def _date(value: Any, number: int, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ScreeningInputError(f"incident {number}: {key} must be a date (YYYY-MM-DD) or null")


def judge(incident: Incident, policy: Policy, as_of: dt.date, lookback: Period) -> Judgement:
    """Decide whether one incident counts, for a given lookback window."""
    n = incident.number
    counted = [a for a in incident.reported_to if a in policy.counted_agencies]
    if not counted:
        return Judgement(NO, f"Incident {n} was not reported to {_counted_names(policy)}.")
    to = join_labels(AGENCY_NAMES.get(a, a) for a in counted)
    start = lookback.before(as_of)
    occurred, reported = incident.occurred_on, incident.reported_on
    window = policy.report_within
    if reported is not None:
        if not start <= reported <= as_of:
            return Judgement(
                NO,
                f"Incident {n} was reported to {to} on {format_date(reported)}, "
                f"not in the {lookback} before the request ({format_date(start)} to "
                f"{format_date(as_of)}).",
            )
        if window is None:
            return Judgement(
                YES, f"Incident {n} counts: reported to {to} on {format_date(reported)}."
            )
        if occurred is None:
            return Judgement(
                MAYBE,
                f"Incident {n} might count: reported to {to} on {format_date(reported)}, but the "
                f"resident did not know when it happened, so staff need to check it was "
                f"reported within {window}.",
            )
        if reported > window.after(occurred):
            return Judgement(
                NO,
                f"Incident {n} happened on {format_date(occurred)} and was reported on "
                f"{format_date(reported)}, more than {window} later.",
            )
        return Judgement(
            YES,
            f"Incident {n} counts: it happened on {format_date(occurred)} and was reported to "
            f"{to} on {format_date(reported)}.",
        )
    # The report date is unknown: could a report date exist that satisfies every window?
    latest = as_of
    if occurred is not None:
        start = max(start, occurred)
        if window is not None:
            latest = min(latest, window.after(occurred))
    if start <= latest:
        return Judgement(
            MAYBE,
            f"Incident {n} might count: the resident did not know when they reported it to "
            f"{to}. Staff need to check the report date.",
        )
    return Judgement(
        NO,
        f"Incident {n} happened on {format_date(occurred)}, so it cannot have been reported "
        f"in the {lookback} before the request within {window} of happening.",
    )


def _counted_names(policy: Policy) -> str:
    names = [AGENCY_NAMES[a] for a in policy.counted_agencies]
    return join_labels(names).replace(" and ", " or ")


def _route_status(
    route: Route,
    incidents: list[Incident],
    judgements: list[Judgement],
    policy: Policy,
    as_of: dt.date,
) -> tuple[str, str]:
    if route.lookback is not None and route.lookback != policy.lookback:
        judgements = [judge(i, policy, as_of, route.lookback) for i in incidents]
    sure = sum(j.status == YES for j in judgements)
    maybe = sum(j.status == MAYBE for j in judgements)
    need = route.min_incidents
    label = "Individual route" if route.name == "individual" else "Hate route"
    counted = f"{sure} incident counts" if sure == 1 else f"{sure} incidents count"
    if route.name == "hate":
        counted += " and the resident says the behaviour was motivated by hate"
    if sure >= need:
        return YES, f"{label} met: {counted}; it needs {need}."
    if sure + maybe >= need:
        return MAYBE, (
            f"{label} may be met: {counted}, and {maybe} more might, once staff check the "
            f"dates; it needs {need}."
        )
    return NO, f"{label} not met: {counted}; it needs {need}."


def _community_claim(record: dict[str, Any], policy: Policy) -> str | None:
    others = record.get("other_reporters")
    if policy.community_min_people is None or others is None:
        return None
    if not isinstance(others, int) or isinstance(others, bool) or others < 0:
        raise ScreeningInputError("other_reporters must be a whole number of 0 or more, or null")
    people = others + 1
    if people < policy.community_min_people:
        return None
    return (
        f"Community route claimed: the resident says {people} people, including them, "
        f"complained separately about similar behaviour; it needs "
        f"{policy.community_min_people}. Staff need to check these reports."
    )


def _apply_conditions(
    met: list[str],
    possible: list[str],
    incidents: list[Incident],
    policy: Policy,
    as_of: dt.date,
    reasons: list[str],
) -> tuple[list[str], list[str]]:
    """Extra local conditions: the last report within a period, and checks only staff can do."""
    if policy.last_report_within is not None and (met or possible):
        limit = policy.last_report_within.before(as_of)
        dates = [i.reported_on for i in incidents if i.reported_to]
        known = [d for d in dates if d is not None]
        if known and max(known) >= limit:
            pass
        elif len(known) < len(dates):
            reasons.append(
                f"Staff need to check the last report was made in the "
                f"{policy.last_report_within} before the request."
            )
            possible, met = possible + met, []
        else:
            reasons.append(
                f"Not met: the last report was not made in the {policy.last_report_within} "
                "before the request."
            )
            return [], []
    if policy.staff_checks and met:
        reasons.append("Staff need to check: " + "; ".join(policy.staff_checks) + ".")
        possible, met = possible + met, []
    return met, possible


def _summary(outcome: str, vulnerability: bool) -> str:
    if outcome == "meets_threshold":
        return "The threshold is met from what the resident told us."
    text = (
        "Staff need to check the points above before deciding on the threshold."
        if outcome == "needs_staff_check"
        else "The threshold is not met from what the resident told us."
    )
    text += (
        " Agencies should still consider how persistent the behaviour is, the harm it causes "
        "and how well agencies have responded."
    )
    if vulnerability:
        text += " The resident described the impact on them: consider their vulnerability."
    return text
