"""One pass over the parsed tree that sorts elements by what their ``class``/``id`` says they hold.

Searching the tree with an XPath per field (``contains(@class, 'date')`` …) costs a full scan each; a
single Python walk with one regular expression over ``class`` and ``id`` collects the byline, date,
category, breadcrumb, subtitle and boilerplate candidates at once.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from lxml.html import HtmlElement

_BOILERPLATE = re.compile(
    r"related|read-?also|read-?more|more-news|share|social|newsletter|subscribe|comment|\btags?\b|tag-?list|"
    r"keywords|follow|most-?read|trending|author-?box|sponsor|advert|\bads?\b|ads-|outbrain|taboola|print-|"
    r"breadcrumb|sidebar|widget|popular|banner|cookie"
)
_DATE = re.compile(r"date|time|publish|created|posted|tmstmp|stamp")
_BYLINE = re.compile(r"byline|author|writer|reporter")
_CATEGORY = re.compile(r"categor|section-?name|kicker-?link")
_BREADCRUMB = re.compile(r"breadcrumb")
_MENU = re.compile(r"menu|nav|footer|header|listing|card|module|widget")
_SUBTITLE = re.compile(r"sub-?title|sub-?headline|sub-?head|excerpt|lead|summary|teaser|standfirst")
_NOT_BYLINE = re.compile(r"categor|caption|photo|image|avatar|img|social|share|bio\b|box")
_ANY = re.compile("|".join(p.pattern for p in (_BOILERPLATE, _DATE, _BYLINE, _CATEGORY, _SUBTITLE)))
_BOILERPLATE_TAGS = {"div", "section", "aside", "ul", "ol", "nav", "form", "footer", "figure", "header", "table"}
_DATE_TAGS = {"span", "div", "p", "time", "li", "small", "em", "strong", "b", "abbr"}
_BYLINE_TAGS = {"span", "div", "p", "a", "address", "strong", "b", "li", "h4", "h5", "h6"}
_LIMIT = 40
_NEAR_H1 = 60
_TEXT_TAGS = {"p", "h2", "h3", "div", "span", "strong"}


@dataclass
class Scan:
    """Candidate elements by role. Dates, bylines and categories are ordered nearest the headline first:
    those after the first ``h1`` in document order, then those before it from the closest back (the page
    header's clock and menus come last)."""

    dates: list[HtmlElement] = field(default_factory=list)
    bylines: list[HtmlElement] = field(default_factory=list)
    categories: list[HtmlElement] = field(default_factory=list)
    breadcrumbs: list[HtmlElement] = field(default_factory=list)
    subtitles: list[HtmlElement] = field(default_factory=list)
    near_h1: list[HtmlElement] = field(default_factory=list)
    """Text-bearing elements just after the first ``h1``: where a stand-first sits."""
    boilerplate: list[HtmlElement] = field(default_factory=list)


def scan(tree: HtmlElement) -> Scan:
    out = Scan()
    body = tree.find("body")
    if body is None:
        return out
    before: dict[str, deque[HtmlElement]] = {k: deque(maxlen=_LIMIT) for k in ("dates", "bylines", "categories")}
    after: dict[str, list[HtmlElement]] = {k: [] for k in ("dates", "bylines", "categories")}
    seen_h1 = False
    for element in body.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag == "h1":
            seen_h1 = True
        elif seen_h1 and len(out.near_h1) < _NEAR_H1 and tag in _TEXT_TAGS and (element.text or "").strip():
            out.near_h1.append(element)
        bucket = after if seen_h1 else before
        marks = element.get("class")
        ident = element.get("id")
        itemprop = element.get("itemprop")
        rel = element.get("rel")
        if marks is None and ident is None and itemprop is None and rel is None:
            continue
        key = f"{marks or ''} {ident or ''}".lower()
        if itemprop is None and rel is None and not _ANY.search(key):
            continue
        if (
            itemprop == "author"
            or rel == "author"
            or (tag in _BYLINE_TAGS and _BYLINE.search(key) and not _NOT_BYLINE.search(key))
        ):
            bucket["bylines"].append(element)
        if tag in _DATE_TAGS and _DATE.search(key):
            bucket["dates"].append(element)
        if (_CATEGORY.search(key) and not _MENU.search(key)) or rel == "category tag":
            bucket["categories"].append(element)
        if _BREADCRUMB.search(key) and not out.breadcrumbs:
            out.breadcrumbs.append(element)
        if tag in ("p", "div", "h2", "h3", "span") and _SUBTITLE.search(key) and len(out.subtitles) < 5:
            out.subtitles.append(element)
        if tag in _BOILERPLATE_TAGS and _BOILERPLATE.search(key) and tag != "body":
            out.boilerplate.append(element)
    out.dates = after["dates"][:_LIMIT] + list(reversed(before["dates"]))
    out.bylines = after["bylines"][:_LIMIT] + list(reversed(before["bylines"]))
    out.categories = list(reversed(before["categories"])) + after["categories"][:_LIMIT]
    return out


def holds_article_text(element: HtmlElement) -> bool:
    """True for a block that wraps real paragraphs (a theme's "content-sidebar-wrap"), not links."""
    total = 0
    for p in element.iter("p"):
        length = len(p.text_content().strip())
        linked = sum(len(a.text_content()) for a in p.iter("a"))
        if length - linked > 300:
            return True
        total += max(0, length - linked)
        if total > 600:
            return True
    return False


def is_boilerplate_element(element: HtmlElement) -> bool:
    tag = element.tag
    if not isinstance(tag, str) or tag not in _BOILERPLATE_TAGS:
        return False
    key = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return bool(key.strip()) and bool(_BOILERPLATE.search(key))


def prune(elements: list[HtmlElement]) -> int:
    """Drop boilerplate blocks in place (outermost first); returns how many were dropped."""
    dropped: set[HtmlElement] = set()
    for element in elements:
        if element.getparent() is None or any(a in dropped for a in element.iterancestors()):
            continue
        if holds_article_text(element):
            continue
        element.drop_tree()
        dropped.add(element)
    return len(dropped)
