"""Every XPath the extraction layer uses, as named constants in one place (as trafilatura's xpaths.py).

Selectors are compiled once at import; each runs on the tree parsed once per page. Candidates found by
class and id (dates, bylines, boilerplate blocks) are not XPaths: ``scan.py`` collects them in one walk.
"""

from __future__ import annotations

from lxml.etree import XPath, _Element
from lxml.html import HtmlElement

JSON_LD = XPath('//script[@type="application/ld+json" or @type="application/json+ld"]')
META = XPath("//head//meta | //body//meta[@itemprop or @property]")
LINK_CANONICAL = XPath('//link[@rel="canonical"]/@href')
HTML_LANG = XPath("/html/@lang | /html/@xml:lang", namespaces={"xml": "http://www.w3.org/XML/1998/namespace"})
TITLE = XPath("//head/title")
H1 = XPath("//body//h1")
TIME_DATETIME = XPath("//body//time[@datetime] | //body//*[@itemprop='datePublished'][@datetime or @content]")
MODIFIED_ITEMPROP = XPath("//body//*[@itemprop='dateModified'][@datetime or @content]")


def elements(xpath: XPath, node: _Element) -> list[HtmlElement]:
    """The element results of ``xpath`` (typed: lxml returns a union of every XPath result kind)."""
    found = xpath(node)
    return [e for e in found if isinstance(e, HtmlElement)] if isinstance(found, list) else []


def strings(xpath: XPath, node: _Element) -> list[str]:
    """The string results of ``xpath`` (attribute values, text nodes)."""
    found = xpath(node)
    return [str(s) for s in found if isinstance(s, str | bytes)] if isinstance(found, list) else []
