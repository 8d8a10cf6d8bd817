"""Taking a site's articles out of the archive, with everything derived from them, in one transaction.

``prune`` removes the site's articles, or only those published before a date (UTC; an article without a date
by when it was first seen), with their aliases, revisions, full-text rows, MinHash signatures and band keys.
The stories they were in are recounted from the copies left (first copy, first site, agencies, count), and a
story no copy is left in is deleted. Removing the whole site also removes its ``sites`` row and what the crawl
learned of its template; a registry site gets its row back at the next crawl. The exporter fingerprints each
feed's entries, so the next ``akhbar export`` rewrites every feed a removed article was in and leaves it out.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crawler.storage.db import write_transaction
from crawler.storage.stories import refresh_story

ARTICLE_TABLES = ("articles", "aliases", "revisions", "articles_fts", "minhashes", "lsh_bands")
"""Tables holding rows of the removed articles, in the order they are shown."""
SITE_TABLES = ("sites", "site_templates", "site_template_lines", "site_boilerplate_stripped")
"""Tables holding rows of the site itself, emptied when the whole site is removed."""


class UnknownSite(LookupError):
    """The archive has no such site; ``known`` lists the ids it has."""

    def __init__(self, site: str, known: list[str]) -> None:
        super().__init__(site)
        self.site = site
        self.known = known


@dataclass(frozen=True)
class PrunePlan:
    """What a prune removes (or removed): rows per table, and what becomes of the stories."""

    site: str
    before: date | None
    rows: dict[str, int] = field(default_factory=dict)
    """Rows per table, ARTICLE_TABLES then (for a whole site) SITE_TABLES."""
    stories_deleted: int = 0
    """Stories all of whose copies are removed."""
    stories_recounted: int = 0
    """Stories that keep other copies and are recounted."""

    @property
    def whole_site(self) -> bool:
        return self.before is None


def _selection(site: str, before: date | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause choosing the articles to remove, on ``articles``, and its parameters."""
    if before is None:
        return "site = :site", {"site": site}
    # Stored times are ISO text in UTC (``…+00:00``): they sort as text, and a date sorts before its own times.
    where = "site = :site AND COALESCE(published_utc, first_seen) < :before"
    return where, {"site": site, "before": before.isoformat()}


def plan_prune(conn: sqlite3.Connection, site: str, before: date | None = None) -> PrunePlan:
    """What ``prune`` would remove now; UnknownSite when the archive holds neither a row nor an article of it."""
    known = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM sites WHERE id = :site) OR EXISTS (SELECT 1 FROM articles WHERE site = :site)",
        {"site": site},
    ).fetchone()[0]
    if not known:
        ids = [row[0] for row in conn.execute("SELECT id FROM sites UNION SELECT DISTINCT site FROM articles")]
        raise UnknownSite(site, sorted(ids))
    where, params = _selection(site, before)
    chosen = f"SELECT id FROM articles WHERE {where}"
    rows = {"articles": conn.execute(f"SELECT COUNT(*) FROM articles WHERE {where}", params).fetchone()[0]}
    for table, column in (("aliases", "article_id"), ("revisions", "article_id"), ("articles_fts", "rowid"),
                          ("minhashes", "article_id"), ("lsh_bands", "article_id")):  # fmt: skip
        rows[table] = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} IN ({chosen})", params).fetchone()[0]
    if before is None:
        rows["sites"] = conn.execute("SELECT COUNT(*) FROM sites WHERE id = :site", params).fetchone()[0]
        for table in SITE_TABLES[1:]:
            rows[table] = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE site = :site", params).fetchone()[0]
    deleted, recounted = conn.execute(
        f"WITH hit AS (SELECT DISTINCT story_id FROM articles WHERE {where} AND story_id IS NOT NULL),"
        f" left_over AS (SELECT hit.story_id, (SELECT COUNT(*) FROM articles a WHERE a.story_id = hit.story_id"
        f"   AND a.id NOT IN ({chosen})) AS copies FROM hit)"
        " SELECT COALESCE(SUM(copies = 0), 0), COALESCE(SUM(copies > 0), 0) FROM left_over",
        params,
    ).fetchone()
    return PrunePlan(site, before, rows, int(deleted), int(recounted))


def prune(conn: sqlite3.Connection, site: str, before: date | None = None) -> PrunePlan:
    """Remove what ``plan_prune`` lists, in one write transaction; returns what was removed.

    Readers see the archive as it was until the transaction commits, then without the articles.
    """
    with write_transaction(conn):
        plan = plan_prune(conn, site, before)  # again, inside the transaction: what is removed is what is counted
        where, params = _selection(site, before)
        chosen = f"SELECT id FROM articles WHERE {where}"
        stories = [row[0] for row in conn.execute(
            f"SELECT DISTINCT story_id FROM articles WHERE {where} AND story_id IS NOT NULL", params
        )]  # fmt: skip
        conn.execute(f"DELETE FROM articles_fts WHERE rowid IN ({chosen})", params)
        for table in ("lsh_bands", "minhashes", "aliases", "revisions"):
            conn.execute(f"DELETE FROM {table} WHERE article_id IN ({chosen})", params)
        conn.execute(f"DELETE FROM articles WHERE {where}", params)
        for story_id in stories:
            if not refresh_story(conn, story_id):
                conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        if before is None:
            for table in SITE_TABLES[1:]:
                conn.execute(f"DELETE FROM {table} WHERE site = :site", params)
            conn.execute("DELETE FROM sites WHERE id = :site", params)
    return plan
