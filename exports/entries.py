"""Feed entries (``model.Entry``) built from archive rows, independent of the output format.

``build_entry`` cleans every value for XML and for validators (plain text where markup is not allowed,
sanitized absolute HTML for the body), so the renderers of ``formats.FORMATS`` only lay it out. The id is
``urn:uuid:<uid>``, the UUID minted when the article was first stored: it survives edits, re-exports and
title changes. Attribution is data of the entry: the original site (``source``), the credited agencies (also
categories), and in the combined feed the other sites that carried the story; each format renders it.
"""

from __future__ import annotations

import html
import mimetypes
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.agencies import AGENCIES
from crawler.extraction.title import cap_title
from exports.archive import ArticleRow, Carrier, SiteRow
from exports.dates import modification_date, parse_date, publication_date
from exports.feeds import feed_id
from exports.formats import SOURCE_FEED
from exports.html import paragraphs_html, plain_text, sanitize_html, text_direction
from exports.model import Category, Credit, Entry, Source
from exports.slugs import safe_id, slugify
from exports.urls import public_url, to_uri

EXCERPT_CHARS = 280
_UID_NAMESPACE = uuid.UUID("0c4f3a1d-6f0e-4f8e-b7a2-9d3f1e2a4b5c")


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
    body: str | None = None
    if not (ctx.summary_only or site.feed_content == "summary"):
        base = to_uri(article.url) or link
        body = sanitize_html(article.body_html, base) if article.body_html else ""
        body = body or paragraphs_html(article.body) or f"<p>{html.escape(summary, quote=False)}</p>"
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
        summary=summary,
        body_html=body,
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
            feed_url=public_url(ctx.base_url, site_dir + SOURCE_FEED.file_name),
            feed_type=SOURCE_FEED.media_type,
            updated=updated,
            origin_feed_url=site_feed(site) or credit.url,
        ),
        agencies=agencies,
        carriers=other_sites,
        language=language,
    )
