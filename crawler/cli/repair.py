"""``akhbar recluster`` and ``akhbar prune``: repairing the archive's stories and taking articles out of it.

Both write in one transaction, so readers (export, search, Datasette) see the archive before or after, never
half-way; and both hold the run lock while they write, so an ``akhbar run`` started meanwhile waits for the
next time (exit 75) instead of waiting on the database.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import click

from crawler.cli.ops import exclusive_run
from crawler.cli.options import EXIT_CONFIG, db_option
from crawler.runner import SettingError, crawl_settings, parse_overrides
from crawler.storage.db import connect
from crawler.storage.prune import PrunePlan, UnknownSite, plan_prune, prune
from crawler.storage.stories import StorySettings, StorySettingsError, recluster

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RepairUsageError(click.ClickException):
    """A setting, site or date the command cannot work with: one line, exit 2."""

    exit_code = EXIT_CONFIG


def _open(db: str) -> sqlite3.Connection:
    if not Path(db).is_file():
        raise click.ClickException(f"no archive at {db}: run `akhbar crawl` (or `akhbar demo`) first")
    return connect(db)


def story_settings(db: str, overrides: tuple[str, ...]) -> StorySettings:
    """The project's story settings with ``-s NAME=VALUE`` on top, as the crawl reads them."""
    try:
        settings = crawl_settings(db=db, overrides=parse_overrides(overrides))
        return StorySettings.from_settings(settings)
    except (SettingError, StorySettingsError) as exc:
        raise RepairUsageError(str(exc)) from exc


@click.command("recluster")
@db_option
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Set a setting for this run, as `akhbar crawl -s` does (repeatable).")  # fmt: skip
def recluster_command(db: str, overrides: tuple[str, ...]) -> None:
    """Recompute every story from the stored signatures with the current story settings.

    Gives the stories the crawl would have made, storing the same articles in the same order with these
    settings (AKHBAR_STORY_THRESHOLD, AKHBAR_STORY_BANDS, AKHBAR_STORY_ROWS, AKHBAR_STORY_HOT_BAND), and prints
    how many stories merged, split or stayed. A story keeps its id while its first stored article still starts
    it; a second run changes nothing. One transaction: readers see the old stories until it commits.

    Example: akhbar recluster --db data/akhbar.db -s AKHBAR_STORY_THRESHOLD=0.4
    """
    story = story_settings(db, overrides)
    conn = _open(db)
    try:
        with exclusive_run(db, "recluster", "try again when it has finished"):
            report = recluster(conn, story)
    finally:
        conn.close()
    click.echo(f"settings: {story.describe()}")
    if report.rebanded:
        click.echo(f"band keys: rebuilt for {story.bands_of_rows()} ({_count(report.rebanded, 'article')})")
    click.echo(
        f"stories: {report.merged} merged, {report.split} split, {report.stayed} stayed"
        f" ({report.stories_before} before, {report.stories_after} after);"
        f" {_count(report.moved, 'article')} moved, {_count(report.recounted, 'story', 'stories')} recounted"
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _before(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise RepairUsageError(f"--before takes a date as YYYY-MM-DD, got {value!r}") from None


def _show(plan: PrunePlan) -> None:
    width = max(len(name) for name in plan.rows)
    for table, count in plan.rows.items():
        click.echo(f"  {table:<{width}}  {count:>7}")
    click.echo(f"  {'stories':<{width}}  {plan.stories_deleted:>7} deleted, {plan.stories_recounted} recounted")


@click.command("prune")
@click.option("--site", "site", required=True, metavar="ID", help="The site whose articles are removed.")
@click.option("--before", "before", default=None, metavar="DATE",
              help="Only its articles published before this date (YYYY-MM-DD, UTC).")  # fmt: skip
@db_option
@click.option("--yes", "-y", "yes", is_flag=True, help="Do not ask for confirmation.")
def prune_command(site: str, before: str | None, db: str, yes: bool) -> None:
    """Remove a site's articles (or those published before DATE) and everything derived from them.

    Takes out their aliases, revisions, full-text rows, signatures and band keys; a story left with fewer
    copies is recounted, one left with none is deleted; without --before, the site's row goes too. The next
    `akhbar export` rewrites every feed they were in. Prints what it would remove and asks first, unless --yes.

    Example: akhbar prune --site demo-humanvoice --yes --db data/demo.db
    """
    cutoff = _before(before)
    conn = _open(db)
    try:
        try:
            plan = plan_prune(conn, site, cutoff)
        except UnknownSite as exc:
            known = ", ".join(exc.known) or "none"
            raise RepairUsageError(f"no site {site!r} in {db} (its sites: {known})") from exc
        scope = f"its articles published before {cutoff.isoformat()}" if cutoff else "all its articles"
        if not yes:
            click.echo(f"akhbar prune would remove from {db}, site {site} ({scope}):")
            _show(plan)
            click.confirm("Remove them?", abort=True)
        with exclusive_run(db, "prune", "try again when it has finished"):
            done = prune(conn, site, cutoff)
    finally:
        conn.close()
    click.echo(f"removed from {db}, site {site} ({scope}):")
    _show(done)
