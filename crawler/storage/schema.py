"""The archive's schema, as numbered migrations applied in order and recorded in ``migrations``.

Every change to the schema is a new function appended to ``MIGRATIONS``; an existing one is never edited,
so a database created by any earlier version upgrades itself on open. Each migration runs in its own
transaction together with the row that records it.

``ARTICLES`` describes the ``articles`` table as the migrations leave it, column by column: the archive's
inserts and updates, the exporter's reads, the test fixtures and ``docs/schema.md`` take their columns from it
(``tests/test_schema_definition.py`` checks it against a freshly migrated database and against the docs). A
migration that changes ``articles`` changes ``ARTICLES`` with it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

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


Written = Literal["key", "once", "fetch", "content"]
"""When the archive writes a column: ``key``, never (SQLite assigns it); ``once``, when the article is first
stored; ``fetch``, when it is stored and whenever it is fetched again; ``content``, from the article's page, when
it is stored and when its text changes."""


@dataclass(frozen=True)
class Column:
    """One column of a table as ``PRAGMA table_info`` reports it, with a line for ``docs/schema.md``."""

    name: str
    type: str
    written: Written
    doc: str
    not_null: bool = False
    default: str | None = None
    """The default as SQL text (``'[]'``)."""
    primary_key: bool = False
    unique: bool = False
    references: str | None = None
    """``table(column)`` of a foreign key."""

    @property
    def json_array(self) -> bool:
        """Whether the column holds a JSON array of strings."""
        return self.default == "'[]'"


def _col(name: str, sql: str, written: Written, doc: str) -> Column:
    """A column from its SQL text in ``CREATE TABLE`` (``TEXT NOT NULL DEFAULT '[]'``, ``INTEGER REFERENCES x(y)``)."""
    words = sql.split()
    default = words[words.index("DEFAULT") + 1] if "DEFAULT" in words else None
    references = words[words.index("REFERENCES") + 1] if "REFERENCES" in words else None
    return Column(name, words[0], written, doc, not_null="NOT NULL" in sql, default=default,
                  primary_key="PRIMARY KEY" in sql, unique="UNIQUE" in words, references=references)  # fmt: skip


ARTICLES: tuple[Column, ...] = (
    _col("id", "INTEGER PRIMARY KEY", "key", "integer key"),
    _col("uid", "TEXT NOT NULL UNIQUE", "once",
         "UUID minted when the article is first stored, never changed: the stable id of feed entries"),
    _col("url", "TEXT NOT NULL", "content", "the URL it was last fetched from"),
    _col("canonical_url", "TEXT NOT NULL UNIQUE", "content",
         "the canonical URL (tracking parameters, AMP and mobile variants removed): the key of the copy, unique"),
    _col("site", "TEXT NOT NULL REFERENCES sites(id)", "content", "the registry id of the publisher (`sites.id`)"),
    _col("title", "TEXT NOT NULL", "content", "headline as the page shows it"),
    _col("subtitle", "TEXT", "content", "secondary headline"),
    _col("summary", "TEXT", "content", "description"),
    _col("body", "TEXT NOT NULL", "content", "plain text, one paragraph per line, boilerplate removed"),
    _col("body_html", "TEXT", "content", "sanitized HTML of the body"),
    _col("published", "TEXT", "content", "publication time with offset (NULL when the page gives none)"),
    _col("published_utc", "TEXT", "content", "`published` in UTC, for sorting and date filters"),
    _col("modified", "TEXT", "content", "last modification time with offset (NULL when the page gives none)"),
    _col("first_seen", "TEXT NOT NULL", "once", "when Akhbar first stored the page (UTC)"),
    _col("last_seen", "TEXT NOT NULL", "fetch", "when Akhbar last fetched the page (UTC)"),
    _col("authors", "TEXT NOT NULL DEFAULT '[]'", "content", "JSON array: bylines"),
    _col("category", "TEXT", "content", "section as the site names it"),
    _col("tags", "TEXT NOT NULL DEFAULT '[]'", "content", "JSON array: keywords"),
    _col("image", "TEXT", "content", "main image URL"),
    _col("agencies", "TEXT NOT NULL DEFAULT '[]'", "content",
         "JSON array: ids of credited agencies (`anadolu`, `afp`, …)"),
    _col("dateline", "TEXT", "content", 'the opening dateline ("دمشق - سانا")'),
    _col("language", "TEXT", "content", "detected language"),
    _col("story_id", "INTEGER REFERENCES stories(id)", "once",
         "`stories.id`: copies of one wire story on several sites share it"),
    _col("content_hash", "TEXT NOT NULL", "content",
         "hash of the normalized words of the body: equal for copies differing only in spelling variants"),
)  # fmt: skip
"""The ``articles`` table after every migration, in column order."""

ARTICLE_COLUMNS: tuple[str, ...] = tuple(c.name for c in ARTICLES)
ARTICLE_INSERTED: tuple[str, ...] = tuple(c.name for c in ARTICLES if c.written != "key")
"""The columns the archive writes when it first stores an article."""
ARTICLE_UPDATED: tuple[str, ...] = tuple(c.name for c in ARTICLES if c.written in ("content", "fetch"))
"""The columns the archive writes again when a stored article's text changed."""
ARTICLE_CONTENT: tuple[str, ...] = tuple(c.name for c in ARTICLES if c.written == "content")
"""The columns whose values come from the article's page."""


def article_columns(names: Iterable[str]) -> tuple[Column, ...]:
    """The definitions of ``names``, in the order given; ValueError for a name that is no column of ``articles``."""
    by_name = {c.name: c for c in ARTICLES}
    wanted = tuple(names)
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise ValueError(f"no such column of articles: {', '.join(unknown)}")
    return tuple(by_name[n] for n in wanted)


def insert_article_sql(names: Iterable[str]) -> str:
    """``INSERT INTO articles (…) VALUES (?, …)`` for these columns, in the order given (values in that order)."""
    cols = article_columns(names)
    return f"INSERT INTO articles ({', '.join(c.name for c in cols)}) VALUES ({', '.join('?' * len(cols))})"


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
