"""Options shared by several ``akhbar`` commands, with their environment variables and defaults."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

import click

from crawler.registry import RegistryError

F = TypeVar("F", bound=Callable[..., Any])
EXIT_CONFIG = 2
"""Exit code of a usage or configuration error (click's own for a bad option), a broken registry among them."""


class RegistryProblems(click.ClickException):
    """A registry that cannot be used, shown as click shows its errors but one line per problem, exit 2."""

    exit_code = EXIT_CONFIG

    def __init__(self, error: RegistryError) -> None:
        super().__init__(str(error))
        self.problems = error.problems

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.problems:
            click.echo(f"Error: {line}", file=file, err=file is None)


@contextmanager
def registry_errors() -> Iterator[None]:
    """Turn a RegistryError met while loading the registry or picking its sites into :class:`RegistryProblems`."""
    try:
        yield
    except RegistryError as exc:
        raise RegistryProblems(exc) from exc


DEFAULT_DB = "data/akhbar.db"
DEFAULT_OUT = "feeds"
DEMO_DB = "data/demo.db"
DEMO_OUT = "feeds-demo"
"""Where ``akhbar demo`` writes unless ``--db`` / ``--out`` say otherwise: never the real archive's defaults."""


def _db_option(default: str, envvar: str | None, help: str) -> Callable[[F], F]:
    return click.option(
        "--db", "db", envvar=envvar, default=default, show_default=True, type=click.Path(dir_okay=False), help=help
    )


def _out_option(default: str, envvar: str | None, help: str) -> Callable[[F], F]:
    return click.option(
        "--out", "out", envvar=envvar, default=default, show_default=True, type=click.Path(file_okay=False), help=help
    )


db_option = _db_option(DEFAULT_DB, "AKHBAR_DB", "SQLite archive (env AKHBAR_DB).")
out_option = _out_option(DEFAULT_OUT, "AKHBAR_OUT", "Directory the feeds are written to (env AKHBAR_OUT).")
# The demo reads no environment variable: AKHBAR_DB, AKHBAR_OUT and AKHBAR_WEBSUB_HUB name the real archive's.
demo_db_option = _db_option(DEMO_DB, None, "SQLite archive of the demo (AKHBAR_DB is not read).")
demo_out_option = _out_option(DEMO_OUT, None, "Directory the demo feeds are written to (AKHBAR_OUT is not read).")
sites_option = click.option(
    "--sites",
    "sites_file",
    envvar="AKHBAR_SITES",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="Registry TOML file replacing the bundled one (env AKHBAR_SITES).",
)


def crawl_options(func: F) -> F:
    """The options of ``akhbar crawl``, shared with ``akhbar run``."""
    decorators = [
        sites_option,
        click.option("--site", "site_ids", multiple=True, metavar="ID", help="Crawl only this site (repeatable)."),
        db_option,
        click.option(
            "--since",
            "since_days",
            type=click.FloatRange(min=0),
            default=3,
            show_default=True,
            help="Skip articles older than this many days (0: no limit).",
        ),
        click.option(
            "-s",
            "--set",
            "overrides",
            multiple=True,
            metavar="NAME=VALUE",
            help="Set a Scrapy setting for this run, as `scrapy crawl -s` does (repeatable).",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Only warnings and the final summary (for cron)."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _export_options(out: Callable[[F], F], hub_envvar: str | None, func: F) -> F:
    hub_env = f"env {hub_envvar}; " if hub_envvar else ""
    decorators: list[Callable[[Any], Any]] = [
        out,
        click.option("--base-url", default=None, help="Public URL under which the feed directory is served."),
        click.option(
            "--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Entries per feed."
        ),
        click.option("--summary-only", is_flag=True, help="Never republish article bodies: summary and link only."),
        click.option(
            "--hub",
            "hub_url",
            envvar=hub_envvar,
            default=None,
            help=f"WebSub hub announced in the feeds and pinged after export ({hub_env}default off).",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def export_options(func: F) -> F:
    """The options of ``akhbar export``, shared with ``akhbar run``."""
    return _export_options(out_option, "AKHBAR_WEBSUB_HUB", func)


def demo_export_options(func: F) -> F:
    """The export options of ``akhbar demo``: the same, with the demo's own ``--out`` and no environment."""
    return _export_options(demo_out_option, None, func)
