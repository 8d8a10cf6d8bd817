"""What a feed or a sitemap yields: links with the dates the source gives them."""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime

from lxml import etree

from crawler.text.dates import is_plausible, parse_iso

# A sitemap may be 50 MB uncompressed (sitemaps.org); anything past that is refused, which also stops gzip bombs.
MAX_DECOMPRESSED = 50 * 1024 * 1024
MAX_SITEMAP_ENTRIES = 50_000
"""What sitemaps.org allows one sitemap (or sitemap index) to list; entries past it are not read."""
MAX_FEED_ENTRIES = 5_000
"""A news feed lists its latest tens of items; entries past this are not read."""
# libxml2's messages when a document trips its limits (depth, node size, entity expansion): such a document is
# unreadable, not empty.
_LIMIT_ERRORS = ("excessive depth", "huge", "entity reference loop", "amplification", "maximum", "too deep")


class DiscoveryError(ValueError):
    """A feed or sitemap that cannot be read, with the reason (not XML, a challenge page, too large…)."""


@dataclass(frozen=True)
class DiscoveredLink:
    """One URL listed by a feed or a sitemap."""

    url: str
    """Absolute URL."""
    updated: datetime | None = None
    """``lastmod`` / ``updated`` / ``pubDate``: when the source says the page last changed."""
    published: datetime | None = None
    """Publication time when the source gives one apart from ``updated`` (news sitemaps, RSS pubDate)."""
    title: str | None = None
    """Title given by the source."""
    news: bool = False
    """Listed with a Google News ``<news:news>`` element: the source says the page is a news article."""

    @property
    def newest(self) -> datetime | None:
        dates = [d for d in (self.updated, self.published) if d is not None]
        return max(dates) if dates else None


@dataclass
class SourceResult:
    """A parsed feed or sitemap."""

    kind: str
    """``rss``, ``atom``, ``rdf``, ``urlset`` or ``sitemapindex``."""
    links: list[DiscoveredLink] = field(default_factory=list)
    """Article (or page) URLs."""
    children: list[DiscoveredLink] = field(default_factory=list)
    """Child sitemaps of a sitemap index."""
    title: str | None = None
    cut: int = 0
    """Entries past ``MAX_SITEMAP_ENTRIES`` / ``MAX_FEED_ENTRIES`` that were not read."""


def maybe_gunzip(body: bytes) -> bytes:
    """Decompress gzip bytes (a ``.xml.gz`` sitemap served as-is), refusing output past MAX_DECOMPRESSED."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
            while chunk := gz.read(1 << 20):
                out.write(chunk)
                if out.tell() > MAX_DECOMPRESSED:
                    raise DiscoveryError(f"decompressed size exceeds {MAX_DECOMPRESSED} bytes (gzip bomb?)")
    except (OSError, EOFError, zlib.error) as exc:
        raise DiscoveryError(f"broken gzip data: {exc}") from exc
    return out.getvalue()


_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def parse_xml(body: bytes) -> etree._Element:
    """Parse feed or sitemap bytes leniently (undefined entities, stray bytes) without fetching anything."""
    data = maybe_gunzip(body).lstrip()
    if not data:
        raise DiscoveryError("empty document")
    if data[:1] != b"<":
        raise DiscoveryError("not XML (does not start with '<')")
    # Entities are declared in the DOCTYPE's internal subset, which ends at the first "]>".
    subset_end = data.find(b"]>") if b"<!DOCTYPE" in data[:4096] else -1
    if b"<!ENTITY" in data[: subset_end if subset_end >= 0 else 4096]:
        # Internal entities are how entity-expansion ("billion laughs") documents are built; no feed needs them.
        raise DiscoveryError("declares XML entities (refused: a feed or sitemap has no use for them)")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not XML: {exc}") from exc
    if root is None:
        raise DiscoveryError("not XML: nothing could be parsed")
    limits = [e.message for e in _PARSER.error_log if any(m in e.message.lower() for m in _LIMIT_ERRORS)]
    if limits:
        raise DiscoveryError(f"trips the XML parser's limits: {limits[0].strip()}")
    return root


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def parse_datetime(text: str | None, tz: tzinfo = UTC, now: datetime | None = None) -> datetime | None:
    """An ISO 8601 (Atom, sitemaps) or RFC 822 (RSS) date, read by the one rule (``crawler.text.dates``): a time
    without an offset is in ``tz``, the site's time zone. An unreadable or impossible date (before 1900, days
    after ``now``, past what UTC can hold) is None: it costs its entry's date, never the feed."""
    if not text:
        return None
    text = text.strip()
    if len(text) > 64:
        return None
    value = parse_iso(text, tz, plausible=False)
    if value is None:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if value.tzinfo is None:
            # RFC 5322: "-0000" is UTC from a sender that does not know its zone; no zone at all is the site's.
            value = value.replace(tzinfo=UTC if text.endswith("-0000") else tz)
    return value if is_plausible(value, now) else None
