"""Screening tables for both bundled policies, at every boundary domain.md states."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from dialogs.calendar import Period
from dialogs.calendar import add_working_days
from dialogs.policy import Policy
from dialogs.policy import PolicyError
from dialogs.policy import load_policy
from dialogs.policy import policy_from_mapping
from dialogs.record import deadlines
from dialogs.screening import ScreeningInputError
from dialogs.screening import screen

AS_OF = dt.date(2026, 11, 22)  # six months before: 22 May 2026


def inc(occurred: str | None, reported: str | None, *to: str) -> dict[str, Any]:
    return {"occurred_on": occurred, "reported_on": reported, "reported_to": list(to or ["police"])}


def rec(*incidents: dict[str, Any], hate: bool = False, others: int | None = None,
        impact: str | None = None) -> dict[str, Any]:  # fmt: skip
    # Each incident its own description: the same date and words would look like a repeat.
    numbered = [{"description": f"noise, time {n}", **i} for n, i in enumerate(incidents, 1)]
    return {
        "incidents": numbered,
        "hate_motivated": hate,
        "other_reporters": others,
        "impact": impact,
    }


OK = inc("2026-10-01", "2026-10-02")

DEFAULT_CASES = [
    # (name, record, outcome, routes, qualifying): "route?" is a route staff could find met
    ("three qualifying", rec(OK, OK, OK), "meets_threshold", ["individual"], 3),
    ("two qualifying", rec(OK, OK), "below_threshold", [], 2),
    ("reported exactly one month after", rec(OK, OK, inc("2026-10-01", "2026-11-01")),
     "meets_threshold", ["individual"], 3),
    ("reported one month and a day after", rec(OK, OK, inc("2026-10-01", "2026-11-02")),
     "below_threshold", [], 2),
    ("month end: 31 Jan + 1 month is 28 Feb", rec(OK, OK, inc("2026-05-31", "2026-06-30")),
     "meets_threshold", ["individual"], 3),
    ("reported exactly six months before", rec(OK, OK, inc("2026-05-20", "2026-05-22")),
     "meets_threshold", ["individual"], 3),
    ("reported six months and a day before", rec(OK, OK, inc("2026-05-20", "2026-05-21")),
     "below_threshold", [], 2),
    ("reported on the day of the request", rec(OK, OK, inc("2026-11-22", "2026-11-22")),
     "meets_threshold", ["individual"], 3),
    ("one incident to two agencies counts once",
     rec(inc("2026-10-01", "2026-10-02", "police", "council"),
         inc("2026-10-05", "2026-10-06", "council", "housing_provider")),
     "below_threshold", [], 2),
    ("reports to other do not count", rec(OK, OK, inc("2026-10-01", "2026-10-02", "other")),
     "below_threshold", [], 2),
    ("other plus a counted agency counts",
     rec(OK, OK, inc("2026-10-01", "2026-10-02", "other", "housing_provider")),
     "meets_threshold", ["individual"], 3),
    ("unknown report date that could tip the count", rec(OK, OK, inc("2026-10-01", None)),
     "needs_staff_check", ["individual?"], 2),
    ("unknown incident date that could tip the count", rec(OK, OK, inc(None, "2026-10-01")),
     "needs_staff_check", ["individual?"], 2),
    ("both dates unknown could tip the count", rec(OK, OK, inc(None, None)),
     "needs_staff_check", ["individual?"], 2),
    ("unknown date that cannot tip the count", rec(OK, inc(None, None)),
     "below_threshold", [], 1),
    ("unknown report date for an old incident cannot count",
     rec(OK, OK, inc("2026-01-01", None)), "below_threshold", [], 2),
    ("hate with one qualifying incident", rec(OK, hate=True), "meets_threshold", ["hate"], 1),
    ("hate with no qualifying incident", rec(inc("2026-01-01", "2026-03-01"), hate=True),
     "below_threshold", [], 0),
    ("hate with an unknown date", rec(inc("2026-10-01", None), hate=True),
     "needs_staff_check", ["hate?"], 0),
    ("hate and three incidents meet both routes", rec(OK, OK, OK, hate=True),
     "meets_threshold", ["individual", "hate"], 3),
    ("no community route in the default policy", rec(OK, others=10),
     "below_threshold", [], 1),
]  # fmt: skip

MERSEYSIDE_CASES = [
    ("three in six months", rec(OK, OK, OK), "meets_threshold", ["individual"], 3),
    ("no per-incident window: reported 3 months after",
     rec(OK, OK, inc("2026-06-01", "2026-09-01")), "meets_threshold", ["individual"], 3),
    ("reported six months and a day before", rec(OK, OK, inc("2026-05-01", "2026-05-21")),
     "below_threshold", [], 2),
    ("unknown incident date still counts", rec(OK, OK, inc(None, "2026-10-01")),
     "meets_threshold", ["individual"], 3),
    ("unknown report date could tip the count", rec(OK, OK, inc("2026-01-01", None)),
     "needs_staff_check", ["individual?"], 2),
    ("hate with one incident", rec(OK, hate=True), "meets_threshold", ["hate"], 1),
    ("community: five people with the resident", rec(OK, others=4),
     "needs_staff_check", ["community?"], 1),
    ("community: four people is not enough", rec(OK, others=3), "below_threshold", [], 1),
    ("community claim beside a met route", rec(OK, OK, OK, others=6),
     "meets_threshold", ["individual", "community?"], 3),
    ("one incident to police and council counts once",
     rec(inc("2026-10-01", "2026-10-02", "police", "council"), OK), "below_threshold", [], 2),
    ("reports to other do not count", rec(OK, OK, inc("2026-10-01", "2026-10-02", "other")),
     "below_threshold", [], 2),
]  # fmt: skip


def _check(policy: Policy, record: dict[str, Any], outcome: str, routes: list[str],
           qualifying: int) -> dict[str, Any]:  # fmt: skip
    result = screen(record, policy, AS_OF)
    assert result["outcome"] == outcome, result["reasons"]
    assert result["routes_met"] == [r for r in routes if not r.endswith("?")]
    assert result["routes_possible"] == [r[:-1] for r in routes if r.endswith("?")]
    assert result["qualifying_incidents"] == qualifying
    assert result["as_of"] == "2026-11-22"
    assert all(isinstance(r, str) and r for r in result["reasons"])
    return result


@pytest.mark.parametrize(("name", "record", "outcome", "routes", "qualifying"), DEFAULT_CASES)
def test_default_policy(default_policy: Policy, name: str, record: dict[str, Any], outcome: str,
                        routes: list[str], qualifying: int) -> None:  # fmt: skip
    _check(default_policy, record, outcome, routes, qualifying)


@pytest.mark.parametrize(("name", "record", "outcome", "routes", "qualifying"), MERSEYSIDE_CASES)
def test_merseyside_policy(merseyside_policy: Policy, name: str, record: dict[str, Any],
                           outcome: str, routes: list[str], qualifying: int) -> None:  # fmt: skip
    _check(merseyside_policy, record, outcome, routes, qualifying)


def test_reasons_name_each_incident_for_staff(default_policy: Policy) -> None:
    result = screen(rec(OK, inc("2026-10-01", "2026-11-02"), inc("2026-10-01", "2026-10-02",
                        "other")), default_policy, AS_OF)  # fmt: skip
    reasons = result["reasons"]
    assert reasons[0].startswith("Incident 1 counts")
    assert "Incident 2" in reasons[1] and "more than 1 month later" in reasons[1]
    assert "Incident 3 was reported only to another organisation, which this policy does not" \
        in reasons[2]  # fmt: skip
    only_nhs = screen(rec(OK, OK, inc("2026-10-01", "2026-10-02", "health")), default_policy,
                      AS_OF)["reasons"][2]  # fmt: skip
    assert only_nhs.startswith("Incident 3 was reported only to the NHS, which this policy")


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (rec(OK, impact="I cannot sleep and my health is suffering"), True),
        (rec(OK, impact=None), False),
        (rec(OK, impact="   "), False),
        (rec(OK, OK, OK, impact="I cannot sleep"), False),  # threshold met: no flag needed
    ],
)
def test_vulnerability_review_when_no_route_is_met(
    merseyside_policy: Policy, default_policy: Policy, record: dict[str, Any], expected: bool
) -> None:
    for policy in (merseyside_policy, default_policy):
        assert screen(record, policy, AS_OF)["vulnerability_review"] is expected


def _policy(**changes: Any) -> Policy:
    data: dict[str, Any] = {
        "name": "custom",
        "team_email": "team@example.gov.uk",
        "team_phone": "0300 000 0000",
        "qualifying": {"report_within": "1 month", "lookback": "6 months"},
        "routes": {"individual": {"min_incidents": 3}},
    }
    data.update(changes)
    return policy_from_mapping(data)


def test_policy_file_variations() -> None:
    week = _policy(qualifying={"report_within": "7 days", "lookback": "6 months"})
    late = rec(OK, OK, inc("2026-10-01", "2026-10-09"))
    assert screen(late, week, AS_OF)["qualifying_incidents"] == 2
    hate_3m = _policy(routes={"hate": {"min_incidents": 1, "lookback": "3 months"}})
    assert (
        screen(rec(inc("2026-07-01", "2026-07-02"), hate=True), hate_3m, AS_OF)["outcome"]
        == "below_threshold"
    )
    two_with_hate = _policy(routes={"hate": {"min_incidents": 2}})
    assert screen(rec(OK, hate=True), two_with_hate, AS_OF)["outcome"] == "below_threshold"
    assert screen(rec(OK, OK, hate=True), two_with_hate, AS_OF)["routes_met"] == ["hate"]
    three_people = _policy(routes={"community": {"min_people": 3}})
    assert screen(rec(OK, others=2), three_people, AS_OF)["routes_possible"] == ["community"]
    recent = _policy(conditions={"last_report_within": "1 month"})
    old = rec(*[inc("2026-09-01", "2026-09-02")] * 3)
    assert screen(old, recent, AS_OF)["outcome"] == "below_threshold"
    closed = _policy(conditions={"staff_checks": ["the case has been closed"]})
    result = screen(rec(OK, OK, OK), closed, AS_OF)
    assert result["outcome"] == "needs_staff_check"
    assert any("case has been closed" in r for r in result["reasons"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"team_email": "x", "team_phone": "y", "routes": {"individual": {}}}, "name: is required"),
        ({"name": "x", "team_email": "x", "team_phone": "y", "routes": {}}, "at least one route"),
        ({"name": "x", "team_email": "x", "team_phone": "y",
          "routes": {"individual": {"min_incidents": 0}}}, "at least 1"),
        ({"name": "x", "team_email": "x", "team_phone": "y", "routes": {"individual": {}},
          "qualifying": {"report_within": "a fortnight"}}, "not a period"),
        ({"name": "x", "team_email": "x", "team_phone": "y", "routes": {"magic": {}}},
         "routes.magic: unknown key"),
    ],
)  # fmt: skip
def test_bad_policy_files_are_refused_clearly(data: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        policy_from_mapping(data)


def test_unknown_policy_name_lists_the_bundled_ones() -> None:
    with pytest.raises(PolicyError, match="bromley, default, herefordshire"):
        load_policy("atlantis")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"hate_motivated": False}, "at least one incident"),
        ({"incidents": [inc("2026-13-01", None)], "hate_motivated": False}, "YYYY-MM-DD"),
        ({"incidents": [{"reported_to": "police"}], "hate_motivated": False}, "list"),
        ({"incidents": [OK], "hate_motivated": "yes"}, "true or false"),
        ({"incidents": [OK], "hate_motivated": False, "other_reporters": -1}, "whole number"),
    ],
)
def test_bad_records_raise_screening_input_error(
    merseyside_policy: Policy, record: dict[str, Any], message: str
) -> None:
    with pytest.raises(ScreeningInputError, match=message):
        screen(record, merseyside_policy, AS_OF)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    # Christmas 2026: Fri 25 Dec, Boxing Day Sat 26 Dec with the holiday on Mon 28 Dec.
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)
    assert Period.parse("10 working days").after(dt.date(2026, 12, 18)) == dt.date(2027, 1, 6)
    assert Period.parse("1 month").after(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)


def test_acknowledge_by_follows_the_policy_timescale(default_policy: Policy) -> None:
    assert deadlines(default_policy, AS_OF) == {"acknowledge_by": "2026-11-25"}
    working = _policy(timescales={"acknowledge": "3 working days"})
    assert deadlines(working, dt.date(2026, 12, 24)) == {"acknowledge_by": "2026-12-31"}


def test_screen_command_prints_the_block_and_ignores_old_screening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = rec(OK, others=4)
    record["screening"] = {"outcome": "meets_threshold"}
    record["reference"] = "CR-OLD"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    code = main(["screen", str(path), "--policy", "merseyside", "--as-of", "2026-11-22"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["outcome"] == "needs_staff_check"
    assert printed["routes_met"] == []
    assert printed["routes_possible"] == ["community"]


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("{not json", [], "not valid JSON"),
        ("[]", [], "JSON object"),
        (json.dumps(rec()), [], "at least one incident"),
        (json.dumps(rec(OK)), ["--as-of", "22/11/2026"], "YYYY-MM-DD"),
        (json.dumps(rec(OK)), ["--policy", "nowhere"], "no policy"),
    ],
)
def test_screen_command_exits_2_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, args: list[str],
    message: str,
) -> None:  # fmt: skip
    path = tmp_path / "record.json"
    path.write_text(content)
    assert main(["screen", str(path), *args]) == 2
    assert message in capsys.readouterr().err


def test_screen_command_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "/nonexistent/record.json"]) == 2
    assert "no such file" in capsys.readouterr().err


def rough(earliest: str, latest: str, reported: str, said: str = "October") -> dict[str, Any]:
    """An incident whose date was given roughly, as the bot records it."""
    return {**inc(None, reported), "occurred_approximately": {
        "said": said, "precision": "month", "earliest": earliest, "latest": latest}}  # fmt: skip


@pytest.mark.parametrize(
    ("incident", "outcome", "qualifying", "words"),
    [
        # "early October", reported 3 October: every day it could be (1 to 3 October) counts.
        (rough("2026-10-01", "2026-10-31", "2026-10-03"), "meets_threshold", 3, "any day"),
        # "in the summer", reported 30 November: no day it could be is within a month.
        (rough("2026-06-01", "2026-08-31", "2026-11-30", "summer"), "below_threshold", 2,
         "no day"),
        # September, reported 20 October: some days count (from 20 September), some do not.
        (rough("2026-09-01", "2026-09-30", "2026-10-20", "September"), "needs_staff_check", 2,
         "Some days"),
    ],
)  # fmt: skip
def test_a_rough_incident_date_counts_when_every_day_it_could_be_counts(
    incident: dict[str, Any], outcome: str, qualifying: int, words: str
) -> None:
    result = screen(rec(OK, OK, incident), load_policy("default"), AS_OF)
    assert result["outcome"] == outcome
    assert result["qualifying_incidents"] == qualifying
    reason = next(r for r in result["reasons"] if r.startswith("Incident 3"))
    assert words in reason and "did not know when it happened" not in reason


def test_an_unreadable_rough_date_is_a_date_not_known() -> None:
    broken = {**inc(None, "2026-10-03"), "occurred_approximately": {"earliest": "soon"}}
    result = screen(rec(OK, OK, broken), load_policy("default"), AS_OF)
    assert result["outcome"] == "needs_staff_check"


def rough_report(occurred: str, earliest: str, latest: str) -> dict[str, Any]:
    """An incident whose report date was given roughly ("about a week later")."""
    return {**inc(occurred, None), "reported_approximately": {
        "said": "about a week later", "precision": "about", "earliest": earliest,
        "latest": latest}}  # fmt: skip


@pytest.mark.parametrize(
    ("incident", "outcome", "words"),
    [
        # 1 October, reported "about a week later": any of those days is within a month.
        (rough_report("2026-10-01", "2026-10-05", "2026-10-11"), "meets_threshold",
         "every day they could mean counts"),
        # 1 October, reported "about 5 weeks later": some days are in time, some are not.
        (rough_report("2026-10-01", "2026-10-29", "2026-11-04"), "needs_staff_check",
         "Some of the days they could mean count"),
    ],
)  # fmt: skip
def test_a_rough_report_date_counts_when_every_day_it_could_be_counts(
    incident: dict[str, Any], outcome: str, words: str
) -> None:
    result = screen(rec(OK, OK, incident), load_policy("default"), AS_OF)
    assert result["outcome"] == outcome
    assert any(words in reason for reason in result["reasons"])
