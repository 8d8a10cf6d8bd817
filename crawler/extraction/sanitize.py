"""The one HTML sanitizer of the product (the feed exporter reuses it): an allow-list through nh3.

Kept: p, br, a[href], ul/ol/li, blockquote, h2-h4, strong, em, img[src, alt], figure/figcaption, and
``dir``/``lang`` everywhere. Relative URLs become absolute against ``base_url``; links get
``rel="noopener noreferrer"``; script/style/iframe, event attributes and javascript:/vbscript:/data: URLs go.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import nh3

_TAGS = {"p", "br", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "strong", "em", "img", "figure",
         "figcaption"}
_GENERIC = {"dir", "lang"}
_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "*": _GENERIC}
_SCHEMES = {"http", "https", "mailto"}


def _absolute(base_url: str | None):  # type: ignore[no-untyped-def]
    def filter_attribute(element: str, attribute: str, value: str) -> str | None:
        if attribute not in ("href", "src"):
            return value
        value = value.strip()
        if base_url:
            value = urljoin(base_url, value)
        scheme = urlsplit(value).scheme.lower()
        if scheme not in _SCHEMES:
            return None
        return value

    return filter_attribute


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Sanitized HTML of ``html``: allowed tags and attributes only, URLs absolute and safe."""
    if not html:
        return ""
    attributes = {tag: set(attrs) | _GENERIC for tag, attrs in _ATTRIBUTES.items() if tag != "*"}
    attributes.update({tag: set(_GENERIC) for tag in _TAGS if tag not in attributes})
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style", "iframe", "noscript", "object", "embed", "template"},
        attributes=attributes,
        attribute_filter=_absolute(base_url),
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
