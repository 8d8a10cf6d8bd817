"""Read-only summaries of the archive for ``akhbar stats``: per site, per day, per agency, stories, runs."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ArchiveStats:
    """What ``akhbar stats`` prints (and ``--json`` dumps)."""

    articles: int = 0
    stories: int = 0
    per_site: list[dict[str, Any]] = field(default_factory=list)
    per_day: list[dict[str, Any]] = field(default_factory=list)
    per_agency: list[dict[str, Any]] = field(default_factory=list)
    top_stories: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def archive_stats(conn: sqlite3.Connection, *, days: int = 14, stories: int = 10, runs: int = 5) -> ArchiveStats:
    result = ArchiveStats()
    result.articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    result.stories = conn.execute("SELECT COUNT(*) FROM stories WHERE article_count > 0").fetchone()[0]
    result.per_site = _dicts(
        conn.execute(
            "SELECT a.site, COALESCE(s.name, a.site) AS name, COUNT(*) AS articles,"
            " MAX(COALESCE(a.published_utc, a.first_seen)) AS newest"
            " FROM articles a LEFT JOIN sites s ON s.id = a.site GROUP BY a.site ORDER BY articles DESC, a.site"
        )
    )
    result.per_day = _dicts(
        conn.execute(
            "SELECT substr(COALESCE(published_utc, first_seen), 1, 10) AS day, COUNT(*) AS articles"
            " FROM articles GROUP BY day ORDER BY day DESC LIMIT ?",
            (days,),
        )
    )
    result.per_agency = _dicts(
        conn.execute(
            "SELECT j.value AS agency, COUNT(*) AS articles FROM articles a, json_each(a.agencies) j"
            " GROUP BY j.value ORDER BY articles DESC, agency"
        )
    )
    result.top_stories = _dicts(
        conn.execute(
            "SELECT st.id AS story_id, st.article_count AS copies, st.first_site, st.agencies, a.title"
            " FROM stories st JOIN articles a ON a.id = st.first_article_id"
            " WHERE st.article_count > 1 ORDER BY st.article_count DESC, st.id DESC LIMIT ?",
            (stories,),
        )
    )
    for story in result.top_stories:
        story["agencies"] = json.loads(story["agencies"] or "[]")
    result.runs = _dicts(
        conn.execute(
            "SELECT r.id, r.started, r.finished, r.status,"
            " COALESCE(SUM(rs.requests), 0) AS requests, COALESCE(SUM(rs.stored), 0) AS stored,"
            " COALESCE(SUM(rs.updated), 0) AS updated, COALESCE(SUM(rs.dropped), 0) AS dropped,"
            " COALESCE(SUM(rs.errors), 0) AS errors"
            " FROM runs r LEFT JOIN run_sites rs ON rs.run_id = r.id GROUP BY r.id ORDER BY r.id DESC LIMIT ?",
            (runs,),
        )
    )
    return result


def run_sites(conn: sqlite3.Connection, run_id: int) -> list[dict[str, Any]]:
    """Per-site figures of one run."""
    return _dicts(conn.execute("SELECT * FROM run_sites WHERE run_id = ? ORDER BY site", (run_id,)))
