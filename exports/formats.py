"""The feed formats of an export, as one table: each feed is written, listed, served and tested in every format.

A format has a name, the file it takes in every feed directory, its media type, the function that renders it and
a version. The writer renders each format of a feed into its file, the index page links each, ``akhbar serve``
sends each with its media type, the tests check each with its validator rules (``tests/exports/feedrules.py``)
and docs/feeds.md lists them (``tests/exports/test_formats.py`` holds the doc and this table to each other).
Adding a format is a row here, a renderer, its validator rules and its line in the doc.

``version`` is part of the export state: an export renders a format again in every feed, whether its entries
changed or not, when the version differs from the one the previous export recorded. Raise it whenever the
renderer writes other bytes for the same entries. ``tests/exports/test_formats.py`` renders fixed entries in
every format and compares each document's digest with the one recorded for its version: a renderer whose output
moved fails there, with the format to bump named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from exports.feeds import FeedSpec
from exports.jsonfeed import render_json
from exports.model import Entry
from exports.xmlfeeds import render_atom, render_rss


class Renderer(Protocol):
    """Writes the document of a feed holding ``entries``, whose own URL is ``url``, served as ``media_type``."""

    def __call__(self, spec: FeedSpec, entries: Sequence[Entry], *, url: str, media_type: str) -> bytes: ...


@dataclass(frozen=True)
class Format:
    """One feed format: what it is called, which file of a feed directory holds it, how it is served and made."""

    name: str
    """A short id: the key of the format's version in the export state, and of its recorded digest."""
    title: str
    """What prose calls the format (``JSON Feed``), as in the index page's sentence listing them."""
    label: str
    """The text of the index page's link to a feed in this format (``JSON``)."""
    standard: str
    """The specification the documents follow, with its version (``JSON Feed 1.1``)."""
    file_name: str
    """The file in every feed directory (``feed.json``). It is in every subscriber's URL: never rename it."""
    media_type: str
    """What the documents are served as, with ``; charset=utf-8`` (``content_type``)."""
    renderer: Renderer
    version: int
    """Raised whenever ``renderer`` writes other bytes for the same entries, so that every feed is rendered again."""

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"

    def render(self, spec: FeedSpec, entries: Sequence[Entry]) -> bytes:
        """The document of ``spec`` holding ``entries``; its self link is ``spec``'s file in this format."""
        return self.renderer(spec, entries, url=spec.url(self.file_name), media_type=self.media_type)


# fmt: off
FORMATS = (
    #      name    title        label   standard         file name    media type               renderer     version
    Format("rss",  "RSS",       "RSS",  "RSS 2.0",       "rss.xml",   "application/rss+xml",   render_rss,  2),
    Format("atom", "Atom",      "Atom", "Atom 1.0",      "atom.xml",  "application/atom+xml",  render_atom, 1),
    Format("json", "JSON Feed", "JSON", "JSON Feed 1.1", "feed.json", "application/feed+json", render_json, 1),
)
# fmt: on
RSS_FEED, ATOM_FEED, JSON_FEED = FORMATS
SOURCE_FEED = ATOM_FEED
"""The format of the site feed an entry's source links to: Atom's ``<source>`` self link, JSON's ``_akhbar``."""


def _reject_duplicates(formats: Sequence[Format]) -> None:
    """Two formats with one name or one file would overwrite each other: refused at import."""
    for field in ("name", "file_name"):
        values = [getattr(f, field) for f in formats]
        shared = sorted({v for v in values if values.count(v) > 1})
        if shared:
            raise ValueError(f"formats share a {field}: {', '.join(shared)}")


_reject_duplicates(FORMATS)
