"""Retrying requests refused with 429 or 503 and a ``Retry-After``, once the site's pause is over.

Scrapy's RetryMiddleware retries 429 and 503 at once and ignores ``Retry-After``. This middleware sits before
it: it returns a copy of the refused request, which the site gate (:mod:`crawler.middlewares.sitegate`, which
paused the site when the answer came back) holds until the time has passed. Each request is retried this way
at most ``AKHBAR_RETRY_AFTER_TIMES`` times; after that the answer goes on to RetryMiddleware and the spider.
Counts ``akhbar/site/<id>/retry_after``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.middlewares.pauses import RETRY_AFTER_STATUSES, retry_after_seconds

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)
META_KEY = "akhbar_retry_after_times"


class RetryAfterMiddleware:
    """Turns a 429/503 with ``Retry-After`` into a retry of the same request (the gate makes it wait)."""

    def __init__(self, stats: StatsCollector, max_times: int) -> None:
        self.stats = stats
        self.max_times = max_times

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        settings = crawler.settings
        if not settings.getbool("AKHBAR_RETRY_AFTER_ENABLED", True):
            raise NotConfigured
        if not settings.getbool("AKHBAR_SITEGATE_ENABLED", True):
            raise NotConfigured("AKHBAR_RETRY_AFTER needs the site gate, which does the waiting")
        assert crawler.stats is not None
        return cls(crawler.stats, settings.getint("AKHBAR_RETRY_AFTER_TIMES", 3))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in RETRY_AFTER_STATUSES or request.meta.get("dont_retry"):
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None:
            return response
        site = request.meta.get("site")
        prefix = f"akhbar/site/{site}" if site else "akhbar"
        times = int(request.meta.get(META_KEY, 0))
        if times >= self.max_times:
            self.stats.inc_value(f"{prefix}/retry_after_gave_up")
            logger.warning("%s: still refused (%s) after %d waits: %s", site, response.status, times, request.url)
            return response
        self.stats.inc_value(f"{prefix}/retry_after")
        logger.info("%s: %s refused with %s, retrying after %.1f s", site, request.url, response.status, asked)
        retry = request.copy()
        retry.meta[META_KEY] = times + 1
        retry.dont_filter = True
        return retry
