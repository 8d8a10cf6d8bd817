"""One pass over the parsed tree that sorts elements by what their ``class``/``id`` says they hold.

Searching the tree with an XPath per field (``contains(@class, 'date')`` …) costs a full scan each; a
single Python walk with one regular expression over ``class`` and ``id`` collects the byline, date,
category, breadcrumb, subtitle and boilerplate candidates at once.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache

from lxml.html import HtmlElement

from crawler.extraction.density import Density

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
        names = element.keys()  # cheaper than four lookups on the many elements without attributes
        if not names:
            continue
        marks = element.get("class") if "class" in names else None
        ident = element.get("id") if "id" in names else None
        itemprop = element.get("itemprop") if "itemprop" in names else None
        rel = element.get("rel") if "rel" in names else None
        roles = _roles(marks, ident) if marks is not None or ident is not None else None
        if roles is None:
            if itemprop is None and rel is None:
                continue
            roles = _NO_ROLES
        bucket = after if seen_h1 else before
        byline, date, category, breadcrumb, subtitle, boilerplate = roles
        if itemprop == "author" or rel == "author" or (tag in _BYLINE_TAGS and byline):
            bucket["bylines"].append(element)
        if date and tag in _DATE_TAGS:
            bucket["dates"].append(element)
        if category or rel == "category tag":
            bucket["categories"].append(element)
        if breadcrumb and not out.breadcrumbs:
            out.breadcrumbs.append(element)
        if subtitle and tag in ("p", "div", "h2", "h3", "span") and len(out.subtitles) < 5:
            out.subtitles.append(element)
        if boilerplate and tag in _BOILERPLATE_TAGS and tag != "body":
            out.boilerplate.append(element)
    out.dates = after["dates"][:_LIMIT] + list(reversed(before["dates"]))
    out.bylines = after["bylines"][:_LIMIT] + list(reversed(before["bylines"]))
    out.categories = list(reversed(before["categories"])) + after["categories"][:_LIMIT]
    return out


_NO_ROLES = (False, False, False, False, False, False)


# Pages of one site repeat the same few hundred class and id values: each is read with the expressions once.
@lru_cache(maxsize=4096)
def _roles(marks: str | None, ident: str | None) -> tuple[bool, bool, bool, bool, bool, bool] | None:
    """What a ``class``/``id`` pair says an element holds: (byline, date, category, breadcrumb, subtitle,
    boilerplate), or None when it names none of them."""
    key = f"{marks or ''} {ident or ''}".lower()
    if not _ANY.search(key):
        return None
    return (
        bool(_BYLINE.search(key)) and not _NOT_BYLINE.search(key),
        bool(_DATE.search(key)),
        bool(_CATEGORY.search(key)) and not _MENU.search(key),
        bool(_BREADCRUMB.search(key)),
        bool(_SUBTITLE.search(key)),
        bool(_BOILERPLATE.search(key)),
    )


def is_boilerplate_element(element: HtmlElement) -> bool:
    tag = element.tag
    if not isinstance(tag, str) or tag not in _BOILERPLATE_TAGS:
        return False
    key = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return bool(key.strip()) and bool(_BOILERPLATE.search(key))


class Pruned:
    """Elements taken out of the tree, each replaced by an empty placeholder, so that ``undo`` can put the tree
    back exactly as it was (another extractor may then read the untouched page)."""

    def __init__(self) -> None:
        self._taken: list[tuple[HtmlElement, HtmlElement]] = []
        self.running_chars = 0
        """Characters of running paragraphs (``density.Figures.running``) inside the elements taken out."""

    def take(self, element: HtmlElement, running_chars: int = 0) -> bool:
        parent = element.getparent()
        if parent is None:
            return False
        placeholder = HtmlElement()
        placeholder.tag = "span"
        placeholder.tail = element.tail
        parent.replace(element, placeholder)
        self._taken.append((element, placeholder))
        self.running_chars += running_chars
        return True

    def __len__(self) -> int:
        return len(self._taken)

    def taken(self) -> set[HtmlElement]:
        """The elements taken out (and not put back)."""
        return {element for element, _placeholder in self._taken}

    def undo(self) -> None:
        for element, placeholder in reversed(self._taken):
            parent = placeholder.getparent()
            if parent is not None:
                parent.replace(placeholder, element)
        self._taken.clear()
        self.running_chars = 0


def prune(elements: list[HtmlElement], density: Density, pruned: Pruned | None = None) -> Pruned:
    """Take boilerplate blocks out (outermost first), except those whose content shows article text: a block
    of running paragraphs stays whatever its class says. Returns what was taken, to ``undo`` if need be."""
    pruned = pruned if pruned is not None else Pruned()
    taken: set[HtmlElement] = set()
    for element in elements:
        if element.getparent() is None or any(a in taken for a in element.iterancestors()):
            continue
        if density.holds_running_text(element):
            continue
        if pruned.take(element, density.of(element).running):
            taken.add(element)
    return pruned
