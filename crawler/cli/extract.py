"""``akhbar extract`` and ``akhbar date``: the extraction layer from the command line.

``extract`` runs the same code as the spider on saved pages or URLs and prints JSON; ``date`` shows which
date the extractor reads from a visible date string, a help for whoever writes a site entry. URLs are fetched
under the crawl's policy (``crawler.fetch_policy``): its User-Agent, its robots.txt rules, its challenge pages.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from http.client import responses as http_reasons
from pathlib import Path
from urllib.parse import urlsplit

import click
from protego import Protego

from crawler.cli.options import RegistryProblems
from crawler.extraction import ExtractionError, extract, parse_date
from crawler.extraction.dates import format_date
from crawler.fetch_policy import fetch_url, read_robots, robots_allow, robots_url
from crawler.registry import RegistryError, Site, load_registry

FETCH_TIMEOUT = 30
ACCEPT = "text/html,*/*;q=0.5"


class SourceError(Exception):
    """A page that could not be read (missing file, HTTP error, disallowed by robots.txt), with the reason."""


def _registry_site(site_id: str | None, url: str | None) -> Site | None:
    """The ``--site`` entry, else the registry site whose host serves ``url`` (None when there is none)."""
    registry = load_registry(os.environ.get("AKHBAR_SITES"))
    if site_id:
        return registry.select([site_id])[0]
    host = urlsplit(url or "").hostname
    return registry.site_for_host(host) if host else None


class Fetcher:
    """Fetches the URLs of one command under the fetch policy, reading each host's robots.txt once."""

    def __init__(self, *, obey_robots: bool = True) -> None:
        self.obey_robots = obey_robots
        self.robots: dict[str, Protego | None] = {}

    def allowed(self, url: str) -> bool:
        if not self.obey_robots:
            return True
        where = robots_url(url)
        if where not in self.robots:
            self.robots[where] = read_robots(fetch_url(where, FETCH_TIMEOUT))
        return robots_allow(self.robots[where], url)

    def fetch(self, url: str) -> tuple[bytes, str | None, str]:
        if not self.allowed(url):
            raise SourceError(f"disallowed by robots.txt ({robots_url(url)}); --ignore-robots, for a site you run")
        response = fetch_url(url, FETCH_TIMEOUT, accept=ACCEPT)
        if response.status == 0:
            raise SourceError(f"cannot fetch {url}: {response.error or 'no response'}")
        if blocked := response.challenge:
            raise SourceError(f"cannot fetch {url}: blocked: {blocked}")
        if response.status >= 400:
            reason = http_reasons.get(response.status, "")
            raise SourceError(f"cannot fetch {url}: HTTP {response.status} {reason}".rstrip())
        return response.body, response.charset, response.url

    def read(self, source: str) -> tuple[bytes, str | None, str]:
        """``(bytes, HTTP charset, URL)`` of a file path or an http(s) URL."""
        if urlsplit(source).scheme in ("http", "https"):
            return self.fetch(source)
        path = Path(source)
        try:
            return path.read_bytes(), None, path.resolve().as_uri()
        except OSError as exc:
            raise SourceError(f"cannot read {source}: {exc.strerror or exc}") from exc


def _emit(line: str) -> None:
    # Bytes: the JSON is UTF-8 whatever the terminal's locale says (click writes bytes to the raw stream).
    click.echo(line.encode("utf-8"))


@click.command("extract")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--url", help="The page's URL, for a saved file (resolves links; picks the registry site).")
@click.option("--site", "site_id", metavar="ID", help="Registry site id: its time zone, names and selectors.")
@click.option(
    "--ignore-robots",
    is_flag=True,
    help="Fetch URLs that robots.txt disallows: for debugging a site you run, never someone else's.",
)
def extract_command(sources: tuple[str, ...], url: str | None, site_id: str | None, ignore_robots: bool) -> None:
    """Extract article pages (saved files or URLs) and print them as JSON.

    One source prints one JSON object; several print one object per line (JSON Lines), in order. A page
    that cannot be read is reported on stderr and makes the exit code 1; the others still print. URLs are
    fetched as the crawl fetches them: its User-Agent (AKHBAR_CONTACT_URL), and a URL that the site's
    robots.txt disallows is refused, not fetched.

    Example: akhbar extract saved/story.html --url https://www.youm7.com/story/2024/5/13/x/6577 --site youm7
    """
    if url and len(sources) > 1:
        raise click.UsageError("--url names one page; give one FILE_OR_URL with it")
    failed = 0
    fetcher = Fetcher(obey_robots=not ignore_robots)
    for source in sources:
        try:
            data, charset, fetched_url = fetcher.read(source)
            page_url = url or fetched_url
            site = _registry_site(site_id, page_url)
            record = extract(data, page_url, site=site, header_charset=charset)
        except RegistryError as exc:
            raise RegistryProblems(exc) from exc
        except (SourceError, ExtractionError) as exc:
            click.echo(f"akhbar extract: {source}: {exc}", err=True)
            failed += 1
            continue
        except Exception as exc:  # a bug must not hide the other pages' output
            click.echo(f"akhbar extract: {source}: unexpected error: {type(exc).__name__}: {exc}", err=True)
            failed += 1
            continue
        indent = 2 if len(sources) == 1 else None
        _emit(json.dumps(record.to_dict(), ensure_ascii=False, indent=indent))
    if failed:
        sys.exit(1)


@click.command("date")
@click.argument("text", nargs=-1, required=True)
@click.option("--site", "site_id", metavar="ID", help="Registry site id: its time zone and locale apply to the date.")
@click.option("--now", help="ISO 8601 time that relative dates (منذ ساعتين، أمس) count back from.")
def date_command(text: tuple[str, ...], site_id: str | None, now: str | None) -> None:
    """Print the date (ISO 8601) that the extractor reads from a visible date string.

    Exits 1 saying so when it finds no date. Use it to check a site's date format before writing its entry.

    Example: akhbar date "الإثنين، 13 مايو 2024 06:00 ص" --site youm7
    """
    joined = " ".join(text)
    tz = "UTC"
    locale: str | None = None
    if site_id:
        try:
            site = _registry_site(site_id, None)
        except RegistryError as exc:
            raise RegistryProblems(exc) from exc
        tz = site.timezone if site else "UTC"
        locale = site.locale if site else None
    reference = None
    if now:
        try:
            reference = datetime.fromisoformat(now)
        except ValueError:
            click.echo(f"akhbar date: --now {now!r} is not an ISO 8601 time", err=True)
            sys.exit(1)
    found = parse_date(joined, tz=tz, now=reference, locale=locale)
    if found is None:
        click.echo(f"akhbar date: no date found in {joined!r}", err=True)
        sys.exit(1)
    _emit(format_date(found) or "")
