"""``akhbar browse``: the archive in Datasette, with the project's metadata, canned queries and search."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crawler.cli.options import EXIT_CONFIG, db_option

DEFAULT_PORT = 8001
"""Datasette's own default port."""


class BrowseError(click.ClickException):
    """An archive that cannot be browsed, or no Datasette to browse it with: one line, exit 2."""

    exit_code = EXIT_CONFIG


@click.command("browse")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the archive to the whole network.")  # fmt: skip
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True, help="Port.")
def browse_command(db: str, host: str, port: int) -> None:
    """Browse the archive in Datasette: search as `akhbar search` does, facets, right-to-left text and canned
    queries (stories across sites, an agency's share of each site, articles per day, edited articles).

    The archive is served read-only as /akhbar whatever its file is called (a crawl may run meanwhile): open
    http://127.0.0.1:8001/akhbar/articles. Ctrl-C stops.

    Example: akhbar browse --db data/akhbar.db --port 8001
    """
    try:
        from crawler.browse.server import ArchiveProblem, archive_datasette, check_archive, serve
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("datasette", "uvicorn"):
            raise
        raise BrowseError(f"Datasette is not installed ({exc}): pip install 'akhbar[browse]'") from exc
    path = Path(db)
    try:
        check_archive(path)
        ds = archive_datasette(path)
    except ArchiveProblem as exc:
        raise BrowseError(str(exc)) from exc
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"browsing {path} at http://{shown}:{port}/akhbar/articles (Ctrl-C to stop)")
    sys.stdout.flush()
    serve(ds, host=host, port=port)
