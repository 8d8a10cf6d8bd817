"""The feeds of an export: where each lives, what it is called, and its stable id.

An export directory holds ``all/``, ``sites/<site>/``, ``categories/<slug>/`` and ``agencies/<agency>/``,
each with one file per format of ``formats.FORMATS`` (``rss.xml``, ``atom.xml``, ``feed.json``). Feed ids are
UUIDs derived from the feed's path alone, so they survive a change of ``--base-url``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from exports.urls import public_url

INDEX_HTML = "index.html"
INDEX_OPML = "index.opml"

GENERATOR = "Akhbar"
GENERATOR_VERSION = "0.1.0"
RSS_DOCS_URL = "https://www.rssboard.org/rss-specification"

_NAMESPACE = uuid.UUID("5b0f6c2e-8a53-4a55-9d51-2f1c7c1f3e11")


def feed_id(relpath: str) -> str:
    """The permanent id of the feed stored under ``relpath`` (``sites/aljazeera/``)."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, relpath)}"


@dataclass(frozen=True)
class FeedSpec:
    """One feed of the export (written in every format)."""

    kind: str
    """``all``, ``site``, ``category`` or ``agency``."""
    relpath: str
    """Directory under the export root, '/'-separated, ending with '/'."""
    title: str
    description: str
    home_url: str
    """The web page the feed stands for (the site's homepage, the agency's, or the export index)."""
    base_url: str
    hub_url: str | None = None
    count: int = 0
    """Articles of the archive in this feed's scope (all of them, not only the latest N)."""

    @property
    def id(self) -> str:
        return feed_id(self.relpath)

    def url(self, filename: str) -> str:
        """Public URL of one of this feed's files: the self link of that document."""
        return public_url(self.base_url, self.relpath + filename)
