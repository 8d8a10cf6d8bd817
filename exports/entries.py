"""Feed entries built from archive rows, independent of the output format.

An ``Entry`` holds every value already cleaned for XML and for validators (plain text where markup is not
allowed, sanitized absolute HTML elsewhere), so the RSS, Atom and JSON writers only lay it out. Its id is
``urn:uuid:<uid>``, the UUID minted when the article was first stored: it survives edits, re-exports and
title changes. Attribution is part of the entry: the original site (``source``), the credited agencies
(categories and a credit line), and in the combined feed the other sites that carried the story.
"""

from __future__ import annotations

import html
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from crawler.agencies import AGENCIES
from crawler.extraction.title import cap_title
from exports.archive import ArticleRow, Carrier, SiteRow
from exports.dates import modification_date, parse_date, publication_date
from exports.feeds import feed_id
from exports.html import paragraphs_html, plain_text, sanitize_html, text_direction, wrap_dir
from exports.slugs import safe_id, slugify
from exports.urls import public_url, to_uri

EXCERPT_CHARS = 280
_UID_NAMESPACE = uuid.UUID("0c4f3a1d-6f0e-4f8e-b7a2-9d3f1e2a4b5c")


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
    url: str
    """The site's homepage."""
    feed_url: str
    """The site's own feed in this export (``sites/<id>/atom.xml``)."""
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
    summary_text: str
    summary_html: str
    """Summary plus attribution, as an rtl-wrapped HTML fragment (RSS description, Atom summary)."""
    content_html: str | None
    """Full sanitized body plus attribution, rtl-wrapped; None when only summaries may be republished."""
    published: datetime
    updated: datetime
    authors: tuple[str, ...]
    categories: tuple[Category, ...]
    image: str | None
    image_type: str | None
    source: Source
    agencies: tuple[Credit, ...]
    carriers: tuple[Credit, ...]
    language: str


def entry_id(uid: str) -> str:
    """``urn:uuid:<uid>``; a uid that is not a UUID is mapped to one, stably, so the id stays valid."""
    try:
        return uuid.UUID(uid.strip()).urn
    except (ValueError, AttributeError):
        return uuid.uuid5(_UID_NAMESPACE, uid).urn


def site_credit(site: SiteRow, base_url: str) -> Credit:
    name = plain_text(site.name) or plain_text(site.name_en) or site.id
    return Credit(name, to_uri(site.url) or public_url(base_url, f"sites/{safe_id(site.id)}/"))


def site_feed(site: SiteRow) -> str | None:
    """The first of the site's registry feeds that is a usable URI, or None."""
    return next((uri for uri in map(to_uri, site.feeds) if uri), None)


def _excerpt(text: str) -> str:
    first = next((p for p in (plain_text(line) for line in text.split("\n")) if p), "")
    if len(first) <= EXCERPT_CHARS:
        return first
    cut = first[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _image_type(url: str) -> str:
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed if guessed and guessed.startswith("image/") else "image/jpeg"


def _attribution_html(source: Credit, link: str, agencies: tuple[Credit, ...], carriers: tuple[Credit, ...]) -> str:
    def anchor(credit: Credit, href: str | None = None) -> str:
        return f'<a href="{html.escape(href or credit.url)}">{html.escape(credit.name, quote=False)}</a>'

    line = f"<p>المصدر: {anchor(source, link)}"
    if agencies:
        line += " — " + "، ".join(anchor(a) for a in agencies)
    line += "</p>"
    if carriers:
        line += "<p>نشرته أيضاً: " + "، ".join(anchor(c) for c in carriers) + "</p>"
    return line


@dataclass(frozen=True)
class EntryContext:
    """Export-wide settings an entry depends on."""

    base_url: str
    summary_only: bool = False


def build_entry(
    article: ArticleRow,
    site: SiteRow,
    ctx: EntryContext,
    carriers: tuple[tuple[SiteRow, Carrier], ...] = (),
) -> Entry:
    """The entry for ``article`` of ``site``; ``carriers`` are the other sites' copies (combined feed)."""
    credit = site_credit(site, ctx.base_url)
    link = to_uri(article.canonical_url) or to_uri(article.url) or credit.url
    # Capped here too: articles stored before extraction capped titles keep their long ones.
    title = cap_title(plain_text(article.title) or plain_text(article.subtitle) or credit.name)
    published = publication_date(article.published, article.first_seen)
    updated = modification_date(article.modified, article.last_seen, published)
    carrier_credits = [(site_credit(s, ctx.base_url), c) for s, c in carriers]
    other_sites = tuple(Credit(sc.name, to_uri(c.url) or sc.url) for sc, c in carrier_credits)
    # A new copy of the story on another site changes the entry (its carrier list): it counts as an update.
    for _, carrier in carriers:
        updated = max(updated, parse_date(carrier.first_seen) or updated)
    agency_ids = tuple(dict.fromkeys(article.agencies))
    agencies = tuple(
        Credit(
            plain_text(AGENCIES[a].name) if a in AGENCIES else plain_text(a) or safe_id(a),
            AGENCIES[a].url if a in AGENCIES else public_url(ctx.base_url, f"agencies/{safe_id(a)}/"),
        )
        for a in agency_ids
    )
    _, language = text_direction(article.language or site.language)
    summary = plain_text(article.summary) or plain_text(article.subtitle) or _excerpt(article.body) or title
    attribution = _attribution_html(credit, link, agencies, other_sites)
    summary_html = wrap_dir(f"<p>{html.escape(summary, quote=False)}</p>{attribution}", language)
    content_html: str | None = None
    if not (ctx.summary_only or site.feed_content == "summary"):
        base = to_uri(article.url) or link
        body = sanitize_html(article.body_html, base) if article.body_html else ""
        body = body or paragraphs_html(article.body) or f"<p>{html.escape(summary, quote=False)}</p>"
        content_html = wrap_dir(body + attribution, language)
    categories: list[Category] = []
    category = plain_text(article.category)
    if category:
        scheme = public_url(ctx.base_url, "categories/")
        categories.append(Category(slugify(category), category, scheme))
    agencies_scheme = public_url(ctx.base_url, "agencies/")
    credited = zip(agency_ids, agencies, strict=True)
    categories += [Category(safe_id(a), c.name, agencies_scheme) for a, c in credited]
    categories += [Category(t, t) for t in dict.fromkeys(plain_text(tag) for tag in article.tags) if t]
    image = to_uri(article.image)
    site_dir = f"sites/{safe_id(site.id)}/"
    return Entry(
        id=entry_id(article.uid),
        title=title,
        link=link,
        summary_text=summary,
        summary_html=summary_html,
        content_html=content_html,
        published=published,
        updated=updated,
        authors=tuple(dict.fromkeys(a for a in (plain_text(x) for x in article.authors) if a)) or (credit.name,),
        categories=tuple(dict.fromkeys(categories)),
        image=image,
        image_type=_image_type(image) if image else None,
        source=Source(
            id=feed_id(site_dir),
            title=credit.name,
            url=credit.url,
            feed_url=public_url(ctx.base_url, site_dir + "atom.xml"),
            updated=updated,
            origin_feed_url=site_feed(site) or credit.url,
        ),
        agencies=agencies,
        carriers=other_sites,
        language=language,
    )
