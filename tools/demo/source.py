"""The demo sites' article sources (``crawler/demo/sites/<id>/articles.toml``) and the values the archive must hold.

Each demo site is written from one TOML file: the articles' text and metadata. ``tools.demo.build``
renders them into the site's ``public/`` tree and into ``tests/fixtures/demo/<id>.json``; this module
only reads the sources and states what a correct crawl stores for each article (``expected``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from crawler.registry import Site, site_from_mapping

PLACEHOLDER = "__BASE__"
"""Written in the sources and in ``public/`` files wherever the site's base URL belongs."""

_PCT_RE = re.compile(r"%[0-9A-F]{2}")


@dataclass(frozen=True)
class DemoArticle:
    """One article of a demo site, as written in ``articles.toml``."""

    id: int
    """The site's own numeric id of the post (WordPress post id, CMS id, legacy archive number)."""
    path: str
    """The URL path the feed or sitemap links to, decoded (may hold Arabic)."""
    title: str
    """The headline as the page's main heading shows it."""
    category: str
    """Section name as the site prints it."""
    published: str
    """Publication time, ISO 8601 with the site's offset."""
    paragraphs: tuple[str, ...]
    """The body as the archive must hold it: no byline, no dateline, no closing credit line."""
    canonical_path: str | None = None
    """Where ``rel=canonical`` points, when not at ``path``."""
    section_slug: str | None = None
    """ASCII slug of the category, for sites whose section URLs are not the Arabic name."""
    modified: str | None = None
    """Last modification time, when the page states one."""
    tags: tuple[str, ...] = ()
    """Keywords as the page lists them."""
    authors: tuple[str, ...] = ()
    """People credited, without byline prefixes."""
    byline: str | None = None
    """Where the page prints "كتب: <author>": ``meta`` (post header) or ``content`` (first line)."""
    wp_author: str | None = None
    """WordPress user slug shown as the post author (the site's own account for desk stories)."""
    image: str | None = None
    """Path of the main image."""
    dateline: str | None = None
    """Dateline printed in front of the first paragraph."""
    dateline_sep: str = ": "
    """What separates the dateline from the first paragraph's text."""
    credit: str | None = None
    """Closing credit line printed after the body (an agency name alone)."""
    agencies: tuple[str, ...] = ()
    """Ids of credited agencies (``crawler.agencies``)."""
    agency_org: str | None = None
    """For agency stories: the agency's name as the structured data names the author organisation."""
    story: str | None = None
    """Label shared by copies of one syndicated story on several sites."""
    jsonld: str = "plain"
    """How a JSON-LD site embeds NewsArticle: ``plain`` (a lone object) or ``graph`` (inside ``@graph``)."""
    video: bool = False
    """Whether the page links the site's video page from the article."""

    @property
    def url_path(self) -> str:
        """``path`` as it appears in links: percent-encoded UTF-8 with lowercase hex, as WordPress writes it."""
        return encode_path(self.path)

    @property
    def canonical_url_path(self) -> str:
        return encode_path(self.canonical_path or self.path)

    @property
    def page_paragraphs(self) -> list[str]:
        """The body paragraphs as printed, the dateline in front of the first one."""
        paragraphs = list(self.paragraphs)
        if self.dateline:
            paragraphs[0] = f"{self.dateline}{self.dateline_sep}{paragraphs[0]}"
        return paragraphs

    @property
    def summary(self) -> str:
        """The description the page and feeds give: the first sentence of the body."""
        first = self.paragraphs[0]
        cut = first.find("، ", 80)
        return first if cut < 0 else first[:cut] + "…"

    @property
    def published_dt(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def last_changed(self) -> str:
        return self.modified or self.published

    def expected(self) -> dict[str, Any]:
        """The archive values of this article, in the fixture's key order."""
        return {
            "path": self.url_path,
            "canonical_path": self.canonical_url_path,
            "title": self.title,
            "body": "\n".join(self.paragraphs),
            "dateline": self.dateline,
            "published": self.published,
            "modified": self.modified,
            "authors": list(self.authors),
            "category": self.category,
            "tags": list(self.tags),
            "image": self.image,
            "agencies": list(self.agencies),
            "story": self.story,
        }


@dataclass(frozen=True)
class Author:
    """A WordPress user with an author archive page."""

    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class SiteSource:
    """A demo site: its registry entry and its articles, newest first."""

    site: Site
    theme: str
    """Which renderer writes the pages: ``wordpress``, ``portal`` or ``legacy``."""
    articles: tuple[DemoArticle, ...]
    authors: dict[str, Author] = field(default_factory=dict)
    directory: Path = Path()

    @property
    def id(self) -> str:
        return self.site.id

    @property
    def last_changed(self) -> str:
        """The latest publication or modification time of the site, ISO 8601."""
        return max(self.articles, key=lambda a: datetime.fromisoformat(a.last_changed)).last_changed

    def by_category(self) -> dict[str, list[DemoArticle]]:
        groups: dict[str, list[DemoArticle]] = {}
        for article in self.articles:
            groups.setdefault(article.category, []).append(article)
        return groups

    def by_tag(self) -> dict[str, list[DemoArticle]]:
        groups: dict[str, list[DemoArticle]] = {}
        for article in self.articles:
            for tag in article.tags:
                groups.setdefault(tag, []).append(article)
        return groups


def encode_path(path: str) -> str:
    """Percent-encode a decoded URL path, lowercase hex (WordPress' form of Arabic slugs)."""
    return _PCT_RE.sub(lambda m: m.group(0).lower(), quote(path, safe="/+"))


def slugify(name: str) -> str:
    """WordPress-style slug of an Arabic term name: words joined by hyphens, punctuation dropped."""
    words = re.findall(r"\w+", name)
    return "-".join(words).lower()


def rfc822(iso: str, utc: bool = False) -> str:
    """RSS ``pubDate`` form, in the time's own offset or (WordPress) in UTC as ``+0000``."""
    moment = datetime.fromisoformat(iso)
    if utc:
        moment = moment.astimezone(UTC)
        return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")
    return format_datetime(moment)


def _article(raw: dict[str, Any]) -> DemoArticle:
    tuples = {"paragraphs", "tags", "authors", "agencies"}
    values: dict[str, Any] = {key: tuple(value) if key in tuples else value for key, value in raw.items()}
    return DemoArticle(**values)


def load_source(site_dir: Path) -> SiteSource:
    """Read ``site.toml`` and ``articles.toml`` of one demo site directory."""
    entry = tomllib.loads((site_dir / "site.toml").read_text(encoding="utf-8"))["sites"][0]
    # The placeholder is not a URL; validate the entry as it will be served.
    served = {k: _with_base(v, "http://127.0.0.1") for k, v in entry.items()}
    site = site_from_mapping(served, allow_demo=True)
    data = tomllib.loads((site_dir / "articles.toml").read_text(encoding="utf-8"))
    articles = sorted((_article(a) for a in data["articles"]), key=lambda a: a.published_dt, reverse=True)
    authors = {a["slug"]: Author(**a) for a in data.get("authors", [])}
    return SiteSource(site=site, theme=data["theme"], articles=tuple(articles), authors=authors,
                      directory=site_dir)


def _with_base(value: Any, base: str) -> Any:
    if isinstance(value, str):
        return value.replace(PLACEHOLDER, base)
    if isinstance(value, list):
        return [_with_base(v, base) for v in value]
    return value
