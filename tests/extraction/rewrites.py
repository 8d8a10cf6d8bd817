"""Rewrites of a real page that keep its article and change what an extractor could have been tuned to.

Each takes the page's bytes and its expected JSON (``body_text`` says where the article's paragraphs are) and
returns new bytes in the page's own encoding:

- ``anonymous_attributes``: every ``class`` and ``id`` value replaced by a meaningless token (the same value
  gets the same token, so the page's structure stays; its names say nothing);
- ``without_metadata``: JSON-LD, OpenGraph, ``article:`` and Twitter card meta removed;
- ``with_related_block``: a related-headlines block ("اقرأ أيضاً" and four links) inserted after the
  article's second paragraph, in one of several markups (``style``);
- ``deep_wrapped``: each of the article's paragraphs wrapped three ``div``s deep, and every ``article``,
  ``main`` and ``section`` turned into a ``div``.

``REWRITES`` names them for the evaluation; ``RELATED_HEADLINES`` are the inserted link texts, which must never
reach an extracted body. These pages are evidence of how an extractor does on markup it never saw, built from
real pages: nothing in them is written to match the extractor.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring, fragment_fromstring, tostring

RELATED_MARKER = "اقرأ أيضاً"
RELATED_HEADLINES = (
    "وزير الخارجية يبحث مع نظيره الفرنسي تطورات الأوضاع في المنطقة",
    "ارتفاع أسعار الذهب في السوق المحلية مع تراجع الدولار",
    "منتخب الشباب يتأهل إلى نهائي البطولة العربية بعد فوز مثير",
    "الأرصاد تحذر من موجة حارة تضرب البلاد نهاية الأسبوع",
    "افتتاح معرض الكتاب الدولي بمشاركة أكثر من 500 دار نشر",
    "البنك المركزي يبقي على أسعار الفائدة دون تغيير للمرة الثالثة",
    "وفاة فنان قدير عن عمر ناهز 80 عاماً بعد صراع مع المرض",
    "تعرف على مواعيد امتحانات الثانوية العامة للعام الدراسي الجديد",
)
_BLOCK_TAGS = {"p", "div", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "dd", "pre", "span", "section",
               "article", "main", "header"}
_SKIP = {"script", "style", "noscript", "template", "head", "title"}
_ATTRIBUTE = re.compile(r"""(\s)(class|id)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").replace("\u00a0", " ").split())


def _encoding(expected: dict[str, Any]) -> str:
    declared = (expected.get("encoding") or {}).get("bytes") if isinstance(expected.get("encoding"), dict) else None
    return str(declared or "utf-8")


def _decode(html: bytes, expected: dict[str, Any]) -> str:
    return html.decode(_encoding(expected), "replace")


def _encode(text: str, expected: dict[str, Any]) -> bytes:
    return text.encode(_encoding(expected), "xmlcharrefreplace")


def _token(value: str) -> str:
    return "k" + hashlib.sha1(value.encode("utf-8")).hexdigest()[:7]


def anonymous_attributes(html: bytes, expected: dict[str, Any]) -> bytes:
    """Every class and id value becomes a token derived from it: structure kept, names gone."""
    text = _decode(html, expected)

    def in_tag(tag: re.Match[str]) -> str:
        def one(m: re.Match[str]) -> str:
            value = m.group(4).strip("\"'")
            tokens = " ".join(_token(v) for v in value.split()) if m.group(2).lower() == "class" else _token(value)
            return f'{m.group(1)}{m.group(2)}{m.group(3)}"{tokens}"'

        return _ATTRIBUTE.sub(one, tag.group(0))

    return _encode(_TAG.sub(in_tag, text), expected)


def _parse(html: bytes, expected: dict[str, Any]) -> HtmlElement:
    parser = HTMLParser(encoding="utf-8")  # type: ignore[call-arg]
    return document_fromstring(_decode(html, expected).encode("utf-8"), parser=parser)


def _serialize(tree: HtmlElement, expected: dict[str, Any]) -> bytes:
    body = tostring(tree, encoding="unicode", method="html")
    charset = _encoding(expected)
    # The page keeps its bytes' encoding; a page that declared none still declares none.
    return _encode(f"<!DOCTYPE html>\n{body}" if charset == "utf-8" else body, expected)


def without_metadata(html: bytes, expected: dict[str, Any]) -> bytes:
    """No JSON-LD, no OpenGraph, no ``article:*`` and no Twitter card meta."""
    tree = _parse(html, expected)
    for script in list(tree.iter("script")):
        if "ld+json" in (script.get("type") or "").lower():
            script.drop_tree()
    for meta in list(tree.iter("meta")):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key.startswith(("og:", "article:", "twitter:")):
            meta.drop_tree()
    return _serialize(tree, expected)


def _lines(expected: dict[str, Any]) -> list[str]:
    return [_norm(line) for line in str(expected.get("body_text") or "").split("\n") if _norm(line)]


def _holder(body: HtmlElement, line: str) -> HtmlElement | None:
    """The innermost block element whose text holds the start of ``line``."""
    key = line[:40]
    found: HtmlElement | None = None
    stack: list[HtmlElement] = [body]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str) or element.tag in _SKIP:
            continue
        if key not in _norm(element.text_content()):
            continue
        if element.tag in _BLOCK_TAGS:
            found = element
        stack.extend(reversed(list(element)))
    return found


def _paragraphs(tree: HtmlElement, expected: dict[str, Any]) -> list[tuple[str, HtmlElement]]:
    body = tree.find("body")
    if body is None:
        return []
    out = []
    for line in _lines(expected):
        element = _holder(body, line)
        if element is not None:
            out.append((line, element))
    return out


_RELATED_STYLES: tuple[Callable[[list[tuple[str, str]]], str], ...] = (
    lambda links: (
        f"<div><h3>{RELATED_MARKER}</h3><ul>"
        + "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
        + "</ul></div>"
    ),
    lambda links: (
        f"<div><p><strong>{RELATED_MARKER}:</strong></p>"
        + "".join(f'<p><a href="{href}">{text}</a></p>' for href, text in links)
        + "</div>"
    ),
    lambda links: (
        f"<div><span>{RELATED_MARKER}</span><br>"
        + "<br>".join(f'<a href="{href}">{text}</a>' for href, text in links)
        + "</div>"
    ),
    lambda links: (
        f"<aside><h4>{RELATED_MARKER}</h4>"
        + "".join(f'<div><a href="{href}"><img src="/img/{i}.jpg" alt=""><h3>{text}</h3></a></div>'
                  for i, (href, text) in enumerate(links))
        + "</aside>"
    ),
)
RELATED_STYLES = len(_RELATED_STYLES)


def related_headlines(expected: dict[str, Any]) -> list[str]:
    """The four headlines ``with_related_block`` inserts into this page (chosen from the page's id)."""
    start = _page_number(expected) // len(_RELATED_STYLES)
    return [RELATED_HEADLINES[(start + i) % len(RELATED_HEADLINES)] for i in range(4)]


def _page_number(expected: dict[str, Any]) -> int:
    return int(hashlib.sha1(str(expected.get("id") or expected.get("url")).encode()).hexdigest(), 16)


def with_related_block(html: bytes, expected: dict[str, Any], style: int | None = None) -> bytes:
    """A related-headlines block after the article's second paragraph (after the first in a one-paragraph
    article); inside a paragraph made of ``<br>``-separated lines, between the second and third line. The
    markup is one of ``RELATED_STYLES`` (by default chosen from the page's id, so a corpus sees them all)."""
    style = _page_number(expected) if style is None else style
    tree = _parse(html, expected)
    found = _paragraphs(tree, expected)
    if not found:
        return html
    links = [(f"/news/{1000 + i}/{text.split()[0]}", text) for i, text in enumerate(related_headlines(expected))]
    block = fragment_fromstring(_RELATED_STYLES[style % len(_RELATED_STYLES)](links))
    at = min(1, len(found) - 1)
    element = found[at][1]
    following = found[at + 1] if at + 1 < len(found) else None
    if following is not None and following[1] is element and _insert_between_lines(element, following[0], block):
        return _serialize(tree, expected)
    element.addnext(block)
    # addnext moves the element's tail after the inserted block, where it belongs.
    return _serialize(tree, expected)


def _insert_between_lines(element: HtmlElement, next_line: str, block: HtmlElement) -> bool:
    """Put ``block`` before the child after which ``next_line`` starts (``text<br>next_line``)."""
    key = next_line[:30]
    for child in list(element.iter()):
        if child is element or not isinstance(child.tag, str):
            continue
        if _norm(child.tail).startswith(key):
            block.tail, child.tail = child.tail, None
            child.addnext(block)
            return True
    return False


def deep_wrapped(html: bytes, expected: dict[str, Any]) -> bytes:
    """Each article paragraph three ``div``s deep; ``article``, ``main`` and ``section`` become ``div``."""
    tree = _parse(html, expected)
    seen: set[int] = set()
    for _line, element in _paragraphs(tree, expected):
        if id(element) in seen or element.getparent() is None:
            continue
        seen.add(id(element))
        parent = element.getparent()
        assert parent is not None
        outer = etree.Element("div")
        inner = etree.SubElement(etree.SubElement(outer, "div"), "div")
        outer.tail, element.tail = element.tail, None
        parent.replace(element, outer)
        inner.append(element)
    for element in tree.iter("article", "main", "section"):
        element.tag = "div"
    return _serialize(tree, expected)


REWRITES: dict[str, Callable[[bytes, dict[str, Any]], bytes]] = {
    "anonymous_attributes": anonymous_attributes,
    "without_metadata": without_metadata,
    "related_block": with_related_block,
    "deep_wrapped": deep_wrapped,
}


def misleading_classes(html: bytes, expected: dict[str, Any]) -> bytes:
    """The article's container and its parent given class names that say boilerplate ("related", "share",
    "comments", "sidebar"): running paragraphs must stay whatever their container is called."""
    tree = _parse(html, expected)
    holders = [element for _line, element in _paragraphs(tree, expected)]
    if not holders:
        return html
    common = [holders[0], *holders[0].iterancestors()]
    for element in holders[1:]:
        chain = {id(e) for e in (element, *element.iterancestors())}
        common = [e for e in common if id(e) in chain]
    container = next((e for e in common if e.tag not in ("p", "span")), common[0])
    container.set("class", "related-posts share-box comments-area")
    parent = container.getparent()
    if parent is not None and parent.tag != "body":
        parent.set("class", "sidebar widget social-share")
    return _serialize(tree, expected)


STRESS_REWRITES: dict[str, Callable[[bytes, dict[str, Any]], bytes]] = {
    "misleading_classes": misleading_classes,
}
"""Harder than the four: reported beside them by the benchmark, not gated."""
