"""Where a page's running text is, measured from its content alone: no class or id is read here.

One pass over the text nodes of the body gives each block element (an element that is not inline markup) the
characters of text it holds directly, inside links and outside them. A *running paragraph* is a block with at
least ``RUNNING_CHARS`` characters outside links and little link text: the shape of article prose, which
headline lists, menus, share bars and date stamps do not have. Each block's figures are then added to its
ancestors, so that any element can say how much running text, link text and other text it holds.

Two uses:
- evidence for boilerplate pruning: an element whose class says "related" or "share" but which holds running
  paragraphs is article text, and stays;
- a witness for the body: the *densest container*, the element holding the most running text net of the link
  text and the short lines it also holds, is where a density-based extractor would say the article is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from crawler.extraction import xpaths

INLINE = frozenset(
    "a abbr acronym b bdi bdo big br cite code del dfn em font i img ins kbd label mark nobr q s samp small span "
    "strong sub sup time tt u var wbr".split()
)
# Not article text: code, controls, the page's own menus and photo captions (semantic tags, not class names).
_NOT_TEXT = frozenset(
    "script style noscript template svg iframe head title select option textarea button nav figcaption h1".split()
)
RUNNING_CHARS = 60
_MAX_DEPTH = 64  # ancestors a block's figures reach: bounds the work on pathologically nested pages
_MAX_BLOCKS = 20_000
_MAX_SEGMENTS = 2_000


@dataclass
class Figures:
    """Characters of text under one element."""

    running: int = 0
    """In running paragraphs (outside links)."""
    links: int = 0
    """Inside links."""
    other: int = 0
    """Outside links, in blocks too short to be running paragraphs (captions, dates, labels, buttons)."""
    paragraphs: int = 0
    """Running paragraphs."""

    @property
    def total(self) -> int:
        return self.running + self.links + self.other


@dataclass
class Paragraph:
    """A running paragraph: the text its block holds directly (with its inline markup's, links included)."""

    block: HtmlElement
    text: str
    chars: int
    """Characters outside links."""
    ancestry: tuple[HtmlElement, ...] = field(repr=False)


@dataclass
class Density:
    """Per-element text figures of one parsed page, taken before anything was removed from it."""

    figures: dict[HtmlElement, Figures] = field(default_factory=dict)
    body: Figures = field(default_factory=Figures)
    paragraphs: list[Paragraph] = field(default_factory=list)
    """Every running paragraph, in document order."""

    def of(self, element: HtmlElement) -> Figures:
        return self.figures.get(element) or Figures()

    def holds_running_text(self, element: HtmlElement) -> bool:
        """Article prose, whatever the element's class says: several hundred characters of running paragraphs,
        not drowned in link text (a related-stories list with excerpts is mostly headlines)."""
        f = self.of(element)
        return f.running >= 5 * RUNNING_CHARS and f.links <= 0.35 * f.total

    def paragraphs_in(self, container: HtmlElement) -> list[Paragraph]:
        """The running paragraphs inside ``container``, in document order."""
        return [p for p in self.paragraphs if container in p.ancestry]

    def densest(self) -> HtmlElement | None:
        """The element holding the most running text net of the links and short lines around it."""
        best: HtmlElement | None = None
        best_score = 0.0
        for element, f in self.figures.items():
            if f.paragraphs == 0:
                continue
            score = f.running - f.links - 0.5 * f.other
            if score > best_score:
                best, best_score = element, score
        return best


def measure(tree: HtmlElement) -> Density:
    """Text figures of every element of ``tree`` that holds text: one pass over its text nodes.

    A block's own text is cut into segments where a ``<br>`` or a child block interrupts it: each segment is a
    paragraph of its own (``text<br>text``, text left loose after an inserted block)."""
    own: dict[HtmlElement, list[list[Any]]] = {}
    for text in xpaths.body_text_nodes(tree):
        size = len(text.strip())
        if not size:
            continue
        owner = text.getparent()
        breaks = False
        if text.is_tail and owner is not None:
            breaks = owner.tag == "br" or owner.tag not in INLINE
            owner = owner.getparent()
        in_link = False
        while owner is not None and owner.tag in INLINE:
            in_link = in_link or owner.tag == "a"
            owner = owner.getparent()
        if owner is None or not isinstance(owner.tag, str) or owner.tag in _NOT_TEXT:
            continue
        segments = own.get(owner)
        if segments is None:
            if len(own) >= _MAX_BLOCKS:
                continue
            segments = own[owner] = [[0, 0, []]]
        elif breaks and segments[-1][0] + segments[-1][1]:
            segments.append([0, 0, []])
        segment = segments[-1]
        segment[1 if in_link else 0] += size
        segment[2].append(text)
    density = Density()
    figures = density.figures
    chains: dict[HtmlElement, tuple[HtmlElement, ...] | None] = {}
    for block, segments in own.items():
        chain = _ancestry(block, chains)
        if chain is None:
            continue
        for plain, linked, pieces in segments[:_MAX_SEGMENTS]:
            running = plain >= RUNNING_CHARS and linked <= 0.5 * plain
            if running:
                density.paragraphs.append(Paragraph(block, " ".join(" ".join(pieces).split()), plain, chain))
            for node in chain:
                f = figures.get(node)
                if f is None:
                    f = figures[node] = Figures()
                f.links += linked
                if running:
                    f.running += plain
                    f.paragraphs += 1
                else:
                    f.other += plain
    body = tree.find("body")
    if body is not None and body in figures:
        density.body = figures[body]
    return density


def _ancestry(
    block: HtmlElement, chains: dict[HtmlElement, tuple[HtmlElement, ...] | None]
) -> tuple[HtmlElement, ...] | None:
    """``block`` and its ancestors up to ``body`` (at most ``_MAX_DEPTH``), or None inside a menu or script.
    ``chains`` remembers the answer for every element on the way, so shared ancestors are walked once."""
    path: list[HtmlElement] = []
    node: HtmlElement | None = block
    tail: tuple[HtmlElement, ...] | None = ()
    while node is not None:
        if node in chains:
            tail = chains[node]
            break
        if node.tag in _NOT_TEXT:
            tail = None
            break
        path.append(node)
        if node.tag == "body" or len(path) >= _MAX_DEPTH:
            break
        node = node.getparent()
    for i in range(len(path) - 1, -1, -1):
        tail = None if tail is None else (path[i], *tail[: _MAX_DEPTH - 1])
        chains[path[i]] = tail
    return tail
