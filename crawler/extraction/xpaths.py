"""Every path the extraction layer finds elements by, in one place (as trafilatura's xpaths.py).

Selectors are compiled once at import; each runs on the tree parsed once per page. The simplest paths
(``//head/title``, ``//script[@type=…]``) are walks over lxml's tag iterator instead of XPath: the same elements
in the same document order, without the XPath engine's cost on every node of the page. Candidates found by
class and id (dates, bylines, boilerplate blocks) are not paths at all: ``scan.py`` collects them in one walk.
"""

from __future__ import annotations

from lxml.etree import XPath, _Element, _ElementUnicodeResult
from lxml.html import HtmlElement

HTML_LANG = XPath("/html/@lang | /html/@xml:lang", namespaces={"xml": "http://www.w3.org/XML/1998/namespace"})
# One pass for //body//time[@datetime], //body//*[@itemprop='datePublished'][@datetime or @content] and
# //body//*[@itemprop='dateModified'][@datetime or @content]; ``dated`` tells them apart.
_DATED = XPath("//body//*[@datetime or @content][self::time or @itemprop='datePublished' or @itemprop='dateModified']")
_JSON_LD_TYPES = ("application/ld+json", "application/json+ld")


def elements(xpath: XPath, node: _Element) -> list[HtmlElement]:
    """The element results of ``xpath`` (typed: lxml returns a union of every XPath result kind)."""
    found = xpath(node)
    return [e for e in found if isinstance(e, HtmlElement)] if isinstance(found, list) else []


def strings(xpath: XPath, node: _Element) -> list[str]:
    """The string results of ``xpath`` (attribute values, text nodes)."""
    found = xpath(node)
    return [str(s) for s in found if isinstance(s, str | bytes)] if isinstance(found, list) else []


_BODY_TEXT = XPath("//body//text()[normalize-space()]")


def body_text_nodes(node: _Element) -> list[_ElementUnicodeResult]:
    """``//body//text()[normalize-space()]``: the non-blank text nodes, each knowing its element
    (``getparent()``) and whether it is that element's tail (``is_tail``)."""
    found = _BODY_TEXT(node)
    return [t for t in found if isinstance(t, _ElementUnicodeResult)] if isinstance(found, list) else []


def _root(node: _Element) -> _Element:
    # An absolute path searches the whole document whatever node it starts from.
    return node.getroottree().getroot()


def _inside(element: _Element, tag: str) -> bool:
    return next(element.iterancestors(tag), None) is not None


def json_ld(node: _Element) -> list[HtmlElement]:
    """``//script[@type="application/ld+json" or @type="application/json+ld"]``"""
    return [e for e in _root(node).iter("script") if isinstance(e, HtmlElement) and e.get("type") in _JSON_LD_TYPES]


def metas(node: _Element) -> list[HtmlElement]:
    """``//head//meta | //body//meta[@itemprop or @property]``"""
    return [
        e
        for e in _root(node).iter("meta")
        if isinstance(e, HtmlElement)
        and (
            _inside(e, "head")
            or ((e.get("itemprop") is not None or e.get("property") is not None) and _inside(e, "body"))
        )
    ]


def titles(node: _Element) -> list[HtmlElement]:
    """``//head/title``"""
    return [
        e
        for e in _root(node).iter("title")
        if isinstance(e, HtmlElement) and (parent := e.getparent()) is not None and parent.tag == "head"
    ]


def canonical_links(node: _Element) -> list[str]:
    """``//link[@rel="canonical"]/@href``"""
    return [
        str(href)
        for e in _root(node).iter("link")
        if e.get("rel") == "canonical" and (href := e.get("href")) is not None
    ]


def h1s(node: _Element) -> list[HtmlElement]:
    """``//body//h1``"""
    return [e for e in _root(node).iter("h1") if isinstance(e, HtmlElement) and _inside(e, "body")]


def dated(node: _Element) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """``(//body//time[@datetime] | //body//*[@itemprop='datePublished'][@datetime or @content],
    //body//*[@itemprop='dateModified'][@datetime or @content])``"""
    published: list[HtmlElement] = []
    modified: list[HtmlElement] = []
    for e in elements(_DATED, node):
        itemprop = e.get("itemprop")
        if itemprop == "datePublished" or (e.tag == "time" and e.get("datetime") is not None):
            published.append(e)
        if itemprop == "dateModified":
            modified.append(e)
    return published, modified
