"""JSON Feed 1.1 documents (https://jsonfeed.org/version/1.1), with the standard library.

Attribution is rendered twice from the entry's data: as the credit lines of ``content_html`` (the HTML RSS and
Atom carry too), and, since JSON Feed has no field for it, as an ``_akhbar`` extension object on each item
(``source``, ``agencies``, ``carried_by``), as the spec provides for extensions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from exports.dates import rfc3339
from exports.entry_html import content_html, summary_html
from exports.feeds import FeedSpec
from exports.model import Entry

VERSION = "https://jsonfeed.org/version/1.1"


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.link,
        "title": entry.title,
        "content_html": content_html(entry) or summary_html(entry),
        "summary": entry.summary,
        "date_published": rfc3339(entry.published),
        "date_modified": rfc3339(entry.updated),
        "authors": [{"name": name} for name in entry.authors],
        "tags": list(dict.fromkeys(c.label for c in entry.categories)),
        "language": entry.language,
    }
    if entry.image:
        item["image"] = entry.image
    item["_akhbar"] = {
        "source": {"name": entry.source.title, "url": entry.source.url, "feed_url": entry.source.feed_url},
        "agencies": [{"name": a.name, "url": a.url} for a in entry.agencies],
        "carried_by": [{"name": c.name, "url": c.url} for c in entry.carriers],
    }
    return item


def render_json(spec: FeedSpec, entries: Sequence[Entry], *, url: str, media_type: str) -> bytes:
    """The JSON Feed document of ``spec`` holding ``entries`` (newest first), served at ``url``.

    ``media_type`` is not written: a JSON Feed does not name its own type."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": spec.title,
        "home_page_url": spec.home_url,
        "feed_url": url,
        "description": spec.description,
        "language": "ar",
    }
    if spec.hub_url:
        feed["hubs"] = [{"type": "WebSub", "url": spec.hub_url}]
    feed["items"] = [_item(e) for e in entries]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
