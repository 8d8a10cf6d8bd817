"""Normalize: clean display text, give every date an offset, choose the canonical URL, fingerprint the text."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from crawler.items import Article
from crawler.registry import Registry, load_registry
from crawler.storage.fingerprint import fingerprint_for
from crawler.text.arabic import clean_display_body, clean_display_line, clean_display_text
from crawler.text.dates import parse_iso
from crawler.text.urls import UrlError, choose_canonical

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


def iso_with_offset(value: str | None, tz: ZoneInfo, now: datetime | None = None) -> str | None:
    """An ISO 8601 string with a UTC offset, read by the one rule (``crawler.text.dates``): a naive time is in
    the site's time zone; junk, a time UTC cannot hold (year 9999 with a negative offset), one before 1900 or
    one days in the future gives None. No date beats a wrong one, and a value that cannot be converted costs
    its field, never the batch."""
    parsed = parse_iso(value, tz, now=now)
    return parsed.isoformat() if parsed is not None else None


class NormalizePipeline:
    """Makes every field safe and comparable, without changing what a reader sees."""

    def __init__(self, registry: Registry, stats: StatsCollector | None = None) -> None:
        self.registry = registry
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(load_registry(crawler.settings.get("AKHBAR_SITES")), crawler.stats)

    def process_item(self, item: Article) -> Article:
        site = self.registry.get(item.site)
        for name in ("title", "subtitle", "summary", "category", "dateline", "site_name"):
            setattr(item, name, clean_display_line(getattr(item, name)))
        item.body = clean_display_body(item.body)
        item.authors = [a for a in (clean_display_text(x) for x in item.authors) if a]
        item.tags = list(dict.fromkeys(t for t in (clean_display_text(x) for x in item.tags) if t))
        item.agencies = list(dict.fromkeys(item.agencies))
        if site is not None:
            for name in ("published", "modified"):
                raw = getattr(item, name)
                value = iso_with_offset(raw, site.tz)
                if raw and value is None and self.stats is not None:
                    # Counted, so that a site sending impossible dates shows in its run figures.
                    self.stats.inc_value(f"akhbar/site/{item.site}/bad_field/{name}")
                setattr(item, name, value)
            scheme = site.url.split(":", 1)[0].lower()
            try:
                item.canonical_url = choose_canonical(item.url, [item.canonical_url], site.allowed_hosts, scheme)
            except UrlError:
                item.canonical_url = None
        # The extraction worker fingerprinted the text as it is cleaned here; if it does not fit (an item from
        # elsewhere, or cleaning changed it), the text is fingerprinted now, once, for every later stage.
        item.fingerprint = fingerprint_for(item.fingerprint, item.title, item.body)
        item.content_hash = item.fingerprint.content_hash
        return item
