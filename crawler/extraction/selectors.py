"""Site selectors from the registry compiled to XPath (CSS is translated once, then cached).

A selector starting with ``/``, ``./`` or ``(`` is XPath; anything else is CSS.
"""

from __future__ import annotations

from functools import lru_cache

from cssselect import HTMLTranslator
from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.model import ExtractionError
from crawler.extraction.textutil import clean

_TRANSLATOR = HTMLTranslator()


@lru_cache(maxsize=512)
def compile_selector(selector: str) -> etree.XPath:
    """An lxml XPath for a registry selector; raises ExtractionError naming a selector that does not parse."""
    selector = selector.strip()
    try:
        if selector.startswith(("/", "./", "(")):
            return etree.XPath(selector)
        return etree.XPath(_TRANSLATOR.css_to_xpath(selector, prefix="descendant-or-self::"))
    except Exception as exc:  # cssselect and lxml raise several unrelated types
        raise ExtractionError(f"selector {selector!r} does not parse: {exc}") from exc


def select_elements(tree: HtmlElement, selector: str | None) -> list[HtmlElement]:
    if not selector:
        return []
    found = compile_selector(selector)(tree)
    return [e for e in found if isinstance(e, HtmlElement)] if isinstance(found, list) else []


def select_text(tree: HtmlElement, selector: str | None) -> str | None:
    """Text of the first match: an element's text, or the value of an attribute or text() selector."""
    if not selector:
        return None
    found = compile_selector(selector)(tree)
    for item in found if isinstance(found, list) else [found]:
        text = clean(item.text_content()) if isinstance(item, HtmlElement) else clean(str(item))
        if text:
            return text
    return None


def select_attribute_or_text(tree: HtmlElement, selector: str | None, *attributes: str) -> list[str]:
    """For dates: ``datetime``/``content`` attributes first, then the element's text."""
    out: list[str] = []
    for element in select_elements(tree, selector):
        for attribute in attributes:
            if element.get(attribute):
                out.append(element.get(attribute, ""))
        out.append(clean(element.text_content()))
    if not out and selector:
        text = select_text(tree, selector)
        if text:
            out.append(text)
    return [o for o in out if o]
