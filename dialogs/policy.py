"""Local thresholds as data: load, validate and describe a council's policy file (TOML).

The two bundled policies live in `dialogs/policies/`. A council writes its own file in the
same format and points `CASEREVIEW_POLICY` at it. docs/policies.md documents every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from dialogs.calendar import Period
from dialogs.calendar import PeriodError

BUNDLED_DIR = Path(__file__).parent / "policies"
AGENCIES = ("council", "police", "housing_provider", "other")


class PolicyError(ValueError):
    """A policy file that is missing, unreadable or breaks the format."""


@dataclass(frozen=True)
class Route:
    """One way to meet the threshold: enough qualifying incidents within a lookback."""

    name: str
    min_incidents: int
    lookback: Period | None = None  # None: the policy's general lookback


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
    community_min_people: int | None
    last_report_within: Period | None
    staff_checks: tuple[str, ...]
    vulnerability_review: bool
    acknowledge: Period
    timescales: dict[str, Period] = field(default_factory=dict)
    youth_offending_team: bool = False
    escalation: str | None = None
    keep_requests: Period = field(default_factory=lambda: Period(12, "months"))
    """How long this service keeps a submitted request (the team's own system keeps the case)."""
    keep_unfinished: Period = field(default_factory=lambda: Period(30, "days"))
    """How long an unfinished or abandoned conversation is kept."""

    @property
    def has_community_route(self) -> bool:
        """True when residents are asked how many other people reported the behaviour."""
        return self.community_min_people is not None


def load_policy(name_or_path: str) -> Policy:
    """Load a bundled policy by name, or a policy file by path."""
    bundled = BUNDLED_DIR / f"{name_or_path}.toml"
    path = bundled if bundled.is_file() else Path(name_or_path)
    if not path.is_file():
        names = ", ".join(sorted(p.stem for p in BUNDLED_DIR.glob("*.toml")))
        raise PolicyError(f"no policy called {name_or_path!r}: use one of {names}, or a file path")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc
    return policy_from_mapping(data, source=str(path))


def policy_from_mapping(data: dict[str, Any], source: str = "policy") -> Policy:
    """Build and check a policy from the parsed TOML mapping."""
    try:
        return _build(data)
    except (KeyError, TypeError, ValueError, PeriodError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise PolicyError(f"{source}: {detail}") from exc


def _period(value: Any, *, allow_none: bool = False) -> Period | None:
    if value is None or (allow_none and str(value).strip().lower() == "none"):
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected a period like '1 month', got {value!r}")
    return Period.parse(value)


def _positive(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{what} must be a whole number of at least 1")
    return value


def _route(name: str, table: dict[str, Any] | None) -> Route | None:
    if table is None:
        return None
    min_incidents = _positive(table.get("min_incidents", 1), f"routes.{name}.min_incidents")
    return Route(name, min_incidents, _period(table.get("lookback")))


def _build(data: dict[str, Any]) -> Policy:
    qualifying = data.get("qualifying", {})
    routes = data.get("routes", {})
    unknown_routes = set(routes) - {"individual", "hate", "community"}
    if unknown_routes:
        raise ValueError(f"unknown route(s): {', '.join(sorted(unknown_routes))}")
    agencies = tuple(data.get("counted_agencies", ["council", "police", "housing_provider"]))
    if not agencies or any(a not in AGENCIES for a in agencies):
        raise ValueError(f"counted_agencies must be chosen from {', '.join(AGENCIES)}")
    community = routes.get("community")
    community_min = None
    if community is not None:
        community_min = _positive(community.get("min_people"), "routes.community.min_people")
    conditions = data.get("conditions", {})
    timescales = data.get("timescales", {})
    notes = data.get("notes", {})
    acknowledge = _period(timescales.get("acknowledge", "3 days"))
    assert acknowledge is not None
    lookback = _period(qualifying.get("lookback", "6 months"))
    assert lookback is not None
    policy = Policy(
        name=str(data["name"]),
        area=str(data.get("area", "the council")),
        team_name=str(data.get("team_name", "Community Safety Team")),
        team_email=str(data["team_email"]),
        team_phone=str(data["team_phone"]),
        team_address=str(data.get("team_address", "")),
        privacy_url=str(data.get("privacy_url", "")),
        counted_agencies=agencies,
        report_within=_period(qualifying.get("report_within", "none"), allow_none=True),
        lookback=lookback,
        individual=_route("individual", routes.get("individual")),
        hate=_route("hate", routes.get("hate")),
        community_min_people=community_min,
        last_report_within=_period(conditions.get("last_report_within")),
        staff_checks=tuple(str(c) for c in conditions.get("staff_checks", [])),
        vulnerability_review=bool(data.get("vulnerability", {}).get("review", True)),
        acknowledge=acknowledge,
        timescales={
            k: p for k, v in timescales.items() if k != "acknowledge" and (p := _period(v))
        },
        youth_offending_team=bool(notes.get("youth_offending_team", False)),
        escalation=notes.get("escalation"),
        keep_requests=_period(data.get("retention", {}).get("requests", "12 months"))
        or Period(12, "months"),
        keep_unfinished=_period(data.get("retention", {}).get("unfinished", "30 days"))
        or Period(30, "days"),
    )
    if not (policy.individual or policy.hate or policy.has_community_route):
        raise ValueError("a policy needs at least one route under [routes]")
    return policy
