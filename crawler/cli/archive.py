"""``akhbar search`` and ``akhbar stats``: reading the archive."""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import asdict

import click

from crawler.cli.options import db_option
from crawler.ops.table import render_table
from crawler.storage.db import connect
from crawler.storage.reports import archive_stats
from crawler.storage.search import SearchError, search


class QueryError(click.ClickException):
    """A query the archive cannot search: one line, and exit 2 like any other usage error."""

    exit_code = 2


def _open(db: str) -> sqlite3.Connection:
    try:
        return connect(db, readonly=True)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("search")
@click.argument("query")
@db_option
@click.option("--site", "sites", multiple=True, metavar="ID", help="Only these sites (repeatable).")
@click.option("--since", default=None, metavar="DATE", help="Published on or after (YYYY-MM-DD, or an ISO time).")
@click.option("--until", default=None, metavar="DATE", help="Published before (YYYY-MM-DD, or an ISO time).")
@click.option("--agency", default=None, metavar="ID", help="Credited to this agency (anadolu, afp, …).")
@click.option("--category", default=None, help="In this category, as the site names it.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (UTF-8) instead of a table.")
def search_command(
    query: str,
    db: str,
    sites: tuple[str, ...],
    since: str | None,
    until: str | None,
    agency: str | None,
    category: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Full-text search as an Arabic reader expects: احمد finds أحمد, معتقل finds والمعتقلين.

    \b
    Words all match, each with its inflections (a prefix such as و ب ال, a plural,
    dual, feminine or pronoun ending); an exact form ranks first and the snippet marks
    the words as the page wrote them.
      "exact phrase"   these words in this order, as written
      a OR b           either (a OR b c: a or b, and c)
      -word            leave out articles with the word (NOT word too)
      word*            words that begin so
    Anything else is read as words. An unknown --site or --agency, or a date that is
    none, is an error (exit 2).

    Example: akhbar search 'معتقل "الأمم المتحدة"' --agency anadolu --since 2024-05-01 --json
    """
    conn = _open(db)
    tty = sys.stdout.isatty()
    mark = ("\x1b[1m", "\x1b[0m") if tty and not as_json else ("[", "]")
    try:
        hits = search(
            conn, query, sites=list(sites), since=since, until=until, agency=agency, category=category,
            limit=limit, mark=mark,
        )  # fmt: skip
    except SearchError as exc:
        raise QueryError(str(exc)) from exc
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("no match")
        return
    for hit in hits:
        click.echo(f"{hit.published or '-':25}  {hit.site:12}  {hit.title}")
        click.echo(f"{'':25}  {'':12}  {hit.snippet}")
        click.echo(f"{'':25}  {'':12}  {hit.url}")
        click.echo("")


@click.command("stats")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (UTF-8) instead of tables.")
@click.option("--runs", "runs", is_flag=True, help="Crawl health of the last runs per site, problems flagged.")
def stats_command(db: str, as_json: bool, runs: bool) -> None:
    """Articles per site, per day and per agency, the stories with most copies, and the last runs.

    Example: akhbar stats --db data/akhbar.db
    """
    if runs:
        from crawler.cli.ops import show_run_history

        show_run_history(db, as_json=as_json)
        return
    conn = _open(db)
    try:
        stats = archive_stats(conn)
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(asdict(stats), ensure_ascii=False, indent=2))
        return
    click.echo(f"{stats.articles} articles, {stats.stories} stories\n")
    click.echo(render_table(stats.per_site, [("site", "site"), ("articles", "articles"), ("newest", "newest"),
                                             ("name", "name")]))  # fmt: skip
    click.echo("")
    click.echo(render_table(stats.per_day, [("day", "day"), ("articles", "articles")]))
    if stats.per_agency:
        click.echo("")
        click.echo(render_table(stats.per_agency, [("agency", "agency"), ("articles", "articles")]))
    if stats.top_stories:
        click.echo("")
        rows = [{**s, "agencies": ",".join(s["agencies"])} for s in stats.top_stories]
        click.echo(render_table(rows, [("story_id", "story"), ("copies", "copies"), ("first_site", "first"),
                                       ("agencies", "agencies"), ("title", "title")]))  # fmt: skip
    if stats.runs:
        click.echo("")
        click.echo(render_table(stats.runs, [("id", "run"), ("started", "started"), ("status", "status"),
                                             ("requests", "requests"), ("stored", "new"), ("updated", "updated"),
                                             ("dropped", "dropped"), ("errors", "errors")]))  # fmt: skip
