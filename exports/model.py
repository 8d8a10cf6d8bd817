"""The feed entry every format renders: plain values, attribution included, and no format's markup.

``entries.build_entry`` makes an ``Entry`` from an archive row; the renderers of ``formats.FORMATS`` lay it out.
Every value is already cleaned for XML and for validators (plain text where markup is not allowed, sanitized
absolute HTML in ``body_html``). Attribution is data: the original site (``source``), the credited agencies
and, in the combined feed, the other sites that carried the story. Each format writes it its own way (RSS and
Atom as elements and credit lines in the HTML, JSON Feed as ``_akhbar`` fields and the same HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Category:
    term: str
    label: str
    scheme: str | None = None


@dataclass(frozen=True)
class Credit:
    """A named party with a web page: a site or an agency."""

    name: str
    url: str


@dataclass(frozen=True)
class Source:
    """The original site of an entry, as Atom's ``source`` and RSS's ``source`` describe it."""

    id: str
    title: str
    """The site's name."""
    url: str
    """The site's homepage."""
    feed_url: str
    """The site's own feed in this export, in the format ``formats.SOURCE_FEED`` names (``sites/<id>/atom.xml``)."""
    feed_type: str
    """The media type of ``feed_url``."""
    updated: datetime
    origin_feed_url: str
    """The original site's own feed (its first in the registry), else its homepage: RSS's ``<source url>``,
    which RSS 2.0 defines as the XMLization of the source."""


@dataclass(frozen=True)
class Entry:
    """One feed entry, every field ready to write."""

    id: str
    title: str
    link: str
    summary: str
    """Plain text: the stored summary, else the subtitle, else the body's first paragraph."""
    body_html: str | None
    """The sanitized body (or the summary as a paragraph, when there is none), without attribution or direction
    wrapper; None when only summaries may be republished."""
    published: datetime
    updated: datetime
    authors: tuple[str, ...]
    categories: tuple[Category, ...]
    image: str | None
    image_type: str | None
    source: Source
    """Attribution: the site that published the article."""
    agencies: tuple[Credit, ...]
    """Attribution: the agencies the article credits."""
    carriers: tuple[Credit, ...]
    """Attribution: the other sites that carried the story, each with a link to its copy (combined feed only)."""
    language: str
    """A BCP 47 tag; the HTML is laid out in its direction."""
