"""RSS 0.9x/1.0 (RDF)/2.0 and Atom feeds: the article links they list, with their dates."""

from __future__ import annotations

from datetime import UTC, tzinfo
from urllib.parse import urljoin

from lxml import etree

from crawler.discovery.model import (
    MAX_FEED_ENTRIES,
    DiscoveredLink,
    DiscoveryError,
    SourceResult,
    local_name,
    parse_datetime,
    parse_xml,
)


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if local_name(child) in names:
            text = "".join(str(t) for t in child.itertext()).strip()
            if text:
                return text
    return None


def _atom_link(entry: etree._Element) -> str | None:
    fallback = None
    for child in entry:
        if local_name(child) != "link":
            continue
        href = child.get("href")
        rel = child.get("rel", "alternate")
        if href and rel == "alternate":
            return href
        fallback = fallback or href
    return fallback


def _rss_items(root: etree._Element, base_url: str, limit: int, tz: tzinfo) -> tuple[list[DiscoveredLink], int]:
    links: list[DiscoveredLink] = []
    cut = 0
    for item in root.iter():
        if local_name(item) != "item":
            continue
        if len(links) >= limit:
            cut += 1
            continue
        url = _child_text(item, "link")
        if not url:
            guid = next((c for c in item if local_name(c) == "guid"), None)
            if guid is not None and guid.get("isPermaLink", "true") != "false":
                url = (guid.text or "").strip() or None
        if not url:
            url = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        if not url:
            continue
        published = parse_datetime(_child_text(item, "pubdate", "date", "issued"), tz)
        updated = parse_datetime(_child_text(item, "updated", "modified"), tz) or published
        links.append(
            DiscoveredLink(
                url=urljoin(base_url, url), updated=updated, published=published, title=_child_text(item, "title")
            )
        )
    return links, cut


def _atom_entries(
    root: etree._Element, base_url: str, limit: int, tz: tzinfo
) -> tuple[list[DiscoveredLink], int]:
    links: list[DiscoveredLink] = []
    cut = 0
    for entry in root:
        if local_name(entry) != "entry":
            continue
        if len(links) >= limit:
            cut += 1
            continue
        href = _atom_link(entry)
        if not href:
            continue
        published = parse_datetime(_child_text(entry, "published", "issued"), tz)
        updated = parse_datetime(_child_text(entry, "updated", "modified"), tz) or published
        links.append(
            DiscoveredLink(
                url=urljoin(base_url, href), updated=updated, published=published, title=_child_text(entry, "title")
            )
        )
    return links, cut


def parse_feed(body: bytes, base_url: str, limit: int = MAX_FEED_ENTRIES, *, tz: tzinfo = UTC) -> SourceResult:
    """Parse an RSS or Atom document, reading at most ``limit`` entries (the rest are counted in ``cut``);
    raises DiscoveryError when the bytes are not a feed. ``tz`` is the site's time zone, for dates without an
    offset."""
    root = parse_xml(body)
    kind = local_name(root)
    if kind == "rss":
        channel = next((c for c in root if local_name(c) == "channel"), root)
        links, cut = _rss_items(channel, base_url, limit, tz)
        return SourceResult("rss", links, title=_child_text(channel, "title"), cut=cut)
    if kind == "rdf":
        links, cut = _rss_items(root, base_url, limit, tz)
        return SourceResult("rdf", links, cut=cut)
    if kind == "feed":
        links, cut = _atom_entries(root, base_url, limit, tz)
        return SourceResult("atom", links, title=_child_text(root, "title"), cut=cut)
    raise DiscoveryError(f"not a feed: root element <{kind or root.tag}>")
