"""Explain a policy in plain English, and warn where it is stricter than the Act allows.

Section 104(4) of the Act: the threshold must be treated as met at three qualifying complaints
(or a lower number the procedures set), where a qualifying complaint is one made to a relevant
body within one month of the incident, with the application within six months of it
(Explanatory Note 231). A policy that asks for more is a warning, not an error: the council may
have reasons, but staff must know the Act still applies (`casereview policy check`).
"""

from __future__ import annotations

import datetime as dt

from dialogs.calendar import Period
from dialogs.parsing import join_labels
from dialogs.policy import CommunityRoute
from dialogs.policy import Policy
from dialogs.policy import Route
from dialogs.policy import Window
from dialogs.screening import ACT_AGENCIES
from dialogs.screening import ACT_MOST
from dialogs.screening import ACT_REPORT_WITHIN
from dialogs.screening import ACT_WINDOW
from dialogs.screening import AGENCY_NAMES

# Every start day of two years, leap year included: enough to find any month a period is short.
_SAMPLE = [dt.date(2027, 1, 1) + dt.timedelta(days=n) for n in range(731)]


def shorter_forwards(period: Period, than: Period) -> bool:
    """True when `period`, counted forwards, ends before `than` from some start day."""
    return any(period.after(day) < than.after(day) for day in _SAMPLE)


def shorter_backwards(period: Period, than: Period) -> bool:
    """True when `period`, counted back from some day, starts later than `than` does."""
    return any(period.before(day) > than.before(day) for day in _SAMPLE)


def statutory_warnings(policy: Policy) -> list[str]:
    """Where the policy's threshold is stricter than section 104 of the Act allows."""
    warnings: list[str] = []
    route = policy.individual
    if route is None:
        warnings.append(
            "There is no [routes.individual]: under the Act, three qualifying complaints "
            "must meet the threshold, so requests with three will say so only in the reasons."
        )
    elif route.min_incidents > ACT_MOST:
        warnings.append(
            f"routes.individual.min_incidents is {route.min_incidents}: the Act says the "
            f"threshold can be no higher than {ACT_MOST} qualifying complaints."
        )
    within = policy.report_within
    if within is not None and shorter_forwards(within, ACT_REPORT_WITHIN):
        warnings.append(
            f"qualifying.report_within is {within}: the Act counts a complaint made within "
            "1 month of the incident, and in some months this is shorter."
        )
    if route is not None:
        window = policy.route_window(route)
        key = "routes.individual" if route.lookback or route.counts_from else "qualifying"
        warnings += _window_warnings(window, key)
    missing = [a for a in ACT_AGENCIES if a not in policy.counted_agencies]
    if missing:
        names = join_labels(AGENCY_NAMES[a] for a in missing)
        warnings.append(
            f"counted_agencies leaves out {names}: the Act counts complaints to every "
            "relevant body (the council, the police, the integrated care board, and social "
            "housing providers the partnership has co-opted)."
        )
    extra = [f"conditions.last_report_within ({policy.last_report_within})"]
    extra = extra if policy.last_report_within else []
    if policy.last_incident_within:
        extra.append(f"conditions.last_incident_within ({policy.last_incident_within})")
    extra += [f"a staff check: {check}" for check in policy.staff_checks]
    if route is not None:
        extra += [f"a staff check on the individual route: {c}" for c in route.staff_checks]
    for condition in extra:
        warnings.append(
            f"Extra condition, {condition}: the Act adds no conditions to three qualifying "
            "complaints (in 2026 the Ombudsman found one council's extra condition unlawful). "
            "The screening says when the Act's own threshold is met, whatever this says."
        )
    return warnings


def _window_warnings(window: Window, key: str) -> list[str]:
    warnings = []
    if shorter_backwards(window.period, ACT_WINDOW.period):
        warnings.append(
            f"{key}.lookback is {window.period}: the Act allows an application within "
            f"{ACT_WINDOW.period} of the complaint, and this is shorter."
        )
    if window.counts_from == "incident":
        warnings.append(
            f"{key}.counts_from is 'incident': the Act measures the six months from the "
            "complaint, and an incident happens on or before its report."
        )
    elif window.counts_from == "first_incident":
        warnings.append(
            f"{key}.counts_from is 'first_incident': the Act measures the six months back "
            "from the application to each complaint, not forward from the first incident."
        )
    return warnings


def describe(policy: Policy) -> list[str]:
    """The policy in plain English, one line each, for `casereview policy check`."""
    agencies = join_labels(AGENCY_NAMES[a] for a in policy.counted_agencies)
    within = policy.report_within
    lines = [
        f"Policy {policy.name!r} for {policy.area}.",
        f"Reports count when made to {agencies}"
        + (f", within {within} of the incident." if within else ", however long after."),
        f"An incident qualifies when its {_key_date(policy.window)} is in {policy.window}.",
    ]
    for route in (policy.individual, policy.hate):
        if route is not None:
            lines.append(_route_line(policy, route))
    if policy.community is not None:
        lines.append(_community_line(policy, policy.community))
    if policy.last_report_within:
        lines.append(
            f"Condition: the last report in the {policy.last_report_within} before the request."
        )
    if policy.last_incident_within:
        lines.append(
            f"Condition: the last incident in the {policy.last_incident_within} before the request."
        )
    lines += [f"Staff check: {check}." for check in policy.staff_checks]
    lines.append(f"Acknowledge within {policy.acknowledge}.")
    lines += [f"Timescale, {k.replace('_', ' ')}: {v}." for k, v in policy.timescales.items()]
    lines += [f"Source: {url}" for url in policy.sources]
    return lines


def _key_date(window: Window) -> str:
    return "report date" if window.counts_from == "report" else "incident date"


def _route_line(policy: Policy, route: Route) -> str:
    window = policy.route_window(route)
    if route.name == "hate":
        if route.min_hate_incidents < route.min_incidents:
            text = f"Hate route: {route.min_incidents} qualifying incidents, at least "
            text += f"{route.min_hate_incidents} of them hate-motivated"
        else:
            noun = "incident" if route.min_incidents == 1 else "incidents"
            text = f"Hate route: {route.min_incidents} qualifying hate-motivated {noun}"
    else:
        text = f"Individual route: {route.min_incidents} qualifying incidents"
    if window != policy.window:
        text += f", with the {_key_date(window)} in {window}"
    text += "."
    if route.staff_checks:
        text += " Staff check: " + "; ".join(route.staff_checks) + "."
    return text


def _community_line(policy: Policy, route: CommunityRoute) -> str:
    if route.min_incidents is None:
        text = f"Community route: {route.min_people} people, the resident included, complained"
    else:
        text = (
            f"Community route: {route.min_incidents} incidents in "
            f"{policy.route_window(route)}, reported by at least {route.min_people} people"
        )
    text += " (always a staff check: the bot cannot see other people's reports)."
    if route.staff_checks:
        text += " Staff check: " + "; ".join(route.staff_checks) + "."
    return text
