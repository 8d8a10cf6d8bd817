"""``akhbar backup``, ``akhbar ingest`` and the helpers ``akhbar run`` and ``akhbar stats --runs`` use.

The lead registers ``backup_command`` and ``ingest_command`` in ``crawler.cli.main``; ``exclusive_run`` wraps
the body of ``akhbar run`` and ``show_run_history`` is what ``akhbar stats --runs`` prints.
"""

from __future__ import annotations

import difflib
import json
import logging
import signal
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

import click

from crawler.cli.options import EXIT_CONFIG, RedisUrl, db_option, registry_errors, sites_option
from crawler.ops.backup import BackupError, backup
from crawler.ops.history import flagged_sites, offline_runs, render_history, run_history
from crawler.ops.lock import EX_TEMPFAIL, LockError, LockHeld, RunLock, lock_path
from crawler.ops.summary import render_summary
from crawler.registry import RegistryError

redis_url_option = click.option(
    "--redis-url",
    "redis_url",
    envvar="AKHBAR_REDIS_URL",
    required=True,
    type=RedisUrl(),
    help="Redis shared by the crawl processes, e.g. redis://10.0.0.5:6379/0 (env AKHBAR_REDIS_URL).",
)


@contextmanager
def exclusive_run(db: str, command: str = "run", busy: str = "not starting a second run") -> Iterator[RunLock]:
    """Hold the run lock of ``db`` for ``akhbar <command>``; when another run holds it, say who (and ``busy``)
    and exit 75 (EX_TEMPFAIL); a lock that cannot be taken at all is one line and exit 1."""
    lock = RunLock(lock_path(db))
    try:
        lock.acquire()
    except LockHeld as exc:
        click.echo(f"akhbar {command}: {exc}; {busy}", err=True)
        sys.exit(EX_TEMPFAIL)
    except LockError as exc:
        click.echo(f"akhbar {command}: {exc}", err=True)
        sys.exit(1)
    try:
        yield lock
    finally:
        lock.release()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=True, writable=True))
@db_option
def backup_command(path: str, db: str) -> None:
    """Copy the archive to PATH with SQLite's online backup API: safe while a crawl is writing.

    PATH is a file, or an existing directory to put the copy in under the database's name. The copy is
    written to a temporary file, checked with PRAGMA integrity_check and renamed into place.

    Example: akhbar backup backups/akhbar-$(date +%F).db --db data/akhbar.db
    """
    try:
        result = backup(db, path)
    except (BackupError, sqlite3.Error, OSError) as exc:
        raise click.ClickException(f"backup failed: {exc}") from exc
    click.echo(f"backed up {db} to {result.path}: {result.articles} articles, {result.bytes / 1e6:.1f} MB")


@click.command("ingest")
@db_option
@redis_url_option
@sites_option
@click.option("--once", is_flag=True, help="Drain the queue, record the run and exit (default: keep waiting).")
@click.option("--batch-size", type=click.IntRange(min=1), default=100, show_default=True,
              help="Articles per SQLite transaction.")  # fmt: skip
@click.option("--run-gap", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="Seconds of empty queue that end one recorded run.")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="Only warnings and the final summary.")
def ingest_command(
    db: str, redis_url: str, sites_file: str | None, once: bool, batch_size: int, run_gap: float, quiet: bool
) -> None:
    """Store the articles that distributed crawl processes put in Redis: the archive's single writer.

    Run one per archive, on the machine that holds the database. Each article goes through normalize,
    validate, dedupe and store, as in a one-process crawl, and each burst of work is recorded as a run.

    Example: akhbar ingest --db /var/lib/akhbar/akhbar.db --redis-url redis://10.0.0.5:6379/0
    """
    from scrapy.settings import Settings

    from crawler.distributed.ingest import Ingestor
    from crawler.distributed.queue import ItemQueue
    from crawler.registry import load_registry
    from crawler.runner import CrawlSettingsError
    from crawler.storage.archive import Archive
    from crawler.storage.db import open_db
    from crawler.storage.stories import StorySettings, StorySettingsError

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(message)s")
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    try:
        story = StorySettings.from_settings(settings)
    except StorySettingsError as exc:
        raise CrawlSettingsError(str(exc)) from exc
    with registry_errors():
        registry = load_registry(sites_file)
    queue = ItemQueue.from_url(redis_url, settings.get("AKHBAR_REDIS_ITEMS_KEY") or "akhbar:items")
    try:
        queue.client.ping()
    except Exception as exc:
        raise click.ClickException(f"cannot reach Redis at {redis_url}: {exc}") from exc
    archive = Archive(open_db(db), story)
    ingestor = Ingestor(
        archive,
        registry,
        queue,
        batch_size=batch_size,
        min_body_chars=settings.getint("AKHBAR_MIN_BODY_CHARS", 80),
        dedupe_cache_size=settings.getint("AKHBAR_DEDUPE_CACHE_SIZE", 50_000),
        run_gap=run_gap,
    )

    def _stop(signum: int, frame: FrameType | None) -> None:
        ingestor.stop()

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        result = ingestor.run(once=once)
    except KeyboardInterrupt:
        result = None
    finally:
        signal.signal(signal.SIGTERM, previous)
        archive.db.conn.close()
    for run in result.runs if result else []:
        click.echo(f"run {run.run_id}: {run.articles} articles from the queue")
        click.echo(render_summary(run.sites))


def _check_site(conn: sqlite3.Connection, db: str, site: str) -> None:
    """A site id neither the archive nor the registry knows is a usage error (exit 2), not an empty history."""
    from crawler.registry import load_registry

    known = {row[0] for row in conn.execute("SELECT id FROM sites UNION SELECT DISTINCT site FROM run_sites")}
    with suppress(RegistryError):  # a registry that cannot be read does not stop the archive being read
        known |= {s.id for s in load_registry()}
    if site not in known:
        close = difflib.get_close_matches(site, sorted(known), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UnknownSiteError(
            f"unknown site id {site!r}: neither {db} nor the registry has it; {hint}`akhbar sites` lists the ids"
        )


class UnknownSiteError(click.ClickException):
    """``--site`` names no site of the archive or the registry: one line, exit 2."""

    exit_code = EXIT_CONFIG


def show_run_history(db: str, *, runs: int = 10, site: str | None = None, as_json: bool = False) -> None:
    """What ``akhbar stats --runs`` prints: per run and site the crawl's health, flagged sites on stderr."""
    from crawler.storage.db import connect

    try:
        conn = connect(db, readonly=True)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        rows = run_history(conn, runs=runs, site=site)
        if site and not rows:
            _check_site(conn, db, site)
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps([row.to_dict() for row in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no runs recorded yet for {site}" if site else "no runs recorded yet")
        return
    click.echo(render_history(rows))
    for run_id in offline_runs(rows):
        click.echo(f"attention: run {run_id} was offline: no site answered", err=True)
    for name, flags in sorted(flagged_sites(rows).items()):
        click.echo(f"attention: {name}: {', '.join(flags)}", err=True)


@click.command("runs")
@db_option
@click.option("--last", "runs", type=click.IntRange(min=1), default=10, show_default=True, help="How many runs.")
@click.option("--site", default=None, metavar="ID", help="Only this site.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (UTF-8) instead of a table.")
def runs_command(db: str, runs: int, site: str | None, as_json: bool) -> None:
    """Crawl health per run and site: requests, answers by status, found, new, dropped, errors, flags.

    A site whose yield fell to zero, that looks blocked or whose extraction fails is flagged. The same
    table as `akhbar stats --runs`.

    Example: akhbar runs --db data/akhbar.db --last 5
    """
    show_run_history(db, runs=runs, site=site, as_json=as_json)


__all__ = [
    "backup_command",
    "exclusive_run",
    "ingest_command",
    "runs_command",
    "show_run_history",
]
