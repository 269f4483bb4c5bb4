"""Partnerships: several councils behind one deployment, each request routed by postcode.

A partnership file (TOML, `CASEREVIEW_PARTNERSHIP`) names the councils; each has its ONS GSS
code, its policy (loaded with `load_policy`), its team inbox and duty phone, the phone number
and address residents are given, its timescales and its name. The postcode table beside it
(built from ONSPD by `casereview postcodes`) says which council each postcode is in, and which
postcodes sit so near a boundary that the resident is asked. docs/partnerships.md has the format.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from functools import lru_cache
from pathlib import Path
from typing import Any

from dialogs.calendar import Period
from dialogs.calendar import PeriodError
from dialogs.parsing import Choice
from dialogs.policy import Policy
from dialogs.policy import PolicyError
from dialogs.policy import load_policy

BUNDLED_DIR = Path(__file__).parent / "partnerships"
_GSS = re.compile(r"^[ENSWL]\d{8}$")
_COUNCIL_KEYS = {"code", "name", "short_name", "policy", "team_email", "team_sms", "phone",
                 "address", "timescales", "team_name"}  # fmt: skip
_KEYS = {"name", "area", "phone", "address", "find_council_url", "postcodes", "postcode_letters",
         "councils", "neighbours"}  # fmt: skip
CANDIDATES = "council_candidates"
"""The answers' key for the councils a resident is asked to choose between."""


class PartnershipError(ValueError):
    """A partnership file that is missing, unreadable or breaks the format."""


@dataclass(frozen=True)
class Council:
    """One council of a partnership, with the policy its requests are screened and worded by."""

    code: str
    name: str
    short_name: str
    policy: Policy
    """The council's policy, with its own team inbox, phone, address, name and timescales."""
    team_email: str
    team_sms: str | None

    @property
    def choice(self) -> Choice:
        """This council as an option of the `council` question."""
        return Choice(self.code, self.short_name, (self.name.lower(), self.short_name.lower()))


@dataclass(frozen=True)
class Routed:
    """Where a postcode's request goes (contract section 6, `casereview route`)."""

    postcode: str
    council: Council | None
    candidates: tuple[Council, ...]
    in_area: bool
    placed_in: str | None = None
    """Outside the partnership: the name of the council the data places it in, if known."""

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON shape."""

        def brief(c: Council) -> dict[str, str]:
            return {"name": c.name, "code": c.code}

        return {
            "postcode": self.postcode,
            "council": brief(self.council) if self.council else None,
            "candidates": [brief(c) for c in self.candidates],
            "in_area": self.in_area,
        }


@dataclass(frozen=True)
class Partnership:
    """The councils of one deployment, and the postcode table that routes between them."""

    name: str
    area: str
    councils: tuple[Council, ...]
    policy: Policy
    """What residents are told before their council is known (shared threshold and phone)."""
    find_council_url: str
    neighbours: dict[str, str]
    postcodes_path: Path
    postcode_letters: tuple[str, ...]

    def council(self, code: str | None) -> Council | None:
        """The partnership's council with this GSS code."""
        return next((c for c in self.councils if c.code == code), None)

    @cached_property
    def table(self) -> dict[str, Any]:
        """The postcode table, read once (PartnershipError when missing: build it first)."""
        try:
            return _read_table(str(self.postcodes_path), self.postcodes_path.stat().st_mtime_ns)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PartnershipError(
                f"cannot read the postcode table {self.postcodes_path}: {exc}. "
                f"Build it with: casereview postcodes {self.name}"
            ) from exc

    @property
    def about(self) -> dict[str, Any]:
        """Where the postcode data came from, and its date."""
        return dict(self.table["about"])

    def route(self, postcode: str) -> Routed:
        """Where a request from `postcode` (any spacing) goes."""
        key = re.sub(r"\s+", "", postcode).upper()
        shown = f"{key[:-3]} {key[-3:]}"
        table = self.table
        if key in table["postcodes"]:
            found = table["postcodes"][key]
            indexes = found if isinstance(found, list) else [found]
            codes = [table["codes"][i] for i in indexes if i is not None]
        else:
            codes = []
        ours = [c for code in codes if (c := self.council(code))]
        if len(codes) == 1 and not ours:  # placed, and outside the partnership
            return Routed(shown, None, (), False, self.neighbours.get(codes[0]))
        if len(ours) == 1 and len(codes) == 1:
            return Routed(shown, ours[0], (), True)
        if not ours:  # not placed: the councils of its district are the plausible ones
            district = table["districts"].get(key[:-3], set())
            ours = [c for c in self.councils if c.code in district]
        if not ours:
            return Routed(shown, None, (), False)
        if len(ours) == 1:
            return Routed(shown, ours[0], (), True)
        return Routed(shown, None, tuple(ours), True)

    def outside(self, routed: Routed) -> str:
        """A kind answer for a postcode outside the partnership: who to ask, and where."""
        names = _listed([c.short_name for c in self.councils])
        where = (
            f"{routed.postcode} is in the area of {routed.placed_in}."
            if routed.placed_in
            else f"{routed.postcode} is not in {self.area}."
        )
        return (
            f"{where} This service is for people who live in {names}. Please ask the council "
            f"where you live about a case review. You can find it at {self.find_council_url}. "
            "If you typed your postcode wrongly, type it again."
        )

    def settle(self, answers: dict[str, Any], routed: Routed) -> None:
        """After a postcode: the council it settles, or the candidates to ask the resident
        about (keeping an earlier choice that is still one of them)."""
        if routed.council is not None:
            answers["council"] = routed.council.code
            answers.pop(CANDIDATES, None)
            return
        answers[CANDIDATES] = [[c.code, c.short_name] for c in routed.candidates]
        if answers.get("council") not in {c.code for c in routed.candidates}:
            answers.pop("council", None)

    def chosen(self, answers: dict[str, Any]) -> tuple[Council, str]:
        """The council a finished dialog's request goes to, and how it was chosen."""
        council = self.council(answers.get("council"))
        if council is None:  # a conversation begun before routing: the postcode decides now
            routed = self.route(answers.get("postcode") or "")
            council = routed.council or (routed.candidates or self.councils)[0]
            return council, "postcode"
        return council, "resident" if answers.get(CANDIDATES) else "postcode"


@lru_cache(maxsize=4)
def _read_table(path: str, mtime_ns: int) -> dict[str, Any]:
    """A postcode table with each district's councils worked out; one copy per process for
    every app that uses it (`mtime_ns`: a rebuilt file is read again)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    districts: dict[str, set[str]] = {}
    for postcode, codes in data["postcodes"].items():
        for index in codes if isinstance(codes, list) else [codes]:
            if index is not None:
                districts.setdefault(postcode[:-3], set()).add(data["codes"][index])
    data["districts"] = districts
    return data


def council_choices(answers: dict[str, Any]) -> tuple[Choice, ...]:
    """The councils the resident may choose from, as the `council` question's options."""
    return tuple(
        Choice(code, name, (name.lower(),)) for code, name in answers.get(CANDIDATES) or ()
    )


def council_block(council: Council, routed_by: str) -> dict[str, Any]:
    """The record's `council` block."""
    return {"name": council.name, "code": council.code, "routed_by": routed_by}


def _listed(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def load_partnership(name_or_path: str) -> Partnership:
    """Load a bundled partnership by name, or a partnership file by path."""
    bundled = BUNDLED_DIR / f"{name_or_path}.toml"
    path = bundled if bundled.is_file() else Path(name_or_path)
    if not path.is_file():
        names = ", ".join(sorted(p.stem for p in BUNDLED_DIR.glob("*.toml")))
        raise PartnershipError(
            f"no partnership called {name_or_path!r}: use one of {names}, or a file path"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PartnershipError(f"cannot read partnership file {path}: {exc}") from exc
    try:
        return _build(data, path)
    except (KeyError, TypeError, ValueError, PeriodError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise PartnershipError(f"{path}: {detail}") from exc


def _council(data: dict[str, Any], index: int) -> Council:
    where = f"councils[{index}]"
    unknown = set(data) - _COUNCIL_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    code = str(data["code"])
    if not _GSS.match(code):
        raise ValueError(f"{where}.code must be an ONS GSS code like E08000012, not {code!r}")
    name = str(data["name"])
    try:
        base = load_policy(str(data.get("policy", "default")))
    except PolicyError as exc:
        raise ValueError(f"{where}.policy: {exc}") from exc
    timescales = dict(data.get("timescales", {}))
    acknowledge = Period.parse(str(timescales.pop("acknowledge"))) if "acknowledge" in timescales \
        else base.acknowledge  # fmt: skip
    extra = {k: Period.parse(str(v)) for k, v in timescales.items()}
    email = str(data["team_email"])
    if "@" not in email:
        raise ValueError(f"{where}.team_email must be an email address, not {email!r}")
    policy = dataclasses.replace(
        base,
        area=name,
        team_name=str(data.get("team_name", f"{base.team_name} at {name}")),
        team_email=email,
        team_phone=str(data["phone"]),
        team_address=str(data.get("address", "")),
        acknowledge=acknowledge,
        timescales={**base.timescales, **extra},
    )
    return Council(code, name, str(data.get("short_name") or name), policy, email,
                   str(data.get("team_sms") or "") or None)  # fmt: skip


def _build(data: dict[str, Any], path: Path) -> Partnership:
    unknown = set(data) - _KEYS
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
    raw = data["councils"]
    if not isinstance(raw, list) or not raw:
        raise ValueError("[[councils]] must list at least one council")
    councils = tuple(_council(c, i) for i, c in enumerate(raw))
    codes = [c.code for c in councils]
    if len(set(codes)) != len(codes):
        raise ValueError("two councils have the same code")
    first = councils[0].policy
    area = str(data.get("area", first.area))
    shared = dataclasses.replace(
        first,
        area=area,
        team_name=str(data.get("team_name", "Community Safety Team")),
        team_phone=str(data.get("phone", first.team_phone)),
        team_address=str(data.get("address", "")),
    )
    return Partnership(
        name=str(data["name"]),
        area=area,
        councils=councils,
        policy=shared,
        find_council_url=str(data.get("find_council_url", "https://www.gov.uk/find-local-council")),
        neighbours={str(k): str(v) for k, v in data.get("neighbours", {}).items()},
        postcodes_path=path.parent / str(data.get("postcodes", f"{path.stem}.postcodes.json.gz")),
        postcode_letters=tuple(str(x).upper() for x in data.get("postcode_letters", [])),
    )
