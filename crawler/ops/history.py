"""Crawl health over time: the ``runs`` and ``run_sites`` tables read back, with problems flagged.

Flags, per site and run:

- ``yield_zero``: no new or updated article although the site yielded some in one of the previous runs
  (``LOOKBACK`` runs back) — the typical sign of a changed layout, a moved feed or a block;
- ``blocked``: the crawl saw challenge pages (``akhbar/site/<id>/blocked``) or at least half of the answers
  were 401/403/429/503: ``crawler.fetch_policy.site_blocked``, the rule the run's own ``blocked`` status follows;
- ``extraction_failing``, ``sources_failing``, ``unreachable``: the status the run itself recorded;
- ``offline``: the whole run reached no site (``runs.status`` is ``offline``): every site carries this one flag
  and nothing else, since nothing is known of the sites themselves.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from crawler.fetch_policy import site_blocked
from crawler.ops.outage import OFFLINE
from crawler.ops.table import render_table

LOOKBACK = 3


@dataclass
class SiteRun:
    """One site in one run."""

    run_id: int
    started: str
    finished: str | None
    run_status: str
    site: str
    requests: int = 0
    responses: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    articles_found: int = 0
    stored: int = 0
    updated: int = 0
    duplicates: int = 0
    dropped: int = 0
    dropped_reasons: dict[str, int] = field(default_factory=dict)
    extraction_failed: int = 0
    blocked: int = 0
    errors: int = 0
    status: str = "ok"
    flags: list[str] = field(default_factory=list)

    @property
    def yield_(self) -> int:
        return self.stored + self.updated

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def blocked(row: SiteRun) -> bool:
    """``site_blocked`` of the row's counts: challenge pages were seen, or answers were mostly refusals.

    Read again from the counts, not from ``row.status``, so that runs recorded before the rule changed are
    judged by today's rule.
    """
    detail = {"blocked": row.blocked, **{f"status/{code}": count for code, count in row.statuses.items()}}
    return site_blocked({"responses": row.responses, "detail": detail})


def _site_run(record: sqlite3.Row) -> SiteRun:
    detail: dict[str, Any] = json.loads(record["detail"] or "{}")
    return SiteRun(
        run_id=record["run_id"],
        started=record["started"],
        finished=record["finished"],
        run_status=record["run_status"],
        site=record["site"],
        requests=record["requests"],
        responses=record["responses"],
        statuses={k.removeprefix("status/"): int(v) for k, v in detail.items() if k.startswith("status/")},
        articles_found=record["articles_found"],
        stored=record["stored"],
        updated=record["updated"],
        duplicates=record["duplicates"],
        dropped=record["dropped"],
        dropped_reasons={k.removeprefix("dropped/"): int(v) for k, v in detail.items() if k.startswith("dropped/")},
        extraction_failed=int(detail.get("extraction_failed", 0) or 0),
        blocked=int(detail.get("blocked", 0) or 0),
        errors=record["errors"],
        status=record["status"],
    )


def run_history(conn: sqlite3.Connection, *, runs: int = 10, site: str | None = None) -> list[SiteRun]:
    """The per-site rows of the last ``runs`` runs, newest first, each with its flags."""
    conn.row_factory = sqlite3.Row
    try:
        run_ids = [r[0] for r in conn.execute("SELECT id FROM runs ORDER BY id DESC LIMIT ?", (runs + LOOKBACK,))]
        if not run_ids:
            return []
        marks = ",".join("?" * len(run_ids))
        query = (
            "SELECT rs.*, r.started, r.finished, r.status AS run_status"
            " FROM run_sites rs JOIN runs r ON r.id = rs.run_id"
            f" WHERE rs.run_id IN ({marks})"
            + (" AND rs.site = ?" if site else "")
            + " ORDER BY rs.run_id DESC, rs.site"
        )
        records = conn.execute(query, [*run_ids, *([site] if site else [])]).fetchall()
    finally:
        conn.row_factory = None
    rows = [_site_run(r) for r in records]
    by_site: dict[str, list[SiteRun]] = {}
    for row in rows:  # newest first
        by_site.setdefault(row.site, []).append(row)
    for history in by_site.values():
        for index, row in enumerate(history):
            if row.run_status == OFFLINE:
                row.flags.append(OFFLINE)
                continue
            earlier = [prev for prev in history[index + 1 :] if prev.run_status != OFFLINE][:LOOKBACK]
            if row.yield_ == 0 and any(prev.yield_ > 0 for prev in earlier):
                row.flags.append("yield_zero")
            if blocked(row):
                row.flags.append("blocked")
            if row.status != "ok" and row.status not in row.flags:
                row.flags.append(row.status)
    shown = set(run_ids[:runs])
    return [row for row in rows if row.run_id in shown]


HISTORY_COLUMNS = [
    ("run_id", "run"),
    ("started", "started"),
    ("site", "site"),
    ("requests", "requests"),
    ("answers", "answers"),
    ("articles_found", "found"),
    ("stored", "new"),
    ("updated", "updated"),
    ("dropped", "dropped"),
    ("extraction_failed", "extract-fail"),
    ("errors", "errors"),
    ("flags", "flags"),
]


def _answers(row: SiteRun) -> str:
    return " ".join(f"{code}:{count}" for code, count in sorted(row.statuses.items())) or str(row.responses)


def render_history(rows: list[SiteRun]) -> str:
    """The run history as a table; flagged rows carry their flags in the last column."""
    table = [
        {**row.to_dict(), "answers": _answers(row), "flags": ",".join(row.flags) or "-", "started": row.started[:16]}
        for row in rows
    ]
    return render_table(table, HISTORY_COLUMNS)


def flagged_sites(rows: list[SiteRun]) -> dict[str, list[str]]:
    """The flags of each site in its most recent run shown that was not offline, for sites that have any."""
    latest: dict[str, list[str]] = {}
    for row in rows:  # newest first
        if row.run_status != OFFLINE:
            latest.setdefault(row.site, row.flags)
    return {site: flags for site, flags in latest.items() if flags}


def offline_runs(rows: list[SiteRun]) -> list[int]:
    """The runs shown that reached no site at all, newest first."""
    return list(dict.fromkeys(row.run_id for row in rows if row.run_status == OFFLINE))
