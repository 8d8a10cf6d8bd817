"""The one HTML sanitizer of the product: an allow-list through nh3, used on article bodies before they are
stored and again by the feed exporter before they are republished.

Kept: text structure (paragraphs, headings, lists, quotes, tables, figures), links and images, and ``dir`` /
``lang`` everywhere. Relative URLs become absolute against ``base_url``; links get ``rel="noopener
noreferrer"``; script, style, iframe, object, embed and their content, event attributes, and
javascript:/vbscript:/data: URLs go. Bidi controls and other invisible format characters
(``crawler.text.invisible``) are removed from text and attributes alike.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import nh3

from crawler.text.invisible import strip_invisible

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt",
        "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
        "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
_GENERIC = frozenset({"dir", "lang", "title"})
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
# Removed together with everything inside them, not just unwrapped.
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "svg"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SCHEMES = frozenset({"http", "https", "mailto"})

UrlFilter = Callable[[str, str | None], str | None]
"""Turns an attribute URL (and the base URL) into the URL to keep, or None to drop the attribute."""


# nh3's arguments, built once (nh3 only reads them).
_TAGS = set(ALLOWED_TAGS)
_DROP_WITH_CONTENT = set(DROP_WITH_CONTENT)
_ATTRIBUTES = {tag: set(ALLOWED_ATTRIBUTES.get(tag, ())) | _GENERIC for tag in ALLOWED_TAGS}
_SCHEMES = set(SCHEMES)


def absolute_url(value: str, base_url: str | None) -> str | None:
    """``value`` made absolute against ``base_url``; None unless it is an http(s) or mailto URL."""
    value = value.strip()
    if base_url:
        value = urljoin(base_url, value)
    return value if urlsplit(value).scheme.lower() in SCHEMES else None


def sanitize_html(html: str, base_url: str | None = None, url_filter: UrlFilter = absolute_url) -> str:
    """Sanitized HTML of ``html``: allowed tags and attributes only, URLs absolute and safe."""
    if not html:
        return ""

    def filter_attribute(element: str, attribute: str, value: str) -> str | None:
        return url_filter(value, base_url) if attribute in URL_ATTRIBUTES else value

    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=filter_attribute,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # After cleaning: nh3 decodes character references (&#x202E;) into the characters themselves.
    return strip_invisible(cleaned).strip()
