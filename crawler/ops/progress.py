"""Progress lines during a crawl: one readable line per site every ``AKHBAR_PROGRESS_INTERVAL`` seconds.

Scrapy's own ``LogStats`` prints pages and items per minute for the whole crawl; this extension reads the
``akhbar/site/<id>/…`` stats instead, so an operator watching a run sees which site is slow, blocked or
dropping everything. A site is logged when its figures moved since the previous line. The extension also
keeps ``akhbar/site/<id>/seconds``: the time from the site's first request to its latest response, which the
end-of-run summary shows.

Enabled by ``AKHBAR_PROGRESS_ENABLED``; at ``--quiet`` (log level WARNING) its INFO lines are not shown.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

FIGURES = ("requests", "responses", "articles_found", "stored", "updated", "duplicates", "dropped", "errors")
PREFIX = "akhbar/site/"


def site_figures(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The headline counters of every site present in ``stats``."""
    sites: dict[str, dict[str, int]] = {}
    for key, value in stats.items():
        if not key.startswith(PREFIX):
            continue
        site, _, name = key[len(PREFIX) :].partition("/")
        if name in FIGURES:
            sites.setdefault(site, dict.fromkeys(FIGURES, 0))[name] = int(value)
    return sites


def progress_line(site: str, figures: dict[str, int], seconds: float | None) -> str:
    """``site: 120 requests (118 ok), 34 found, 20 new, 3 updated, 2 dupes, 4 dropped, 1 errors, 42s``."""
    line = (
        f"{site}: {figures['requests']} requests ({figures['responses']} answered), "
        f"{figures['articles_found']} found, {figures['stored']} new, {figures['updated']} updated, "
        f"{figures['duplicates']} dupes, {figures['dropped']} dropped, {figures['errors']} errors"
    )
    if seconds is not None:
        line += f", {seconds:.0f}s"
    return line


class ProgressExtension:
    """Logs per-site progress lines and tracks each site's crawl time."""

    def __init__(self, stats: StatsCollector, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.first_request: dict[str, float] = {}
        self.last_shown: dict[str, dict[str, int]] = {}
        self._task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        settings = crawler.settings
        if not settings.getbool("AKHBAR_PROGRESS_ENABLED", True):
            raise NotConfigured
        interval = settings.getfloat("AKHBAR_PROGRESS_INTERVAL", 5.0)
        if interval <= 0:
            raise NotConfigured
        assert crawler.stats is not None
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.request_reached_downloader, signal=signals.request_reached_downloader)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        return extension

    def spider_opened(self) -> None:
        self._task = task.LoopingCall(self.log_progress)
        self._task.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()

    def request_reached_downloader(self, request: Request) -> None:
        site = request.meta.get("site")
        if site:
            self.first_request.setdefault(site, time.monotonic())

    def response_received(self, request: Request) -> None:
        site = request.meta.get("site")
        started = self.first_request.get(site) if site else None
        if started is not None:
            self.stats.set_value(f"{PREFIX}{site}/seconds", round(time.monotonic() - started, 1))

    def log_progress(self) -> None:
        stats = self.stats.get_stats()
        for site, figures in sorted(site_figures(stats).items()):
            if self.last_shown.get(site) == figures:
                continue
            self.last_shown[site] = figures
            logger.info("progress %s", progress_line(site, figures, stats.get(f"{PREFIX}{site}/seconds")))
