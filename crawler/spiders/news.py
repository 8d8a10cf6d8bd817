"""``news``: the one generic spider. It only moves pages; discovery parsing and extraction are plain modules.

For every registry site it reads the feeds and sitemaps the entry lists (or, when it lists none, the feeds the
homepage declares and the sitemaps robots.txt names), follows sitemap indexes, and fetches the article pages it
has not stored yet, or whose feed or sitemap date says they changed since they were last seen.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import defer, error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived
from twisted.web.http import PotentialDataLoss

from crawler.discovery import (
    DiscoveredLink,
    DiscoveryError,
    SourceResult,
    feed_links,
    parse_feed,
    parse_sitemap,
    robots_sitemap_lines,
)
from crawler.discovery.autodiscovery import MAX_ROBOTS_BYTES, MAX_ROBOTS_SITEMAPS
from crawler.discovery.model import MAX_FEED_ENTRIES, MAX_SITEMAP_ENTRIES
from crawler.discovery.urlkind import skip_reason
from crawler.distributed.archive_view import crawl_archive, may_write
from crawler.extraction.model import ExtractionError
from crawler.extraction.pool import ExtractionPool, ExtractionTimeout, default_workers
from crawler.extraction.template import SiteTemplate, strip_lines
from crawler.fetch_policy import user_agent
from crawler.items import Article
from crawler.middlewares.blocked import SiteBlocked
from crawler.ops.outage import NETWORK_REASONS, find_outage
from crawler.pipelines.dedupe import BoundedSet
from crawler.pipelines.store import per_site_figures
from crawler.registry import Registry, Site, load_registry
from crawler.storage.archive import Archive
from crawler.storage.fingerprint import Fingerprint
from crawler.text.urls import UrlError, canonicalize, same_site

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def _newest_first(pair: tuple[str, DiscoveredLink]) -> tuple[int, float]:
    newest = pair[1].newest
    return (0, -newest.timestamp()) if newest is not None else (1, 0.0)


def site_slots(registry: Registry) -> dict[str, dict[str, Any]]:
    """DOWNLOAD_SLOTS entries for sites whose registry entry overrides concurrency or delay."""
    slots: dict[str, dict[str, Any]] = {}
    for site in registry:
        slot: dict[str, Any] = {}
        if site.concurrency is not None:
            slot["concurrency"] = site.concurrency
        if site.delay is not None:
            slot["delay"] = site.delay
        if slot:
            slots[f"site:{site.id}"] = slot
    return slots


def error_reason(failure: Failure) -> str:
    """A short, stable name for why a request failed, for the per-site error counts."""
    if failure.check(HttpError):
        response = getattr(failure.value, "response", None)
        return f"http_{response.status}" if response is not None else "http_error"
    if failure.check(DownloadTimeoutError, TimeoutError, defer.TimeoutError, error.TimeoutError):
        return "timeout"
    if failure.check(DownloadCancelledError) or "max size" in failure.getErrorMessage().lower():
        return "too_large"
    if failure.check(IgnoreRequest):
        return "too_large" if "DOWNLOAD_MAXSIZE" in failure.getErrorMessage() else "ignored"
    if failure.check(ResponseDataLossError, ResponseFailed, ResponseNeverReceived, PotentialDataLoss):
        return "cut_short"
    if failure.check(CannotResolveHostError, error.DNSLookupError):
        return "dns"
    if failure.check(DownloadConnectionRefusedError, error.ConnectionRefusedError):
        return "connection_refused"
    if failure.check(error.UnknownHostError):
        return "dns"
    if failure.check(error.TCPTimedOutError):
        return "timeout"
    if failure.check(error.NoRouteError):
        return "no_route"
    if failure.check(error.ConnectError):
        return "connect_failed"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(failure.value).__name__).lower()


class NewsSpider(scrapy.Spider):
    """Crawls the registry's sites for new and changed articles."""

    name = "news"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registry: Registry
        self.sites: list[Site] = []
        self.archive: Archive | None = None
        self.write_validators = True
        self.since: datetime | None = None
        self.extraction = ExtractionPool(0)
        self.requested = BoundedSet(200_000)
        self.per_site: dict[str, int] = {}
        """Article requests made per site in this run (bounded by ``max_articles_per_site``)."""
        self.max_articles_per_site = 2000
        self.max_sitemap_depth = 3
        self.max_feed_entries = MAX_FEED_ENTRIES
        self.max_sitemap_entries = MAX_SITEMAP_ENTRIES
        self.max_robots_sitemaps = MAX_ROBOTS_SITEMAPS
        self.deadline = 0.0
        self.templates: dict[str, SiteTemplate] = {}
        """What this crawl (and the runs before it) learned of each site's template: lines on most pages."""
        self.unreachable_logged: set[str] = set()
        """Sites whose first failure to resolve or connect was logged: the later ones go to the debug log."""

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        registry = load_registry(settings.get("AKHBAR_SITES"))
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for key, value in site_slots(registry).items():
            slots.setdefault(key, value)
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        # The User-Agent names the contact URL of this run, even when it was given as ``-s AKHBAR_CONTACT_URL``;
        # a USER_AGENT given on the command line still wins.
        if (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["project"]:
            contact = settings.get("AKHBAR_CONTACT_URL")
            if contact:
                settings.set("USER_AGENT", user_agent(contact), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.registry = load_registry(settings.get("AKHBAR_SITES"))
        spider.sites = spider.registry.select(settings.getlist("AKHBAR_SITE_IDS"))
        days = settings.getfloat("AKHBAR_SINCE_DAYS", 3)
        spider.since = datetime.now(UTC) - timedelta(days=days) if days > 0 else None
        workers = settings.getint("AKHBAR_EXTRACT_WORKERS", -1)
        spider.extraction = ExtractionPool(
            default_workers() if workers < 0 else workers, settings.getfloat("AKHBAR_EXTRACT_TIMEOUT", 60.0)
        )
        spider.max_articles_per_site = settings.getint("AKHBAR_MAX_ARTICLES_PER_SITE", 2000)
        spider.max_sitemap_depth = settings.getint("AKHBAR_MAX_SITEMAP_DEPTH", 3)
        spider.max_feed_entries = settings.getint("AKHBAR_MAX_FEED_ENTRIES", MAX_FEED_ENTRIES)
        spider.max_sitemap_entries = settings.getint("AKHBAR_MAX_SITEMAP_ENTRIES", MAX_SITEMAP_ENTRIES)
        spider.max_robots_sitemaps = settings.getint("AKHBAR_MAX_ROBOTS_SITEMAPS", MAX_ROBOTS_SITEMAPS)
        spider.deadline = settings.getfloat("AKHBAR_RUN_DEADLINE", 0)
        spider.archive = crawl_archive(settings)
        spider.write_validators = may_write(settings)
        if spider.archive is not None:
            spider.templates = spider.archive.load_templates()
        return spider

    # -- requests ----------------------------------------------------------------------------------------

    def _request(self, url: str, site: Site, callback: Any, **meta: Any) -> scrapy.Request:
        meta = {"site": site.id, "download_slot": f"site:{site.id}", **meta}
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta)

    def _source_request(self, url: str, site: Site, kind: str) -> scrapy.Request:
        callback = self.parse_feed if kind == "feed" else self.parse_sitemap
        return self._request(
            url, site, callback, akhbar_conditional=True, akhbar_source=kind, handle_httpstatus_list=[304]
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.extraction.start()
        if self.deadline > 0:
            call_later(self.deadline, self._deadline_reached)
        for site in self.sites:
            for request in self.site_start_requests(site):
                yield request

    def site_start_requests(self, site: Site) -> Iterator[scrapy.Request]:
        for url in site.feeds:
            yield self._source_request(url, site, "feed")
        for url in site.sitemaps:
            yield self._source_request(url, site, "sitemap")
        if not site.feeds and not site.sitemaps:
            yield self._request(site.url, site, self.parse_homepage)
            yield self._request(urljoin(site.url, "/robots.txt"), site, self.parse_robots)

    def _deadline_reached(self) -> None:
        """The run's time is up (``AKHBAR_RUN_DEADLINE``): stop cleanly; what was fetched is stored and exported."""
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("akhbar/cut/run_deadline", 1)
        logger.warning("run deadline of %g s reached: stopping the crawl (pending requests are not fetched)",
                       self.deadline)  # fmt: skip
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="deadline"))

    # -- discovery ---------------------------------------------------------------------------------------

    def _site(self, response: Response) -> Site:
        site = self.registry.get(response.meta["site"])
        assert site is not None
        return site

    def parse_homepage(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        found = [u for u in feed_links(response.body, response.url) if same_site(u, site.allowed_hosts)]
        self.crawler.stats.inc_value(f"akhbar/site/{site.id}/autodiscovered_feeds", len(found))
        for url in found:
            yield self._source_request(url, site, "feed")

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        if not isinstance(response, TextResponse):
            return
        urls, more = robots_sitemap_lines(response.text[:MAX_ROBOTS_BYTES], response.url, self.max_robots_sitemaps)
        if more:
            self._cut(site, "robots_sitemaps", more, f"robots.txt names {more} more sitemaps than the {len(urls)} read")
        for url in urls:
            if same_site(url, site.allowed_hosts):
                yield self._source_request(url, site, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        result = self._read_source(
            site, response, "feed", lambda b, u: parse_feed(b, u, self.max_feed_entries, tz=site.tz)
        )
        if result is not None:
            # A feed lists news: its links are articles unless their shape leaves no doubt.
            yield from self._article_requests(site, result.links, response.url, from_feed=True)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        result = self._read_source(
            site, response, "sitemap", lambda b, u: parse_sitemap(b, u, self.max_sitemap_entries, tz=site.tz)
        )
        if result is None:
            return
        depth = int(response.meta.get("akhbar_depth", 0)) + 1
        children = [c for c in result.children if same_site(c.url, site.allowed_hosts)]
        if children and depth > self.max_sitemap_depth:
            # An index lists sitemaps (Google reads one level, two at most): a chain deeper than the limit is a
            # trap, and its children are not followed.
            self._cut(site, "sitemap_depth", len(children), f"sitemap index nested deeper than "
                      f"{self.max_sitemap_depth} levels: {response.url}")  # fmt: skip
            children = []
        for child in children:
            if self.since is not None and child.updated is not None and child.updated < self.since:
                continue
            request = self._source_request(child.url, site, "sitemap")
            request.meta["akhbar_depth"] = depth
            yield request
        yield from self._article_requests(site, result.links, response.url)

    def _read_source(
        self, site: Site, response: Response, kind: str, parse: Callable[[bytes, str], SourceResult]
    ) -> SourceResult | None:
        """The parsed feed or sitemap, or None when it did not change (304) or cannot be read (counted, logged)."""
        if response.status == 304:
            self.crawler.stats.inc_value(f"akhbar/site/{site.id}/not_modified")
            return None
        try:
            result = parse(response.body, response.url)
        except DiscoveryError as exc:
            self._source_failed(site, response, kind, str(exc))
            return None
        self._source_ok(site, response, kind, len(result.links) + len(result.children))
        if result.cut:
            self._cut(site, f"{kind}_entries", result.cut, f"{response.url} lists {result.cut} entries past the "
                      f"{len(result.links) + len(result.children)} read")  # fmt: skip
        return result

    def _cut(self, site: Site, limit: str, count: int, message: str) -> None:
        """A bound that cut something of a site's work: counted (``akhbar/site/<id>/cut/<limit>``) and logged."""
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"akhbar/site/{site.id}/cut/{limit}", count)
        stats.inc_value(f"akhbar/cut/{limit}", count)
        logger.warning("%s: %s", site.id, message)

    def _source_ok(self, site: Site, response: Response, kind: str, count: int) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"akhbar/site/{site.id}/{kind}s_ok")
        if count == 0:
            stats.inc_value(f"akhbar/site/{site.id}/{kind}s_empty")
            logger.warning("%s %s lists no entries: %s", site.id, kind, response.url)
        headers = response.headers
        etag = headers.get(b"ETag")
        last_modified = headers.get(b"Last-Modified")
        if (etag or last_modified) and self.archive is not None and self.write_validators:
            self.archive.save_http_validators(
                response.request.url if response.request else response.url,
                etag.decode("latin-1") if etag else None,
                last_modified.decode("latin-1") if last_modified else None,
            )

    def _source_failed(self, site: Site, response: Response, kind: str, reason: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"akhbar/site/{site.id}/{kind}s_failed")
        self.crawler.stats.inc_value("akhbar/dropped/bad_source")
        logger.warning("%s: unreadable %s %s (%s)", site.id, kind, response.url, reason)

    def _skip(self, site: Site, reason: str, url: str) -> None:
        """A listed link not fetched: counted by reason (``akhbar/site/<id>/skipped/<reason>``), shown in the
        summary's "skipped (why)" column."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"akhbar/site/{site.id}/skipped/{reason}")
        logger.debug("%s: skipped (%s): %s", site.id, reason, url)

    def _article_requests(
        self, site: Site, links: Iterable[DiscoveredLink], source: str, *, from_feed: bool = False
    ) -> Iterator[scrapy.Request]:
        stats = self.crawler.stats
        assert stats is not None
        scheme = site.url.split(":", 1)[0]
        wanted: dict[str, DiscoveredLink] = {}
        for link in links:
            if not same_site(link.url, site.allowed_hosts):
                self._skip(site, "offsite", link.url)
                continue
            reason = skip_reason(link.url, listed_as_news=from_feed or link.news, article_urls=site.article_urls,
                                 ignore_urls=site.ignore_urls)  # fmt: skip
            if reason is not None:
                self._skip(site, reason, link.url)
                continue
            newest = link.newest
            if self.since is not None and newest is not None and newest < self.since:
                self._skip(site, "too_old", link.url)
                continue
            try:
                key = canonicalize(link.url, site_hosts=site.allowed_hosts, scheme=scheme)
            except UrlError:
                self._skip(site, "bad_url", link.url)
                continue
            wanted.setdefault(key, link)
        stored = self.archive.last_seen(wanted) if self.archive is not None else {}
        over = 0
        # Newest first, so that a site listing more than its share of articles gives its latest ones.
        for key, link in sorted(wanted.items(), key=_newest_first):
            seen = stored.get(key)
            if seen is not None and (link.newest is None or link.newest <= seen):
                self._skip(site, "known", link.url)
                continue
            if self.per_site.get(site.id, 0) >= self.max_articles_per_site:
                over += 1
                continue
            if not self.requested.add(key):  # listed by a feed and a sitemap both: one article, one request
                self._skip(site, "listed_twice", link.url)
                continue
            self.per_site[site.id] = self.per_site.get(site.id, 0) + 1
            stats.inc_value(f"akhbar/site/{site.id}/articles_found")
            yield self._request(
                link.url,
                site,
                self.parse_article,
                source_url=source,
                source_updated=link.newest.isoformat() if link.newest else None,
                known=seen is not None,
            )
        if over:
            self._cut(site, "articles_per_site", over, f"{over} articles past this run's limit of "
                      f"{self.max_articles_per_site} per site (AKHBAR_MAX_ARTICLES_PER_SITE) not fetched")  # fmt: skip

    # -- articles ----------------------------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[Article]:
        site = self._site(response)
        stats = self.crawler.stats
        assert stats is not None
        header = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        charset = None
        if "charset=" in header.lower():
            charset = header.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'") or None
        template = self.templates.setdefault(site.id, SiteTemplate())
        known = template.boilerplate()
        try:
            page, fingerprint = await self.extraction.extract(response.body, response.url, site, charset, known)
        except ExtractionTimeout as exc:
            stats.inc_value(f"akhbar/site/{site.id}/extraction_timeout")
            stats.inc_value("akhbar/dropped/extraction_timeout")
            logger.warning("%s: cannot extract %s (%s)", site.id, response.url, exc)
            return
        except ExtractionError as exc:
            stats.inc_value(f"akhbar/site/{site.id}/extraction_failed")
            stats.inc_value("akhbar/dropped/extraction_failed")
            logger.warning("%s: cannot extract %s (%s)", site.id, response.url, exc)
            return
        except Exception:  # one bad page must never stop the crawl
            stats.inc_value(f"akhbar/site/{site.id}/extraction_failed")
            stats.inc_value("akhbar/dropped/extraction_error")
            logger.exception("%s: extractor error on %s", site.id, response.url)
            return
        template.observe(page.line_keys)
        learned = template.boilerplate()
        body, body_html = page.body, page.body_html
        index: Fingerprint | None = fingerprint
        if not (learned - known).isdisjoint(page.line_keys):
            # Lines this very page made the site's boilerplate (or another page did while it was extracted).
            body, body_html = strip_lines(body, body_html, learned)
            index = None if body != page.body else fingerprint
        yield Article(
            url=response.url,
            site=site.id,
            title=page.title,
            body=body,
            body_html=body_html,
            canonical_url=page.canonical_url,
            subtitle=page.subtitle,
            summary=page.summary,
            published=page.published,
            modified=page.modified,
            authors=list(page.authors),
            category=page.category,
            tags=list(page.tags),
            image=page.image,
            agencies=list(page.agencies),
            dateline=page.dateline,
            language=page.language,
            site_name=page.site_name,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            source_url=response.meta.get("source_url"),
            source_updated=response.meta.get("source_updated"),
            known=bool(response.meta.get("known")),
            fingerprint=index,
            boilerplate_lines=sorted(learned),
        )

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        site = request.meta.get("site") if request is not None else None
        stats = self.crawler.stats
        assert stats is not None
        if failure.check(SiteBlocked):
            return  # counted and logged by BlockedSiteMiddleware
        ignored = failure.check(IgnoreRequest) and not failure.check(HttpError)  # HttpError is an IgnoreRequest
        if ignored and "DOWNLOAD_MAXSIZE" not in failure.getErrorMessage():
            # robots.txt forbids it, or another middleware dropped it on purpose: not an error of the site.
            if site:
                stats.inc_value(f"akhbar/site/{site}/ignored")
            logger.info("%s: not fetched: %s (%s)", site, getattr(request, "url", "?"), failure.getErrorMessage())
            return
        reason = error_reason(failure)
        if site:
            stats.inc_value(f"akhbar/site/{site}/errors")
            stats.inc_value(f"akhbar/site/{site}/errors/{reason}")
            source = request.meta.get("akhbar_source") if request is not None else None
            if source:
                stats.inc_value(f"akhbar/site/{site}/{source}s_failed")
        url = getattr(request, "url", "?")
        if reason in NETWORK_REASONS:
            # One line per site, never a traceback: an outage must not bury the log.
            level = logging.DEBUG if (site or "") in self.unreachable_logged else logging.WARNING
            self.unreachable_logged.add(site or "")
            logger.log(level, "%s: cannot reach the site: %s (%s)", site, NETWORK_REASONS[reason], url)
            return
        logger.warning("%s: %s failed: %s", site, url, failure.getErrorMessage())

    def closed(self, reason: str) -> None:
        """Name, in the log, every site whose run went wrong, so that a blocked site never reads as a quiet one."""
        self.extraction.close()
        if self.archive is not None and self.write_validators and self.templates:
            self.archive.save_templates(self.templates)
        stats = self.crawler.stats
        if stats is None:
            return
        sites = per_site_figures(stats.get_stats())
        outage = find_outage(sites)
        if outage is not None:
            logger.error("%s", outage.message)  # one line, not one per site
            return
        for site, figures in sorted(sites.items()):
            status = figures.get("status", "ok")
            if status != "ok":
                detail = ", ".join(f"{k}={v}" for k, v in sorted(figures["detail"].items()) if "/" not in k)
                logger.warning("site %s: %s (%s)", site, status, detail)
