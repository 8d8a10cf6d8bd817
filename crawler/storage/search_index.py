"""The full-text index's rows and the archive's vocabulary: what is written for each article, and rebuilt from text.

``articles_fts`` (rowid = ``articles.id``) has four columns: ``title`` and ``body`` hold the normalized text
(``normalize_for_search``), ``title_stems`` and ``body_stems`` the index form (``crawler.text.stems``) of each of
its words that carries the article or a prefix with it (والمعتقلين as معتقلين); a word without one is its own
index form, in the surface column already. Its ``rank`` is ``bm25`` with the weights of ``RANK_WEIGHTS``: the
title above the body, and the surface columns above the stem columns, so that an article holding the word as
typed ranks above one holding an inflection of it.

``search_terms`` is the archive's vocabulary as the query analysis asks for it: every word of the surface
columns and every index form of the stem columns, once (``crawler.text.stems.lexicon_terms``). FTS5's own ``fts5vocab``
table gives the same terms but counts every term's documents to answer, a scan of the term's whole posting list
(milliseconds per common word at 100,000 articles, and a query asks for hundreds of candidates); this table
answers from its B-tree. Terms are only added: a term whose articles were all deleted stays, and then matches
nothing.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager

from crawler.text.arabic import normalize_for_search
from crawler.text.stems import lexicon_terms, stem_text, words

FTS_TABLE = "articles_fts"
RANK_WEIGHTS = (10.0, 2.0, 5.0, 1.0)
"""bm25 weights of ``title``, ``body``, ``title_stems``, ``body_stems``."""
RANK_SQL = f"bm25({FTS_TABLE}, {', '.join(str(w) for w in RANK_WEIGHTS)})"
"""The rank ``akhbar search`` orders by (lower is better), as SQL; also the index's configured ``rank``."""
SURFACE_COLUMNS = "{title body}"

SCHEMA = f"""
CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
    title, body, title_stems, body_stems, tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('rank', 'bm25({", ".join(str(w) for w in RANK_WEIGHTS)})');
CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
"""
"""The index and the vocabulary, as ``crawler.storage.schema`` creates them."""

_INSERT_TERMS = "INSERT OR IGNORE INTO search_terms (term) SELECT value FROM json_each(?)"


class TermCache:
    """The terms this process knows are in ``search_terms``, so that storing an article inserts only new ones.

    Terms inserted in a transaction are pending until it commits (``transaction``): a batch rolled back must
    not leave terms believed stored. Bounded: past ``limit`` terms the cache starts again empty.
    """

    def __init__(self, limit: int = 300_000) -> None:
        self.limit = limit
        self.known: set[str] = set()
        self.pending: set[str] = set()
        self.stems: bool | None = None
        """Whether the archive written has the stem columns (None: not looked yet)."""

    def new(self, terms: Iterable[str]) -> list[str]:
        """The terms not known to be stored, now pending."""
        fresh = set(terms)
        fresh -= self.known
        fresh -= self.pending
        self.pending |= fresh
        return sorted(fresh)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Wrap the database transaction (this one outside it): pending terms become known once it committed."""
        try:
            yield
        except BaseException:
            self.pending.clear()
            raise
        if len(self.known) + len(self.pending) > self.limit:
            self.known.clear()
        self.known |= self.pending
        self.pending.clear()


def stems_available(conn: sqlite3.Connection) -> bool:
    """Whether the archive has the stem columns and the vocabulary (migration 006), or only the plain index."""
    columns = {row[1] for row in conn.execute(f"PRAGMA table_info({FTS_TABLE})")}
    if "body_stems" not in columns:
        return False
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_terms'").fetchone() is not None


def write_row(
    conn: sqlite3.Connection,
    article_id: int,
    search_title: str,
    search_body: str,
    stem_title: str,
    stem_body: str,
    terms: Iterable[str],
    cache: TermCache | None = None,
) -> None:
    """Insert one article's index row (normalized title and body, and their stem columns) and its new ``terms``
    (``crawler.text.stems.lexicon_terms``). An archive still without the stem columns (its schema not migrated
    past 005) gets the plain row."""
    if cache is not None and cache.stems is None:
        cache.stems = stems_available(conn)
    if cache is not None and not cache.stems:
        conn.execute(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (?, ?, ?)", (article_id, search_title,
                                                                                         search_body))  # fmt: skip
        return
    conn.execute(
        f"INSERT INTO {FTS_TABLE} (rowid, title, body, title_stems, body_stems) VALUES (?, ?, ?, ?, ?)",
        (article_id, search_title, search_body, stem_title, stem_body),
    )
    fresh = cache.new(terms) if cache is not None else list(terms)
    if fresh:
        conn.execute(_INSERT_TERMS, (json.dumps(fresh, ensure_ascii=False),))


def lexicon(conn: sqlite3.Connection) -> Callable[[Collection[str]], set[str]]:
    """The query analysis' view of the vocabulary: which of the asked terms the archive holds."""

    def held(terms: Collection[str]) -> set[str]:
        if not terms:
            return set()
        rows = conn.execute(
            "SELECT term FROM search_terms WHERE term IN (SELECT value FROM json_each(?))",
            (json.dumps(list(terms), ensure_ascii=False),),
        )
        return {row[0] for row in rows}

    return held


def report_progress(done: int, total: int) -> None:
    """The default progress of ``rebuild``: one line on stderr."""
    print(f"search index: {done:,} of {total:,} articles", file=sys.stderr, flush=True)


def rebuild(
    conn: sqlite3.Connection,
    *,
    progress: Callable[[int, int], None] | None = report_progress,
    every: int = 5_000,
) -> int:
    """Create the four-column index and the vocabulary afresh from the articles' stored title and body, inside
    the caller's transaction; returns how many articles were indexed. ``progress(done, total)`` is called every
    ``every`` articles and at the end (not at all for an empty archive)."""
    conn.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    conn.execute("DROP TABLE IF EXISTS search_terms")
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    total = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    cache = TermCache()
    done = 0
    last = 0
    while True:
        # In id order, a page at a time: the whole archive never sits in memory.
        rows = conn.execute(
            "SELECT id, title, body FROM articles WHERE id > ? ORDER BY id LIMIT 500", (last,)
        ).fetchall()
        if not rows:
            break
        for article_id, title, body in rows:
            search_title = normalize_for_search(title or "")
            search_body = normalize_for_search(body or "")
            stem_title, stem_body = stem_text(search_title), stem_text(search_body)
            terms = lexicon_terms(words(f"{search_title} {search_body}"), f"{stem_title} {stem_body}")
            write_row(conn, article_id, search_title, search_body, stem_title, stem_body, terms, cache)
            done += 1
            if progress is not None and done % every == 0:
                progress(done, total)
        last = rows[-1][0]
    if progress is not None and done and done % every:
        progress(done, total)
    return done
