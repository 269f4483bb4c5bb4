"""The twelve researched policies, each at every boundary it states; the strict loader; the
statute (s.104) in the reasons and in `casereview policy check`; records of version 1 and 2."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.cli import main
from dialogs.policy import Policy
from dialogs.policy import PolicyError
from dialogs.policy import bundled_names
from dialogs.policy import load_policy
from dialogs.policy import policy_from_mapping
from dialogs.policy_check import statutory_warnings
from dialogs.screening import screen

AS_OF = dt.date(2026, 11, 22)
# Boundaries as of 22 November 2026: six months back is 22 May, three months back 22 August,
# one month back 22 October. October has 31 days, so "30 days" and "1 month" differ there.


def inc(occurred: str | None, reported: str | None, *to: str, hate: bool = False,
        what: str | None = None) -> dict[str, Any]:  # fmt: skip
    """One version 2 incident (a description of its own unless `what` is given)."""
    item: dict[str, Any] = {
        "occurred_on": occurred,
        "reported_on": reported,
        "reported_to": list(to or ["police"]),
        "hate_motivated": hate,
    }
    if what is not None:
        item["description"] = what
    return item


def rec(*incidents: dict[str, Any], others: int | None = None) -> dict[str, Any]:
    """A version 2 record: each incident carries its own hate flag."""
    numbered = [{"description": f"noise, time {n}", **i} for n, i in enumerate(incidents, 1)]
    return {
        "schema_version": "2",
        "incidents": numbered,
        "hate_motivated": any(i["hate_motivated"] for i in numbered),
        "other_reporters": others,
        "impact": None,
    }


OK = inc("2026-10-01", "2026-10-02")
HATE = inc("2026-10-10", "2026-10-11", hate=True)
RECENT = inc("2026-11-01", "2026-11-02")
THREE = rec(OK, OK, OK)
MEETS, CHECK, BELOW = "meets_threshold", "needs_staff_check", "below_threshold"

# (policy, case, record, outcome, routes, qualifying): "route?" is a route staff could find met.
CASES = [
    # lincolnshire: 3 in 6 months, each within 30 days, and the behaviour persists (staff).
    ("lincolnshire", "three, persistence is for staff", THREE, CHECK, ["individual?"], 3),
    ("lincolnshire", "reported 30 days after", rec(OK, OK, inc("2026-10-01", "2026-10-31")),
     CHECK, ["individual?"], 3),
    ("lincolnshire", "reported 31 days after", rec(OK, OK, inc("2026-10-01", "2026-11-01")),
     BELOW, [], 2),
    ("lincolnshire", "reported exactly six months ago",
     rec(OK, OK, inc("2026-05-20", "2026-05-22")), CHECK, ["individual?"], 3),
    ("lincolnshire", "six months and a day ago", rec(OK, OK, inc("2026-05-20", "2026-05-21")),
     BELOW, [], 2),
    ("lincolnshire", "the NHS is not counted", rec(OK, OK, inc("2026-10-01", "2026-10-02",
     "health")), BELOW, [], 2),
    ("lincolnshire", "no hate route", rec(HATE), BELOW, [], 1),
    # herefordshire: 3 reports in 6 months within 1 month; hate: 1 that happened in 6 months.
    ("herefordshire", "three, time to respond is for staff", THREE, CHECK, ["individual?"], 3),
    ("herefordshire", "reported one month after", rec(OK, OK, inc("2026-10-01", "2026-11-01")),
     CHECK, ["individual?"], 3),
    ("herefordshire", "a month and a day after", rec(OK, OK, inc("2026-10-01", "2026-11-02")),
     BELOW, [], 2),
    ("herefordshire", "the NHS counts", rec(OK, OK, inc("2026-10-01", "2026-10-02", "health")),
     CHECK, ["individual?"], 3),
    ("herefordshire", "hate incident exactly six months ago",
     rec(inc("2026-05-22", "2026-05-23", hate=True)), CHECK, ["hate?"], 1),
    ("herefordshire", "hate incident six months and a day ago, reported in time",
     rec(inc("2026-05-21", "2026-05-22", hate=True)), BELOW, [], 1),
    # oxford: 3 in 6 months; hate: 1 in 3 months; no effective action (staff).
    ("oxford", "three, no effective action is for staff", THREE, CHECK, ["individual?"], 3),
    ("oxford", "a month and a day after", rec(OK, OK, inc("2026-10-01", "2026-11-02")),
     BELOW, [], 2),
    ("oxford", "hate reported exactly three months ago",
     rec(inc("2026-08-20", "2026-08-22", hate=True)), CHECK, ["hate?"], 1),
    ("oxford", "hate reported three months and a day ago",
     rec(inc("2026-08-20", "2026-08-21", hate=True)), BELOW, [], 1),
    # bath-and-north-east-somerset: 3 in 6 months, no reporting window; 5 people.
    ("bath-and-north-east-somerset", "three", THREE, MEETS, ["individual"], 3),
    ("bath-and-north-east-somerset", "no window: reported three months after",
     rec(OK, OK, inc("2026-06-01", "2026-09-01")), MEETS, ["individual"], 3),
    ("bath-and-north-east-somerset", "six months and a day ago",
     rec(OK, OK, inc("2026-05-01", "2026-05-21")), BELOW, [], 2),
    ("bath-and-north-east-somerset", "five people", rec(OK, others=4), CHECK, ["community?"], 1),
    ("bath-and-north-east-somerset", "four people", rec(OK, others=3), BELOW, [], 1),
    ("bath-and-north-east-somerset", "no hate route", rec(HATE), BELOW, [], 1),
    # three-rivers: 3 in 6 months; 3 different people.
    ("three-rivers", "three", THREE, MEETS, ["individual"], 3),
    ("three-rivers", "three people", rec(OK, others=2), CHECK, ["community?"], 1),
    ("three-rivers", "two people", rec(OK, others=1), BELOW, [], 1),
    ("three-rivers", "six months and a day ago", rec(OK, OK, inc("2026-05-01", "2026-05-21")),
     BELOW, [], 2),
    # south-wales: 3 in 6 months; 1 hate; 5 incidents by more than one person.
    ("south-wales", "three", THREE, MEETS, ["individual"], 3),
    ("south-wales", "one hate incident", rec(HATE), MEETS, ["hate"], 1),
    ("south-wales", "incidents by more than one person", rec(OK, others=1),
     CHECK, ["community?"], 1),
    ("south-wales", "incidents by one person only", rec(OK, OK, others=0), BELOW, [], 2),
    ("south-wales", "exactly six months ago", rec(OK, OK, inc("2026-01-01", "2026-05-22")),
     MEETS, ["individual"], 3),
    # plymouth: 3 in 6 months and further actions (staff); hate: 2 reports, 1 hate; NHS counts.
    ("plymouth", "three, further actions are for staff", THREE, CHECK, ["individual?"], 3),
    ("plymouth", "hate and one more report", rec(HATE, OK), MEETS, ["hate"], 2),
    ("plymouth", "one hate report alone", rec(HATE), BELOW, [], 1),
    ("plymouth", "two reports, neither hate", rec(OK, OK), BELOW, [], 2),
    ("plymouth", "hate and a report to the NHS",
     rec(HATE, inc("2026-10-01", "2026-10-02", "health")), MEETS, ["hate"], 2),
    ("plymouth", "hate, and a report six months and a day ago",
     rec(HATE, inc("2026-05-01", "2026-05-21")), BELOW, [], 1),
    # shropshire: 3 in 6 months within a month; hate: 1 in 3 months.
    ("shropshire", "three", THREE, MEETS, ["individual"], 3),
    ("shropshire", "a month and a day after", rec(OK, OK, inc("2026-10-01", "2026-11-02")),
     BELOW, [], 2),
    ("shropshire", "hate reported exactly three months ago",
     rec(inc("2026-08-20", "2026-08-22", hate=True)), MEETS, ["hate"], 1),
    ("shropshire", "hate reported three months and a day ago",
     rec(inc("2026-08-20", "2026-08-21", hate=True)), BELOW, [], 1),
    ("shropshire", "the NHS counts", rec(OK, OK, inc("2026-10-01", "2026-10-02", "health")),
     MEETS, ["individual"], 3),
    # north-northamptonshire: both routes carry staff checks.
    ("north-northamptonshire", "three", THREE, CHECK, ["individual?"], 3),
    ("north-northamptonshire", "one hate incident", rec(HATE), CHECK, ["hate?"], 1),
    ("north-northamptonshire", "a month and a day after",
     rec(OK, OK, inc("2026-10-01", "2026-11-02")), BELOW, [], 2),
    # bromley: within 30 days; the last report in the month before the request; 5 people.
    ("bromley", "three, last report in the month", rec(OK, OK, RECENT), CHECK, ["individual?"],
     3),
    ("bromley", "last report exactly a month ago", rec(OK, OK, inc("2026-10-20", "2026-10-22")),
     CHECK, ["individual?"], 3),
    ("bromley", "last report a month and a day ago", THREE, BELOW, [], 3),
    ("bromley", "a recent report to someone else does not count",
     rec(OK, OK, OK, inc("2026-11-19", "2026-11-20", "other")), BELOW, [], 3),
    ("bromley", "reported 30 days after", rec(OK, RECENT, inc("2026-10-01", "2026-10-31")),
     CHECK, ["individual?"], 3),
    ("bromley", "reported 31 days after", rec(OK, RECENT, inc("2026-10-01", "2026-11-01")),
     BELOW, [], 2),
    ("bromley", "five people", rec(RECENT, others=4), CHECK, ["community?"], 1),
    # ashfield: 3 within 6 months of the first incident; the last incident in the last month.
    ("ashfield", "the third exactly six months after the first",
     rec(inc("2026-05-01", "2026-05-02"), inc("2026-08-01", "2026-08-02"),
         inc("2026-11-01", "2026-11-02")), CHECK, ["individual?"], 3),
    ("ashfield", "the third six months and a day after the first",
     rec(inc("2026-05-01", "2026-05-02"), inc("2026-08-01", "2026-08-02"),
         inc("2026-11-02", "2026-11-03")), BELOW, [], 2),
    ("ashfield", "the window starts at the first incident that counts most",
     rec(inc("2025-01-01", "2025-01-02"), OK, OK, RECENT), CHECK, ["individual?"], 3),
    ("ashfield", "last incident exactly a month ago",
     rec(OK, OK, inc("2026-10-22", "2026-10-23")), CHECK, ["individual?"], 3),
    ("ashfield", "last incident a month and a day ago",
     rec(OK, OK, inc("2026-10-21", "2026-10-22")), BELOW, [], 3),
    ("ashfield", "a month and a day after", rec(OK, RECENT, inc("2026-10-01", "2026-11-02")),
     BELOW, [], 2),
    # avon-and-somerset: 3 in 6 months within 1 month; 5 reports by more than one person; ICB.
    ("avon-and-somerset", "three", THREE, MEETS, ["individual"], 3),
    ("avon-and-somerset", "the ICB counts",
     rec(OK, OK, inc("2026-10-01", "2026-10-02", "health")), MEETS, ["individual"], 3),
    ("avon-and-somerset", "a month and a day after",
     rec(OK, OK, inc("2026-10-01", "2026-11-02")), BELOW, [], 2),
    ("avon-and-somerset", "reports by more than one person", rec(OK, others=1),
     CHECK, ["community?"], 1),
    ("avon-and-somerset", "reports by one person", rec(OK, others=0), BELOW, [], 1),
]  # fmt: skip


@pytest.fixture(scope="module")
def policies() -> dict[str, Policy]:
    return {name: load_policy(name) for name in bundled_names()}


@pytest.mark.parametrize(("name", "case", "record", "outcome", "routes", "qualifying"), CASES)
def test_bundled_policy_boundaries(policies: dict[str, Policy], name: str, case: str,
                                   record: dict[str, Any], outcome: str, routes: list[str],
                                   qualifying: int) -> None:  # fmt: skip
    result = screen(record, policies[name], AS_OF)
    assert result["outcome"] == outcome, result["reasons"]
    assert result["routes_met"] == [r for r in routes if not r.endswith("?")]
    assert result["routes_possible"] == [r[:-1] for r in routes if r.endswith("?")]
    assert result["qualifying_incidents"] == qualifying


def test_every_researched_policy_is_bundled_and_cites_its_source() -> None:
    researched = {
        "lincolnshire", "herefordshire", "oxford", "bath-and-north-east-somerset",
        "three-rivers", "south-wales", "plymouth", "shropshire", "north-northamptonshire",
        "bromley", "ashfield", "avon-and-somerset",
    }  # fmt: skip
    assert researched | {"default", "merseyside"} == set(bundled_names())
    assert researched == {name for name, *_ in CASES}
    for name in researched:
        policy = load_policy(name)
        text = (Path("dialogs/policies") / f"{name}.toml").read_text()
        assert policy.name == name
        assert policy.sources and all(url in text for url in policy.sources)
        assert "cannot express" in text


@pytest.mark.parametrize("name", bundled_names())
def test_policy_check_passes_on_every_bundled_policy(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "check", name]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Policy {name!r}") and "The policy loads" in out


def test_hate_route_counts_only_the_hate_incidents_that_qualify(
    policies: dict[str, Policy],
) -> None:
    # The example: a racist incident reported eight months ago, noise last month.
    record = rec(inc("2026-03-01", "2026-03-02", hate=True), inc("2026-10-20", "2026-10-21"))
    result = screen(record, policies["default"], AS_OF)
    assert result["outcome"] == BELOW
    assert any(r.startswith("Hate route not met: 0 hate-motivated") for r in result["reasons"])


def test_version_1_hate_answer_applies_to_every_incident(policies: dict[str, Policy]) -> None:
    v1 = {"incidents": [{"occurred_on": "2026-10-20", "reported_on": "2026-10-21",
                         "reported_to": ["police"], "description": "noise"}],
          "hate_motivated": True}  # fmt: skip
    assert screen(v1, policies["default"], AS_OF)["routes_met"] == ["hate"]
    v2 = {**v1, "schema_version": "2"}  # version 2 without an incident flag: not hate
    assert screen(v2, policies["default"], AS_OF)["routes_met"] == []


def test_two_incidents_sharing_date_and_description_are_flagged(
    policies: dict[str, Policy],
) -> None:
    same = inc("2026-10-01", "2026-10-02", what="Loud music at 2am")
    again = inc("2026-10-01", "2026-10-03", "council", what="loud music  at 2am")
    result = screen(rec(same, again, OK), policies["default"], AS_OF)
    assert result["outcome"] == CHECK
    assert result["routes_possible"] == ["individual"]
    assert any("incidents 1 and 2 have the same date" in r for r in result["reasons"])
    different = inc("2026-10-01", "2026-10-03", "council", what="Shouting in the street")
    assert screen(rec(same, different, OK), policies["default"], AS_OF)["outcome"] == MEETS


def test_reasons_say_when_the_act_is_met_whatever_local_conditions_say(
    policies: dict[str, Policy],
) -> None:
    # Bromley's extra condition fails (last report over a month ago), but the Act is met.
    result = screen(THREE, policies["bromley"], AS_OF)
    assert result["outcome"] == BELOW
    assert any(r.startswith("Under the Act (section 104)") for r in result["reasons"])
    assert "but the Act's own threshold is (see above)" in result["reasons"][-1]
    # Lincolnshire counts 30 days; the Act counts a month: 1 to 31 October qualifies.
    late = rec(OK, OK, inc("2026-10-01", "2026-11-01"))
    reasons = screen(late, policies["lincolnshire"], AS_OF)["reasons"]
    assert any("3 incidents here were reported" in r for r in reasons)
    checked = screen(THREE, policies["lincolnshire"], AS_OF)["reasons"]
    assert any(r.startswith("Individual route met on the count, if staff confirm it") and
               r.endswith("Staff need to check: the anti-social behaviour is still going on.")
               for r in checked)  # fmt: skip
    # The Act counts the health body even where the policy does not.
    nhs = rec(OK, OK, inc("2026-10-01", "2026-10-02", "health"))
    assert any("Under the Act" in r for r in screen(nhs, policies["oxford"], AS_OF)["reasons"])
    two = screen(rec(OK, OK), policies["bromley"], AS_OF)["reasons"]
    assert not any("Under the Act" in r for r in two)


def test_community_route_is_never_met_for_certain_nor_kept_when_a_condition_fails() -> None:
    policy = _policy(routes={"community": {"min_people": 3}},
                     conditions={"last_report_within": "1 month"})  # fmt: skip
    old = screen(rec(inc("2026-09-01", "2026-09-02"), others=5), policy, AS_OF)
    assert (old["outcome"], old["routes_met"], old["routes_possible"]) == (BELOW, [], [])
    fresh = screen(rec(RECENT, others=5), policy, AS_OF)
    assert (fresh["outcome"], fresh["routes_met"], fresh["routes_possible"]) == (
        CHECK, [], ["community"],
    )  # fmt: skip


def test_a_route_with_a_staff_check_stays_possible_beside_a_met_route() -> None:
    policy = _policy(routes={"individual": {"min_incidents": 3, "staff_checks": ["x"]},
                             "hate": {"min_incidents": 1}})  # fmt: skip
    result = screen(rec(HATE, OK, OK), policy, AS_OF)
    assert (result["routes_met"], result["routes_possible"]) == (["hate"], ["individual"])


def test_working_day_lookback_screens() -> None:
    # 20 working days back from Sunday 22 November 2026 is Monday 26 October.
    policy = _policy(qualifying={"report_within": "none", "lookback": "20 working days"})
    on_edge = rec(OK, OK, inc("2026-10-20", "2026-10-26"))
    assert screen(on_edge, policy, AS_OF)["qualifying_incidents"] == 1
    assert screen(rec(RECENT, RECENT, RECENT), policy, AS_OF)["outcome"] == MEETS
    assert (
        screen(rec(RECENT, RECENT, inc("2026-10-20", "2026-10-23")), policy, AS_OF)["outcome"]
        == BELOW
    )


def test_window_from_the_incident_with_unknown_dates() -> None:
    policy = _policy(qualifying={"report_within": "1 month", "counts_from": "incident"},
                     routes={"individual": {"min_incidents": 1}})  # fmt: skip
    assert screen(rec(inc(None, "2026-10-01")), policy, AS_OF)["outcome"] == CHECK
    assert screen(rec(inc(None, "2026-05-01")), policy, AS_OF)["outcome"] == BELOW
    assert screen(rec(inc("2026-06-01", None)), policy, AS_OF)["outcome"] == CHECK
    assert screen(rec(inc("2026-05-21", None)), policy, AS_OF)["outcome"] == BELOW


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


GOOD = """name = "x"
team_email = "a@example.gov.uk"
team_phone = "0300 000 0000"
[routes.individual]
min_incidents = 3
"""


@pytest.mark.parametrize(
    ("extra", "key", "reason"),
    [
        ('[qualifying]\nreport_withn = "1 month"\n', "qualifying.report_withn",
         "unknown key (did you mean 'report_within'?)"),
        ('[routes.hate]\nmin_incident = 2\n', "routes.hate.min_incident", "unknown key"),
        ('[routes.hate]\nlookback = "3 months"\n', "routes.hate.min_incidents", "is required"),
        ('counted_agencys = ["police"]\n', "counted_agencys", "unknown key"),
        ('[timescales]\nappeel = "21 days"\n', "timescales.appeel", "did you mean 'appeal'"),
        ('[routes.hate]\nmin_incidents = 0\n', "routes.hate.min_incidents", "at least 1"),
        ('[routes.hate]\nmin_incidents = "2"\n', "routes.hate.min_incidents", "whole number"),
        ('[routes.hate]\nmin_incidents = 1\nmin_hate_incidents = 2\n',
         "routes.hate.min_hate_incidents", "cannot be more than min_incidents"),
        ('[qualifying]\nlookback = "half a year"\n', "qualifying.lookback", "not a period"),
        ('[qualifying]\nlookback = 6\n', "qualifying.lookback", "in quotes"),
        ('[qualifying]\ncounts_from = "complaint"\n', "qualifying.counts_from",
         "not one of report, incident, first_incident"),
        ('[routes.community]\nlookback = "6 months"\n', "routes.community",
         "needs min_people"),
        ('[vulnerability]\nreview = "yes"\n', "vulnerability.review", "true or false"),
        ('[conditions]\nstaff_checks = "closed"\n', "conditions.staff_checks", "list of text"),
        ('notes = "hello"\n', "notes", "must be a table"),
    ],
)  # fmt: skip
def test_policy_file_errors_name_the_file_the_key_and_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, key: str, reason: str
) -> None:
    path = tmp_path / "mine.toml"
    head, routes = GOOD.split("[routes.individual]")
    top = "" if extra.startswith("[") else extra
    tables = extra if extra.startswith("[") else ""
    path.write_text(head + top + "[routes.individual]" + routes + tables)
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path))
    assert (caught.value.source, caught.value.key) == (str(path), key)
    assert reason in caught.value.reason
    assert main(["policy", "check", str(path)]) == 2
    assert f"{path}: {key}: " in capsys.readouterr().err


@pytest.mark.parametrize(
    ("agencies", "reason"),
    [('["police", "other"]', "'other' cannot be counted"), ('["police", "gp"]', "'gp' is not"),
     ("[]", "must be a list"), ('["police", "police"]', "twice")],
)  # fmt: skip
def test_counted_agencies_are_checked(tmp_path: Path, agencies: str, reason: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(f"counted_agencies = {agencies}\n" + GOOD)
    with pytest.raises(PolicyError, match="counted_agencies") as caught:
        load_policy(str(path))
    assert reason in caught.value.reason


def test_not_toml_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("name = \n")
    with pytest.raises(PolicyError, match=r"broken\.toml: not valid TOML"):
        load_policy(str(path))


@pytest.mark.parametrize(
    ("changes", "warning"),
    [
        ({"routes": {"individual": {"min_incidents": 4}}}, "no higher than 3"),
        ({"qualifying": {"report_within": "7 days"}}, "report_within is 7 days"),
        ({"qualifying": {"report_within": "30 days"}}, "in some months this is shorter"),
        ({"qualifying": {"lookback": "3 months"}}, "qualifying.lookback is 3 months"),
        ({"routes": {"individual": {"min_incidents": 3, "lookback": "90 days"}}},
         "routes.individual.lookback is 90 days"),
        ({"qualifying": {"counts_from": "incident"}}, "counts_from is 'incident'"),
        ({"conditions": {"last_report_within": "1 month"}}, "Extra condition"),
        ({"conditions": {"staff_checks": ["the case has been closed"]}},
         "Extra condition, a staff check: the case has been closed"),
        ({"routes": {"hate": {"min_incidents": 1}}}, "no [routes.individual]"),
        ({"counted_agencies": ["council", "police", "housing_provider"]}, "leaves out the NHS"),
    ],
)  # fmt: skip
def test_statutory_warnings(changes: dict[str, Any], warning: str) -> None:
    base = {"counted_agencies": ["council", "police", "housing_provider", "health"]}
    warnings = statutory_warnings(_policy(**{**base, **changes}))
    assert any(warning in w for w in warnings), warnings


def test_no_warning_for_a_policy_as_generous_as_the_act(
    capsys: pytest.CaptureFixture[str],
) -> None:
    policy = _policy(counted_agencies=["council", "police", "housing_provider", "health"],
                     qualifying={"report_within": "none", "lookback": "6 months"},
                     routes={"individual": {"min_incidents": 2},
                             "hate": {"min_incidents": 1, "lookback": "3 months"}})  # fmt: skip
    assert statutory_warnings(policy) == []
    assert main(["policy", "check", "avon-and-somerset"]) == 0
    assert "with 0 warning(s)" in capsys.readouterr().out


def test_policy_check_explains_in_plain_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", "plymouth"]) == 0
    out = capsys.readouterr().out
    assert "Hate route: 2 qualifying incidents, at least 1 of them hate-motivated." in out
    assert "the council, the police, the housing provider and the NHS" in out
    assert "Source: https://www.plymouth.gov.uk/" in out


@pytest.mark.parametrize("version", ["1", "2"])
def test_screen_command_with_a_bundled_policy_reads_both_record_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], version: str
) -> None:
    record = rec(inc("2026-08-20", "2026-08-23", hate=True))
    if version == "1":  # no per-incident flag, no version: the request-level answer applies
        del record["schema_version"]
        del record["incidents"][0]["hate_motivated"]
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    assert main(["screen", str(path), "--policy", "oxford", "--as-of", "2026-11-22"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["routes_possible"] == ["hate"]
    assert printed["outcome"] == CHECK


def test_screen_command_with_a_working_day_lookback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "working.toml"
    policy.write_text(GOOD + '[qualifying]\nlookback = "20 working days"\n')
    record = tmp_path / "record.json"
    record.write_text(json.dumps(rec(RECENT, RECENT, RECENT)))
    args = ["screen", str(record), "--policy", str(policy), "--as-of", "2026-11-22"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == MEETS


DAYS = st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), AS_OF))
AGENCIES = st.lists(st.sampled_from(["council", "police", "housing_provider", "health", "other"]),
                    min_size=1, max_size=3, unique=True)  # fmt: skip
INCIDENT = st.builds(
    lambda occurred, reported, to, hate, what: {
        "occurred_on": occurred and occurred.isoformat(),
        "reported_on": reported and max(reported, occurred or reported).isoformat(),
        "reported_to": to,
        "hate_motivated": hate,
        "description": what,
    },
    DAYS, DAYS, AGENCIES, st.booleans(), st.sampled_from(["noise", "shouting", "graffiti"]),
)  # fmt: skip


_bundled = functools.cache(load_policy)


@settings(max_examples=150, deadline=None)
@given(incidents=st.lists(INCIDENT, min_size=1, max_size=6),
       others=st.one_of(st.none(), st.integers(0, 8)))  # fmt: skip
def test_screening_invariants_under_every_bundled_policy(
    incidents: list[dict[str, Any]], others: int | None
) -> None:
    record = {"schema_version": "2", "incidents": incidents, "other_reporters": others,
              "hate_motivated": any(i["hate_motivated"] for i in incidents)}  # fmt: skip
    for name in bundled_names():
        result = screen(record, _bundled(name), AS_OF)
        met, possible = result["routes_met"], result["routes_possible"]
        assert not set(met) & set(possible)
        assert "community" not in met  # the bot cannot see other people's reports
        expected = MEETS if met else CHECK if possible else BELOW
        assert result["outcome"] == expected
        assert 0 <= result["qualifying_incidents"] <= len(incidents)
        assert all(isinstance(r, str) and r for r in result["reasons"])
