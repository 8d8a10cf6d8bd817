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

    sums: dict[HtmlElement, list[int]] = field(default_factory=dict)
    """Per element: [running, links, other, paragraphs] (``Figures``' fields, kept as lists while summing)."""
    body_element: HtmlElement | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    """Every running paragraph, in document order."""

    def of(self, element: HtmlElement | None) -> Figures:
        found = self.sums.get(element) if element is not None else None
        return Figures(*found) if found else Figures()

    @property
    def body(self) -> Figures:
        return self.of(self.body_element)

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
        for element, (running, links, other, paragraphs) in self.sums.items():
            if paragraphs == 0:
                continue
            score = running - links - 0.5 * other
            if score > best_score:
                best, best_score = element, score
        return best


def measure(tree: HtmlElement) -> Density:
    """Text figures of every element of ``tree`` that holds text: one pass over its text nodes.

    A block's own text is cut into segments where a ``<br>`` or a child block interrupts it: each segment is a
    paragraph of its own (``text<br>text``, text left loose after an inserted block)."""
    own: dict[HtmlElement, list[list[Any]]] = {}
    inline = INLINE
    for text in xpaths.body_text_nodes(tree):
        size = len(text.strip())
        owner = text.getparent()
        if owner is None:
            continue
        tag = owner.tag
        breaks = False
        if text.is_tail:
            breaks = tag == "br" or tag not in inline
            owner = owner.getparent()
            if owner is None:
                continue
            tag = owner.tag
        in_link = False
        while tag in inline:
            in_link = in_link or tag == "a"
            owner = owner.getparent()
            if owner is None:
                break
            tag = owner.tag
        if owner is None or tag in _NOT_TEXT:
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
    density = Density(body_element=tree.find("body"))
    sums = density.sums
    # Each element reached from a block: its parent and depth (walked once, shared ancestors included), or
    # False inside a menu or script.
    places: dict[HtmlElement, tuple[HtmlElement | None, int] | bool] = {}
    for block, segments in own.items():
        if not _place(block, places):
            continue
        running = links = other = count = 0
        for plain, linked, pieces in segments[:_MAX_SEGMENTS]:
            links += linked
            if plain >= RUNNING_CHARS and linked <= 0.5 * plain:
                joined = " ".join(" ".join(pieces).split())
                density.paragraphs.append(Paragraph(block, joined, plain, _ancestry(block, places)))
                running += plain
                count += 1
            else:
                other += plain
        sums[block] = [running, links, other, count]
    # Every element's figures are its own plus its children's: added up from the deepest elements to the body.
    reached = [(place[1], node) for node, place in places.items() if isinstance(place, tuple)]
    reached.sort(key=lambda pair: -pair[0])
    for _depth, node in reached:
        found = sums.get(node)
        place = places[node]
        parent = place[0] if isinstance(place, tuple) else None
        if found is None or parent is None:
            continue
        above = sums.get(parent)
        if above is None:
            sums[parent] = list(found)
        else:
            above[0] += found[0]
            above[1] += found[1]
            above[2] += found[2]
            above[3] += found[3]
    return density


def _place(block: HtmlElement, places: dict[HtmlElement, tuple[HtmlElement | None, int] | bool]) -> bool:
    """Record the parent and depth of ``block`` and of its ancestors not yet recorded; False inside a menu or
    script (``_NOT_TEXT``). Each element is walked once however many blocks share it."""
    path: list[tuple[HtmlElement, HtmlElement | None]] = []
    node: HtmlElement | None = block
    top: tuple[HtmlElement | None, int] | bool = (None, -1)
    while node is not None:
        known = places.get(node)
        if known is not None:
            top = known
            break
        if node.tag in _NOT_TEXT:
            top = False
            break
        parent = None if node.tag == "body" else node.getparent()
        path.append((node, parent))
        node = parent
    if top is False:
        for node, _parent in path:
            places[node] = False
        return False
    depth = top[1] if isinstance(top, tuple) else -1
    for node, parent in reversed(path):
        depth += 1
        places[node] = (parent, depth)
    return True


def _ancestry(
    block: HtmlElement, places: dict[HtmlElement, tuple[HtmlElement | None, int] | bool]
) -> tuple[HtmlElement, ...]:
    """``block`` and its ancestors up to the body, at most ``_MAX_DEPTH`` of them."""
    chain: list[HtmlElement] = []
    node: HtmlElement | None = block
    while node is not None and len(chain) < _MAX_DEPTH:
        chain.append(node)
        place = places.get(node)
        node = place[0] if isinstance(place, tuple) else None
    return tuple(chain)
