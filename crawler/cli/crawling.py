"""``akhbar crawl``, ``akhbar run`` and ``akhbar demo``: the commands that drive the Scrapy crawl."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from crawler.cli.feeds import write_feeds
from crawler.cli.ops import exclusive_run
from crawler.cli.options import crawl_options, demo_db_option, demo_export_options, export_options, registry_errors
from crawler.ops.outage import EXIT_OFFLINE, find_outage
from crawler.ops.summary import render_summary
from crawler.registry import load_registry
from crawler.runner import CrawlResult, SettingError, crawl_settings, parse_overrides, run_crawl

# Settings that make a crawl of our own loopback demo server fast; never used against real sites.
LOCAL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
}
# The demo stores into its own archive only: a Redis set in the environment (AKHBAR_REDIS_URL) would queue its
# articles for the real archive's `akhbar ingest`.
DEMO_SETTINGS = {**LOCAL_SETTINGS, "AKHBAR_REDIS_URL": ""}


def _crawl(
    *,
    db: str,
    sites_file: str | None,
    site_ids: tuple[str, ...],
    since_days: float,
    overrides: tuple[str, ...] | dict[str, str],
    quiet: bool,
) -> CrawlResult:
    with registry_errors():
        load_registry(sites_file).select(site_ids)
    try:
        parsed = overrides if isinstance(overrides, dict) else parse_overrides(overrides)
    except SettingError as exc:
        raise click.UsageError(str(exc)) from exc
    settings = crawl_settings(
        db=db,
        sites_file=sites_file,
        site_ids=site_ids,
        since_days=since_days,
        overrides=parsed,
        log_level="WARNING" if quiet else None,
    )
    return run_crawl(settings)


def _summary(result: CrawlResult) -> str:
    return render_summary(result.sites)


CLEAN_ENDS = ("finished", "deadline")
"""Finish reasons of a crawl that ended as it should: all done, or stopped at ``AKHBAR_RUN_DEADLINE``."""


def _exit_code(result: CrawlResult) -> int:
    """0 all well; 1 the crawl did not finish (or could not store); 3 it finished but some sites failed; 4 no
    site answered at all, this machine is offline (cron can tell them apart)."""
    if result.finish_reason not in CLEAN_ENDS or result.stats.get("akhbar/store_failed"):
        return 1
    if find_outage(result.sites) is not None:
        return EXIT_OFFLINE
    return 3 if result.failing_sites else 0


def _report(result: CrawlResult) -> int:
    code = _exit_code(result)
    outage = find_outage(result.sites)
    if code == EXIT_OFFLINE and outage is not None:
        click.echo(outage.message, err=True)  # one line: a table of sites that all failed alike says no more
        return code
    click.echo(_summary(result))
    if result.stats.get("akhbar/store_failed"):
        click.echo(f"crawl stopped: the archive cannot be written ({result.stats['akhbar/store_failed']})", err=True)
    elif code == 1:
        click.echo(f"crawl ended early: {result.finish_reason}", err=True)
    elif result.finish_reason == "deadline":
        click.echo("crawl stopped at its deadline (AKHBAR_RUN_DEADLINE): what was fetched is stored", err=True)
    elif code == 3:
        click.echo(f"sites with problems: {', '.join(result.failing_sites)}", err=True)
    return code


@click.command("crawl")
@crawl_options
def crawl_command(
    sites_file: str | None,
    site_ids: tuple[str, ...],
    db: str,
    since_days: float,
    overrides: tuple[str, ...],
    quiet: bool,
) -> None:
    """Crawl the registry's sites into the archive.

    Runs the Scrapy spider in this process; exits 0 when every site went well, 3 when some sites failed
    (listed on stderr), 4 when no site answered at all (this machine is offline), 1 when the crawl could not
    finish.

    Example: akhbar crawl --site aljazeera --site bbc_arabic --db data/akhbar.db -s LOG_LEVEL=DEBUG
    """
    result = _crawl(
        db=db, sites_file=sites_file, site_ids=site_ids, since_days=since_days, overrides=overrides, quiet=quiet
    )
    sys.exit(_report(result))


@click.command("run")
@crawl_options
@export_options
def run_command(
    sites_file: str | None,
    site_ids: tuple[str, ...],
    db: str,
    since_days: float,
    overrides: tuple[str, ...],
    quiet: bool,
    out: str,
    base_url: str | None,
    limit: int,
    summary_only: bool,
    hub_url: str | None,
) -> None:
    """Crawl, then export the feeds: the one command to put in cron.

    Example: akhbar run --db /var/lib/akhbar/akhbar.db --out /var/www/feeds --base-url https://feeds.example.org/
    """
    with exclusive_run(db):
        result = _crawl(
            db=db, sites_file=sites_file, site_ids=site_ids, since_days=since_days, overrides=overrides, quiet=quiet
        )
        code = _report(result)
        # Offline: the archive did not change, so neither would the feeds; they are left as they are.
        if code not in (1, EXIT_OFFLINE):
            write_feeds(
                db, out, base_url=base_url, limit=limit, summary_only=summary_only, hub_url=hub_url, quiet=quiet
            )
    sys.exit(code)


@click.command("demo")
@demo_db_option
@demo_export_options
@click.option("--port", type=click.IntRange(0, 65535), default=8471, show_default=True,
              help="Port of the demo sites on 127.0.0.11-13 (0: any free port).")  # fmt: skip
def demo_command(
    db: str, out: str, base_url: str | None, limit: int, summary_only: bool, hub_url: str | None, port: int
) -> None:
    """Serve the bundled demo sites on 127.0.0.x and run the whole pipeline against them, offline.

    The demo keeps apart from the real archive: it writes data/demo.db and feeds-demo/ unless --db and --out
    say otherwise, reads none of AKHBAR_DB, AKHBAR_OUT, AKHBAR_WEBSUB_HUB or AKHBAR_REDIS_URL, and its sites'
    ids start with demo-, which no other registry may use.

    Example: akhbar demo --port 0 --db scratch/demo.db --out scratch/feeds-demo
    """
    from crawler.demo.server import DemoServer

    try:
        server = DemoServer(port=port)
        server.start()
    except OSError:
        server = DemoServer(port=0)
        server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="akhbar-demo-") as tmp:
            registry = server.write_registry(Path(tmp) / "demo-sites.toml")
            for site_id, url in sorted(server.base_urls.items()):
                click.echo(f"serving demo site {site_id} at {url}/")
            result = _crawl(
                db=db,
                sites_file=str(registry),
                site_ids=(),
                since_days=0,
                overrides=dict(DEMO_SETTINGS),
                quiet=True,
            )
            code = _report(result)
            write_feeds(
                db, out, base_url=base_url, limit=limit, summary_only=summary_only, hub_url=hub_url, warn_loopback=False
            )
    finally:
        server.stop()
    click.echo(f"archive: {Path(db).resolve()}")
    click.echo(f"feeds:   {Path(out).resolve()}/ (all/rss.xml, all/atom.xml, sites/<id>/…, index.opml)")
    sys.exit(code)
