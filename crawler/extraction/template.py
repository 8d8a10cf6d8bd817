"""A site's template, learned from its pages: the lines that recur on most of them are the site's boilerplate.

A crawl sees many pages of a site. A line printed on most of them (masthead credits, "تابعونا على …", a
newsletter prompt, a copyright or disclaimer paragraph) belongs to the site's template, not to any one article,
whatever markup it sits in; a sentence two articles happen to share does not recur on most pages and stays.

Lines are compared by a 63-bit key of their folded letters and digits (``line_key``), so that spelling variants
of hamza, harakat, tatweel and punctuation count as one line. ``SiteTemplate`` keeps, per site, how many pages
it saw and on how many pages each line appeared, bounded twice: at most ``MAX_LINES`` line counts (lines seen on
one page only are forgotten first), and a moving window (every ``WINDOW`` pages all counts are halved), so
that a template change is learned within a few hundred pages and memory stays flat however long a site is
crawled. A line is boilerplate once it appeared on at least ``MIN_PAGES`` pages and on ``SHARE`` of the pages
in the window.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring, tostring

from crawler.extraction.textutil import alnum_key

MIN_PAGES = 4
SHARE = 0.5
WINDOW = 400
MAX_LINES = 2048
MIN_KEY_CHARS = 8
"""Shorter lines (a lone word, a number) are left to the other rules: too common to be told apart."""
MAX_LINES_PER_PAGE = 400


def line_key(text: str) -> int | None:
    """The key of a body line, or None for a line too short to learn from."""
    key = alnum_key(text)
    if len(key) < MIN_KEY_CHARS:
        return None
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def line_keys(lines: Iterable[str]) -> list[int]:
    """The distinct keys of a page's body lines, in order, at most ``MAX_LINES_PER_PAGE``."""
    out: dict[int, None] = {}
    for line in lines:
        key = line_key(line)
        if key is not None:
            out[key] = None
            if len(out) >= MAX_LINES_PER_PAGE:
                break
    return list(out)


@dataclass
class SiteTemplate:
    """Line counts of one site's pages (see the module docstring)."""

    pages: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    _frequent: set[int] = field(default_factory=set, repr=False, compare=False)
    """Keys seen on ``MIN_PAGES`` pages or more: the only ones that can be boilerplate (few, so that the crawl can
    ask for the boilerplate on every page without walking every count)."""

    def __post_init__(self) -> None:
        self._refresh()

    def observe(self, keys: Iterable[int]) -> None:
        """Count one page's distinct line keys."""
        self.pages += 1
        counts = self.counts
        for key in dict.fromkeys(keys):
            n = counts.get(key, 0) + 1
            counts[key] = n
            if n == MIN_PAGES:
                self._frequent.add(key)
        if self.pages >= WINDOW:
            self._halve()
        if len(counts) > MAX_LINES:
            self._forget()

    def is_boilerplate(self, key: int) -> bool:
        count = self.counts.get(key, 0)
        return count >= MIN_PAGES and count >= SHARE * self.pages

    def boilerplate(self) -> frozenset[int]:
        """The line keys that are this site's boilerplate now."""
        if self.pages < MIN_PAGES or not self._frequent:
            return frozenset()
        floor = max(MIN_PAGES, SHARE * self.pages)
        counts = self.counts
        return frozenset(k for k in self._frequent if counts.get(k, 0) >= floor)

    def _refresh(self) -> None:
        self._frequent = {k for k, n in self.counts.items() if n >= MIN_PAGES}

    def _halve(self) -> None:
        self.pages //= 2
        self.counts = {k: n // 2 for k, n in self.counts.items() if n >= 2}
        self._refresh()

    def _forget(self) -> None:
        """Drop the rarest lines until the counts fit: lines seen once, then twice, … (article text first)."""
        floor = 1
        while len(self.counts) > MAX_LINES // 2:
            self.counts = {k: n for k, n in self.counts.items() if n > floor}
            floor += 1
        self._refresh()


MAX_SHARE_STRIPPED = 0.5
"""Template lines never take more than this share of an article's text: a site whose articles share most of
their sentences (daily price bulletins, prayer times) publishes templated articles, not boilerplate."""


def kept_lines(lines: list[str], boilerplate: frozenset[int], keys: list[int | None] | None = None) -> list[bool]:
    """Which of an article's lines stay once the site's ``boilerplate`` lines are taken out (``keys``: the lines'
    keys when already computed)."""
    keys = keys if keys is not None else [line_key(line) for line in lines]
    keep = [k is None or k not in boilerplate for k in keys]
    removed = sum(len(line) for line, k in zip(lines, keep, strict=True) if not k)
    if not removed or removed > MAX_SHARE_STRIPPED * sum(len(line) for line in lines):
        return [True] * len(lines)
    return keep


def strip_lines(body: str, body_html: str, boilerplate: frozenset[int]) -> tuple[str, str]:
    """``body`` and ``body_html`` without the site's ``boilerplate`` lines (the blocks of ``body_html`` whose text
    is such a line go too), unless they would take more than ``MAX_SHARE_STRIPPED`` of the text."""
    if not boilerplate:
        return body, body_html
    lines = body.split("\n")
    keep = kept_lines(lines, boilerplate)
    if all(keep):
        return body, body_html
    gone = frozenset(k for line, kept in zip(lines, keep, strict=True) if not kept and (k := line_key(line)))
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept), _strip_html(body_html, gone)


_BLOCKS = ("p", "li", "h2", "h3", "h4", "blockquote", "div")


def _strip_html(body_html: str, keys: frozenset[int]) -> str:
    if not body_html:
        return body_html
    try:
        root: HtmlElement = fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return body_html
    for element in list(root.iter(*_BLOCKS)):
        if element is root or element.getparent() is None:
            continue
        if line_key(element.text_content()) in keys:
            element.drop_tree()
    lead = html.escape(root.text or "", quote=False)
    return lead + "".join(tostring(child, encoding="unicode") for child in root)
