"""The article body as blocks: from the site's body selector when it has one, else from trafilatura run on
the already-parsed tree with its metadata extraction switched off (structured data gave those fields).
"""

from __future__ import annotations

import html as htmllib
from copy import deepcopy

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from crawler.extraction.boilerplate import Block
from crawler.extraction.density import Density
from crawler.extraction.scan import Pruned, is_boilerplate_element, prune
from crawler.extraction.textutil import clean
from crawler.extraction.xpaths import elements

_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "td"}
_CONTAINERS = {"div", "section", "article", "main", "span", "font", "center", "ul", "ol", "dl", "tbody", "table",
               "tr", "body"}
_SKIP = {"script", "style", "noscript", "iframe", "form", "button", "nav", "aside", "figure", "figcaption",
         "select", "svg", "video", "audio", "object", "embed", "template", "img", "input", "textarea", "footer"}
_HEADINGS = {"h5": "h4", "h6": "h4", "dd": "p", "td": "p", "pre": "p"}


def _link_ratio(element: HtmlElement, text: str) -> float:
    if not text:
        return 0.0
    linked = sum(len(clean(a.text_content())) for a in element.iter("a"))
    return min(1.0, linked / len(text))


def _inner_html(element: HtmlElement) -> str:
    parts = [htmllib.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _SKIP:
            parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=False))
        if child.tail:
            parts.append(htmllib.escape(child.tail, quote=False))
    return "".join(parts)


def _has_block_child(element: HtmlElement) -> bool:
    return any(
        isinstance(d.tag, str) and (d.tag in _BLOCK_TAGS or d.tag in ("div", "section", "article", "br"))
        for d in element.iterdescendants()
    )


def _walk(element: HtmlElement, out: list[Block]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP:
        return
    # A block holding blocks (a table cell of paragraphs, a list item with a div) is walked as a container.
    if tag in _BLOCK_TAGS and not _has_block_child(element):
        text = clean(element.text_content())
        if text:
            out.append(Block(_HEADINGS.get(tag, tag), text, _inner_html(element), _link_ratio(element, text)))
        return
    # Text sitting directly in a container (``<div>text<br>text</div>``) makes its own paragraphs; inline
    # children (a, strong, span without blocks) stay in the paragraph they sit in.
    pending = [htmllib.escape(element.text or "", quote=False)]
    for child in element:
        ctag = child.tag if isinstance(child.tag, str) else ""
        breaks = ctag == "br" or ctag in _BLOCK_TAGS or ctag in _SKIP or (
            ctag in _CONTAINERS and _has_block_child(child)
        ) or ctag in ("div", "section", "article", "table", "ul", "ol", "dl", "main")
        if breaks:
            _flush(pending, out)
            pending = []
            if ctag != "br":
                _walk(child, out)
        elif ctag:
            pending.append(etree.tostring(child, encoding="unicode", method="html", with_tail=False))
        pending.append(htmllib.escape(child.tail or "", quote=False))
    _flush(pending, out)


def _flush(pending: list[str], out: list[Block]) -> None:
    markup = "".join(pending)
    if not markup.strip():
        return
    try:
        fragment = fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    text = clean(fragment.text_content())
    if text:
        out.append(Block("p", text, markup, _link_ratio(fragment, text)))


def blocks_from_element(
    element: HtmlElement, remove: list[etree.XPath], density: Density | None = None
) -> list[Block]:
    """Blocks of one element (a selector's body, the densest container), without what the site's ``remove``
    selectors name and, given the page's ``density``, without the boilerplate blocks whose content shows it.
    The tree is left as it was."""
    pruned = Pruned()
    for finder in remove:
        for node in elements(finder, element):
            if node is not element:
                pruned.take(node)
    if density is not None:
        prune([e for e in element.iterdescendants() if is_boilerplate_element(e)], density, pruned)
    out: list[Block] = []
    try:
        _walk(element, out)
    finally:
        pruned.undo()
    return out


def _text_of(element: etree._Element) -> str:
    return "".join(str(t) for t in element.itertext())


_TEI_TO_HTML = {"p": "p", "quote": "blockquote", "item": "li", "code": "p"}


def _tei_inline(element: etree._Element) -> str:
    parts = [htmllib.escape(element.text or "", quote=False)]
    for child in element:
        inner = _tei_inline(child)
        if child.tag == "ref" and child.get("target"):
            parts.append(f'<a href="{htmllib.escape(child.get("target", ""))}">{inner}</a>')
        elif child.tag == "hi":
            rend = child.get("rend", "")
            tag = "em" if "i" in rend and "#b" not in rend else "strong"
            parts.append(f"<{tag}>{inner}</{tag}>")
        elif child.tag == "lb":
            parts.append("<br>")
        else:
            parts.append(inner)
        parts.append(htmllib.escape(child.tail or "", quote=False))
    return "".join(parts)


def _tei_blocks(element: etree._Element, out: list[Block]) -> None:
    for child in element:
        tag = child.tag
        if tag in ("list", "table", "row", "div"):
            _tei_blocks(child, out)
            continue
        if tag == "cell":
            tag = "p"
        text = clean(_text_of(child))
        if not text:
            continue
        if tag == "head":
            rend = child.get("rend", "h2")
            html_tag = rend if rend in ("h2", "h3", "h4") else "h3"
        else:
            html_tag = _TEI_TO_HTML.get(tag, "p")
        if html_tag == "p" and child.find("lb") is not None:
            out.extend(_split_at_breaks(child))
            continue
        linked = sum(len(clean(_text_of(r))) for r in child.iter("ref"))
        out.append(Block(html_tag, text, _tei_inline(child), min(1.0, linked / len(text))))


def _split_at_breaks(paragraph: etree._Element) -> list[Block]:
    """A paragraph made of lines (``<p>a<br>b</p>``, common on Arabic CMSs) is one paragraph per line."""
    lines: list[etree._Element] = [etree.Element("p")]
    lines[0].text = paragraph.text
    for child in paragraph:
        if child.tag == "lb":
            fresh = etree.Element("p")
            fresh.text = child.tail
            lines.append(fresh)
        else:
            lines[-1].append(deepcopy(child))
    out = []
    for line in lines:
        text = clean(_text_of(line))
        if text:
            linked = sum(len(clean(_text_of(r))) for r in line.iter("ref"))
            out.append(Block("p", text, _tei_inline(line), min(1.0, linked / len(text))))
    return out


TRAFILATURA_OPTIONS: dict[str, object] = {
    "with_metadata": False,
    "include_comments": False,
    "include_links": True,
    "include_tables": True,
    "include_formatting": True,
    # Any format but "python": bare_extraction then skips rendering the body as text, which is not used here.
    "output_format": "xml",
}


def blocks_from_trafilatura(tree: HtmlElement, url: str | None, *, fast: bool = False) -> list[Block]:
    """Run trafilatura's main extractor (no metadata) on the parsed tree and return its paragraphs.

    ``fast`` skips trafilatura's second opinions (its readability and jusText fallbacks)."""
    document = trafilatura.bare_extraction(tree, url=url, fast=fast, **TRAFILATURA_OPTIONS)  # type: ignore[arg-type]
    if document is None or isinstance(document, dict) or document.body is None:
        return []
    out: list[Block] = []
    _tei_blocks(document.body, out)
    return out
