"""Plain-text tables for the terminal that stay aligned when a column holds Arabic.

Arabic text is right-to-left: a terminal's bidi handling reorders a line around it, so Arabic columns are put
last on the line, where nothing after them can be displaced.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: combining marks (harakat) take none, wide CJK takes two."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """Rows as an aligned table; ``columns`` is (key, header) pairs, the last column is left unpadded."""
    cells = [[("" if row.get(key) is None else str(row.get(key))) for key, _ in columns] for row in rows]
    headers = [header for _, header in columns]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (widths[i] - display_width(v)) for i, v in enumerate(values[:-1])]
        return "  ".join([*padded, values[-1]]).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)
