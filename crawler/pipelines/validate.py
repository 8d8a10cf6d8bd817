"""Validate: drop what is not a storable article (no title, too short, another site's page, in a language the
site does not publish in, too old)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from crawler.items import Article
from crawler.pipelines import drop
from crawler.registry import Registry, load_registry, primary_language
from crawler.text.dates import parse_iso
from crawler.text.urls import same_site

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class ValidatePipeline:
    """Every drop is counted by reason (``akhbar/dropped/<reason>``) and logged with the URL by Scrapy."""

    def __init__(self, registry: Registry, stats: StatsCollector, min_body_chars: int, since_days: float) -> None:
        self.registry = registry
        self.stats = stats
        self.min_body_chars = min_body_chars
        self.since = datetime.now(UTC) - timedelta(days=since_days) if since_days > 0 else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        settings = crawler.settings
        assert crawler.stats is not None
        return cls(
            load_registry(settings.get("AKHBAR_SITES")),
            crawler.stats,
            settings.getint("AKHBAR_MIN_BODY_CHARS", 80),
            settings.getfloat("AKHBAR_SINCE_DAYS", 3),
        )

    def process_item(self, item: Article) -> Article:
        site = self.registry.get(item.site)
        if site is None:
            raise drop(self.stats, item, "unknown_site", f"site {item.site!r} is not in the registry")
        if not item.canonical_url or not same_site(item.canonical_url, site.allowed_hosts):
            raise drop(self.stats, item, "offsite", "URL is not on the site's domains")
        if not item.title:
            raise drop(self.stats, item, "no_title", "no headline found")
        if len(item.body) < self.min_body_chars:
            raise drop(self.stats, item, "too_short", f"body has {len(item.body)} characters")
        # A Persian or Urdu page on an Arabic site's feed is not that site's article; an article whose language
        # could not be told (None) is kept.
        language = primary_language(item.language)
        if language is not None and language not in site.languages:
            raise drop(self.stats, item, "wrong_language", f"in {language}, not {'/'.join(site.languages)}")
        if self.since is not None and item.published and not item.known:
            published = parse_iso(item.published, site.tz, plausible=False)  # normalize has judged it
            if published is not None and published < self.since:
                raise drop(self.stats, item, "too_old", f"published {item.published}")
        return item
