"""Copy the latest benchmark tables from build/bench/ into docs/benchmarks.md (`make docs`).

Benchmarks never write to committed files themselves; publishing their figures is a step
taken on purpose. Publishing the same tables twice changes nothing.
"""

from __future__ import annotations

from report import OUT  # bench/ is on sys.path when this runs as a script
from report import ROOT

PAGE = ROOT / "docs" / "benchmarks.md"
TABLES = ("conversation", "pipeline", "load", "keep_alive")


def embed(page: str, name: str, table: str) -> str:
    """The page with the text between this table's markers replaced by `table`."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    head, found, rest = page.partition(start)
    if not found:
        raise SystemExit(f"{PAGE} has no {start} marker")
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{table.strip()}\n{end}{tail}"


def main() -> None:
    """Publish every table that has been measured; say which were not."""
    page = PAGE.read_text(encoding="utf-8")
    for name in TABLES:
        source = OUT / f"{name}.md"
        if not source.exists():
            print(f"{source.relative_to(ROOT)} not found (run make bench): left as it was")  # noqa: T201
            continue
        page = embed(page, name, source.read_text(encoding="utf-8"))
    PAGE.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
