"""The one fixed-width table renderer of the models' command line and cards.

The tables are printed by ``python -m models`` and pasted into the model cards
unchanged, so they are aligned plain text that is also valid Markdown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any


def table(rows: Sequence[Mapping[str, Any]], keys: Sequence[str],
          signed: Collection[str] = ()) -> str:
    """``rows`` under the ``keys`` columns; floats to 4 places, with a sign in ``signed``."""
    cells = [[cell(row.get(key), signed=key in signed) for key in keys] for row in rows]
    widths = [max(len(key), *(len(r[i]) for r in cells)) for i, key in enumerate(keys)]

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    return "\n".join([line(keys), line(["-" * w for w in widths]), *map(line, cells)])


def cell(value: Any, signed: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:+.4f}" if signed else f"{value:.4f}"
    return str(value)
