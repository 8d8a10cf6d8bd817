"""The ``akhbar`` command line: one click group, one module per family of commands."""

from __future__ import annotations

import click

from crawler import __version__
from crawler.cli.archive import search_command, stats_command
from crawler.cli.browse import browse_command
from crawler.cli.crawling import crawl_command, demo_command, run_command
from crawler.cli.doctor import doctor_command
from crawler.cli.errors import DEBUG_KEY, AkhbarGroup
from crawler.cli.extract import date_command, extract_command
from crawler.cli.feeds import export_command, serve_command
from crawler.cli.ops import backup_command, ingest_command, runs_command
from crawler.cli.repair import prune_command, recluster_command
from crawler.cli.sites import sites_command


@click.group(cls=AkhbarGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="akhbar")
@click.option(
    "--debug",
    is_flag=True,
    envvar="AKHBAR_DEBUG",
    help="Show Python's traceback of an error instead of its one line (env AKHBAR_DEBUG=1).",
)
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Akhbar (أخبار): crawl Arabic news sites into one SQLite archive and republish them as feeds.

    A mistake is one line on stderr: exit 2 when the command line, an environment variable or a file it names
    is wrong, 1 when the command could not do its work (the table is in README.md).

    Example: akhbar demo
    """
    ctx.meta[DEBUG_KEY] = debug


for command in (
    crawl_command,
    export_command,
    run_command,
    extract_command,
    date_command,
    search_command,
    browse_command,
    sites_command,
    stats_command,
    demo_command,
    doctor_command,
    serve_command,
    backup_command,
    ingest_command,
    runs_command,
    recluster_command,
    prune_command,
):
    main.add_command(command)

if __name__ == "__main__":
    main()
