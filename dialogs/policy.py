"""Local thresholds as data: load, validate and describe a council's policy file (TOML).

The bundled policies live in `dialogs/policies/`. A council writes its own file in the same
format and points `CASEREVIEW_POLICY` at it. docs/policies.md documents every key. The loader
is strict: an unknown key or a bad value is a `PolicyError` naming the file, the key and the
reason, because a misspelt `report_withn` silently meaning "no window" would screen wrongly.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from dialogs.calendar import Period
from dialogs.calendar import PeriodError

BUNDLED_DIR = Path(__file__).parent / "policies"
COUNTABLE_AGENCIES = ("council", "police", "housing_provider", "health")
"""Agencies a policy may count. `other` ("someone else") never counts."""
DEFAULT_AGENCIES = ("council", "police", "housing_provider")
COUNTS_FROM = ("report", "incident", "first_incident")
"""Which date a lookback window is measured on: the report, the incident, or the window
runs forward from the first incident."""
TIMESCALES = (
    "acknowledge",
    "threshold_decision",
    "meeting",
    "outcome_after_meeting",
    "outcome",
    "appeal",
    "escalation_response",
)


class PolicyError(ValueError):
    """A policy file that is missing, unreadable or breaks the format."""

    def __init__(self, source: str, key: str | None, reason: str) -> None:
        self.source, self.key, self.reason = source, key, reason
        where = ": ".join(part for part in (source, key) if part)
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True)
class Window:
    """A lookback: how far back from the request (or forward from the first incident)."""

    period: Period
    counts_from: str = "report"

    def __str__(self) -> str:
        if self.counts_from == "first_incident":
            return f"the {self.period} from the first incident"
        if self.counts_from == "incident":
            return f"the {self.period} before the request, by the date it happened"
        return f"the {self.period} before the request"


@dataclass(frozen=True)
class Route:
    """One way to meet the threshold: enough qualifying incidents within a lookback."""

    name: str
    min_incidents: int
    lookback: Period | None = None  # None: the policy's general lookback
    counts_from: str | None = None  # None: the policy's general counts_from
    min_hate_incidents: int = 0
    """Hate route only: how many of the `min_incidents` must be hate-motivated."""
    staff_checks: tuple[str, ...] = ()
    """Conditions of this route only staff can check (a count alone never meets it)."""


@dataclass(frozen=True)
class CommunityRoute:
    """Several people complained: counted in people, or in incidents by more than one person."""

    min_people: int
    min_incidents: int | None = None
    lookback: Period | None = None
    counts_from: str | None = None
    staff_checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    """Everything the bot needs to know about one area's ASB case review procedure."""

    name: str
    area: str
    team_name: str
    team_email: str
    team_phone: str
    team_address: str
    privacy_url: str
    counted_agencies: tuple[str, ...]
    report_within: Period | None
    lookback: Period
    individual: Route | None
    hate: Route | None
    community: CommunityRoute | None
    last_report_within: Period | None
    staff_checks: tuple[str, ...]
    vulnerability_review: bool
    acknowledge: Period
    timescales: dict[str, Period] = field(default_factory=dict)
    """Timescales other than `acknowledge`: outcome_after_meeting, appeal, escalation_response."""
    youth_offending_team: bool = False
    escalation: str | None = None
    """Words for residents on escalating to the Police and Crime Commissioner, if any."""
    keep_requests: Period = field(default_factory=lambda: Period(12, "months"))
    """How long this service keeps a submitted request (the team's own system keeps the case)."""
    keep_unfinished: Period = field(default_factory=lambda: Period(30, "days"))
    """How long an unfinished or abandoned conversation is kept."""
    counts_from: str = "report"
    last_incident_within: Period | None = None
    sources: tuple[str, ...] = ()
    """The published pages this policy encodes."""

    @property
    def has_community_route(self) -> bool:
        """True when residents are asked how many other people reported the behaviour."""
        return self.community is not None

    @property
    def community_min_people(self) -> int | None:
        """People (the resident included) the community route needs, or None without one."""
        return self.community.min_people if self.community else None

    @property
    def window(self) -> Window:
        """The general lookback every route uses unless it sets its own."""
        return Window(self.lookback, self.counts_from)

    def route_window(self, route: Route | CommunityRoute) -> Window:
        """The lookback one route uses."""
        return Window(route.lookback or self.lookback, route.counts_from or self.counts_from)


def bundled_names() -> list[str]:
    """The names of the policies shipped in dialogs/policies/."""
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))


def load_policy(name_or_path: str) -> Policy:
    """Load a bundled policy by name, or a policy file by path."""
    bundled = BUNDLED_DIR / f"{name_or_path}.toml"
    path = bundled if bundled.is_file() else Path(name_or_path)
    if not path.is_file():
        names = ", ".join(bundled_names())
        raise PolicyError(
            "",
            None,
            f"no policy called {name_or_path!r}: use one of {names}, or a file path",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(path), None, f"cannot read the file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(str(path), None, f"not valid TOML: {exc}") from exc
    return policy_from_mapping(data, source=str(path))


def policy_from_mapping(data: dict[str, Any], source: str = "policy") -> Policy:
    """Build and check a policy from the parsed TOML mapping."""
    return _Reader(source).policy(data)


_TOP = {
    "name", "area", "team_name", "team_email", "team_phone", "team_address", "privacy_url",
    "counted_agencies", "sources", "qualifying", "routes", "conditions", "vulnerability",
    "timescales", "notes", "retention",
}  # fmt: skip
_WINDOW = {"min_incidents", "lookback", "counts_from", "staff_checks"}
_TABLES = {
    "qualifying": {"report_within", "lookback", "counts_from"},
    "routes": {"individual", "hate", "community"},
    "routes.individual": _WINDOW,
    "routes.hate": _WINDOW | {"min_hate_incidents"},
    "routes.community": _WINDOW | {"min_people"},
    "conditions": {"last_report_within", "last_incident_within", "staff_checks"},
    "vulnerability": {"review"},
    "timescales": set(TIMESCALES),
    "notes": {"youth_offending_team", "escalation"},
    "retention": {"requests", "unfinished"},
}


class _Reader:
    """Reads one policy mapping, raising PolicyError with the file and the dotted key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str | None, reason: str) -> PolicyError:
        return PolicyError(self.source, key, reason)

    def table(self, data: dict[str, Any], path: str) -> dict[str, Any]:
        allowed = _TOP if path == "" else _TABLES[path]
        value = data if path == "" else self._lookup(data, path)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, "must be a table, like [" + path + "]")
        for key in value:
            if key not in allowed:
                full = f"{path}.{key}" if path else key
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                keys = ", ".join(sorted(allowed))
                raise self.fail(full, f"unknown key{hint}; this table takes {keys}")
        return value

    @staticmethod
    def _lookup(data: dict[str, Any], path: str) -> Any:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def text(self, table: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = table.get(key, default)
        full = f"{path}.{key}" if path else key
        if value is None:
            raise self.fail(full, "is required")
        if not isinstance(value, str) or (not value.strip() and default is None):
            raise self.fail(full, f"must be text, not {value!r}")
        return value

    def texts(self, table: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = table.get(key, [])
        full = f"{path}.{key}" if path else key
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(full, 'must be a list of text, like ["the case has been closed"]')
        return tuple(value)

    def period(self, table: dict[str, Any], key: str, path: str, *, none_ok: bool = False,
               default: str | None = None) -> Period | None:  # fmt: skip
        value = table.get(key, default)
        full = f"{path}.{key}" if path else key
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(full, f'must be a period in quotes, like "1 month", not {value!r}')
        if none_ok and value.strip().lower() == "none":
            return None
        try:
            return Period.parse(value)
        except PeriodError as exc:
            raise self.fail(full, str(exc)) from exc

    def whole(self, table: dict[str, Any], key: str, path: str, default: int | None) -> int | None:
        value = table.get(key, default)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(f"{path}.{key}", f"must be a whole number of at least 1, not {value!r}")
        return value

    def counts_from(self, table: dict[str, Any], path: str) -> str | None:
        value = table.get("counts_from")
        if value is not None and value not in COUNTS_FROM:
            raise self.fail(
                f"{path}.counts_from", f"{value!r} is not one of {', '.join(COUNTS_FROM)}"
            )
        return value

    def flag(self, table: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{path}.{key}", f"must be true or false, not {value!r}")
        return value

    def agencies(self, data: dict[str, Any]) -> tuple[str, ...]:
        value = data.get("counted_agencies", list(DEFAULT_AGENCIES))
        choices = ", ".join(COUNTABLE_AGENCIES)
        if not isinstance(value, list) or not value:
            raise self.fail("counted_agencies", f"must be a list chosen from {choices}")
        for agency in value:
            if agency == "other":
                raise self.fail(
                    "counted_agencies",
                    "'other' cannot be counted: a report to someone else is not a report to a "
                    f"relevant body; choose from {choices}",
                )
            if agency not in COUNTABLE_AGENCIES:
                raise self.fail("counted_agencies", f"{agency!r} is not one of {choices}")
        if len(set(value)) != len(value):
            raise self.fail("counted_agencies", "lists an agency twice")
        return tuple(value)

    def route(self, data: dict[str, Any], name: str) -> Route | None:
        path = f"routes.{name}"
        if self._lookup(data, path) is None:
            return None
        table = self.table(data, path)
        need = self.whole(table, "min_incidents", path, None)
        if need is None:  # no silent default: a route of 1 is a very different threshold
            raise self.fail(f"{path}.min_incidents", "is required")
        hate_need = 0
        if name == "hate":
            hate_need = self.whole(table, "min_hate_incidents", path, need) or need
            if hate_need > need:
                raise self.fail(
                    f"{path}.min_hate_incidents",
                    f"cannot be more than min_incidents ({need}): it says how many of those "
                    "incidents must be hate-motivated",
                )
        return Route(
            name=name,
            min_incidents=need,
            lookback=self.period(table, "lookback", path),
            counts_from=self.counts_from(table, path),
            min_hate_incidents=hate_need,
            staff_checks=self.texts(table, "staff_checks", path),
        )

    def community(self, data: dict[str, Any]) -> CommunityRoute | None:
        path = "routes.community"
        if self._lookup(data, path) is None:
            return None
        table = self.table(data, path)
        incidents = self.whole(table, "min_incidents", path, None)
        people = self.whole(table, "min_people", path, 2 if incidents else None)
        if people is None:
            raise self.fail(
                path, "needs min_people (people who complained, the resident included), "
                "or min_incidents (incidents reported by more than one person), or both"
            )  # fmt: skip
        if incidents is not None and people < 2:
            raise self.fail(f"{path}.min_people", "must be at least 2 when counting incidents")
        return CommunityRoute(
            min_people=people,
            min_incidents=incidents,
            lookback=self.period(table, "lookback", path),
            counts_from=self.counts_from(table, path),
            staff_checks=self.texts(table, "staff_checks", path),
        )

    def policy(self, data: dict[str, Any]) -> Policy:
        top = self.table(data, "")
        for name in _TABLES:
            self.table(data, name)
        qualifying = self.table(data, "qualifying")
        conditions = self.table(data, "conditions")
        timescales = self.table(data, "timescales")
        notes = self.table(data, "notes")
        retention = self.table(data, "retention")
        acknowledge = self.period(timescales, "acknowledge", "timescales", default="3 days")
        lookback = self.period(qualifying, "lookback", "qualifying", default="6 months")
        assert acknowledge is not None and lookback is not None
        escalation = notes.get("escalation")
        if escalation is not None and not isinstance(escalation, str):
            raise self.fail("notes.escalation", "must be text")
        policy = Policy(
            name=self.text(top, "name", ""),
            area=self.text(top, "area", "", "the council"),
            team_name=self.text(top, "team_name", "", "Community Safety Team"),
            team_email=self.text(top, "team_email", ""),
            team_phone=self.text(top, "team_phone", ""),
            team_address=self.text(top, "team_address", "", ""),
            privacy_url=self.text(top, "privacy_url", "", ""),
            counted_agencies=self.agencies(top),
            report_within=self.period(
                qualifying, "report_within", "qualifying", none_ok=True, default="none"
            ),
            lookback=lookback,
            counts_from=self.counts_from(qualifying, "qualifying") or "report",
            individual=self.route(data, "individual"),
            hate=self.route(data, "hate"),
            community=self.community(data),
            last_report_within=self.period(conditions, "last_report_within", "conditions"),
            last_incident_within=self.period(conditions, "last_incident_within", "conditions"),
            staff_checks=self.texts(conditions, "staff_checks", "conditions"),
            vulnerability_review=self.flag(
                self.table(data, "vulnerability"), "review", "vulnerability", True
            ),
            acknowledge=acknowledge,
            timescales={
                key: period
                for key in timescales
                if key != "acknowledge" and (period := self.period(timescales, key, "timescales"))
            },
            youth_offending_team=self.flag(notes, "youth_offending_team", "notes", False),
            escalation=escalation,
            keep_requests=self.period(retention, "requests", "retention", default="12 months")
            or Period(12, "months"),
            keep_unfinished=self.period(retention, "unfinished", "retention", default="30 days")
            or Period(30, "days"),
            sources=self.texts(top, "sources", ""),
        )
        if not (policy.individual or policy.hate or policy.community):
            raise self.fail("routes", "a policy needs at least one route under [routes]")
        return policy
