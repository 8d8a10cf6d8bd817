"""Full-text search of the archive on normalized Arabic, with filters and highlighted snippets.

The query goes through the same normalization as the indexed text, so احمد finds أحمد and الامم finds الأمم.
User input is only ever bound as a parameter; FTS syntax errors, and queries of more than ``MAX_TERMS`` words
(whose work grows with every term), become a SearchError with a clear message.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

from crawler.text.arabic import normalize_for_search

MAX_TERMS = 64
"""Words in one query, operators not counted."""
_OPERATOR_WORDS = frozenset({"and", "or", "not", "near"})
_FTS_OPERATORS = re.compile(r'"|\*|\b(?:AND|OR|NOT|NEAR)\b|\^|[()]')
_WORD = re.compile(r"\w+", re.UNICODE)
# A word as displayed: letters with their harakat and tatweel, which \w alone would split on.
_DISPLAY_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+", re.UNICODE)


class SearchError(ValueError):
    """A query the full-text index cannot run, with what to change."""


@dataclass
class SearchHit:
    """One matching article."""

    id: int
    site: str
    site_name: str
    title: str
    url: str
    published: str | None
    category: str | None
    agencies: list[str] = field(default_factory=list)
    snippet: str = ""
    rank: float = 0.0


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression for a user query.

    Plain words are quoted one by one (all must match); a query that uses FTS5 syntax (quotes, ``*``,
    AND/OR/NOT, NEAR) is passed on, normalized, for users who know it. More than ``MAX_TERMS`` words is a
    SearchError.
    """
    terms = sum(1 for w in _WORD.findall(normalize_for_search(query)) if w not in _OPERATOR_WORDS)
    if terms > MAX_TERMS:
        raise SearchError(f"the query has {terms} words; at most {MAX_TERMS} are searched at once: use fewer words")
    if _FTS_OPERATORS.search(query):
        # Operators must stay upper case, so only the words between them are normalized.
        parts = re.split(r"(\bAND\b|\bOR\b|\bNOT\b|\bNEAR\b)", query)
        return " ".join(p if p in ("AND", "OR", "NOT", "NEAR") else normalize_for_search(p) for p in parts).strip()
    words = _WORD.findall(normalize_for_search(query))
    return " ".join(f'"{w}"' for w in words)


def highlight(text: str, query: str, *, width: int = 220, mark: tuple[str, str] = ("[", "]")) -> str:
    """A window of display ``text`` around the first match, matched words wrapped in ``mark``."""
    terms = {w.rstrip("*") for w in _WORD.findall(normalize_for_search(query))} - _OPERATOR_WORDS
    if not text or not terms:
        return text[:width]
    spans = [
        m.span()
        for m in _DISPLAY_WORD.finditer(text)
        if any(normalize_for_search(m.group()).startswith(t) for t in terms)
    ]
    if not spans:
        return text[:width].replace("\n", " ")
    start = max(0, spans[0][0] - width // 3)
    end = min(len(text), start + width)
    pieces, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        pieces += [text[cursor:s], mark[0], text[s:e], mark[1]]
        cursor = e
    pieces.append(text[cursor:end])
    snippet = "".join(pieces).replace("\n", " ")
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    sites: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    agency: str | None = None,
    category: str | None = None,
    limit: int = 20,
    mark: tuple[str, str] = ("[", "]"),
) -> list[SearchHit]:
    """Ranked matches for ``query`` (bm25, title weighted above body), newest first among equals."""
    expression = fts_query(query)
    if not expression:
        raise SearchError("the query has no words to search for")
    sql = [
        "SELECT a.id, a.site, COALESCE(s.name, a.site), a.title, a.canonical_url, a.published, a.category,",
        " a.agencies, a.body, bm25(articles_fts, 5.0, 1.0) AS rank",
        " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid LEFT JOIN sites s ON s.id = a.site",
        " WHERE articles_fts MATCH ?",
    ]
    params: list[object] = [expression]
    if sites:
        sql.append(f" AND a.site IN ({','.join('?' * len(sites))})")
        params += sites
    if since:
        sql.append(" AND COALESCE(a.published_utc, a.first_seen) >= ?")
        params.append(since)
    if until:
        sql.append(" AND COALESCE(a.published_utc, a.first_seen) < ?")
        params.append(until)
    if agency:
        sql.append(" AND EXISTS (SELECT 1 FROM json_each(a.agencies) WHERE json_each.value = ?)")
        params.append(agency)
    if category:
        sql.append(" AND a.category = ?")
        params.append(category)
    sql.append(" ORDER BY rank, a.published_utc DESC LIMIT ?")
    params.append(limit)
    try:
        rows = conn.execute("".join(sql), params).fetchall()
    except sqlite3.OperationalError as exc:
        # Only the MATCH expression comes from the user; any other failure is not theirs to fix.
        if not any(k in str(exc) for k in ("no such table", "locked", "disk", "readonly")):
            hint = 'quote phrases with "…" or drop the operators'
            raise SearchError(f"cannot search for {query!r}: {exc}; {hint}") from exc
        raise
    return [
        SearchHit(
            id=row[0],
            site=row[1],
            site_name=row[2],
            title=row[3],
            url=row[4],
            published=row[5],
            category=row[6],
            agencies=json.loads(row[7] or "[]"),
            snippet=highlight(row[8], query, mark=mark),
            rank=row[9],
        )
        for row in rows
    ]
