"""``RedisItemQueuePipeline``: the last stage of a distributed crawl process, in place of the store pipeline.

Articles that passed normalize, validate and in-process dedupe are pushed to the Redis item queue; when the
process closes it also pushes its per-site counters (requests, responses, errors, drops), so the run that
``akhbar ingest`` records in the archive has the crawl's health as well as what was stored.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.distributed.keys import ITEMS_KEY
from crawler.distributed.queue import ItemQueue
from crawler.items import Article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)
SHARED_PREFIXES = ("akhbar/site/", "akhbar/dropped/")


def shareable_figures(stats: dict[str, Any]) -> dict[str, Any]:
    """The numeric per-site and drop counters of a stats dict."""
    return {
        key: value
        for key, value in stats.items()
        if key.startswith(SHARED_PREFIXES) and isinstance(value, int | float) and not isinstance(value, bool)
    }


class RedisItemQueuePipeline:
    def __init__(self, queue: ItemQueue, stats: StatsCollector) -> None:
        self.queue = queue
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisItemQueuePipeline:
        settings = crawler.settings
        url = settings.get("AKHBAR_REDIS_URL")
        if not url:
            raise NotConfigured("AKHBAR_REDIS_URL is not set")
        assert crawler.stats is not None
        pipeline = cls(ItemQueue.from_url(url, settings.get("AKHBAR_REDIS_ITEMS_KEY") or ITEMS_KEY), crawler.stats)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.queue.client.ping()

    def process_item(self, item: Article) -> Article:
        self.queue.push(item)
        item.fingerprint = None  # not queued (``akhbar ingest`` recomputes it): not passed on to exporters either
        self.stats.inc_value(f"akhbar/site/{item.site}/queued")
        self.stats.inc_value("akhbar/articles/queued")
        return item

    def spider_closed(self) -> None:
        try:
            self.queue.push_figures(shareable_figures(self.stats.get_stats()))
        except Exception:  # the articles are queued already; losing the counters must not fail the run
            logger.exception("could not push this process's figures to Redis")
