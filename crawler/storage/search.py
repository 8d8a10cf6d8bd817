"""Full-text search of the archive as an Arabic reader expects it: query syntax, analysis, ranking and snippets.

A query is read by ``parse_query`` and never reaches FTS5 as typed:

- words: every word must match (``معتقل`` also finds والمعتقلين, مجوهرات finds والمجوهرات: the analysis of
  ``crawler.text.stems``);
- ``"exact phrase"``: these words in this order, as written (spelling variants still folded, no inflections);
  a single quoted word is that word as written only;
- ``OR`` (upper case) between two words or phrases: either; ``a OR b c`` is (a or b) and c;
- ``-word`` (or ``NOT word``) leaves out articles holding the word or an inflection of it;
- ``word*``: words that begin so;
- anything else (brackets, ``^``, ``:``, a lone quote, ``AND``) is read as words or dropped: a query is never an
  FTS5 or SQL error. At most ``MAX_TERMS`` words a query.

``fts_match(query, conn)`` is the FTS5 MATCH expression for a user query, the one ``akhbar search`` runs and the
Datasette plugin runs: ``SELECT rowid FROM articles_fts WHERE articles_fts MATCH :expression ORDER BY rank``
(``rank`` is configured as ``RANK_SQL``). User input is only ever bound as a parameter.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Literal

from crawler.agencies import AGENCIES
from crawler.storage.search_index import FTS_TABLE, RANK_SQL, SURFACE_COLUMNS, lexicon, stems_available
from crawler.text.arabic import normalize_for_search
from crawler.text.stems import WordAnalysis, analyze, index_form, words

MAX_TERMS = 64
"""Words in one query, operators not counted."""
PLAIN_RANK_SQL = f"bm25({FTS_TABLE}, 5.0, 1.0)"
"""The rank of an archive whose index has no stem columns yet (read-only, not migrated)."""
MIN_PREFIX = 2
"""Letters before a ``*`` for it to mean a prefix."""

# Quotation marks Arabic and other pages type, read as the ASCII double quote.
_QUOTES = str.maketrans({c: '"' for c in "«»“”„‟″＂"})
_TOKENS = re.compile(r'(-?)"([^"]*)"|([^\s"]+)|"')
# A word as displayed: letters with their harakat and tatweel, which \w alone would split on.
_DISPLAY_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+", re.UNICODE)

Kind = Literal["word", "exact", "prefix"]


class SearchError(ValueError):
    """A query or a filter the search cannot run, with what to change: one line."""


@dataclass(frozen=True)
class Term:
    """One thing a query asks for."""

    kind: Kind
    """``word`` (and its inflections), ``exact`` (these words in order, as written) or ``prefix``."""
    words: tuple[str, ...]
    """Normalized words: one for ``word`` and ``prefix``, one or more for ``exact``."""


@dataclass(frozen=True)
class ParsedQuery:
    """A user query as the search reads it."""

    groups: tuple[tuple[Term, ...], ...]
    """Every group must match; a group matches when one of its terms does (``OR``)."""
    excluded: tuple[Term, ...] = ()
    """Terms an article must not match (``-word``)."""
    word_count: int = 0
    """Words as typed, repeats included (what ``MAX_TERMS`` bounds)."""


def parse_query(query: str) -> ParsedQuery:
    """Read a user query (see the module docstring). Never raises: what is not syntax is words."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = negate_next = False
    for match in _TOKENS.finditer(query.translate(_QUOTES)):
        minus, phrase, token = match.group(1), match.group(2), match.group(3)
        negated = negate_next or bool(minus)
        negate_next = False
        terms: list[Term]
        if phrase is not None:
            found = words(normalize_for_search(phrase))
            terms = [Term("exact", tuple(found))] if found else []
        elif token is None:
            continue  # a lone quote
        elif token == "OR":
            pending_or = bool(groups)
            continue
        elif token == "AND":
            continue
        elif token == "NOT":
            negate_next = True
            continue
        else:
            if token.startswith("-") and len(token) > 1:
                negated, token = True, token.lstrip("-")
            terms = _token_terms(token.lstrip("+"))
        if not terms:
            continue
        if negated:
            excluded += terms
            pending_or = False
            continue
        for i, term in enumerate(terms):
            if i == 0 and pending_or and groups:
                groups[-1].append(term)
            else:
                groups.append([term])
        pending_or = False
    typed = sum(len(t.words) for g in groups for t in g) + sum(len(t.words) for t in excluded)
    unique = tuple(dict.fromkeys(tuple(dict.fromkeys(g)) for g in groups))
    return ParsedQuery(unique, tuple(dict.fromkeys(excluded)), typed)


def _token_terms(token: str) -> list[Term]:
    prefix = token.endswith("*")
    found = words(normalize_for_search(token.rstrip("*")))
    if not found:
        return []
    if prefix and len(found) == 1 and len(found[0]) >= MIN_PREFIX:
        return [Term("prefix", (found[0],))]
    if len(found) > 1:
        return [Term("exact", tuple(found))]  # one token written with punctuation inside: covid-19, U.S.
    return [Term("word", (found[0],))]


@dataclass(frozen=True)
class QueryPlan:
    """A parsed query with the analysis of its words: the MATCH expression, and what to mark in snippets."""

    query: ParsedQuery
    analyses: dict[str, WordAnalysis]
    stems: bool
    """Whether the index has stem columns (else only the surface columns are matched)."""
    _marked: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    """Display words already judged by ``marks_display``: a body repeats its words."""

    @property
    def match(self) -> str:
        positive = " AND ".join(self._group(g) for g in self.query.groups)
        if not self.query.excluded:
            return positive
        return f"({positive}) NOT ({' OR '.join(self._term(t) for t in self.query.excluded)})"

    def _group(self, group: tuple[Term, ...]) -> str:
        return self._term(group[0]) if len(group) == 1 else "(" + " OR ".join(self._term(t) for t in group) + ")"

    def _term(self, term: Term) -> str:
        if term.kind == "exact":
            return f"{SURFACE_COLUMNS} : {_phrase(' '.join(term.words))}"
        word = term.words[0]
        if term.kind == "prefix":
            if not self.stems or index_form(word) == word:
                return f"{_phrase(word)}*"
            return f"({_phrase(word)}* OR {_phrase(index_form(word))}*)"
        if not self.stems:
            return f"{SURFACE_COLUMNS} : {_phrase(word)}"
        # The typed form in the surface columns ranks the article twice, above one that only holds an inflection.
        return f"({SURFACE_COLUMNS} : {_phrase(word)} OR {_alternatives(self.analyses[word].forms)})"

    def marks_display(self, word: str) -> bool:
        """Whether a word as displayed (harakat and all) is one the query found."""
        known = self._marked.get(word)
        if known is None:
            known = self._marked[word] = any(self.marks(w) for w in words(normalize_for_search(word)))
        return known

    def marks(self, word: str) -> bool:
        """Whether a normalized word of an article is one the query found (for snippets; exclusions never are)."""
        for group in self.query.groups:
            for term in group:
                if term.kind == "exact" and word in term.words:
                    return True
                if term.kind == "prefix" and (word.startswith(term.words[0])
                                              or index_form(word).startswith(index_form(term.words[0]))):  # fmt: skip
                    return True
                if term.kind == "word" and self.analyses[term.words[0]].matches(word):
                    return True
        return False


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _alternatives(forms: frozenset[str]) -> str:
    return "(" + " OR ".join(_phrase(f) for f in sorted(forms)) + ")"


def plan_query(query: str, conn: sqlite3.Connection | None = None) -> QueryPlan:
    """Parse and analyse a user query; with ``conn`` the archive's vocabulary decides which inflections exist.

    Raises SearchError for more than ``MAX_TERMS`` words, or none to search for.
    """
    parsed = parse_query(query)
    if parsed.word_count > MAX_TERMS:
        raise SearchError(
            f"the query has {parsed.word_count} words; at most {MAX_TERMS} are searched at once: use fewer words"
        )
    if not parsed.groups:
        if parsed.excluded:
            raise SearchError("the query only has words to leave out: add a word to search for")
        raise SearchError("the query has no words to search for")
    stems = conn is not None and stems_available(conn)
    held = lexicon(conn) if conn is not None and stems else None
    wanted = [t.words[0] for g in parsed.groups for t in g if t.kind == "word"]
    wanted += [t.words[0] for t in parsed.excluded if t.kind == "word"]
    analyses = {w: analyze(w, held) for w in dict.fromkeys(wanted)}
    return QueryPlan(parsed, analyses, stems)


def fts_match(query: str, conn: sqlite3.Connection | None = None) -> str:
    """The FTS5 MATCH expression for a user query, against ``articles_fts`` (rowid = ``articles.id``).

    Pass the archive's connection: the analysis then asks its vocabulary which inflections exist, and uses the
    stem columns only when the index has them. Without ``conn`` the expression matches each word as typed and by
    its index form (no inflections), in the stem columns. Use it as
    ``SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank`` (rank as ``RANK_SQL``). Raises
    SearchError (one line) for a query that cannot be searched: more than ``MAX_TERMS`` words, or none.
    """
    parsed_plan = plan_query(query, conn)
    if conn is None:
        parsed_plan = QueryPlan(parsed_plan.query, parsed_plan.analyses, True)
    return parsed_plan.match


fts_query = fts_match
"""The name the first callers used."""


def register_functions(conn: sqlite3.Connection) -> None:
    """Register ``akhbar_match(query)`` (``fts_match`` on this connection's archive) and
    ``akhbar_snippet(text, query)`` (``highlight``, ``[`` and ``]`` around the words found) as SQL functions.

    ``akhbar_match`` raises an SQL error for a query ``fts_match`` refuses; call ``fts_match`` first for its
    one-line message. The last queries' analyses are kept (a page of results calls ``akhbar_snippet`` per row)
    until another connection writes to the archive (``PRAGMA data_version``): a word the crawl adds is found.
    """

    @lru_cache(maxsize=32)
    def planned(query: str, version: int) -> QueryPlan:
        return plan_query(query, conn)

    def current(query: str | None) -> QueryPlan:
        return planned(query or "", conn.execute("PRAGMA data_version").fetchone()[0])

    def snippet(text: str | None, query: str | None) -> str:
        plan = current(query)
        if len(plan._marked) > 100_000:
            plan._marked.clear()
        return _snippet(text or "", plan, 220, ("[", "]"))[0]

    conn.create_function("akhbar_match", 1, lambda query: current(query).match)
    conn.create_function("akhbar_snippet", 2, snippet)


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
    matched: list[str] = field(default_factory=list)
    """The words the snippet marks, as the page wrote them, each once."""


def highlight(text: str, query: str | QueryPlan, *, width: int = 220, mark: tuple[str, str] = ("[", "]")) -> str:
    """A window of display ``text`` around the first match, each matched word as the page wrote it in ``mark``."""
    return _snippet(text, query if isinstance(query, QueryPlan) else plan_query(query), width, mark)[0]


def _snippet(text: str, plan: QueryPlan, width: int, mark: tuple[str, str]) -> tuple[str, list[str]]:
    """The snippet, and the words it marks. Only the text up to the first match and the window are read: a
    body's words are normalized one by one, and most bodies match early."""
    first = next((m for m in _DISPLAY_WORD.finditer(text) if plan.marks_display(m.group())), None)
    if first is None:
        return text[:width].replace("\n", " "), []
    start = max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    pieces, cursor, matched = [], start, []
    for m in _DISPLAY_WORD.finditer(text, start):
        s, e = m.span()
        if e > end:
            break
        if (s == start and s > 0 and _DISPLAY_WORD.match(text, s - 1)) or not plan.marks_display(m.group()):
            continue  # a word the window cuts, or not a match
        pieces += [text[cursor:s], mark[0], text[s:e], mark[1]]
        matched.append(m.group())
        cursor = e
    pieces.append(text[cursor:end])
    snippet = "".join(pieces).replace("\n", " ")
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else ""), list(dict.fromkeys(matched))


def parse_time(value: str, option: str) -> str:
    """A ``--since``/``--until`` value as the archive compares it: a day (``2024-05-01``) or an ISO 8601 time
    (made UTC). Anything else is a SearchError naming ``option``."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SearchError(f"{option} {value!r} is not a date: give a day as YYYY-MM-DD, e.g. 2024-05-01") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _check_filters(conn: sqlite3.Connection, sites: list[str] | None, agency: str | None) -> None:
    if sites:
        known = [row[0] for row in conn.execute("SELECT id FROM sites ORDER BY id")]
        unknown = [s for s in sites if s not in known]
        if unknown:
            listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
            raise SearchError(f"--site {unknown[0]!r} is not a site of this archive (its sites: {listed or 'none'})")
    if agency is not None and agency not in AGENCIES:
        raise SearchError(f"--agency {agency!r} is not an agency id (known: {', '.join(sorted(AGENCIES))})")


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
    """Ranked matches for ``query``: an exact form above an inflection, the title above the body (bm25), newest
    first among equals. Bad dates, unknown sites or agencies and queries that cannot run are SearchErrors."""
    since = parse_time(since, "--since") if since else None
    until = parse_time(until, "--until") if until else None
    if since and until and since >= until:
        raise SearchError(f"--since {since} is not before --until {until}: nothing can be published in between")
    _check_filters(conn, sites, agency)
    plan = plan_query(query, conn)
    where: list[str] = [f"{FTS_TABLE} MATCH ?"]
    params: list[object] = [plan.match]
    if sites:
        where.append(f"a.site IN ({','.join('?' * len(sites))})")
        params += sites
    if since:
        where.append("COALESCE(a.published_utc, a.first_seen) >= ?")
        params.append(since)
    if until:
        where.append("COALESCE(a.published_utc, a.first_seen) < ?")
        params.append(until)
    if agency:
        where.append("EXISTS (SELECT 1 FROM json_each(a.agencies) WHERE json_each.value = ?)")
        params.append(agency)
    if category:
        where.append("a.category = ?")
        params.append(category)
    # The best ``limit`` are chosen on the index alone (the latest stored first among equals), and only they are
    # read whole: sorting every match with its body costs more than the match itself.
    join = f" JOIN articles a ON a.id = {FTS_TABLE}.rowid" if len(where) > 1 else ""
    best = (
        f"SELECT {FTS_TABLE}.rowid AS id, {RANK_SQL if plan.stems else PLAIN_RANK_SQL} AS score FROM {FTS_TABLE}"
        f"{join} WHERE {' AND '.join(where)} ORDER BY score, {FTS_TABLE}.rowid DESC LIMIT ?"
    )
    params.append(limit)
    sql = (
        "SELECT a.id, a.site, COALESCE(s.name, a.site), a.title, a.canonical_url, a.published, a.category,"
        f" a.agencies, a.body, best.score FROM ({best}) best JOIN articles a ON a.id = best.id"
        " LEFT JOIN sites s ON s.id = a.site ORDER BY best.score, a.published_utc DESC"
    )
    try:
        rows = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        # The expression is built here, never typed: an FTS5 error is a bug, but the user still gets one line.
        if not any(k in str(exc) for k in ("no such table", "locked", "disk", "readonly")):
            raise SearchError(f"cannot search for {query!r}: {exc}") from exc
        raise
    hits = []
    for row in rows:
        snippet, matched = _snippet(row[8], plan, 220, mark)
        hits.append(
            SearchHit(
                id=row[0],
                site=row[1],
                site_name=row[2],
                title=row[3],
                url=row[4],
                published=row[5],
                category=row[6],
                agencies=json.loads(row[7] or "[]"),
                snippet=snippet,
                rank=row[9],
                matched=matched,
            )
        )
    return hits
