"""The end-of-run summary table: per site requests, new, updated, duplicates, errors, time, status, and what was
skipped, cut and dropped, and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.ops.table import render_table

SUMMARY_COLUMNS = [
    ("site", "site"),
    ("requests", "requests"),
    ("stored", "new"),
    ("updated", "updated"),
    ("duplicates", "dupes"),
    ("errors", "errors"),
    ("time", "time"),
    ("status", "status"),
    ("skipped", "skipped (why)"),
    ("cut", "cut (why)"),
    ("dropped", "dropped (why)"),
]
"""The columns with reasons come last: they are the widest, most variable ones."""
# Counted apart from ``dropped/<reason>`` by the stages that lose a page before it is an item.
_LOST_BEFORE_ITEM = ("extraction_failed", "extraction_timeout", "store_failed")
COUNTS = ("requests", "stored", "updated", "duplicates", "errors")
ROUTINE_SKIPS = ("known", "listed_twice")
"""Skips of an incremental crawl working as it should (stored already, listed by two sources): not shown."""


def _reasons(detail: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): int(v) for k, v in detail.items() if k.startswith(prefix) and v}


def _cell(total: int, reasons: Mapping[str, int]) -> str:
    if not reasons:
        return str(total)
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"{total} (" + ", ".join(f"{reason} {count}" for reason, count in ordered) + ")"


def dropped_cell(figures: Mapping[str, Any]) -> str:
    """``4 (too_short 3, no_title 1)``: the site's drops with their reasons, most frequent first."""
    total = int(figures.get("dropped", 0) or 0)
    detail = figures.get("detail", {}) or {}
    reasons = _reasons(detail, "dropped/")
    for reason in _LOST_BEFORE_ITEM:
        count = int(detail.get(reason, 0) or 0)
        if count:
            reasons[reason] = reasons.get(reason, 0) + count
            total += count
    return _cell(total, reasons)


def cut_cell(figures: Mapping[str, Any]) -> str:
    """``1200 (articles_per_site 1200)``: what the run's bounds left out for the site, by limit."""
    reasons = _reasons(figures.get("detail", {}) or {}, "cut/")
    return _cell(sum(reasons.values()), reasons)


def skipped_cell(figures: Mapping[str, Any]) -> str:
    """``4 (looks_like_listing 4)``: listed links the site's discovery did not fetch, by reason (the routine
    ``known`` and ``listed_twice`` left out)."""
    reasons = _reasons(figures.get("detail", {}) or {}, "skipped/")
    for routine in ROUTINE_SKIPS:
        reasons.pop(routine, None)
    return _cell(sum(reasons.values()), reasons)


def time_cell(seconds: Any) -> str:
    """``42s`` or ``3m05s``; empty when unknown."""
    if seconds is None:
        return ""
    whole = round(float(seconds))
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"


def summary_rows(sites: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per site from ``per_site_figures`` output."""
    rows: list[dict[str, Any]] = []
    for site, figures in sorted(sites.items()):
        row: dict[str, Any] = {"site": site, "status": figures.get("status", "ok")}
        for key in COUNTS:
            row[key] = int(figures.get(key, 0) or 0)
        queued = int((figures.get("detail") or {}).get("queued", 0) or 0)
        if queued:  # a process of a distributed crawl: its articles are stored by `akhbar ingest`
            row["stored"] = f"{row['stored']} ({queued} queued)"
        row["dropped"] = dropped_cell(figures)
        row["skipped"] = skipped_cell(figures)
        row["cut"] = cut_cell(figures)
        row["time"] = time_cell((figures.get("detail") or {}).get("seconds"))
        rows.append(row)
    return rows


def render_summary(sites: Mapping[str, Mapping[str, Any]]) -> str:
    """The summary table ``akhbar run`` prints at the end."""
    return render_table(summary_rows(sites), SUMMARY_COLUMNS)
