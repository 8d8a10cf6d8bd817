"""``akhbar doctor``: a live check of registry sites, run by an operator on a machine with internet.

For each site it fetches every listed feed and sitemap (or, for a site that lists none, the ones its homepage
and robots.txt declare), counts their entries, fetches a few of the article URLs they give and runs the
extraction layer on them. What it finds is a ``SiteReport``: sources that work, articles extracted, dates
found, and the problems an operator must fix in the registry (dead feeds, empty feeds, bot challenges…).

This is the scheduled smoke test kept apart from the offline test suite: nothing here runs during ``pytest``
against a real site. Fetching goes through one injectable function so tests can serve pages locally.
"""

from __future__ import annotations

import errno
import importlib
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any
from urllib.parse import urlsplit

from protego import Protego

from crawler.discovery.autodiscovery import feed_links, robots_sitemaps
from crawler.discovery.feeds import parse_feed
from crawler.discovery.model import DiscoveredLink, DiscoveryError, SourceResult
from crawler.discovery.sitemaps import parse_sitemap
from crawler.discovery.urlkind import is_article_url
from crawler.fetch_policy import Response, fetch_url, read_robots, robots_allow, robots_url
from crawler.registry import Site
from crawler.text.urls import same_site

OFFLINE_MESSAGE = "no internet: doctor needs network access to reach the sites"
MAX_CHILD_SITEMAPS = 3
"""Child sitemaps fetched from a sitemap index (newest first): enough to see that the index works."""


class OfflineError(RuntimeError):
    """The machine cannot reach the sites at all (no DNS, no route): nothing useful can be checked."""


Fetch = Callable[[str, float], Response]
"""``fetch(url, timeout)``: one GET with Akhbar's User-Agent, never raising for HTTP or network errors
(``crawler.fetch_policy.fetch_url``)."""
Probe = Callable[[str, float], None]
"""``probe(url, timeout)``: raises OfflineError when the machine has no way to reach ``url``."""
Extractor = Callable[..., Any]
"""``extract(html, url, site=site)`` of the extraction layer."""


@dataclass
class SourceCheck:
    """One feed or sitemap as fetched."""

    url: str
    kind: str
    """``feed`` or ``sitemap`` as listed in the registry; ``discovered feed`` / ``discovered sitemap``."""
    status: int = 0
    format: str | None = None
    """What the document turned out to be: ``rss``, ``atom``, ``rdf``, ``urlset`` or ``sitemapindex``."""
    entries: int = 0
    """Article URLs listed (for a sitemap index, in the child sitemaps fetched)."""
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class ArticleCheck:
    """One article page fetched and extracted."""

    url: str
    status: int = 0
    extracted: bool = False
    """The extractor returned a title and a body."""
    title: str | None = None
    published: str | None = None
    problem: str | None = None


@dataclass
class SiteReport:
    """What ``run_doctor`` found for one site."""

    site: Site
    sources: list[SourceCheck] = field(default_factory=list)
    articles: list[ArticleCheck] = field(default_factory=list)
    article_urls: int = 0
    """Distinct article URLs found in all sources."""
    problems: list[str] = field(default_factory=list)
    """Things to fix, one line each, starting with the URL at fault."""
    notes: list[str] = field(default_factory=list)
    """Facts that are not the site's fault (e.g. the extraction layer is missing)."""

    @property
    def sources_ok(self) -> int:
        return sum(1 for s in self.sources if s.ok)

    @property
    def sources_total(self) -> int:
        return len(self.sources)

    @property
    def entries(self) -> int:
        return sum(s.entries for s in self.sources)

    @property
    def extracted(self) -> int:
        return sum(1 for a in self.articles if a.extracted)

    @property
    def dated(self) -> int:
        return sum(1 for a in self.articles if a.published)

    @property
    def challenged(self) -> bool:
        return any("bot challenge" in p for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems


_OFFLINE_ERRNOS = frozenset({errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN})


def check_online(url: str, timeout: float = 5.0) -> None:
    """Resolve ``url``'s host and open a TCP connection to it; raise OfflineError when that cannot work.

    A slow or filtered host (a timeout) is not taken as offline: the site's own report will show it.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OfflineError(f"{OFFLINE_MESSAGE} (cannot resolve {host}: {exc})") from exc
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except TimeoutError:
        return
    except OSError as exc:
        if isinstance(exc, ConnectionRefusedError) or exc.errno in _OFFLINE_ERRNOS:
            raise OfflineError(f"{OFFLINE_MESSAGE} (cannot connect to {host}:{port}: {exc})") from exc


def is_bot_challenge(response: Response) -> bool:
    """A challenge or captcha page served instead of the content, as the crawl tells one
    (``crawler.fetch_policy.challenge_reason``)."""
    return response.challenge is not None


def _http_problem(response: Response) -> str | None:
    if response.status == 0:
        return f"network error: {response.error or 'no response'}"
    if is_bot_challenge(response):
        return f"bot challenge (HTTP {response.status})"
    if response.status != 200:
        return f"HTTP {response.status}"
    return None


def _parse_source(body: bytes, url: str, tz: tzinfo) -> SourceResult:
    """A feed or a sitemap, whichever the bytes are: registries sometimes list one as the other."""
    try:
        return parse_feed(body, url, tz=tz)
    except DiscoveryError as feed_error:
        try:
            return parse_sitemap(body, url, tz=tz)
        except DiscoveryError:
            raise feed_error from None


def _newest_first(links: Iterable[DiscoveredLink]) -> list[DiscoveredLink]:
    """Sitemaps by date, newest first; undated ones keep their order after the dated ones."""

    def key(link: DiscoveredLink) -> float:
        newest = link.newest
        return newest.timestamp() if newest is not None else float("-inf")

    return sorted(links, key=key, reverse=True)


class _SiteCheck:
    """The checks of one site, sharing its fetch function, politeness delay and robots.txt rules."""

    def __init__(self, site: Site, fetch: Fetch, timeout: float, extractor: Extractor | None) -> None:
        self.site = site
        self.fetch_fn = fetch
        self.timeout = timeout
        self.extractor = extractor
        self.report = SiteReport(site=site)
        self.robots: Protego | None = None
        self.robots_text = ""
        self._fetched_once = False

    def fetch(self, url: str) -> Response:
        if self._fetched_once and self.site.delay:
            time.sleep(self.site.delay)
        self._fetched_once = True
        return self.fetch_fn(url, self.timeout)

    def allowed(self, url: str) -> bool:
        return robots_allow(self.robots, url)

    def load_robots(self) -> None:
        response = self.fetch(robots_url(self.site.url))
        self.robots = read_robots(response)
        if response.status == 200 and response.body:
            self.robots_text = response.body.decode("utf-8", errors="replace")

    def problem(self, url: str, text: str) -> None:
        self.report.problems.append(f"{url}: {text}")

    def sources(self) -> list[tuple[str, str]]:
        listed = [(url, "feed") for url in self.site.feeds] + [(url, "sitemap") for url in self.site.sitemaps]
        if listed:
            return listed
        found = [(url, "discovered sitemap") for url in robots_sitemaps(self.robots_text, self.site.url)]
        home = self.fetch(self.site.url)
        trouble = _http_problem(home)
        if trouble:
            self.problem(self.site.url, f"homepage: {trouble}")
        else:
            found = [(url, "discovered feed") for url in feed_links(home.body, home.url)] + found
        if not found and not trouble:
            self.report.problems.append("no feed or sitemap listed, and autodiscovery found none")
        return found

    def check_source(self, url: str, kind: str) -> list[DiscoveredLink]:
        check = SourceCheck(url=url, kind=kind)
        self.report.sources.append(check)
        if not self.allowed(url):
            check.problem = "disallowed by robots.txt"
            self.problem(url, check.problem)
            return []
        response = self.fetch(url)
        check.status = response.status
        trouble = _http_problem(response)
        if trouble:
            check.problem = trouble
            self.problem(url, trouble)
            return []
        try:
            result = _parse_source(response.body, response.url, self.site.tz)
        except DiscoveryError as exc:
            check.problem = f"not a feed or sitemap ({exc})"
            self.problem(url, check.problem)
            return []
        check.format = result.kind
        links = list(result.links)
        if result.kind == "sitemapindex":
            links += self._children(result.children, check)
        check.entries = len(links)
        if not links and check.problem is None:
            check.problem = "empty sitemap index" if result.kind == "sitemapindex" else "empty (no entries)"
            self.problem(url, check.problem)
        return links

    def _children(self, children: list[DiscoveredLink], index: SourceCheck) -> list[DiscoveredLink]:
        links: list[DiscoveredLink] = []
        failures: list[str] = []
        for child in _newest_first(children)[:MAX_CHILD_SITEMAPS]:
            response = self.fetch(child.url)
            trouble = _http_problem(response)
            if trouble is None:
                try:
                    links += parse_sitemap(response.body, response.url, tz=self.site.tz).links
                    continue
                except DiscoveryError as exc:
                    trouble = f"not a sitemap ({exc})"
            failures.append(f"{child.url}: {trouble}")
        if failures and not links:
            index.problem = f"child sitemaps unusable: {failures[0]}"
            self.report.problems.extend(failures)
        return links

    def pick_articles(self, links: list[DiscoveredLink], count: int) -> list[str]:
        urls = list(dict.fromkeys(link.url for link in links))
        articles = [u for u in urls if is_article_url(u)]
        self.report.article_urls = len(articles)
        hosts = self.site.allowed_hosts
        own = [u for u in articles if same_site(u, hosts)]
        return (own or articles)[:count]

    def check_article(self, url: str) -> None:
        check = ArticleCheck(url=url)
        self.report.articles.append(check)
        if not self.allowed(url):
            check.problem = "disallowed by robots.txt"
            self.problem(url, check.problem)
            return
        response = self.fetch(url)
        check.status = response.status
        trouble = _http_problem(response)
        if trouble:
            check.problem = trouble
            self.problem(url, trouble)
            return
        if self.extractor is None:
            return
        try:
            result = self.extractor(_decode(response), response.url, site=self.site)
        except Exception as exc:  # one bad page must not abort the whole check
            check.problem = f"extraction failed: {exc}"
            self.problem(url, check.problem)
            return
        check.title = getattr(result, "title", None)
        check.published = getattr(result, "published", None)
        check.extracted = bool(check.title and getattr(result, "body", ""))
        if not check.extracted:
            check.problem = "extraction found no title or no body"
        elif not check.published:
            check.problem = "no publication date found"
        if check.problem:
            self.problem(url, check.problem)

    def run(self, articles_per_site: int) -> SiteReport:
        self.load_robots()
        links: list[DiscoveredLink] = []
        for url, kind in self.sources():
            links += self.check_source(url, kind)
        if self.report.sources and not links and not self.report.problems:
            self.report.problems.append("no article URLs in any feed or sitemap")
        chosen = self.pick_articles(links, articles_per_site)
        if links and not chosen:
            self.report.problems.append("feeds and sitemaps list no URL that looks like an article")
        if chosen and self.extractor is None:
            self.report.notes.append("extraction layer not available: pages fetched, not extracted")
        for url in chosen:
            self.check_article(url)
        return self.report


def _decode(response: Response) -> str:
    charset = response.charset
    try:
        encoding = importlib.import_module("crawler.extraction.encoding")
        text: str = encoding.decode_html(response.body, charset)[0]
        return text
    except (ImportError, AttributeError):
        return response.body.decode(charset or "utf-8", errors="replace")


def load_extractor() -> Extractor | None:
    """``crawler.extraction.extract``, or None while the extraction layer is not installed."""
    try:
        module = importlib.import_module("crawler.extraction")
    except ImportError:
        return None
    extract = getattr(module, "extract", None)
    return extract if callable(extract) else None


_UNSET: Any = object()


def run_doctor(
    sites: list[Site],
    *,
    timeout: float = 15,
    articles_per_site: int = 3,
    fetch: Fetch = fetch_url,
    probe: Probe = check_online,
    extractor: Extractor | None = _UNSET,
    on_report: Callable[[SiteReport], None] | None = None,
) -> list[SiteReport]:
    """Check each site live and return one report per site, in order.

    Raises OfflineError before any check when the first site's host cannot be resolved or reached.
    ``extractor`` defaults to ``crawler.extraction.extract`` (None: fetch articles without extracting);
    ``on_report`` is called with each report as soon as it is ready, for progress output.
    """
    if not sites:
        return []
    probe(sites[0].url, min(timeout, 5.0))
    if extractor is _UNSET:
        extractor = load_extractor()
    reports = []
    for site in sites:
        report = _SiteCheck(site, fetch, timeout, extractor).run(articles_per_site)
        reports.append(report)
        if on_report is not None:
            on_report(report)
    return reports


__all__ = [
    "ArticleCheck",
    "OfflineError",
    "Response",
    "SiteReport",
    "SourceCheck",
    "check_online",
    "fetch_url",
    "is_bot_challenge",
    "load_extractor",
    "run_doctor",
]
