"""Dedupe within a run: drop a page already seen in this run under the same canonical URL or the same text.

The archive applies the three levels of dedupe against everything stored (see crawler.storage.archive); this
stage only spares it the repeats one run produces (a URL listed by both a feed and a sitemap, a page reached
through two redirects). It remembers a bounded number of keys, so memory stays flat on long runs.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from crawler.items import Article
from crawler.pipelines import drop

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class BoundedSet:
    """A set that forgets its oldest keys past ``size`` (an LRU of keys)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._keys: OrderedDict[str, None] = OrderedDict()

    def add(self, key: str) -> bool:
        """Add ``key``; False when it was already there."""
        if key in self._keys:
            self._keys.move_to_end(key)
            return False
        self._keys[key] = None
        if len(self._keys) > self.size:
            self._keys.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._keys)


class DedupePipeline:
    def __init__(self, stats: StatsCollector, cache_size: int) -> None:
        self.stats = stats
        self.seen = BoundedSet(cache_size)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats, crawler.settings.getint("AKHBAR_DEDUPE_CACHE_SIZE", 50_000))

    def process_item(self, item: Article) -> Article:
        url_new = self.seen.add(f"url:{item.canonical_url}")
        text_new = self.seen.add(f"text:{item.site}:{item.content_hash}")
        if not url_new or not text_new:
            self.stats.inc_value(f"akhbar/site/{item.site}/duplicates")
            raise drop(self.stats, item, "duplicate_in_run", "already seen in this run")
        return item
