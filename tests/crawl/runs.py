"""Running ``akhbar crawl`` in a subprocess (the Twisted reactor runs once per process) and reading what it did."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Loopback test sites answer at once; these only make the crawl quick. Politeness tests override them.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO")


@dataclass
class Run:
    """One finished crawl: the process, and the stats the store pipeline recorded for it."""

    process: subprocess.CompletedProcess[str]
    stats: dict[str, Any]

    @property
    def log(self) -> str:
        return self.process.stderr

    def site(self, site_id: str, name: str) -> Any:
        return self.stats.get(f"akhbar/site/{site_id}/{name}", 0)


def crawl(registry: Path, db: Path, *args: str, since: str = "0", timeout: float = 120) -> Run:
    """``akhbar crawl --sites registry --db db --since 0`` with FAST settings, then ``args`` (``-s`` overrides)."""
    process = subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", "--sites", str(registry), "--db", str(db), "--since", since,
         *FAST, *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    return Run(process, last_run_stats(db))


def last_run_stats(db: Path) -> dict[str, Any]:
    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return json.loads(row[0]) if row and row[0] else {}


def stored_urls(db: Path, site: str) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT url FROM articles WHERE site = ?", (site,))}
    finally:
        conn.close()
