"""Structured data first: JSON-LD (``NewsArticle``/``Article``, ``@graph`` forms), OpenGraph, ``article:*``
meta, ``<time datetime>`` and ``rel=canonical``, read in one pass over the parsed tree.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from crawler.extraction import xpaths
from crawler.extraction.textutil import clean

_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "report",
    "liveblogposting",
    "socialmediaposting",
    "webpage",
    "askpublicnewsarticle",
}
_MODIFIED_MARK = re.compile(r"updat|modif|تحديث|محدث|actualiz|aktualis", re.I)
_NEWS_RANK = {"webpage": 2, "blogposting": 1}


@dataclass
class Structured:
    """Fields the page declares in machine-readable form; every one may be missing."""

    headline: str | None = None
    og_title: str | None = None
    html_title: str | None = None
    description: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    sections: list[str] = field(default_factory=list)
    """Every section the page declares (JSON-LD ``articleSection`` may list several; ``article:section``)."""
    breadcrumb: list[str] = field(default_factory=list)
    """The names of a JSON-LD ``BreadcrumbList``, in position order."""
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    site_name: str | None = None
    publisher: str | None = None
    canonical: str | None = None
    og_url: str | None = None
    html_lang: str | None = None
    article_body: str | None = None
    time_published: str | None = None
    time_modified: str | None = None


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk(node[key])


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("text")
    if value is None or isinstance(value, dict | list):
        return None
    # Some CMSs HTML-escape inside JSON-LD ("&quot;…&quot;"), some twice.
    text = clean(html.unescape(html.unescape(str(value))))
    return text or None


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = _text(item)
        if name:
            out.append(name)
    return out


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
    return str(value).strip() if isinstance(value, str) and value.strip() else None


def _crumbs(items: Any) -> list[str]:
    """Names of a ``BreadcrumbList``'s items in ``position`` order (at most 12)."""
    if not isinstance(items, list):
        return []
    found: list[tuple[float, str]] = []
    for index, item in enumerate(items[:12]):
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        inner = item.get("item")
        if not name and isinstance(inner, dict):
            name = inner.get("name")
        text = _text(name) if isinstance(name, str | list) else None
        position = item.get("position")
        order = float(position) if isinstance(position, int | float) and not isinstance(position, bool) else index
        if text:
            found.append((order, text))
    return [text for _, text in sorted(found, key=lambda pair: pair[0])]


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        parts = re.split(r"[,،;]", value)
    elif isinstance(value, list):
        parts = [str(v) for v in value if isinstance(v, str | int)]
    else:
        return []
    return [p for p in (clean(x) for x in parts) if p]


def _load_json(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw.strip("<!->").strip()
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        # Control characters inside strings are the usual fault of hand-built JSON-LD.
        try:
            return json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
        except json.JSONDecodeError:
            return None


def _read_json_ld(tree: HtmlElement, out: Structured) -> None:
    best: tuple[int, dict[str, Any]] | None = None
    for script in xpaths.json_ld(tree):
        data = _load_json(script.text or "")
        if data is None:
            continue
        for node in _walk(data):
            kinds = _types(node)
            if "breadcrumblist" in kinds and not out.breadcrumb:
                out.breadcrumb = _crumbs(node.get("itemListElement"))
            if kinds & {"newsmediaorganization", "organization", "website"} and not out.publisher:
                out.publisher = _text(node.get("name"))
            if not kinds & _ARTICLE_TYPES:
                continue
            if "webpage" in kinds and not (node.get("headline") or node.get("datePublished")):
                continue
            rank = min((_NEWS_RANK.get(k, 0) for k in kinds & _ARTICLE_TYPES), default=3)
            if best is None or rank < best[0]:
                best = (rank, node)
    if best is None:
        return
    node = best[1]
    out.headline = _text(node.get("headline")) or _text(node.get("name"))
    out.description = _text(node.get("description"))
    out.published = _text(node.get("datePublished")) or _text(node.get("dateCreated"))
    out.modified = _text(node.get("dateModified"))
    out.authors = _names(node.get("author") or node.get("creator"))
    out.sections = _keywords(node.get("articleSection")) if isinstance(node.get("articleSection"), list) else [
        t for t in [_text(node.get("articleSection"))] if t
    ]
    out.section = out.sections[0] if out.sections else None
    out.tags = _keywords(node.get("keywords"))
    out.image = _image(node.get("image")) or _image(node.get("thumbnailUrl"))
    out.article_body = _text(node.get("articleBody"))
    publisher = node.get("publisher")
    if publisher:
        out.publisher = _text(publisher) or out.publisher


def _read_meta(tree: HtmlElement, out: Structured) -> None:
    seen: dict[str, str] = {}
    tags: list[str] = []
    for meta in xpaths.metas(tree):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if not key or content is None:
            continue
        content = clean(html.unescape(content))
        if not content:
            continue
        if key in ("article:tag", "news_keywords"):
            tags.extend(_keywords(content) if key == "news_keywords" else [content])
        seen.setdefault(key, content)
    out.og_title = seen.get("og:title") or seen.get("twitter:title")
    out.description = out.description or seen.get("og:description") or seen.get("description")
    out.published = out.published or _first(
        seen,
        "article:published_time",
        "datepublished",
        "og:article:published_time",
        "publishdate",
        "pubdate",
        "date",
        "dc.date.issued",
        "dcterms.created",
        "sailthru.date",
        "parsely-pub-date",
    )
    out.modified = out.modified or _first(
        seen, "article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified"
    )
    declared = [seen[k] for k in ("article:section", "section", "parsely-section") if seen.get(k)]
    out.sections = list(dict.fromkeys([*out.sections, *declared]))
    out.section = out.section or (declared[0] if declared else None)
    out.tags = out.tags or tags or _keywords(seen.get("keywords", ""))[:20]
    out.image = out.image or seen.get("og:image") or seen.get("twitter:image")
    out.site_name = seen.get("og:site_name")
    out.og_url = seen.get("og:url")
    if not out.authors:
        author = _first(seen, "article:author", "author", "dc.creator", "parsely-author", "sailthru.author")
        if author and not author.startswith("http"):
            out.authors = [author]


def _first(seen: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        if seen.get(key):
            return seen[key]
    return None


def read_structured(tree: HtmlElement) -> Structured:
    """Everything the page declares in JSON-LD, meta tags, ``<time>`` and ``<link rel=canonical>``."""
    out = Structured()
    _read_json_ld(tree, out)
    _read_meta(tree, out)
    title = xpaths.titles(tree)
    out.html_title = clean(title[0].text_content()) if title else None
    canonical = xpaths.canonical_links(tree)
    out.canonical = str(canonical[0]).strip() if canonical else None
    lang = xpaths.strings(xpaths.HTML_LANG, tree)
    out.html_lang = str(lang[0]).strip().lower() if lang else None
    published, modified = xpaths.dated(tree)
    for element in published:
        stamp = element.get("datetime") or element.get("content")
        # WordPress prints <time class="updated"> beside the published one: never take it as published.
        if _MODIFIED_MARK.search(f"{element.get('class', '')} {element.get('itemprop', '')} {element.text or ''}"):
            out.time_modified = out.time_modified or (stamp.strip() if stamp else None)
            continue
        if stamp:
            out.time_published = stamp.strip()
            break
    for element in modified:
        stamp = element.get("datetime") or element.get("content")
        if stamp:
            out.time_modified = out.time_modified or stamp.strip()
            break
    return out
