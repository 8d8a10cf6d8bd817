"""Sitemaps (sitemaps.org urlset and sitemap index, gzipped or not) and Google News sitemaps, whose entries are
marked ``news``."""

from __future__ import annotations

from datetime import UTC, tzinfo
from urllib.parse import urljoin

from lxml import etree

from crawler.discovery.model import (
    MAX_SITEMAP_ENTRIES,
    DiscoveredLink,
    DiscoveryError,
    SourceResult,
    local_name,
    parse_datetime,
    parse_xml,
)


def _entry(element: etree._Element, base_url: str, tz: tzinfo) -> DiscoveredLink | None:
    loc = lastmod = published = title = None
    news = False
    for child in element.iter():
        name = local_name(child)
        news = news or name == "news"
        text = (child.text or "").strip()
        if not text:
            continue
        if name == "loc" and loc is None:
            loc = text
        elif name == "lastmod":
            lastmod = text
        elif name == "publication_date":
            published = text
        elif name == "title" and title is None:
            title = text
    if not loc:
        return None
    published_at = parse_datetime(published, tz)
    return DiscoveredLink(
        url=urljoin(base_url, loc),
        updated=parse_datetime(lastmod, tz) or published_at,
        published=published_at,
        title=title,
        news=news,
    )


def parse_sitemap(body: bytes, base_url: str, limit: int = MAX_SITEMAP_ENTRIES, *, tz: tzinfo = UTC) -> SourceResult:
    """Parse a sitemap or sitemap index, reading at most ``limit`` entries (the rest are counted in ``cut``);
    raises DiscoveryError for anything else (HTML challenge pages…). ``tz`` is the site's time zone, for dates
    without an offset (W3C Datetime wants one; sites often leave it out)."""
    root = parse_xml(body)
    kind = local_name(root)
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap: root element <{kind or root.tag}>")
    child_name = "url" if kind == "urlset" else "sitemap"
    found: list[DiscoveredLink] = []
    cut = 0
    for el in root:
        if local_name(el) != child_name:
            continue
        if len(found) >= limit:
            cut += 1
            continue
        entry = _entry(el, base_url, tz)
        if entry is not None:
            found.append(entry)
    if kind == "urlset":
        return SourceResult("urlset", links=found, cut=cut)
    return SourceResult("sitemapindex", children=found, cut=cut)
