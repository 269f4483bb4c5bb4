"""Pre-screen an intake record against a policy. The bot never refuses: this only informs staff.

Each incident is judged `yes` (it counts), `no` (it cannot count) or `maybe` (it could count,
but a date the resident did not know decides it). Each route is then met for certain
(`routes_met`), possible once staff check something (`routes_possible`), or not met, and the
outcome follows: meets_threshold, needs_staff_check or below_threshold. Whatever the local
policy says, the reasons also say when the Act's own threshold (s.104) is reached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from dialogs.calendar import Period
from dialogs.parsing import Approximate
from dialogs.parsing import format_date
from dialogs.parsing import join_labels
from dialogs.policy import CommunityRoute
from dialogs.policy import Policy
from dialogs.policy import Route
from dialogs.policy import Window

YES, NO, MAYBE = "yes", "no", "maybe"
AGENCY_NAMES = {
    "council": "the council",
    "police": "the police",
    "housing_provider": "the housing provider",
    "health": "the NHS",
    "other": "another organisation",
}
# s.104(11) and Explanatory Note 231: a complaint made to a relevant body within one month of
# the incident, with the application within six months of the complaint; at most three needed.
ACT_AGENCIES = ("council", "police", "housing_provider", "health")
ACT_REPORT_WITHIN = Period(1, "months")
ACT_WINDOW = Window(Period(6, "months"), "report")
ACT_MOST = 3


class ScreeningInputError(ValueError):
    """An intake record that cannot be screened; the message says what is wrong."""


@dataclass(frozen=True)
class Incident:
    """The facts of one incident that screening needs."""

    number: int
    occurred_on: dt.date | None
    reported_on: dt.date | None
    reported_to: tuple[str, ...]
    hate_motivated: bool = False
    description: str = ""
    occurred_between: tuple[dt.date, dt.date] | None = None
    """A date given roughly ("early October"): the first and last day it could be."""
    roughly: str = ""
    """That rough date in words, for the reasons."""
    reported_between: tuple[dt.date, dt.date] | None = None
    """A report date given roughly ("about a week later"): its first and last day."""
    reported_roughly: str = ""

    @property
    def when_unknown(self) -> str:
        """How the reasons say the date is not known."""
        if self.roughly:
            return f"the resident gave only a rough date ({self.roughly})"
        return "the resident did not know when it happened"


@dataclass(frozen=True)
class Judgement:
    """Whether one incident counts for one lookback, and why, in words staff can read."""

    status: str
    reason: str


@dataclass(frozen=True)
class Rules:
    """What makes one incident count: the agencies, the reporting window and the lookback."""

    agencies: tuple[str, ...]
    report_within: Period | None
    window: Window


class _Judged:
    """One request's incidents judged under each set of rules, each set worked out once."""

    def __init__(self, incidents: list[Incident], as_of: dt.date) -> None:
        self.incidents, self.as_of = incidents, as_of
        self._done: dict[Rules, list[Judgement]] = {}

    def __call__(self, rules: Rules) -> list[Judgement]:
        if rules not in self._done:
            self._done[rules] = judge_all(self.incidents, rules, self.as_of)
        return self._done[rules]


def screen(record: dict[str, Any], policy: Policy, as_of: dt.date) -> dict[str, Any]:
    """Return the record's `screening` block, as of the day the request is made."""
    incidents = read_incidents(record)
    judge_under = _Judged(incidents, as_of)
    judgements = judge_under(_rules(policy, policy.window))
    reasons = [j.reason for j in judgements]
    duplicates = duplicate_groups(incidents)
    reasons += [_duplicate_warning(group) for group in duplicates]
    met: list[str] = []
    possible: list[str] = []
    routes = [policy.individual]
    if any(i.hate_motivated for i in incidents):
        routes.append(policy.hate)
    for route in routes:
        if route is None:
            continue
        status, reason = _route_status(route, judge_under, policy, duplicates)
        if status == YES and route.staff_checks:  # a count alone cannot meet this route
            status = MAYBE
            reason = reason.replace(" met: ", " met on the count, if staff confirm it: ", 1)
            reason += " Staff need to check: " + "; ".join(route.staff_checks) + "."
        reasons.append(reason)
        (met if status == YES else possible if status == MAYBE else []).append(route.name)
    if policy.community is not None:
        status, claim = _community(record, policy.community, judge_under, policy)
        if claim:
            reasons.append(claim)
        if status == MAYBE:
            possible.append("community")
    met, possible = _apply_conditions(met, possible, incidents, policy, as_of, reasons)
    statutory = _statutory(judge_under, policy, duplicates)
    if statutory:
        reasons.append(statutory)
    outcome = "meets_threshold" if met else "needs_staff_check" if possible else "below_threshold"
    impact = record.get("impact")
    described = isinstance(impact, str) and bool(impact.strip())
    vulnerability = policy.vulnerability_review and outcome != "meets_threshold" and described
    reasons.append(_summary(outcome, vulnerability, act_met=statutory is not None))
    return {
        "outcome": outcome,
        "routes_met": met,
        "routes_possible": possible,
        "qualifying_incidents": sum(j.status == YES for j in judgements),
        "reasons": reasons,
        "as_of": as_of.isoformat(),
        "vulnerability_review": vulnerability,
    }


def read_incidents(record: dict[str, Any]) -> list[Incident]:
    """Pull the screening facts out of the record's incidents (version 1 or 2)."""
    raw = record.get("incidents")
    if not isinstance(raw, list) or not raw:
        raise ScreeningInputError("the record needs a list of at least one incident")
    whole = record.get("hate_motivated", False)
    if not isinstance(whole, bool):
        raise ScreeningInputError("hate_motivated must be true or false")
    # Version 1 asked once for the whole request, so its answer applies to every incident.
    version_2 = str(record.get("schema_version", "1")) == "2"
    incidents = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ScreeningInputError(f"incident {number} must be an object")
        agencies = item.get("reported_to")
        if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
            raise ScreeningInputError(f"incident {number}: reported_to must be a list of agencies")
        hate = item.get("hate_motivated", False if version_2 else whole)
        if not isinstance(hate, bool):
            raise ScreeningInputError(f"incident {number}: hate_motivated must be true or false")
        description = item.get("description")
        occurred = _date(item.get("occurred_on"), number, "occurred_on")
        between, roughly = (None, "") if occurred else _rough(item.get("occurred_approximately"))
        reported = _date(item.get("reported_on"), number, "reported_on")
        reported_between, reported_roughly = (
            (None, "") if reported else _rough(item.get("reported_approximately"))
        )
        incidents.append(
            Incident(
                number=number,
                occurred_on=occurred,
                reported_on=reported,
                reported_to=tuple(agencies),
                hate_motivated=hate,
                description=description if isinstance(description, str) else "",
                occurred_between=between,
                roughly=roughly,
                reported_between=reported_between,
                reported_roughly=reported_roughly,
            )
        )
    return incidents


def _rough(value: Any) -> tuple[tuple[dt.date, dt.date] | None, str]:
    """The first and last day of a date given roughly, and it in words; nothing when it has no
    two ends ("ages ago"). This project's own field, so anything unreadable is left out."""
    if not isinstance(value, dict):
        return None, ""
    try:
        rough = Approximate.from_json(value)
    except (TypeError, ValueError):
        return None, ""
    if rough.earliest is None or rough.latest is None or rough.earliest > rough.latest:
        return None, ""
    return (rough.earliest, rough.latest), rough.describe()


def _date(value: Any, number: int, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ScreeningInputError(f"incident {number}: {key} must be a date (YYYY-MM-DD) or null")


def _rules(policy: Policy, window: Window) -> Rules:
    return Rules(policy.counted_agencies, policy.report_within, window)


def judge_all(incidents: list[Incident], rules: Rules, as_of: dt.date) -> list[Judgement]:
    """Judge every incident; a window from the first incident starts where most count."""
    if rules.window.counts_from != "first_incident":
        return [judge(i, rules, as_of) for i in incidents]
    starts = sorted(
        {
            i.occurred_on
            for i in incidents
            if i.occurred_on and i.occurred_on <= as_of and _counted(i, rules.agencies)
        }
    )
    if not starts:  # no known incident date: any incident could be the first
        return [judge(i, rules, as_of, start=rules.window.period.before(as_of)) for i in incidents]
    best: list[Judgement] = []
    best_score = (-1, -1)
    for start in starts:
        judged = [judge(i, rules, as_of, start=start) for i in incidents]
        score = (sum(j.status == YES for j in judged), sum(j.status == MAYBE for j in judged))
        if score > best_score:
            best, best_score = judged, score
    return best


def _counted(incident: Incident, agencies: tuple[str, ...]) -> bool:
    return any(a in agencies for a in incident.reported_to)


def judge(
    incident: Incident, rules: Rules, as_of: dt.date, start: dt.date | None = None
) -> Judgement:
    """Decide whether one incident counts under one set of rules."""
    n = incident.number
    counted = [a for a in incident.reported_to if a in rules.agencies]
    if not counted:
        names = join_labels(AGENCY_NAMES[a] for a in rules.agencies).replace(" and ", " or ")
        if not incident.reported_to:
            return Judgement(NO, f"Incident {n} was not reported to {names}.")
        only = join_labels(AGENCY_NAMES.get(a, a) for a in incident.reported_to)
        return Judgement(NO, f"Incident {n} was reported only to {only}, which this policy does "
                             f"not count. It counts once reported to {names}.")  # fmt: skip
    to = join_labels(AGENCY_NAMES.get(a, a) for a in counted)
    if incident.reported_on is None and incident.reported_between is not None:
        return _judge_report_roughly(incident, rules, as_of, start, to)
    if incident.occurred_on is None and incident.occurred_between is not None:
        return _judge_roughly(incident, rules, as_of, start, to)
    window = rules.window
    if window.counts_from == "report":
        return _judge_by_report(incident, rules, as_of, to)
    low = start if start is not None else window.period.before(as_of)
    high = min(as_of, window.period.after(low)) if start is not None else as_of
    return _judge_by_incident(incident, rules, (low, high), to)


def _judge_roughly(
    incident: Incident, rules: Rules, as_of: dt.date, start: dt.date | None, to: str
) -> Judgement:
    """A rough date: it counts if every day it could be counts, not if none does, else staff
    check. Each rule is a range of days, so the first and last day decide."""
    assert incident.occurred_between is not None
    first, last = incident.occurred_between
    last = min(last, incident.reported_on or as_of, as_of)  # it happened before it was reported
    exact = replace(incident, occurred_between=None)
    if first > last:  # the rough date cannot be right: as a date not known
        return judge(exact, rules, as_of, start)
    ends = [judge(replace(exact, occurred_on=day), rules, as_of, start) for day in (first, last)]
    n, days = incident.number, f"{format_date(first)} to {format_date(last)}"
    roughly = _roughly(incident.roughly)
    if all(end.status == YES for end in ends):
        reported = f" on {format_date(incident.reported_on)}" if incident.reported_on else ""
        return Judgement(YES, f"Incident {n} counts: it happened {roughly} and was reported to "
                              f"{to}{reported}, and any day from {days} counts.")  # fmt: skip
    if all(end.status == NO for end in ends):
        latest = ends[1].reason.removeprefix(f"Incident {n} ")
        return Judgement(NO, f"Incident {n} happened {roughly}, and no day from {days} counts. "
                             f"Taking the latest day, it {latest}")  # fmt: skip
    if {end.status for end in ends} == {YES, NO}:
        return Judgement(MAYBE, f"Incident {n} might count: {exact.when_unknown}. Some days "
                                f"from {days} count and some do not. Staff need to check the "
                                "date.")  # fmt: skip
    return judge(exact, rules, as_of, start)  # another fact is missing too (the report date)


def _judge_report_roughly(
    incident: Incident, rules: Rules, as_of: dt.date, start: dt.date | None, to: str
) -> Judgement:
    """A report date given roughly: it counts if every pair of days it and the incident could
    be counts (the rules are ranges, so the corners decide); staff check otherwise."""
    assert incident.reported_between is not None
    unknown = replace(incident, reported_between=None)
    if incident.occurred_on is not None:
        o_first = o_last = incident.occurred_on
    elif incident.occurred_between is not None:
        o_first, o_last = incident.occurred_between
    else:
        return judge(unknown, rules, as_of, start)
    r_first, r_last = incident.reported_between
    r_first, r_last = max(r_first, o_first), min(r_last, as_of)  # reported after it happened
    o_last = min(o_last, r_last)
    if o_first > o_last or r_first > r_last:
        return judge(unknown, rules, as_of, start)
    exact = replace(unknown, occurred_between=None)
    corners = [
        judge(replace(exact, occurred_on=o, reported_on=r), rules, as_of, start)
        for o in (o_first, o_last)
        for r in (r_first, r_last)
    ]
    statuses = {corner.status for corner in corners}
    n = incident.number
    if statuses == {YES}:
        happened = (f"on {format_date(o_first)}" if o_first == o_last
                    else _roughly(incident.roughly))  # fmt: skip
        return Judgement(YES, f"Incident {n} counts: it happened {happened} and was reported to "
                              f"{to} {_roughly(incident.reported_roughly)}, and every day they "
                              "could mean counts.")  # fmt: skip
    if statuses == {YES, NO}:
        return Judgement(MAYBE, f"Incident {n} might count: the resident gave the dates roughly. "
                                "Some of the days they could mean count and some do not. Staff "
                                "need to check the dates.")  # fmt: skip
    return judge(unknown, rules, as_of, start)


def _roughly(words: str) -> str:
    """A rough date after "happened" or "reported": "in October 2026", "about 6 to 12 May"."""
    return words if words.startswith(("ongoing", "about")) else f"in {words}"


def _span(window: Window, as_of: dt.date) -> str:
    start = window.period.before(as_of)
    return f"the {window.period} before the request ({format_date(start)} to {format_date(as_of)})"


def _judge_by_report(incident: Incident, rules: Rules, as_of: dt.date, to: str) -> Judgement:
    n = incident.number
    lookback = rules.window.period
    start = lookback.before(as_of)
    occurred, reported = incident.occurred_on, incident.reported_on
    within = rules.report_within
    if reported is not None:
        if not start <= reported <= as_of:
            return Judgement(
                NO,
                f"Incident {n} was reported to {to} on {format_date(reported)}, "
                f"not in {_span(rules.window, as_of)}.",
            )
        if within is None:
            return Judgement(
                YES, f"Incident {n} counts: reported to {to} on {format_date(reported)}."
            )
        if occurred is None:
            return Judgement(
                MAYBE,
                f"Incident {n} might count: reported to {to} on {format_date(reported)}, but "
                f"{incident.when_unknown}, so staff need to check it was "
                f"reported within {within}.",
            )
        if reported > within.after(occurred):
            return Judgement(
                NO,
                f"Incident {n} happened on {format_date(occurred)} and was reported on "
                f"{format_date(reported)}, more than {within} later.",
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
        if within is not None:
            latest = min(latest, within.after(occurred))
    if start <= latest:
        return Judgement(
            MAYBE,
            f"Incident {n} might count: the resident did not know when they reported it to "
            f"{to}. Staff need to check the report date.",
        )
    return Judgement(
        NO,
        f"Incident {n} happened on {format_date(occurred)}, so it cannot have been reported "
        f"in the {lookback} before the request within {within} of happening.",
    )


def _judge_by_incident(
    incident: Incident, rules: Rules, span: tuple[dt.date, dt.date], to: str
) -> Judgement:
    """The window is on the date the incident happened (the report must still be in time)."""
    n = incident.number
    low, high = span
    between = f"between {format_date(low)} and {format_date(high)}"
    occurred, reported = incident.occurred_on, incident.reported_on
    within = rules.report_within
    if occurred is not None and not low <= occurred <= high:
        return Judgement(NO, f"Incident {n} happened on {format_date(occurred)}, not {between}.")
    if occurred is None:
        earliest = within.before(reported) if within and reported else None
        if reported is not None and (reported < low or (earliest and earliest > high)):
            return Judgement(
                NO,
                f"Incident {n} was reported on {format_date(reported)}, so it cannot have "
                f"happened {between}" + (f" and been reported within {within}." if within else "."),
            )
        return Judgement(
            MAYBE,
            f"Incident {n} might count: {incident.when_unknown}. Staff need "
            f"to check it happened {between}.",
        )
    if reported is None:
        return Judgement(
            MAYBE,
            f"Incident {n} happened on {format_date(occurred)}, but the resident did not know "
            f"when they reported it to {to}. Staff need to check the report date.",
        )
    if within is not None and reported > within.after(occurred):
        return Judgement(
            NO,
            f"Incident {n} happened on {format_date(occurred)} and was reported on "
            f"{format_date(reported)}, more than {within} later.",
        )
    return Judgement(
        YES,
        f"Incident {n} counts: it happened on {format_date(occurred)}, {between}, and was "
        f"reported to {to} on {format_date(reported)}.",
    )


def duplicate_groups(incidents: list[Incident]) -> list[list[Incident]]:
    """Incidents sharing a date and a description: perhaps one incident entered twice."""
    groups: dict[tuple[dt.date, str], list[Incident]] = {}
    for incident in incidents:
        words = " ".join(incident.description.lower().split())
        if incident.occurred_on is not None and words:
            groups.setdefault((incident.occurred_on, words), []).append(incident)
    return [group for group in groups.values() if len(group) > 1]


def _duplicate_warning(group: list[Incident]) -> str:
    numbers = join_labels(str(i.number) for i in group)
    return (
        f"Check for a repeat: incidents {numbers} have the same date "
        f"({format_date(group[0].occurred_on)}) and description. If they are one incident "
        "reported to more than one agency, it counts once."
    )


def _distinct(judged: list[tuple[Incident, Judgement]], duplicates: list[list[Incident]]) -> int:
    """Counting incidents, with each group of possible repeats taken as one."""
    sure = {i.number for i, j in judged if j.status == YES}
    for group in duplicates:
        numbers = [i.number for i in group if i.number in sure]
        sure -= set(numbers[1:])
    return len(sure)


def _route_status(
    route: Route, judge_under: _Judged, policy: Policy, duplicates: list[list[Incident]]
) -> tuple[str, str]:
    window = policy.route_window(route)
    verdicts = judge_under(_rules(policy, window))
    judged = list(zip(judge_under.incidents, verdicts, strict=True))
    hate_route = route.name == "hate"
    label = "Individual route" if not hate_route else "Hate route"
    raw = sum(j.status == YES for _, j in judged)
    sure = _distinct(judged, duplicates)
    maybe = sum(j.status == MAYBE for _, j in judged)
    need = route.min_incidents
    hate_judged = [(i, j) for i, j in judged if i.hate_motivated]
    hate_sure = _distinct(hate_judged, duplicates)
    hate_maybe = sum(j.status == MAYBE for _, j in hate_judged)
    hate_raw = sum(j.status == YES for _, j in hate_judged)
    hate_need = route.min_hate_incidents
    if hate_route:
        if need == hate_need:
            counted = f"{_incidents(hate_sure, 'hate-motivated incident')} {_count(hate_sure)}"
            needs = f"it needs {hate_need}"
        else:
            counted = f"{_incidents(sure, 'incident')} {_count(sure)}, {hate_sure} hate-motivated"
            needs = f"it needs {need}, at least {hate_need} of them hate-motivated"
        sure_ok = sure >= need and hate_sure >= hate_need
        raw_ok = raw >= need and hate_raw >= hate_need
        could = raw + maybe >= need and hate_raw + hate_maybe >= hate_need
    else:
        counted = f"{_incidents(sure, 'incident')} {_count(sure)}"
        needs = f"it needs {need}"
        sure_ok, raw_ok, could = sure >= need, raw >= need, raw + maybe >= need
    span = "" if window == policy.window else f" in {window}"
    if sure_ok:
        return YES, f"{label} met: {counted}{span}; {needs}."
    if raw_ok:
        return MAYBE, (
            f"{label} may be met: it is met only if the incidents that look like repeats are "
            f"separate incidents; {counted}{span} when they are taken as one; {needs}."
        )
    if could:
        return MAYBE, (
            f"{label} may be met: {counted}{span}, and more might once staff check the dates; "
            f"{needs}."
        )
    return NO, f"{label} not met: {counted}{span}; {needs}."


def _incidents(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _count(number: int) -> str:
    return "counts" if number == 1 else "count"


def _community(
    record: dict[str, Any],
    route: CommunityRoute,
    judge_under: _Judged,
    policy: Policy,
) -> tuple[str, str | None]:
    """The bot cannot verify other people's reports, so this route is at best possible."""
    others = record.get("other_reporters")
    if others is None:
        return NO, None
    if not isinstance(others, int) or isinstance(others, bool) or others < 0:
        raise ScreeningInputError("other_reporters must be a whole number of 0 or more, or null")
    people = others + 1
    says = f"the resident says {people} {'person' if people == 1 else 'people'}, including them,"
    if people < route.min_people:
        return NO, (
            f"Community route not met: {says} complained about similar behaviour; it needs "
            f"{route.min_people}."
        )
    if route.min_incidents is None:
        reason = (
            f"Community route possible: {says} complained separately about similar "
            f"behaviour; it needs {route.min_people}. Staff need to check these reports."
        )
    else:
        window = policy.route_window(route)
        own = sum(j.status == YES for j in judge_under(_rules(policy, window)))
        reason = (
            f"Community route possible: {says} complained; it needs {route.min_incidents} "
            f"incidents in {window}, reported by more than one person. The resident's own "
            f"reports give {own}. Staff need to check the other people's reports."
        )
    if route.staff_checks:
        reason += " Staff also need to check: " + "; ".join(route.staff_checks) + "."
    return MAYBE, reason


def _apply_conditions(
    met: list[str],
    possible: list[str],
    incidents: list[Incident],
    policy: Policy,
    as_of: dt.date,
    reasons: list[str],
) -> tuple[list[str], list[str]]:
    """Extra local conditions: the last report or incident recent enough, and staff checks."""
    # Only reports to a counted agency are reports for this purpose, never "someone else".
    counted = [i for i in incidents if _counted(i, policy.counted_agencies)]
    for period, dates, what in (
        (policy.last_report_within, [i.reported_on for i in counted], "last report was made"),
        (policy.last_incident_within, [i.occurred_on for i in counted], "last incident happened"),
    ):
        if period is None or not (met or possible):
            continue
        known = [d for d in dates if d is not None]
        if known and max(known) >= period.before(as_of):
            continue
        if len(known) < len(dates):
            reasons.append(f"Staff need to check the {what} in the {period} before the request.")
            met, possible = [], possible + met
        else:
            reasons.append(f"Not met: the {what} more than {period} before the request.")
            return [], []
    if policy.staff_checks and met:
        reasons.append("Staff need to check: " + "; ".join(policy.staff_checks) + ".")
        met, possible = [], possible + met
    return met, possible


def _statutory(
    judge_under: _Judged, policy: Policy, duplicates: list[list[Incident]]
) -> str | None:
    """Say so when the Act's own definition is met, whatever local conditions add."""
    need = min(ACT_MOST, policy.individual.min_incidents if policy.individual else ACT_MOST)
    rules = Rules(ACT_AGENCIES, ACT_REPORT_WITHIN, ACT_WINDOW)
    judged = list(zip(judge_under.incidents, judge_under(rules), strict=True))
    count = _distinct(judged, duplicates)
    if count < need:
        return None
    return (
        f"Under the Act (section 104), the threshold must be treated as met when "
        f"{need} qualifying complaints have been made: {_incidents(count, 'incident')} here "
        f"{'was' if count == 1 else 'were'} reported to a relevant body within one month of "
        "happening, in the six months before the request. Local conditions cannot raise that "
        "threshold."
    )


def _summary(outcome: str, vulnerability: bool, *, act_met: bool = False) -> str:
    if outcome == "meets_threshold":
        return "The threshold is met from what the resident told us."
    text = (
        "Staff need to check the points above before deciding on the threshold."
        if outcome == "needs_staff_check"
        else "The threshold is not met from what the resident told us."
    )
    if act_met:
        text = (
            "Staff need to check the local points above, but the Act's own threshold is met."
            if outcome == "needs_staff_check"
            else "The local threshold is not met from what the resident told us, but the "
            "Act's own threshold is (see above)."
        )
    text += (
        " Agencies should still consider how persistent the behaviour is, the harm it causes "
        "and how well agencies have responded."
    )
    if vulnerability:
        text += " The resident described the impact on them: consider their vulnerability."
    return text
