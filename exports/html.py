"""Text and HTML for feed entries: XML-safe, sanitized, absolute, right to left.

Every string that reaches a feed goes through one of these functions:
- ``xml_safe`` drops characters XML 1.0 forbids (and the C1 controls, noncharacters and U+FFFD that
  validators flag), so one article carrying a stray control character never breaks a whole feed;
- ``plain_text`` is for fields that must not hold HTML (titles, names, categories): entities decoded,
  leaked HTML tags removed, other text kept as text (``a < b``, ``<![CDATA[``), whitespace collapsed;
- ``sanitize_html`` cleans article HTML with nh3 (no script, style, iframe, event handlers, ``javascript:``
  or ``data:`` URLs; ``dir`` and ``lang`` kept) and makes every link and image URL absolute;
- ``wrap_dir`` puts a fragment in the ``<div dir="rtl" lang="ar">`` readers need to lay Arabic out.

Text and HTML alike lose the bidi controls and other invisible format characters
(``crawler.text.invisible``). Every function here is linear in its input: a publisher controls the input.
"""

from __future__ import annotations

import html
import re

from lxml.html import defs

from crawler.extraction.sanitize import sanitize_html as sanitize_article_html
from crawler.text.invisible import strip_invisible
from exports.urls import to_uri

# XML 1.0 Char production, minus C1 controls, Unicode noncharacters and U+FFFD (the W3C validator's
# "BadCharacters": what is left of text decoded with the wrong encoding).
_XML_ILLEGAL = re.compile(
    "[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffc\U00010000-\U0010ffff]"
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0010fffe\U0010ffff]"
)
# An HTML tag that leaked into a text field: a known element name, attributes with values (so that text
# such as "x <b and y> z" is not taken for a tag), or a comment. It holds no < or > of its own.
_TAG = re.compile(
    r"""<(?:/(\w+)\s*|(\w+)(?:\s+[^\s"'/<>=]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))*\s*/?|!--.*--)>""",
    re.S,
)
_HTML_ELEMENTS = frozenset(defs.tags) | {
    "bdi", "data", "dialog", "frame", "main", "noframes", "picture", "rb", "rtc", "search", "slot", "template",
}  # fmt: skip
_ANGLE = re.compile("([<>])")
# Publishers escape twice (``&amp;amp;``); deeper nesting is left for _ENTITY_LIKE to defuse.
_UNESCAPE_ROUNDS = 3
# What the W3C validator reports as an entity in a plain-text field.
_ENTITY_LIKE = re.compile(r"&(#?\w+;)")
_SPACES = re.compile(r"\s+")
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")

_RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "yi", "ps", "ckb", "sd", "ug", "dv"})
_LANG_RE = re.compile(r"^[a-zA-Z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def xml_safe(text: str | None) -> str:
    """``text`` without the characters XML forbids; None becomes ''."""
    return _XML_ILLEGAL.sub("", text) if text else ""


def plain_text(text: str | None) -> str:
    """Display text for a field that must not contain markup: entities decoded, no HTML tags, one line.

    Only text that is an HTML tag goes; anything else that holds ``<`` or ``>`` stays as text, for the
    feed writers to escape.
    """
    value = xml_safe(text)
    for _ in range(_UNESCAPE_ROUNDS):
        if "&" not in value:
            break
        decoded = html.unescape(value)
        if decoded == value:
            break
        value = decoded
    value = strip_tags(strip_invisible(xml_safe(value)))
    # What remains looks like an entity but is not one html.unescape knows (``&#xZZ;``): break it up.
    value = _ENTITY_LIKE.sub(r"& \1", value)
    return _SPACES.sub(" ", value).strip()


def _is_tag(candidate: str) -> bool:
    match = _TAG.fullmatch(candidate)
    if match is None:
        return False
    name = match.group(1) or match.group(2)
    return name is None or name.lower() in _HTML_ELEMENTS


def strip_tags(text: str) -> str:
    """``text`` without HTML tags, including those that removing others brings together (``<<b>b>``).

    One pass from left to right: a tag holds no ``<`` or ``>`` of its own, so the tag a ``>`` closes can
    only open at the last ``<`` not yet followed by a ``>``. Each piece of text is looked at once, where
    removing tags until nothing changes would be quadratic on nested input (``<a<a<a…>>>``).
    """
    if "<" not in text:
        return text
    out: list[str] = []
    opens: list[int] = []  # positions in out of the "<" that no ">" has followed yet
    for piece in _ANGLE.split(text):
        if piece == "<":
            opens.append(len(out))
        elif piece == ">" and opens:
            start = opens.pop()
            if _is_tag("".join(out[start:]) + ">"):
                del out[start:]
                continue
            # This ">" stays, so no tag can open at any "<" before it.
            opens.clear()
        elif not piece:
            continue
        out.append(piece)
    return "".join(out)


def sanitize_html(fragment: str | None, base_url: str | None = None) -> str:
    """``fragment`` sanitized for republication (the product's one sanitizer), URLs absolute and percent-encoded."""
    cleaned = sanitize_article_html(xml_safe(fragment), base_url, url_filter=to_uri)
    # An image whose only source was refused (data:, javascript:) is left without src: drop it.
    cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)
    # A character reference such as &#1; decodes to a character XML forbids.
    return xml_safe(cleaned).strip()


def paragraphs_html(text: str | None) -> str:
    """Plain text with paragraphs separated by newlines, as escaped ``<p>`` elements."""
    paragraphs = (_SPACES.sub(" ", line).strip() for line in strip_invisible(xml_safe(text)).split("\n"))
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def text_direction(language: str | None) -> tuple[str, str]:
    """``(dir, lang)`` for a BCP 47 language tag; anything unusable counts as Arabic."""
    lang = language if language and _LANG_RE.match(language) else "ar"
    primary = lang.split("-", 1)[0].lower()
    return ("rtl" if primary in _RTL_LANGUAGES else "ltr"), lang


def wrap_dir(fragment: str, language: str | None = "ar") -> str:
    """``fragment`` inside ``<div dir=… lang=…>`` so that readers lay out Arabic right to left."""
    direction, lang = text_direction(language)
    return f'<div dir="{direction}" lang="{html.escape(lang)}">{fragment}</div>'
