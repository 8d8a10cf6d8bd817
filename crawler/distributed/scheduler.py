"""``RedisScheduler``: scrapy-redis's scheduler, made warning-free on current Scrapy and job-aware.

scrapy-redis 0.9.1 passes ``spider=`` to the stats collector (deprecated since Scrapy 2.14), calls the
dupefilter's ``log`` with a spider and ``Spider.log`` when it resumes a frontier; this subclass does none of
it. It also gives its Redis keys an expiry (``AKHBAR_REDIS_KEY_TTL``), so the frontiers of old jobs do not pile
up in Redis.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy_redis.scheduler import Scheduler

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

DEFAULT_KEY_TTL = 2 * 24 * 3600


def _quiet(*args: Any, **kwargs: Any) -> None:
    """Stands in for ``Spider.log`` while scrapy-redis opens the frontier."""


class RedisScheduler(Scheduler):
    """The shared frontier: requests and their fingerprints in Redis, popped by whichever process is free."""

    key_ttl: int = DEFAULT_KEY_TTL

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler: RedisScheduler = cls.from_settings(crawler.settings)
        scheduler.stats = crawler.stats
        scheduler.key_ttl = crawler.settings.getint("AKHBAR_REDIS_KEY_TTL", DEFAULT_KEY_TTL)
        return scheduler

    def open(self, spider: Spider) -> None:
        # scrapy-redis announces a frontier that already holds requests (another process got there first) with
        # the deprecated Spider.log; the line below says it instead.
        spider.log = _quiet  # type: ignore[method-assign]
        try:
            super().open(spider)
        finally:
            del spider.log
        self._logged_duplicate = False
        self._expiry_set = False
        logger.info("shared frontier %s (%d requests waiting)", self.queue.key, len(self.queue))

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            if self.stats is not None:
                self.stats.inc_value("scheduler/filtered/redis")
            if not self._logged_duplicate:
                logger.debug("filtered a request another process scheduled: %s (no more will be shown)", request)
                self._logged_duplicate = True
            return False
        self.queue.push(request)
        self._touch()
        if self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop(0)
        if request is not None and self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _touch(self) -> None:
        """Give the job's keys an expiry once they exist (EXPIRE on a missing key does nothing)."""
        if self._expiry_set:
            return
        pipe: Any = self.server.pipeline()
        pipe.expire(self.queue.key, self.key_ttl)
        pipe.expire(self.df.key, self.key_ttl)
        pipe.execute()
        self._expiry_set = True
