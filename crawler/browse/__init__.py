"""The Datasette plugin of Akhbar: search, right-to-left reading and canned queries on the archive.

Registered through the ``datasette`` entry point, so it is loaded by ``akhbar browse`` and by any Datasette
that serves an archive (a database holding ``articles`` and ``articles_fts``), whatever its name.

- ``akhbar_match(query)`` and ``akhbar_snippet(text, query)``, the SQL functions of
  ``crawler.storage.search``, on every connection: the MATCH expression ``akhbar search`` runs for a query, on
  that connection's archive (its vocabulary decides which inflections exist), and the snippet it prints.
- ``?_search=`` on ``articles`` runs through ``akhbar_match``. Datasette's own search filter only acts on tables whose
  metadata names an ``fts_table`` (or whose FTS table is an external-content one): the shipped metadata names
  none for ``articles``, so this plugin's ``filters_from_request`` hook writes the only search clause. A query
  the parser refuses (:func:`match_expression`) is a 400 with its one line, never an "Invalid SQL" page.
- ``/<db>/articles`` opens on the columns a reader wants (:data:`DEFAULT_COLUMNS`): an HTML request that picks
  no columns (no ``_col``/``_nocol``) is redirected to one that does, so the URL says what the page shows.
- ``templates/_table.html`` sets ``dir="auto"`` on rows and text cells, ``static/akhbar.css`` lets every cell
  (query results too) take the direction of its own text.
- The canned queries of :mod:`crawler.browse.queries`.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest
from markupsafe import Markup, escape

from crawler.browse.queries import CANNED_QUERIES, STORY_QUERY
from crawler.storage.search import SearchError, fts_match, register_functions

PLUGIN = "akhbar"
"""The name Datasette knows the plugin by (the distribution's): its static files live under this name."""
ARTICLES = "articles"
FTS_TABLE = "articles_fts"
"""The full-text index ``?_search=`` matches against; its rowid is ``articles.id``."""
DEFAULT_COLUMNS = ("title", "site", "published", "category", "agencies")
"""What the articles table shows when the request picks no columns (the key ``id`` always comes first)."""
SEARCH_PARAM = "akhbar_search"

_archives: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()


def match_expression(query: str, conn: sqlite3.Connection) -> str:
    """The FTS5 MATCH expression ``akhbar search`` runs for a user query on the archive ``conn``.

    Raises SearchError, with a one-line message, for a query that cannot be searched.
    """
    return fts_match(query, conn)


async def is_archive(datasette: Any, database: str) -> bool:
    """Whether ``database`` is an Akhbar archive (it has the articles table and its full-text index)."""
    known = _archives.setdefault(datasette, {})
    if database not in known:
        db = datasette.databases.get(database)
        names = set(await db.table_names()) if db is not None and not db.is_memory else set()
        known[database] = {ARTICLES, FTS_TABLE} <= names
    return known[database]


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    # akhbar_match(query): match_expression on this connection's archive; akhbar_snippet(text, query).
    register_functions(conn)


@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Callable[[], Awaitable[Any]]:
    # trylast: Datasette's own search filter runs first and says supports_search=False for articles (no
    # fts_table in the metadata); this hook's extra context comes after and wins.
    async def inner() -> FilterArguments | None:
        if table != ARTICLES or not await is_archive(datasette, database):
            return None
        query = (request.args.get("_search") or "").strip()
        context: dict[str, Any] = {"supports_search": True, "search": query}
        if not query:
            return FilterArguments([], extra_context=context)
        try:
            # The parser's one-line refusal, and anything FTS5 would still not parse, before any SQL is shown.
            await datasette.get_database(database).execute_fn(lambda conn: _probe(conn, query))
        except (SearchError, sqlite3.DatabaseError) as exc:
            raise BadRequest(f"cannot search for {query!r}: {exc}") from exc
        clause = f"id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH akhbar_match(:{SEARCH_PARAM}))"
        return FilterArguments([clause], {SEARCH_PARAM: query}, [f'search matches "{query}"'], context)

    return inner


def _probe(conn: sqlite3.Connection, query: str) -> None:
    match_expression(query, conn)
    conn.execute(f"SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH akhbar_match(?) LIMIT 1", (query,)).fetchall()


@hookimpl
def canned_queries(datasette: Any, database: str) -> Callable[[], Awaitable[dict[str, dict[str, str]]]]:
    async def inner() -> dict[str, dict[str, str]]:
        return dict(CANNED_QUERIES) if await is_archive(datasette, database) else {}

    return inner


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins(PLUGIN, "akhbar.css")]


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """In query results, a ``story`` links to the story page and an ``article`` to the article's row."""
    if table is not None or column not in ("story", "article") or type(value) is not int:
        return None

    async def inner() -> Markup | None:
        if not await is_archive(datasette, database):
            return None
        if column == "story":
            href = f"{datasette.urls.query(database, STORY_QUERY)}?{urlencode({'story': value})}"
        else:
            href = datasette.urls.row(database, ARTICLES, str(value))
        return Markup(f'<a href="{escape(href)}">{value}</a>')

    return inner


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    def wrap(app: Any) -> Any:
        async def articles_with_default_columns(scope: dict[str, Any], receive: Any, send: Any) -> None:
            location = await _default_columns_location(datasette, scope)
            if location is None:
                await app(scope, receive, send)
                return
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location", location.encode("utf-8")), (b"content-length", b"0")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b""})

        return articles_with_default_columns

    return wrap


async def _default_columns_location(datasette: Any, scope: dict[str, Any]) -> str | None:
    """Where to redirect an HTML request for an archive's articles table that picks no columns, else None."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return None
    path = scope.get("path", "")
    if not path.endswith(f"/{ARTICLES}"):
        return None
    for name in list(datasette.databases):
        if path == datasette.urls.table(name, ARTICLES) and await is_archive(datasette, name):
            args = parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
            if any(key in ("_col", "_nocol") for key, _ in args):
                return None
            return f"{path}?{urlencode([*args, *(('_col', c) for c in DEFAULT_COLUMNS)])}"
    return None
