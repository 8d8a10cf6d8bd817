"""Discovery: finding article URLs in feeds, sitemaps, homepages and robots.txt. Plain Python, no Scrapy."""

from __future__ import annotations

from crawler.discovery.autodiscovery import feed_links, robots_sitemap_lines, robots_sitemaps
from crawler.discovery.feeds import parse_feed
from crawler.discovery.model import DiscoveredLink, DiscoveryError, SourceResult
from crawler.discovery.sitemaps import parse_sitemap

__all__ = [
    "DiscoveredLink",
    "DiscoveryError",
    "SourceResult",
    "feed_links",
    "parse_feed",
    "parse_sitemap",
    "robots_sitemap_lines",
    "robots_sitemaps",
]
