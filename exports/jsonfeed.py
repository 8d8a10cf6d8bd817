"""JSON Feed 1.1 documents (https://jsonfeed.org/version/1.1), with the standard library.

Attribution that JSON Feed has no field for goes in an ``_akhbar`` extension object on each item
(``source``, ``agencies``, ``carried_by``), as the spec provides for extensions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from exports.dates import rfc3339
from exports.entries import Entry
from exports.feeds import JSON_FILE, FeedSpec

VERSION = "https://jsonfeed.org/version/1.1"


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.link,
        "title": entry.title,
        "content_html": entry.content_html if entry.content_html is not None else entry.summary_html,
        "summary": entry.summary_text,
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


def render_json(spec: FeedSpec, entries: Sequence[Entry]) -> bytes:
    """The JSON Feed document of ``spec`` holding ``entries`` (newest first)."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": spec.title,
        "home_page_url": spec.home_url,
        "feed_url": spec.url(JSON_FILE),
        "description": spec.description,
        "language": "ar",
    }
    if spec.hub_url:
        feed["hubs"] = [{"type": "WebSub", "url": spec.hub_url}]
    feed["items"] = [_item(e) for e in entries]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
