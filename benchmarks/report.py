"""Writes one benchmark's section of ``docs/benchmarks.md`` without touching the others.

Each benchmark owns the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``; a section that is
not there yet is appended. The machine line (date, cores, Python, SQLite) is written with every section so
that each table says where and when it was measured.
"""

from __future__ import annotations

import os
import platform
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Every figure here is written by a script in `benchmarks/` (`make bench` reruns them all). Figures are\n"
    "ratios against a baseline measured in the same run, so they hold across machines better than seconds do.\n"
)


def machine_line() -> str:
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.machine()}."
    )


def update_section(name: str, markdown: str, doc: Path = DOC) -> None:
    """Replace (or append) the section ``name`` of the benchmarks document with ``markdown``."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else HEADER
    block = f"<!-- {name}:start -->\n{markdown.rstrip()}\n\n_{machine_line()}_\n<!-- {name}:end -->"
    pattern = re.compile(rf"<!-- {re.escape(name)}:start -->.*?<!-- {re.escape(name)}:end -->", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
