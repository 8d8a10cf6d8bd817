"""Options shared by several ``akhbar`` commands, with their environment variables and defaults."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

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


SQLITE_HEADER = b"SQLite format 3\x00"


class ArchivePath(click.Path):
    """A ``--db`` value: a file that is an SQLite database, or a path where one can be made.

    Checked when the command line is read, before anything is opened or written: a file that is not SQLite
    (a text file, a truncated download) or a path under a file fails there, naming the path, with exit 2.
    """

    name = "archive"

    def __init__(self) -> None:
        super().__init__(dir_okay=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        converted = super().convert(value, param, ctx)
        path = Path(os.fsdecode(converted))
        if path.is_file():
            try:
                with path.open("rb") as handle:
                    head = handle.read(len(SQLITE_HEADER))
            except OSError as exc:
                self.fail(f"cannot read {path} ({exc.strerror or exc}); check its permissions", param, ctx)
            if head and head != SQLITE_HEADER:
                self.fail(
                    f"{path} is not an Akhbar archive (not an SQLite database); restore it from a copy made by "
                    "`akhbar backup`, or move it away to start a new archive",
                    param,
                    ctx,
                )
        elif not path.exists():
            parent = path.parent
            while not parent.exists() and parent != parent.parent:
                parent = parent.parent
            if not parent.is_dir():
                self.fail(f"no archive can be made at {path}: {parent} is a file, not a folder", param, ctx)
            if not os.access(parent, os.W_OK | os.X_OK):
                self.fail(f"no archive can be made at {path}: the folder {parent} may not be written", param, ctx)
        return converted


def is_loopback_url(url: str) -> bool:
    """True when ``url``'s host is this machine only: localhost, 127.0.0.0/8 or ::1."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BaseUrl(click.ParamType):
    """A ``--base-url`` value: an absolute http(s) URL, returned as the export writes it (ending with ``/``)."""

    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from exports.urls import normalize_base_url

        try:
            return normalize_base_url(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an absolute http(s) URL, such as https://feeds.example.org/", param, ctx)


class RedisUrl(click.ParamType):
    """A ``--redis-url`` value: redis://, rediss:// or unix:// as redis-py reads it."""

    name = "url"
    SCHEMES = ("redis", "rediss", "unix")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        example = "such as redis://10.0.0.5:6379/0"
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError as exc:
            self.fail(f"{text!r} is not a Redis URL ({exc}), {example}", param, ctx)
        if parts.scheme not in self.SCHEMES:
            self.fail(f"{text!r} is not a Redis URL: it must start with redis://, rediss:// or unix://, {example}",
                      param, ctx)  # fmt: skip
        try:
            from redis.connection import parse_url
        except ImportError:
            return text
        try:
            parse_url(text)
        except ValueError as exc:
            self.fail(f"{text!r} is not a Redis URL ({exc}), {example}", param, ctx)
        return text


DEFAULT_DB = "data/akhbar.db"
DEFAULT_OUT = "feeds"
DEMO_DB = "data/demo.db"
DEMO_OUT = "feeds-demo"
"""Where ``akhbar demo`` writes unless ``--db`` / ``--out`` say otherwise: never the real archive's defaults."""


def _db_option(default: str, envvar: str | None, help: str) -> Callable[[F], F]:
    return click.option("--db", "db", envvar=envvar, default=default, show_default=True, type=ArchivePath(), help=help)


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


BASE_URL_HELP = (
    "Public URL under which the feed directory is served: the feeds' self links and ids start with it "
    "({env}default http://127.0.0.1:8080/, where `akhbar serve` listens{warning})."
)


def _export_options(out: Callable[[F], F], hub_envvar: str | None, base_url_envvar: str | None, func: F) -> F:
    hub_env = f"env {hub_envvar}; " if hub_envvar else ""
    base_url_env = f"env {base_url_envvar}; " if base_url_envvar else ""
    warning = ", with a warning that only this machine can follow such links" if base_url_envvar else ""
    decorators: list[Callable[[Any], Any]] = [
        out,
        click.option(
            "--base-url",
            envvar=base_url_envvar,
            default=None,
            type=BaseUrl(),
            help=BASE_URL_HELP.format(env=base_url_env, warning=warning),
        ),
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
    return _export_options(out_option, "AKHBAR_WEBSUB_HUB", "AKHBAR_BASE_URL", func)


def demo_export_options(func: F) -> F:
    """The export options of ``akhbar demo``: the same, with the demo's own ``--out`` and no environment."""
    return _export_options(demo_out_option, None, None, func)
