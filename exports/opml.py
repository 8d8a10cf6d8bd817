"""``index.opml``: an OPML 2.0 subscription list of every feed of the export, grouped by kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lxml import etree

from exports.dates import rfc822
from exports.feeds import FeedSpec
from exports.formats import RSS_FEED

GROUPS = (("all", "كل الأخبار"), ("site", "المواقع"), ("category", "التصنيفات"), ("agency", "الوكالات"))


def render_opml(feeds: Sequence[FeedSpec], updated: datetime, base_url: str) -> bytes:
    """The OPML document listing ``feeds``; ``updated`` (the newest entry) is its dateModified."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = "أخبار: خلاصات المواقع الإخبارية"
    etree.SubElement(head, "dateModified").text = rfc822(updated)
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(root, "body")
    for kind, label in GROUPS:
        members = [f for f in feeds if f.kind == kind]
        if not members:
            continue
        group = etree.SubElement(body, "outline", text=label)
        for feed in members:
            etree.SubElement(
                group,
                "outline",
                type="rss",
                text=feed.title,
                title=feed.title,
                xmlUrl=feed.url(RSS_FEED.file_name),
                htmlUrl=feed.home_url,
                language="ar",
            )
    return bytes(etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8"))
