"""Finding feeds and sitemaps a site does not list in the registry: homepage links and robots.txt."""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import html as lxml_html

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")


def feed_links(page: str | bytes, base_url: str) -> list[str]:
    """Feed URLs a page declares with ``<link rel="alternate" type="application/rss+xml" href>``."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return []
    found: list[str] = []
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_TYPES[:3] and href:
            url = urljoin(base_url, href)
            if url not in found:
                found.append(url)
    return found


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, absolute, in order, without repeats."""
    found: list[str] = []
    for line in robots_txt.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            url = urljoin(base_url, value.strip())
            if url not in found:
                found.append(url)
    return found
