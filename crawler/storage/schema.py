"""The archive's schema, as numbered migrations applied in order and recorded in ``migrations``.

Every change to the schema is a new function appended to ``MIGRATIONS``; an existing one is never edited,
so a database created by any earlier version upgrades itself on open. Each migration runs in its own
transaction together with the row that records it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

Migration = Callable[[sqlite3.Connection], None]


def m001_initial(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE sites (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            name_en TEXT,
            url TEXT NOT NULL,
            country TEXT,
            language TEXT,
            timezone TEXT,
            feed_content TEXT NOT NULL DEFAULT 'full'
        );

        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            first_article_id INTEGER,
            first_site TEXT,
            first_published TEXT,
            agencies TEXT NOT NULL DEFAULT '[]',
            article_count INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
        );

        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            site TEXT NOT NULL REFERENCES sites(id),
            title TEXT NOT NULL,
            subtitle TEXT,
            summary TEXT,
            body TEXT NOT NULL,
            body_html TEXT,
            published TEXT,
            published_utc TEXT,
            modified TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            authors TEXT NOT NULL DEFAULT '[]',
            category TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            image TEXT,
            agencies TEXT NOT NULL DEFAULT '[]',
            dateline TEXT,
            language TEXT,
            story_id INTEGER REFERENCES stories(id),
            content_hash TEXT NOT NULL
        );
        CREATE INDEX idx_articles_site_published ON articles(site, published_utc DESC);
        CREATE INDEX idx_articles_published ON articles(published_utc DESC);
        CREATE INDEX idx_articles_story ON articles(story_id);
        CREATE INDEX idx_articles_category ON articles(category);
        CREATE INDEX idx_articles_site_hash ON articles(site, content_hash);

        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            title TEXT,
            body TEXT,
            modified TEXT,
            content_hash TEXT,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX idx_revisions_article ON revisions(article_id);

        CREATE TABLE aliases (
            url TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            reason TEXT NOT NULL,
            first_seen TEXT NOT NULL
        );
        CREATE INDEX idx_aliases_article ON aliases(article_id);

        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            sites TEXT NOT NULL DEFAULT '[]',
            stats TEXT NOT NULL DEFAULT '{}'
        );

        CREATE TABLE run_sites (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            site TEXT NOT NULL,
            requests INTEGER NOT NULL DEFAULT 0,
            responses INTEGER NOT NULL DEFAULT 0,
            articles_found INTEGER NOT NULL DEFAULT 0,
            stored INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            dropped INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'ok',
            detail TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (run_id, site)
        );

        -- Near-duplicate detection across sites: a MinHash signature per article and its LSH band keys, kept in
        -- SQLite so that memory stays flat however large the archive grows.
        CREATE TABLE minhashes (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            signature BLOB NOT NULL
        );
        CREATE TABLE lsh_bands (
            band_key INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
        );
        CREATE INDEX idx_lsh_bands_key ON lsh_bands(band_key);
        CREATE INDEX idx_lsh_bands_article ON lsh_bands(article_id);

        CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            checked TEXT NOT NULL
        );

        -- Holds the *normalized* title and body (crawler.text.arabic.normalize_for_search), rowid = articles.id,
        -- so that a search for احمد finds أحمد. Display text stays in articles.
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, body, tokenize='unicode61 remove_diacritics 2'
        );
        """
    )


def m002_archive_meta(conn: sqlite3.Connection) -> None:
    """Record how the stored MinHash signatures were computed, so that a change of scheme can rebuild them.

    Signatures from different schemes never match: an archive whose scheme is not the code's gets its signatures
    recomputed from the bodies (``Archive.ensure_minhash_scheme``). Archives created before this migration have
    no record, and are rebuilt once if they hold any signature.
    """
    conn.executescript(
        """
        CREATE TABLE archive_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )
    has_signatures = conn.execute("SELECT EXISTS (SELECT 1 FROM minhashes)").fetchone()[0]
    conn.execute(
        "INSERT INTO archive_meta (key, value) VALUES ('minhash_scheme', ?)",
        ("unknown" if has_signatures else "crc32/affine32/perm64/bands32x2/shingle2/seed1",),
    )


def m003_site_templates(conn: sqlite3.Connection) -> None:
    """What the crawl learned of each site's template (``crawler/extraction/template.py``), so that the learning
    survives runs: the pages counted in the window, the lines seen on two pages or more, and the boilerplate
    lines already taken out of the site's stored articles."""
    conn.executescript(
        """
        CREATE TABLE site_templates (
            site TEXT PRIMARY KEY,
            pages INTEGER NOT NULL,
            updated TEXT NOT NULL
        );

        CREATE TABLE site_template_lines (
            site TEXT NOT NULL,
            line_key INTEGER NOT NULL,
            pages INTEGER NOT NULL,
            PRIMARY KEY (site, line_key)
        ) WITHOUT ROWID;

        CREATE TABLE site_boilerplate_stripped (
            site TEXT NOT NULL,
            line_key INTEGER NOT NULL,
            articles INTEGER NOT NULL,
            stripped_at TEXT NOT NULL,
            PRIMARY KEY (site, line_key)
        ) WITHOUT ROWID;
        """
    )


def m004_site_feeds(conn: sqlite3.Connection) -> None:
    """The feed URLs the registry lists for each site (a JSON array), so that an export can name the original
    site's feed in RSS's ``<source url>``. Rows stored before hold ``[]`` until the next crawl syncs the sites."""
    conn.executescript("ALTER TABLE sites ADD COLUMN feeds TEXT NOT NULL DEFAULT '[]';")


# Characters the one normalizer (``crawler.text.arabic``, since 005) removes from matching keys and the earlier
# archive normalizer kept: each split a word in two, so a text holding one had another content hash, search
# text and signature.
_NORMALIZER_005_CHANGED = (
    "\u061c\u180e\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f\ufff9\ufffa\ufffb"
)


def m005_one_normalizer(conn: sqlite3.Connection) -> None:
    """Rebuild what the archive derived with the earlier normalizer, for the texts the one normalizer reads
    differently: the content hash, the full-text row, the MinHash signature and band keys of every article (and
    the content hash of every revision) whose title or body holds a character of ``_NORMALIZER_005_CHANGED``.
    Other texts normalize exactly as before and are left alone. The site templates learned from line keys of
    the extraction's earlier fold are forgotten: the crawl learns them again within one window."""
    from crawler.storage import minhash  # the current rules, as the crawl applies them
    from crawler.storage.fingerprint import fingerprint
    from crawler.text.arabic import content_hash

    def touched(text: str | None) -> int:
        return int(bool(text) and any(c in (text or "") for c in _NORMALIZER_005_CHANGED))

    conn.create_function("akhbar_m005_touched", 1, touched, deterministic=True)
    row = conn.execute("SELECT value FROM archive_meta WHERE key = 'lsh_banding'").fetchone()
    bands, rows_per_band = (int(n) for n in row[0].split("x")) if row else (minhash.BANDS, minhash.ROWS)
    articles = conn.execute(
        "SELECT id, title, body FROM articles WHERE akhbar_m005_touched(title) OR akhbar_m005_touched(body)"
    ).fetchall()
    for article_id, title, body in articles:
        fp = fingerprint(title, body or "")
        conn.execute("UPDATE articles SET content_hash = ? WHERE id = ?", (fp.content_hash, article_id))
        conn.execute(  # only the columns this migration knows: later migrations add their own
            "UPDATE articles_fts SET title = ?, body = ? WHERE rowid = ?", (fp.search_title, fp.search_body, article_id)
        )
        conn.execute("DELETE FROM lsh_bands WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM minhashes WHERE article_id = ?", (article_id,))
        sig = fp.signature_array()
        if sig is not None:
            conn.execute(
                "INSERT INTO minhashes (article_id, signature) VALUES (?, ?)", (article_id, minhash.to_blob(sig))
            )
            conn.executemany(
                "INSERT INTO lsh_bands (band_key, article_id) VALUES (?, ?)",
                [(key, article_id) for key in minhash.band_keys(sig, bands, rows_per_band)],
            )
    revisions = conn.execute(
        "SELECT id, title, body FROM revisions WHERE akhbar_m005_touched(title) OR akhbar_m005_touched(body)"
    ).fetchall()
    for revision_id, title, body in revisions:
        digest = content_hash(title, body or "")
        conn.execute("UPDATE revisions SET content_hash = ? WHERE id = ?", (digest, revision_id))
    conn.execute("DELETE FROM site_template_lines")
    conn.execute("DELETE FROM site_boilerplate_stripped")
    conn.execute("DELETE FROM site_templates")


def m006_search_stems(conn: sqlite3.Connection) -> None:
    """The search index gains stem columns and the archive a vocabulary (``crawler.storage.search_index``): the
    index is built again from every article's stored title and body, with a progress line on stderr every 5,000
    articles, and ranks an exact form above an inflection of it."""
    from crawler.storage.search_index import rebuild

    rebuild(conn)


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_initial", m001_initial),
    ("002_archive_meta", m002_archive_meta),
    ("003_site_templates", m003_site_templates),
    ("004_site_feeds", m004_site_feeds),
    ("005_one_normalizer", m005_one_normalizer),
    ("006_search_stems", m006_search_stems),
]


def applied(conn: sqlite3.Connection) -> set[str]:
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return {row[0] for row in conn.execute("SELECT name FROM migrations")}


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied now."""
    done = applied(conn)
    ran: list[str] = []
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # executescript would COMMIT our transaction first; run statements one by one instead.
            migration(_NoScriptConnection(conn))  # type: ignore[arg-type]
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        ran.append(name)
    return ran


class _NoScriptConnection:
    """Runs ``executescript`` text statement by statement inside the caller's open transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def executescript(self, script: str) -> None:
        statement = ""
        for line in script.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                if statement.strip():
                    self._conn.execute(statement)
                statement = ""
        if statement.strip():
            self._conn.execute(statement)

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> sqlite3.Cursor:
        return self._conn.executemany(sql, rows)

    def create_function(
        self, name: str, arity: int, function: Callable[..., int | None], *, deterministic: bool
    ) -> None:
        self._conn.create_function(name, arity, function, deterministic=deterministic)
