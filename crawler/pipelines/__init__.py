"""Item pipelines, in order: normalize → validate → dedupe → store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

    from crawler.items import Article


def drop(stats: StatsCollector, item: Article, reason: str, detail: str) -> DropItem:
    """Count a dropped item by reason, overall and for its site, and build the DropItem to raise."""
    stats.inc_value(f"akhbar/dropped/{reason}")
    stats.inc_value(f"akhbar/site/{item.site}/dropped")
    stats.inc_value(f"akhbar/site/{item.site}/dropped/{reason}")
    return DropItem(f"{reason}: {detail} <{item.url}>")
