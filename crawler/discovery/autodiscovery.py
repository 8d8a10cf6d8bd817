"""Finding feeds and sitemaps a site does not list in the registry: homepage links and robots.txt."""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import html as lxml_html

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
MAX_FEED_LINKS = 20
"""Feeds taken from one homepage: a site declares a few; a page declaring thousands is not to be followed."""
MAX_ROBOTS_SITEMAPS = 50
MAX_ROBOTS_BYTES = 500 * 1024
"""Google reads the first 500 KiB of a robots.txt; so do we, for its rules and its Sitemap lines."""


def feed_links(page: str | bytes, base_url: str) -> list[str]:
    """Feed URLs a page declares with ``<link rel="alternate" type="application/rss+xml" href>``."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return []
    found: dict[str, None] = {}
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_TYPES[:3] and href:
            found[urljoin(base_url, href)] = None
            if len(found) >= MAX_FEED_LINKS:
                break
    return list(found)


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, absolute, in order, without repeats (see ``robots_sitemap_lines``)."""
    return robots_sitemap_lines(robots_txt, base_url)[0]


def robots_sitemap_lines(robots_txt: str, base_url: str, limit: int = MAX_ROBOTS_SITEMAPS) -> tuple[list[str], int]:
    """``Sitemap:`` lines of a robots.txt, absolute, in order, without repeats, at most ``limit`` of them (and
    read from its first ``MAX_ROBOTS_BYTES``, as Google does), with how many more it named."""
    found: dict[str, None] = {}
    more: set[str] = set()  # bounded by the bytes read, like ``found``
    for line in robots_txt[:MAX_ROBOTS_BYTES].splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            url = urljoin(base_url, value.strip())
            if url in found:
                continue
            if len(found) >= limit:
                more.add(url)
            else:
                found[url] = None
    return list(found), len(more)
