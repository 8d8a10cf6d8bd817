"""RSS 2.0 and Atom 1.0 documents, written with feedgen and a feedgen extension that repairs its faults.

feedgen 1.0 gets four things wrong; ``_FeedFixes`` and ``_EntryFixes`` (a feedgen extension, run as
feedgen serializes) correct each one in the element tree:

1. Atom entry links lose ``rel`` and ``type`` (``atom_entry`` reads them from the new element instead of
   the link data): every entry link is rewritten with its ``rel``, ``type`` and ``title``.
2. The RSS channel ``<link>`` is the last link added, whatever its ``rel`` (the self link, typically): it
   is set back to the page the feed stands for.
3. ``atom:source`` carries only a title and an untyped link: ``id``, ``updated`` and typed
   ``alternate``/``self`` links are added.
4. ``content(type='CDATA')`` writes ``type="CDATA"`` in Atom, which is not an Atom type: content is never
   given as CDATA; it is passed as ``html`` and escaped (identical for every reader).

feedgen also stamps ``updated``/``lastBuildDate`` with the clock when left unset; both are always set
from the newest entry here, so an unchanged feed serializes to the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from exports.dates import FALLBACK_DATE, rfc3339
from exports.entry_html import content_html, summary_html
from exports.feeds import GENERATOR, GENERATOR_VERSION, RSS_DOCS_URL, FeedSpec
from exports.model import Entry

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
_EXT = "akhbar"


class _FeedFixes(BaseExtension):
    """Feed-level repairs: the RSS channel link (fault 2) and the RSS hub link feedgen cannot write."""

    def __init__(self) -> None:
        self.home_url = ""
        self.hub_url: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC_NS, "media": MEDIA_NS}

    def extend_rss(self, rss: etree._Element) -> etree._Element:
        channel = rss.find("channel")
        assert channel is not None
        link = channel.find("link")
        assert link is not None
        link.text = self.home_url
        if self.hub_url:
            self_link = channel.find(f"{{{ATOM_NS}}}link")
            hub = etree.Element(f"{{{ATOM_NS}}}link", href=self.hub_url, rel="hub")
            if self_link is not None:
                self_link.addnext(hub)
            else:
                channel.append(hub)
        return rss

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        return feed


class _EntryFixes(BaseEntryExtension):
    """Entry-level repairs (faults 1 and 3) and the elements feedgen has no API for."""

    def __init__(self) -> None:
        self.entry: Entry | None = None

    def extend_atom(self, element: etree._Element) -> etree._Element:
        entry = self.entry
        assert entry is not None
        # Fault 1: feedgen wrote the links without rel/type; write them again from our data.
        for link in element.findall("link"):
            element.remove(link)
        etree.SubElement(element, "link", rel="alternate", type="text/html", href=entry.link)
        for carrier in entry.carriers:
            etree.SubElement(element, "link", rel="related", type="text/html", href=carrier.url, title=carrier.name)
        if entry.image and entry.image_type:
            etree.SubElement(element, "link", rel="enclosure", type=entry.image_type, href=entry.image)
        # Fault 3: complete atom:source.
        source = element.find("source")
        if source is not None:
            for child in list(source):
                source.remove(child)
            etree.SubElement(source, "id").text = entry.source.id
            etree.SubElement(source, "title").text = entry.source.title
            etree.SubElement(source, "updated").text = rfc3339(entry.source.updated)
            etree.SubElement(source, "link", rel="alternate", type="text/html", href=entry.source.url)
            etree.SubElement(source, "link", rel="self", type=entry.source.feed_type, href=entry.source.feed_url)
        self._media(element, entry)
        return element

    def extend_rss(self, item: etree._Element) -> etree._Element:
        entry = self.entry
        assert entry is not None
        for author in entry.authors:
            etree.SubElement(item, f"{{{DC_NS}}}creator").text = author
        self._media(item, entry)
        return item

    @staticmethod
    def _media(element: etree._Element, entry: Entry) -> None:
        if entry.image and entry.image_type:
            etree.SubElement(element, f"{{{MEDIA_NS}}}content", url=entry.image, medium="image", type=entry.image_type)


def newest(entries: Sequence[Entry]) -> datetime:
    """The feed's ``updated``/``lastBuildDate``: the newest entry's update, never the clock."""
    return max((e.updated for e in entries), default=FALLBACK_DATE)


def _entry(fg: FeedGenerator, entry: Entry) -> None:
    fe: FeedEntry = fg.add_entry(order="append")
    getattr(fe, _EXT).entry = entry
    fe.id(entry.id)  # also sets the RSS guid, isPermaLink="false"
    fe.title(entry.title)
    fe.link(href=entry.link, rel="alternate")
    # RSS description and Atom summary; set before content so that description stays the summary.
    fe.summary(summary_html(entry), type="html")
    content = content_html(entry)
    if content is not None:
        fe.content(content, type="html")  # fault 4: never type="CDATA"
    fe.published(entry.published)
    fe.updated(entry.updated)
    for author in entry.authors:
        fe.author({"name": author})
    for category in entry.categories:
        fe.category({k: v for k, v in vars(category).items() if v})
    if entry.image and entry.image_type:
        fe.enclosure(entry.image, "0", entry.image_type)  # 0: length unknown, as the RSS board advises
    fe.source(url=entry.source.origin_feed_url, title=entry.source.title)


def _generator(spec: FeedSpec, entries: Sequence[Entry], self_url: str, self_type: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension(_EXT, _FeedFixes, _EntryFixes)
    fixes: _FeedFixes = getattr(fg, _EXT)
    fixes.home_url = spec.home_url
    fixes.hub_url = spec.hub_url
    fg.id(spec.id)
    fg.title(spec.title)
    fg.subtitle(spec.description)
    fg.language("ar")
    fg.generator(GENERATOR, version=GENERATOR_VERSION, uri=spec.base_url)  # the index documents the feeds
    fg.docs(RSS_DOCS_URL)
    fg.link(href=spec.home_url, rel="alternate", type="text/html")
    if spec.hub_url:
        fg.link(href=spec.hub_url, rel="hub")
    # Added last on purpose: feedgen would make it the RSS channel link (fault 2, repaired above).
    fg.link(href=self_url, rel="self", type=self_type)
    fg.updated(newest(entries))
    fg.lastBuildDate(newest(entries))
    for entry in entries:
        _entry(fg, entry)
    return fg


def render_rss(spec: FeedSpec, entries: Sequence[Entry], *, url: str, media_type: str) -> bytes:
    """The RSS 2.0 document of ``spec`` holding ``entries`` (newest first), served at ``url`` as ``media_type``."""
    return bytes(_generator(spec, entries, url, media_type).rss_str(pretty=True, encoding="UTF-8"))


def render_atom(spec: FeedSpec, entries: Sequence[Entry], *, url: str, media_type: str) -> bytes:
    """The Atom 1.0 document of ``spec`` holding ``entries`` (newest first), served at ``url`` as ``media_type``."""
    return bytes(_generator(spec, entries, url, media_type).atom_str(pretty=True, encoding="UTF-8"))
