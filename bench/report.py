"""What the benchmarks share: where tables go, the long variant, and honest figures.

Benchmarks write to build/bench/ (ignored by git); `make docs` copies the latest tables into
docs/benchmarks.md on purpose. A figure that could not be measured says so and why, never nan.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
LONG = os.environ.get("BENCH") == "long"
"""`make bench-long`: longer windows, more conversations, for steadier figures."""
MIN_SAMPLES = 20
"""Fewer timings than this make a p99 meaningless, so it is reported as not measured."""

Row = tuple[str, str, str]
"""(figure, value, target); target may be empty."""


def not_measured(reason: str) -> str:
    """The value of a figure that was not measured, with the reason."""
    return f"not measured: {reason}"


def percentiles(values: list[float], unit: str = "ms", why_few: str = "", digits: int = 1) -> str:
    """'p50 / p99 unit', or why there were too few timings to say (`why_few` may use {n})."""
    if len(values) < MIN_SAMPLES:
        reason = why_few.format(n=len(values)) if why_few else f"{len(values)} timings"
        return not_measured(f"{reason}, too few for a p99")
    cuts = statistics.quantiles(values, n=100)
    return f"{cuts[49]:.{digits}f} / {cuts[98]:.{digits}f} {unit}"


def write(name: str, command: str, rows: list[Row]) -> Path:
    """Print the table and write it to build/bench/<name>.md."""
    variant = "make bench-long" if LONG else "make bench"
    lines = ["| figure | measured | target |", "|---|---|---|"]
    lines += [f"| {figure} | {value} | {target} |" for figure, value, target in rows]
    table = "\n".join(lines)
    print(table)  # noqa: T201
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.md"
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    path.write_text(
        f"Measured by `{variant}` ({command}) on {time.strftime('%Y-%m-%d')}, {machine}:\n\n"
        f"{table}\n"
    )
    return path
