"""Print the conversation's lifecycle diagram (Mermaid), as embedded in docs/dialog.md.

Run `python -m dialogs.diagram --write` to refresh docs/dialog.md after changing the dialog.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dialogs.lifecycle import Lifecycle

START = "<!-- dialog-diagram:start -->"
END = "<!-- dialog-diagram:end -->"


def mermaid() -> str:
    """The diagram block generated from the lifecycle chart."""
    return f"```mermaid\n{Lifecycle:mermaid}```"


def embed(readme: str) -> str:
    """Document text with the diagram between the markers replaced by the current one."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{mermaid()}\n{END}{tail}"


if __name__ == "__main__":
    if "--write" in sys.argv:
        path = Path(__file__).parent.parent / "docs" / "dialog.md"
        path.write_text(embed(path.read_text()))
    else:
        sys.stdout.write(mermaid() + "\n")
