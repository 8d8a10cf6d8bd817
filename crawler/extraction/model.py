"""What the extraction layer returns for one page: the ``Extracted`` record and its JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class ExtractionError(ValueError):
    """A page that cannot be read as an article (not HTML, no text, undecodable…), with the reason."""


@dataclass
class Extracted:
    """The fields read from one article page. Text fields are display text (never normalized)."""

    url: str
    """The URL the page was fetched from (or given with ``--url``)."""
    canonical_url: str | None = None
    """``rel=canonical`` / ``og:url`` when the page declares one on the same site."""
    site_name: str | None = None
    """The publisher's name as the page gives it (``og:site_name``, JSON-LD publisher)."""
    language: str | None = None
    """Language detected from the text (``ar`` for Arabic even when the markup says otherwise)."""
    title: str | None = None
    """The headline as the page shows it, without the site-name prefix or suffix."""
    subtitle: str | None = None
    """A secondary headline or kicker, when the page has one."""
    summary: str | None = None
    """The page's own description or stand-first."""
    body: str = ""
    """Article text, one paragraph per line, boilerplate removed."""
    body_html: str = ""
    """The article body as sanitized HTML (paragraphs, links, lists, images)."""
    published: str | None = None
    """Publication time, ISO 8601 with UTC offset."""
    modified: str | None = None
    """Last modification time, ISO 8601 with UTC offset; never taken as ``published``."""
    authors: list[str] = field(default_factory=list)
    """People credited with the article, without byline prefixes; never an agency or the site."""
    category: str | None = None
    """Section or category as the site names it."""
    tags: list[str] = field(default_factory=list)
    """Keywords or tags the page lists."""
    image: str | None = None
    """Absolute URL of the main image."""
    agencies: list[str] = field(default_factory=list)
    """Ids of credited news agencies (``anadolu``, ``afp``, ``reuters``…)."""
    dateline: str | None = None
    """The dateline that opens the story (e.g. "دمشق - سانا"), kept out of ``body``."""
    line_keys: list[int] = field(default_factory=list, repr=False, compare=False)
    """Keys (``template.line_key``) of the body's lines before the site's learned boilerplate was taken out:
    what the crawl counts to learn the site's template. Not part of ``to_dict``."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["line_keys"]
        return data
