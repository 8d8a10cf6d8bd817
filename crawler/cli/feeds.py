"""``akhbar export`` and ``akhbar serve``: writing the feeds and serving them."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import db_option, export_options, is_loopback_url, out_option


def write_feeds(
    db: str,
    out: str,
    *,
    base_url: str | None,
    limit: int,
    summary_only: bool,
    hub_url: str | None = None,
    quiet: bool = False,
    warn_loopback: bool = True,
) -> None:
    """Export every feed of the archive at ``db`` into ``out`` and say what was written.

    A base URL on this machine only (the default, http://127.0.0.1:8080/) is warned about on stderr, even when
    ``quiet``: feeds published with it link to addresses no reader can follow.
    """
    from exports.urls import normalize_base_url
    from exports.writer import export_feeds

    if not Path(db).exists():
        raise click.ClickException(f"no archive at {db}: run `akhbar crawl` (or `akhbar demo`) first")
    base = normalize_base_url(base_url)
    if warn_loopback and is_loopback_url(base):
        click.echo(
            f"warning: the feeds link to {base}, an address of this machine only; give the public URL they are "
            "served under with --base-url or AKHBAR_BASE_URL",
            err=True,
        )
    report = export_feeds(db, out, base_url=base_url, limit=limit, summary_only=summary_only, hub_url=hub_url)
    if not quiet:
        click.echo(
            f"feeds: {report.feeds_written} written, {report.feeds_unchanged} unchanged, "
            f"{report.entries} entries, in {Path(out).resolve()}"
        )
        if report.removed:
            click.echo(f"removed {len(report.removed)} feeds that no longer exist: {', '.join(report.removed)}")


@click.command("export")
@db_option
@export_options
def export_command(
    db: str, out: str, base_url: str | None, limit: int, summary_only: bool, hub_url: str | None
) -> None:
    """Write RSS 2.0, Atom 1.0 and JSON Feed files per site, category and agency, plus OPML.

    Only feeds whose entries changed are rewritten; every file is replaced atomically.

    Without --base-url (or AKHBAR_BASE_URL) the feeds link to http://127.0.0.1:8080/, where `akhbar serve`
    listens, and a warning says so: set it to the public URL the feed directory is served under.

    Example: akhbar export --db data/akhbar.db --out feeds --base-url https://feeds.example.org/
    """
    write_feeds(db, out, base_url=base_url, limit=limit, summary_only=summary_only, hub_url=hub_url)


@click.command("serve")
@out_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
def serve_command(out: str, host: str, port: int) -> None:
    """Serve the feed directory over HTTP with ETag, Last-Modified and 304 answers.

    Example: akhbar serve --out feeds --port 8080
    """
    from exports.serve import make_server

    if not Path(out).is_dir():
        raise click.ClickException(f"no feed directory at {out}: run `akhbar export` first")
    server = make_server(out, host=host, port=port)
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"serving {Path(out).resolve()} at http://{bound_host!s}:{bound_port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
