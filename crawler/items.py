"""The item the spider yields: one ``Article`` per extracted page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.storage.fingerprint import Fingerprint


@dataclass
class Article:
    """One article page as crawled, before normalization, validation, dedupe and storage."""

    url: str
    """The URL the page was fetched from, after redirects."""
    site: str
    """The registry id of the publisher."""
    title: str | None = None
    """Headline as displayed."""
    body: str = ""
    """Plain-text body, one paragraph per line."""
    body_html: str = ""
    """Sanitized body HTML."""
    canonical_url: str | None = None
    """Canonical URL: the key of the site's copy; filled by the normalize pipeline when absent."""
    subtitle: str | None = None
    """Secondary headline."""
    summary: str | None = None
    """Description or stand-first."""
    published: str | None = None
    """Publication time, ISO 8601 with offset."""
    modified: str | None = None
    """Last modification time, ISO 8601 with offset."""
    authors: list[str] = field(default_factory=list)
    """Bylines without prefixes."""
    category: str | None = None
    """Section as the site names it."""
    tags: list[str] = field(default_factory=list)
    """Keywords."""
    image: str | None = None
    """Main image URL."""
    agencies: list[str] = field(default_factory=list)
    """Credited agency ids."""
    dateline: str | None = None
    """Opening dateline."""
    language: str | None = None
    """Detected language."""
    site_name: str | None = None
    """Publisher name as the page gives it."""
    fetched_at: str | None = None
    """When the page was downloaded, ISO 8601 UTC."""
    source_url: str | None = None
    """The feed or sitemap where the article was found."""
    source_updated: str | None = None
    """The ``lastmod`` / ``updated`` the feed or sitemap gave, used by incremental runs."""
    content_hash: str | None = None
    """Hash of the normalized body words, set by the normalize pipeline."""
    known: bool = False
    """The archive held this URL when the crawl asked for it: an edit of a stored article, recorded whatever its
    age (the ``--since`` window decides which new articles to take, not whether an update is kept)."""
    boilerplate_lines: list[int] = field(default_factory=list)
    """Line keys the crawl had learned to be this site's template when the article was yielded
    (``crawler.extraction.template``): the archive takes such lines out of the site's earlier articles too."""
    fingerprint: Fingerprint | None = field(default=None, repr=False, compare=False)
    """Hash, search text and MinHash of this title and body, computed beside extraction so that the crawl
    process does not; handed to the archive and cleared by the store pipeline. Not part of ``to_dict``."""

    def to_dict(self) -> dict[str, Any]:
        """Every field but ``fingerprint`` (derived data, recomputed by whoever stores the article)."""
        data = asdict(replace(self, fingerprint=None))
        del data["fingerprint"]
        return data
