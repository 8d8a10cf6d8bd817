"""``SharedFrontierIdle``: a worker stays open while the shared frontier may still get work.

A worker whose own downloads are done is idle, but another process may be parsing a sitemap that will push a
thousand article requests into the shared queue. Scrapy closes an idle spider at once; this extension keeps it
open while Redis holds queued requests, and for ``AKHBAR_REDIS_IDLE_SECONDS`` after the frontier last moved.
It never blocks the reactor: the engine re-checks an idle spider on its heartbeat (every few seconds).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class SharedFrontierIdle:
    """Raises ``DontCloseSpider`` while the shared queue is non-empty or moved in the last few seconds."""

    def __init__(self, crawler: Crawler, stats: StatsCollector, grace: float) -> None:
        self.crawler = crawler
        self.stats = stats
        self.grace = grace
        self._last_seen: tuple[Any, ...] = ()
        self._quiet_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedFrontierIdle:
        if not crawler.settings.get("AKHBAR_REDIS_URL"):
            raise NotConfigured
        assert crawler.stats is not None
        extension = cls(crawler, crawler.stats, crawler.settings.getfloat("AKHBAR_REDIS_IDLE_SECONDS", 10.0))
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        return extension

    def _pending(self) -> int:
        engine = self.crawler.engine
        scheduler = getattr(getattr(engine, "_slot", None), "scheduler", None)
        try:
            return len(scheduler) if scheduler is not None else 0
        except Exception:  # Redis unreachable: let the spider close rather than spin
            logger.exception("cannot read the shared frontier")
            return 0

    def spider_idle(self) -> None:
        pending = self._pending()
        now = time.monotonic()
        marker = (
            pending,
            self.stats.get_value("scheduler/enqueued/redis"),
            self.stats.get_value("scheduler/dequeued/redis"),
            self.stats.get_value("scheduler/filtered/redis"),
        )
        if pending or marker != self._last_seen or self._quiet_since is None:
            self._last_seen = marker
            self._quiet_since = now
        if pending or now - self._quiet_since < self.grace:
            raise DontCloseSpider
