"""Reads the archive for export: which articles each feed holds, and their rows.

``select_feeds`` makes one pass over light columns of every article and keeps, per feed, only the newest
``limit`` ids in a bounded heap, so memory stays flat however large the archive. Dates are compared as
instants (stored strings carry different UTC offsets and do not sort as text). Full rows are fetched
afterwards, feed by feed, with ``fetch_articles``. The connection is read-only (``PRAGMA query_only``) so an
export can run while a crawl writes to the same WAL database.
"""

from __future__ import annotations

import heapq
import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from crawler.storage.schema import Column, article_columns
from exports.dates import publication_date
from exports.slugs import safe_id, slugify

_BATCH = 500


@dataclass(frozen=True)
class SiteRow:
    """One row of ``sites``."""

    id: str
    name: str
    name_en: str | None
    url: str
    language: str | None
    feed_content: str
    feeds: tuple[str, ...] = ()
    """The site's own feeds as the registry lists them (``sites.feeds``)."""


@dataclass(frozen=True)
class ArticleRow:
    """The columns of ``articles`` a feed entry is built from."""

    id: int
    uid: str
    url: str
    canonical_url: str
    site: str
    title: str
    subtitle: str | None
    summary: str | None
    body: str
    body_html: str | None
    published: str | None
    modified: str | None
    first_seen: str
    last_seen: str
    authors: tuple[str, ...]
    category: str | None
    tags: tuple[str, ...]
    image: str | None
    agencies: tuple[str, ...]
    language: str | None
    story_id: int | None
    content_hash: str


_ROW_COLUMNS = article_columns(f.name for f in fields(ArticleRow))
"""The definitions (``crawler.storage.schema.ARTICLES``) of the columns ``ArticleRow`` holds."""
_ROW_SELECT = ", ".join(c.name for c in _ROW_COLUMNS)


@dataclass(frozen=True)
class Carrier:
    """A site that carried a copy of a story."""

    article_id: int
    site: str
    url: str
    first_seen: str


@dataclass
class Selection:
    """What each feed holds: article ids newest first, plus names and counts for the index."""

    sites: dict[str, SiteRow]
    all_ids: list[int] = field(default_factory=list)
    site_ids: dict[str, list[int]] = field(default_factory=dict)
    category_ids: dict[str, list[int]] = field(default_factory=dict)
    category_names: dict[str, str] = field(default_factory=dict)
    agency_ids: dict[str, list[int]] = field(default_factory=dict)
    agency_raw: dict[str, str] = field(default_factory=dict)
    site_counts: Counter[str] = field(default_factory=Counter)
    category_counts: Counter[str] = field(default_factory=Counter)
    agency_counts: Counter[str] = field(default_factory=Counter)
    story_count: int = 0


def open_archive(db_path: str | Path) -> sqlite3.Connection:
    """A read-only connection to an existing archive; FileNotFoundError when there is none."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"no archive at {path}")
    conn = sqlite3.connect(path, timeout=30)
    conn.row_factory = sqlite3.Row
    # Invalid UTF-8 in one row must not stop the export: it becomes U+FFFD.
    conn.text_factory = lambda data: data.decode("utf-8", "replace")
    conn.execute("PRAGMA query_only = ON")
    return conn


def _json_strings(raw: str | None) -> tuple[str, ...]:
    if not raw or raw == "[]":
        return ()
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str) and v.strip())


def load_sites(conn: sqlite3.Connection) -> dict[str, SiteRow]:
    # The connection is read-only, so an archive no crawl has opened since migration 004 has no ``feeds`` yet.
    has_feeds = any(c["name"] == "feeds" for c in conn.execute("PRAGMA table_info(sites)"))
    feeds = "feeds" if has_feeds else "'[]' AS feeds"
    rows = conn.execute(f"SELECT id, name, name_en, url, language, feed_content, {feeds} FROM sites ORDER BY id")
    return {
        r["id"]: SiteRow(
            r["id"], _str(r["name"]) or "", _str(r["name_en"]), _str(r["url"]) or "", _str(r["language"]),
            _str(r["feed_content"]) or "full", _json_strings(_str(r["feeds"])),
        )
        for r in rows
    }


class _Newest:
    """The ``limit`` largest (timestamp, id) pairs seen, in a min-heap."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.heap: list[tuple[float, int]] = []

    def add(self, key: tuple[float, int]) -> None:
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, key)
        elif key > self.heap[0]:
            heapq.heapreplace(self.heap, key)

    def ids(self) -> list[int]:
        return [article_id for _, article_id in sorted(self.heap, reverse=True)]


def _timestamp(published: str | None, first_seen: str | None) -> float:
    return publication_date(published, first_seen).timestamp()


def select_feeds(conn: sqlite3.Connection, limit: int) -> Selection:
    """One pass over the archive choosing the newest ``limit`` articles of every feed."""
    selection = Selection(sites=load_sites(conn))
    by_site: defaultdict[str, _Newest] = defaultdict(lambda: _Newest(limit))
    by_category: defaultdict[str, _Newest] = defaultdict(lambda: _Newest(limit))
    by_agency: defaultdict[str, _Newest] = defaultdict(lambda: _Newest(limit))
    combined = _Newest(limit)
    names: defaultdict[str, Counter[str]] = defaultdict(Counter)
    # story id -> (is the story's first article, -timestamp, -id): the smallest is the story's entry.
    representative: dict[int, tuple[bool, float, int]] = {}
    slugs: dict[str, str] = {}  # a few distinct categories over many rows
    rows = conn.execute(
        "SELECT a.id, a.site, a.category, a.agencies, a.story_id, a.published, a.first_seen,"
        " s.first_article_id FROM articles a LEFT JOIN stories s ON s.id = a.story_id"
    )
    for article_id, site, category, agencies, story_id, published, first_seen, first_article in rows:
        category, agencies, published, first_seen = _str(category), _str(agencies), _str(published), _str(first_seen)
        if site not in selection.sites:
            continue  # an article whose site row is missing cannot be credited
        key = (_timestamp(published, first_seen), article_id)
        by_site[site].add(key)
        selection.site_counts[site] += 1
        if category and category.strip():
            slug = slugs.get(category) or slugs.setdefault(category, slugify(category.strip()))
            by_category[slug].add(key)
            names[slug][category.strip()] += 1
            selection.category_counts[slug] += 1
        for agency in dict.fromkeys(_json_strings(agencies)):
            agency_dir = safe_id(agency)
            selection.agency_raw.setdefault(agency_dir, agency)
            by_agency[agency_dir].add(key)
            selection.agency_counts[agency_dir] += 1
        if story_id is None:
            combined.add(key)
            selection.story_count += 1
        else:
            # Prefer the article the story was first seen in, else the earliest copy.
            candidate = (article_id != first_article, key[0], article_id)
            current = representative.get(story_id)
            if current is None or candidate < current:
                representative[story_id] = candidate
    for _not_first, timestamp, article_id in representative.values():
        combined.add((timestamp, article_id))
    selection.story_count += len(representative)
    selection.all_ids = combined.ids()
    selection.site_ids = {k: v.ids() for k, v in sorted(by_site.items())}
    selection.category_ids = {k: v.ids() for k, v in sorted(by_category.items())}
    # The most frequent spelling names the category (ties: the smallest, for stability).
    selection.category_names = {k: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for k, c in names.items()}
    selection.agency_ids = {k: v.ids() for k, v in sorted(by_agency.items())}
    return selection


def _str(value: object) -> str | None:
    """A text column as str: SQLite's dynamic typing lets a crawler bug store a number or a blob there."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _value(column: Column, raw: object) -> object:
    """A stored value as ``ArticleRow`` holds it, by the column's definition: JSON arrays as tuples of strings,
    text as str (a NOT NULL one never None), a nullable integer None unless it is one."""
    if column.json_array:
        return _json_strings(_str(raw))
    if column.type == "INTEGER":
        return raw if column.primary_key or isinstance(raw, int) else None
    text = _str(raw)
    return text or "" if column.not_null else text


def _article(row: sqlite3.Row) -> ArticleRow:
    values: dict[str, Any] = {c.name: _value(c, row[c.name]) for c in _ROW_COLUMNS}
    return ArticleRow(**values)


def fetch_articles(conn: sqlite3.Connection, ids: list[int]) -> dict[int, ArticleRow]:
    """Full rows of ``ids``, by id."""
    found: dict[int, ArticleRow] = {}
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        marks = ",".join("?" * len(batch))
        for row in conn.execute(f"SELECT {_ROW_SELECT} FROM articles WHERE id IN ({marks})", batch):
            found[row["id"]] = _article(row)
    return found


def fetch_carriers(conn: sqlite3.Connection, story_ids: list[int]) -> dict[int, list[Carrier]]:
    """Every copy of each story, by story id, in the order they were stored."""
    carriers: defaultdict[int, list[Carrier]] = defaultdict(list)
    unique = sorted(set(story_ids))
    for start in range(0, len(unique), _BATCH):
        batch = unique[start : start + _BATCH]
        marks = ",".join("?" * len(batch))
        sql = (
            "SELECT id, story_id, site, canonical_url, first_seen FROM articles"
            f" WHERE story_id IN ({marks}) ORDER BY id"
        )
        for article_id, story_id, site, url, first_seen in conn.execute(sql, batch):
            carriers[story_id].append(Carrier(article_id, site, url, first_seen))
    return dict(carriers)
