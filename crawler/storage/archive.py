"""Writing articles into the archive with the three levels of dedupe, and the crawl bookkeeping tables.

Dedupe, in the order it is applied to each incoming article:
1. same canonical URL (or a known alias of it): update the row when the text changed, keeping the old title
   and body in ``revisions`` and the first-seen time; otherwise only ``last_seen`` moves;
2. same normalized text at another URL of the same site: no new row, the URL becomes an alias;
3. near-duplicate text on another site (MinHash/LSH): a row of its own that joins the other copy's story.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
import sqlite_utils

from crawler.extraction.template import WINDOW, SiteTemplate, strip_lines
from crawler.items import Article
from crawler.registry import Site
from crawler.storage import minhash
from crawler.storage.db import write_transaction
from crawler.storage.fingerprint import Fingerprint, fingerprint
from crawler.storage.schema import ARTICLE_CONTENT, ARTICLE_INSERTED, ARTICLE_UPDATED, insert_article_sql
from crawler.storage.search_index import TermCache, write_row
from crawler.storage.stories import StorySettings, rebuild_bands, record_banding, refresh_story, stored_banding
from crawler.text.arabic import content_hash
from crawler.text.dates import parse_iso

Action = Literal["new", "updated", "unchanged", "alias"]


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_utc(value: str | None) -> str | None:
    """An ISO 8601 time with offset as UTC (``…+00:00``), so that times from sites in different zones sort right;
    None for a value that is no time or no time UTC can hold (``9999-12-31T23:59:59-23:59`` is past year 9999)."""
    parsed = parse_iso(value, UTC, plausible=False)  # the one rule; what is stored was judged by normalize
    try:
        return parsed.astimezone(UTC).isoformat(timespec="seconds") if parsed is not None else None
    except (ValueError, OverflowError):
        return None


_UNWRITABLE = ("full", "disk i/o", "readonly", "read-only", "unable to open", "no space", "malformed",
               "not a database", "out of memory")  # fmt: skip


def archive_unwritable(exc: BaseException) -> bool:
    """Whether ``exc`` says the archive itself cannot be written (disk full, I/O error, read-only, corrupt),
    as opposed to one article the archive refuses: the former stops the crawl, the latter costs that article."""
    if isinstance(exc, OSError | MemoryError):
        return True
    if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.DataError | sqlite3.ProgrammingError
    ):
        message = str(exc).lower()
        return any(mark in message for mark in _UNWRITABLE)
    return False


STRIP_RECENT = 2 * WINDOW
"""How many of a site's latest articles are searched for a line that became its boilerplate: the window in
which the line was learned, twice over."""


def _boilerplate_by_site(articles: Sequence[Article]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for article in articles:
        if article.boilerplate_lines:
            out.setdefault(article.site, set()).update(article.boilerplate_lines)
    return out


@dataclass(frozen=True)
class StoreOutcome:
    """What storing one article did."""

    action: Action
    article_id: int
    story_id: int | None
    canonical_url: str


class Archive:
    """The archive's write side. Each ``store`` call is one transaction."""

    def __init__(self, db: sqlite_utils.Database, story: StorySettings | None = None) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.story = story or StorySettings()
        """How new articles are grouped into stories (the ``AKHBAR_STORY_*`` settings)."""
        self.search_terms = TermCache()
        """The vocabulary terms already stored (``crawler.storage.search_index``)."""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with write_transaction(self.conn):
            yield

    # -- sites -------------------------------------------------------------------------------------------

    def sync_sites(self, sites: Iterable[Site]) -> None:
        """Insert or update the ``sites`` rows from the registry (names, homepage, feeds, feed rights)."""
        rows = [
            {
                "id": s.id,
                "name": s.name,
                "name_en": s.name_en,
                "url": s.url,
                "country": s.country,
                "language": s.language,
                "timezone": s.timezone,
                "feed_content": s.feed_content,
                "feeds": json.dumps(list(s.feeds)),
            }
            for s in sites
        ]
        with self.transaction():
            self.db.table("sites").upsert_all(rows, pk="id")

    # -- articles ----------------------------------------------------------------------------------------

    def find(self, canonical_url: str) -> sqlite3.Row | None:
        """The stored article whose canonical URL, or one of whose aliases, is ``canonical_url``."""
        self.conn.row_factory = sqlite3.Row
        try:
            row: sqlite3.Row | None = self.conn.execute(
                "SELECT * FROM articles WHERE canonical_url = ?", (canonical_url,)
            ).fetchone()
            if row is None:
                row = self.conn.execute(
                    "SELECT articles.* FROM aliases JOIN articles ON articles.id = aliases.article_id"
                    " WHERE aliases.url = ?",
                    (canonical_url,),
                ).fetchone()
            return row
        finally:
            self.conn.row_factory = None

    def last_seen(self, urls: Iterable[str]) -> dict[str, datetime]:
        """For the ``urls`` (canonical form) that are stored, as articles or aliases, when they were last fetched."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, datetime] = {}
        for start in range(0, len(wanted), 400):
            chunk = wanted[start : start + 400]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT canonical_url, last_seen FROM articles WHERE canonical_url IN ({marks})"
                f" UNION ALL SELECT aliases.url, articles.last_seen FROM aliases"
                f" JOIN articles ON articles.id = aliases.article_id WHERE aliases.url IN ({marks})",
                chunk + chunk,
            )
            for url, seen in rows:
                found[url] = datetime.fromisoformat(seen)
        return found

    def store(
        self, articles: Sequence[Article], fingerprints: Sequence[Fingerprint | None] | None = None
    ) -> list[StoreOutcome]:
        """Store a batch of normalized, validated articles in one transaction.

        ``fingerprints[i]`` (else ``articles[i].fingerprint``) is used for article i when it was computed from its
        current title and body; otherwise the archive computes it, and only for an article it inserts.
        """
        given = fingerprints if fingerprints is not None else [a.fingerprint for a in articles]
        if len(given) != len(articles):
            raise ValueError(f"{len(articles)} articles but {len(given)} fingerprints")
        with self.search_terms.transaction(), self.transaction():
            outcomes = [self._store_one(article, fp) for article, fp in zip(articles, given, strict=True)]
            for site, keys in _boilerplate_by_site(articles).items():
                self._strip_learned_boilerplate(site, keys)
            return outcomes

    def _store_one(self, a: Article, fp: Fingerprint | None) -> StoreOutcome:
        assert a.canonical_url, "the normalize pipeline sets canonical_url"
        now = utcnow()
        if fp is not None and not fp.fits(a.title, a.body):
            fp = None
        digest = a.content_hash or (fp.content_hash if fp is not None else content_hash(a.title, a.body))
        existing = self.find(a.canonical_url)
        if existing is not None:
            if existing["content_hash"] == digest and existing["title"] == a.title:
                self.conn.execute("UPDATE articles SET last_seen = ? WHERE id = ?", (now, existing["id"]))
                return StoreOutcome("unchanged", existing["id"], existing["story_id"], existing["canonical_url"])
            return self._update(existing, a, digest, now, fp)
        twin = self.conn.execute(
            "SELECT id, story_id, canonical_url FROM articles WHERE site = ? AND content_hash = ? LIMIT 1",
            (a.site, digest),
        ).fetchone()
        if twin is not None:
            self.conn.execute(
                "INSERT OR IGNORE INTO aliases (url, article_id, reason, first_seen) VALUES (?, ?, 'same_text', ?)",
                (a.canonical_url, twin[0], now),
            )
            return StoreOutcome("alias", twin[0], twin[1], twin[2])
        return self._insert(a, digest, now, fp)

    def _columns(self, a: Article, digest: str) -> dict[str, Any]:
        """The content columns (``ARTICLE_CONTENT``) of ``a``: the article's attribute of the same name, unless
        the column is derived or stored in another form here."""
        derived: dict[str, Any] = {
            "title": a.title or "",
            "body_html": a.body_html or None,
            "published_utc": to_utc(a.published),
            "authors": json.dumps(a.authors, ensure_ascii=False),
            "tags": json.dumps(a.tags, ensure_ascii=False),
            "agencies": json.dumps(a.agencies),
            "content_hash": digest,
        }
        return {name: derived[name] if name in derived else getattr(a, name) for name in ARTICLE_CONTENT}

    def _insert(self, a: Article, digest: str, now: str, fp: Fingerprint | None) -> StoreOutcome:
        fp = fp or fingerprint(a.title, a.body)
        sig = fp.signature_array()
        keys = self.story.band_keys(sig, fp.band_keys) if sig is not None else []
        # The story is settled before the article row is written, so that the row is written once: updating
        # story_id afterwards rewrites the whole row, body and all, which cost as much as inserting it.
        joined = self._matching_story(sig, keys) if sig is not None else None
        story_id = joined if joined is not None else self._new_story(a, now)
        values = self._columns(a, digest) | {
            "uid": str(uuid.uuid4()), "first_seen": now, "last_seen": now, "story_id": story_id,
        }  # fmt: skip
        cursor = self.conn.execute(insert_article_sql(ARTICLE_INSERTED), [values[name] for name in ARTICLE_INSERTED])
        article_id = int(cursor.lastrowid or 0)
        if joined is None:
            self.conn.execute("UPDATE stories SET first_article_id = ? WHERE id = ?", (article_id, story_id))
        self._index_text(article_id, fp)
        if sig is not None:
            self._save_signature(article_id, sig, keys)
        if joined is not None:
            self._refresh_story(story_id)
        return StoreOutcome("new", article_id, story_id, a.canonical_url or "")

    def _update(self, row: sqlite3.Row, a: Article, digest: str, now: str, fp: Fingerprint | None) -> StoreOutcome:
        self.conn.execute(
            "INSERT INTO revisions (article_id, title, body, modified, content_hash, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row["id"], row["title"], row["body"], row["modified"], row["content_hash"], now),
        )
        cols = self._columns(a, digest)
        # The row keeps its key, uid, first_seen, story and the publication date first recorded when the page
        # stops giving one; the modified time is the page's own, else now.
        cols["canonical_url"] = row["canonical_url"]
        cols["published"] = a.published or row["published"]
        cols["published_utc"] = to_utc(cols["published"])
        cols["modified"] = a.modified or now
        cols["last_seen"] = now
        assignments = ", ".join(f"{name} = ?" for name in ARTICLE_UPDATED)
        self.conn.execute(
            f"UPDATE articles SET {assignments} WHERE id = ?", [*(cols[name] for name in ARTICLE_UPDATED), row["id"]]
        )
        fp = fp or fingerprint(a.title, a.body)
        self._index_text(row["id"], fp, replace=True)
        # The edited text is what later copies are compared with, and the story's dates and agencies may have
        # moved; the article stays in its story (``akhbar recluster`` regroups with the current text).
        self.conn.execute("DELETE FROM lsh_bands WHERE article_id = ?", (row["id"],))
        self.conn.execute("DELETE FROM minhashes WHERE article_id = ?", (row["id"],))
        sig = fp.signature_array()
        if sig is not None:
            self._save_signature(row["id"], sig, list(fp.band_keys))
        if row["story_id"] is not None:
            self._refresh_story(row["story_id"])
        return StoreOutcome("updated", row["id"], row["story_id"], row["canonical_url"])

    def _index_text(self, article_id: int, fp: Fingerprint, *, replace: bool = False) -> None:
        if replace:
            self.conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
        write_row(self.conn, article_id, fp.search_title, fp.search_body, fp.stem_title, fp.stem_body, fp.terms,
                  self.search_terms)  # fmt: skip

    # -- site templates ----------------------------------------------------------------------------------

    def load_templates(self) -> dict[str, SiteTemplate]:
        """What earlier runs learned of each site's template."""
        pages = dict(self.conn.execute("SELECT site, pages FROM site_templates").fetchall())
        counts: dict[str, dict[int, int]] = {site: {} for site in pages}
        for site, key, seen in self.conn.execute("SELECT site, line_key, pages FROM site_template_lines"):
            if site in counts:
                counts[site][int(key)] = int(seen)
        return {site: SiteTemplate(pages=int(pages[site]), counts=counts[site]) for site in pages}

    def save_templates(self, templates: dict[str, SiteTemplate]) -> None:
        """Replace the stored templates of these sites (lines seen on one page only are not kept)."""
        now = utcnow()
        with self.transaction():
            for site, template in templates.items():
                self.conn.execute("DELETE FROM site_template_lines WHERE site = ?", (site,))
                self.conn.execute(
                    "INSERT OR REPLACE INTO site_templates (site, pages, updated) VALUES (?, ?, ?)",
                    (site, template.pages, now),
                )
                self.conn.executemany(
                    "INSERT INTO site_template_lines (site, line_key, pages) VALUES (?, ?, ?)",
                    [(site, key, n) for key, n in template.counts.items() if n >= 2],
                )

    def _strip_learned_boilerplate(self, site: str, keys: set[int]) -> None:
        """Take lines that became the site's boilerplate out of the site's recent stored articles, once per line:
        the articles stored before the crawl had seen enough pages to know the line was the template's."""
        done = {k for (k,) in self.conn.execute("SELECT line_key FROM site_boilerplate_stripped WHERE site = ?",
                                                 (site,))}  # fmt: skip
        fresh = frozenset(keys - done)
        if not fresh:
            return
        rows = self.conn.execute(
            "SELECT id, title, body, body_html FROM articles WHERE site = ? ORDER BY id DESC LIMIT ?",
            (site, STRIP_RECENT),
        ).fetchall()
        changed = 0
        for article_id, title, body, body_html in rows:
            new_body, new_html = strip_lines(body, body_html or "", fresh)
            if new_body == body or not new_body.strip():
                continue
            fp = fingerprint(title, new_body)
            self.conn.execute(
                "UPDATE articles SET body = ?, body_html = ?, content_hash = ? WHERE id = ?",
                (new_body, new_html or None, fp.content_hash, article_id),
            )
            self._index_text(article_id, fp, replace=True)
            self.conn.execute("DELETE FROM lsh_bands WHERE article_id = ?", (article_id,))
            self.conn.execute("DELETE FROM minhashes WHERE article_id = ?", (article_id,))
            sig = fp.signature_array()
            if sig is not None:
                self._save_signature(article_id, sig, list(fp.band_keys))
            changed += 1
        now = utcnow()
        self.conn.executemany(
            "INSERT OR REPLACE INTO site_boilerplate_stripped (site, line_key, articles, stripped_at)"
            " VALUES (?, ?, ?, ?)",
            [(site, key, changed, now) for key in fresh],
        )

    # -- stories -----------------------------------------------------------------------------------------

    def _matching_story(self, sig: np.ndarray, keys: list[int]) -> int | None:
        """The story of the most similar stored article above the threshold, among the LSH candidates.

        A band key that more than ``self.story.hot_band`` (64) stored articles share comes from phrases common to the
        language ("وقال إن", "في حين أن"), not from one story: it is left out of the lookup. Otherwise every
        article would be compared with a fixed share of the whole archive, and storing would slow down as the
        archive grows (measured: 1,000 candidates per article at 20,000 articles). Counting stops at the limit,
        so a common key costs the same however common it is.
        """
        values = ",".join(["(?)"] * len(keys))
        candidates = self.conn.execute(
            f"WITH keys(k) AS (VALUES {values}),"
            " usable(k) AS (SELECT k FROM keys WHERE"
            "  (SELECT COUNT(*) FROM (SELECT 1 FROM lsh_bands WHERE band_key = keys.k LIMIT ?)) <= ?)"
            " SELECT m.article_id, m.signature FROM minhashes m WHERE m.article_id IN"
            " (SELECT article_id FROM lsh_bands WHERE band_key IN (SELECT k FROM usable))",
            [*keys, self.story.hot_band + 1, self.story.hot_band],
        ).fetchall()
        match = minhash.best_match(sig, candidates, self.story.threshold)
        if match is None:
            return None
        (story_id,) = self.conn.execute("SELECT story_id FROM articles WHERE id = ?", (match[0],)).fetchone()
        return int(story_id)

    def _new_story(self, a: Article, now: str) -> int:
        """A story of one, written as _refresh_story would compute it; its first article id is set once known."""
        cursor = self.conn.execute(
            "INSERT INTO stories (first_site, first_published, agencies, article_count, created)"
            " VALUES (?, ?, ?, 1, ?)",
            (a.site, a.published or now, json.dumps(list(dict.fromkeys(a.agencies))), utcnow()),
        )
        return int(cursor.lastrowid or 0)

    def _refresh_story(self, story_id: int) -> None:
        """Recompute a story's first publisher, copy count and credited agencies from its articles."""
        refresh_story(self.conn, story_id)

    def ensure_minhash_scheme(self, batch: int = 500) -> int:
        """Recompute every stored signature when they were made with another MinHash scheme; returns how many.

        Run by the archive's writer (the store pipeline, ``akhbar ingest``) when it opens the archive. Band keys
        of another banding than ``self.story``'s are rebuilt too, from the stored signatures (not counted).
        """
        row = self.conn.execute("SELECT value FROM archive_meta WHERE key = 'minhash_scheme'").fetchone()
        if row is not None and row[0] == minhash.SCHEME:
            if stored_banding(self.conn) != self.story.banding:
                with self.transaction():
                    rebuild_bands(self.conn, self.story)
            return 0
        rebuilt = 0
        with self.transaction():
            self.conn.execute("DELETE FROM lsh_bands")
            self.conn.execute("DELETE FROM minhashes")
            last = 0
            while True:
                rows = self.conn.execute(
                    "SELECT id, body FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
                ).fetchall()
                if not rows:
                    break
                for article_id, body in rows:
                    sig = minhash.signature(body)
                    if sig is not None:
                        self._save_signature(article_id, sig)
                        rebuilt += 1
                last = rows[-1][0]
            self.conn.execute(
                "INSERT OR REPLACE INTO archive_meta (key, value) VALUES ('minhash_scheme', ?)", (minhash.SCHEME,)
            )
            record_banding(self.conn, self.story)
        return rebuilt

    def _save_signature(self, article_id: int, sig: np.ndarray, keys: Sequence[int] | None = None) -> None:
        keys = self.story.band_keys(sig, keys)
        self.conn.execute(
            "INSERT INTO minhashes (article_id, signature) VALUES (?, ?)", (article_id, minhash.to_blob(sig))
        )
        self.conn.executemany(
            "INSERT INTO lsh_bands (band_key, article_id) VALUES (?, ?)", [(k, article_id) for k in keys]
        )

    # -- conditional GET ---------------------------------------------------------------------------------

    def http_validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.conn.execute("SELECT etag, last_modified FROM http_cache WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_http_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.conn.execute(
            "INSERT INTO http_cache (url, etag, last_modified, checked) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,"
            " checked = excluded.checked",
            (url, etag, last_modified, utcnow()),
        )

    # -- runs --------------------------------------------------------------------------------------------

    def recover_interrupted_runs(self) -> list[int]:
        """Close the books of runs that never finished (killed, crashed) and forget what they learned of sources.

        A run saves a feed's ETag as soon as it has read the feed, before it has fetched the articles the feed
        lists. If it then dies, the next run would get 304 for that feed and never see those articles; so the
        validators saved during an interrupted run are dropped, and the next run reads its sources in full
        (articles already stored are still skipped).
        """
        stale = self.conn.execute("SELECT id, started FROM runs WHERE status = 'running'").fetchall()
        with self.transaction():
            for run_id, started in stale:
                self.conn.execute("DELETE FROM http_cache WHERE checked >= ?", (started,))
                self.conn.execute(
                    "UPDATE runs SET status = 'interrupted', finished = COALESCE(finished, ?) WHERE id = ?",
                    (utcnow(), run_id),
                )
        return [run_id for run_id, _ in stale]

    def start_run(self, site_ids: Sequence[str]) -> int:
        cursor = self.conn.execute(
            "INSERT INTO runs (started, status, sites) VALUES (?, 'running', ?)", (utcnow(), json.dumps(site_ids))
        )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any], per_site: dict[str, dict[str, Any]]) -> None:
        columns = ("requests", "responses", "articles_found", "stored", "updated", "duplicates", "dropped", "errors")
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET finished = ?, status = ?, stats = ? WHERE id = ?",
                (utcnow(), status, json.dumps(stats, ensure_ascii=False, default=str), run_id),
            )
            for site, figures in per_site.items():
                self.conn.execute(
                    "INSERT OR REPLACE INTO run_sites (run_id, site, requests, responses, articles_found, stored,"
                    " updated, duplicates, dropped, errors, status, detail)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run_id,
                        site,
                        *(int(figures.get(c, 0)) for c in columns),
                        figures.get("status", "ok"),
                        json.dumps(figures.get("detail", {}), ensure_ascii=False),
                    ),
                )
