"""The headline as the page shows it: the ``h1`` that agrees with the page's declared title, without the
site-name prefix or suffix that ``<title>`` and ``og:title`` carry (" - اليوم السابع", "| البيان"), and
never longer than ``MAX_TITLE`` characters (``cap_title``, which the feed writer applies again to what is stored).
"""

from __future__ import annotations

import re

from crawler.extraction.textutil import alnum_key, clean, fold

MAX_TITLE = 500
"""Longer headlines are cut: a page that puts its whole article (or anything else) in og:title has no headline."""
_TRAILING = " \t،,;:.-–—|/"

_SEPARATORS = re.compile(r"\s+[|\-–—:•·»«/]\s+|\s*[|]\s*|\s+::\s+")


def cap_title(title: str, limit: int = MAX_TITLE) -> str:
    """``title`` if it has at most ``limit`` characters, else cut at a word boundary and ended with "…"."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # one enormous "word" is cut where it must be
        cut = cut[:space]
    return cut.rstrip(_TRAILING) + "…"


def strip_site_name(title: str, names: tuple[str, ...]) -> str:
    """Drop a leading or trailing segment that names the site (or a domain) from a ``<title>``-like string."""
    keys = [(alnum_key(n), n) for n in names if n and alnum_key(n)]
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title

    def is_site(segment: str) -> bool:
        key = alnum_key(segment)
        if not key:
            return True
        if re.search(r"\.(?:com|net|org|tv|at|ae|sa|eg|ma|tn|dz|lb|jo|sy|iq|qa|kw|om|bh|ps|ly|sd)\b", segment, re.I):
            return True
        # A segment that holds the name and a few words more ("موقع البيان", "البيان نت") names the site; a
        # headline that mentions the site's name in passing ("خطط المدينة للعام المقبل" on a site called
        # "المدينة") does not.
        words = len(segment.split())
        return any(
            key == k or (len(k) > 3 and ((k in key and words <= len(name.split()) + 2) or key in k))
            for k, name in keys
        )

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    if len(parts) == len(_SEPARATORS.split(title)):
        return title
    # Re-cut the original string so that separators inside the headline survive.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return clean(title[start:end]) if start >= 0 and end > start else clean(" ".join(parts))


def choose_title(
    h1s: list[str], declared: list[str], site_names: tuple[str, ...], selector_title: str | None = None
) -> str | None:
    """Pick the headline.

    ``declared`` are og:title, the JSON-LD headline and ``<title>`` in that order. An ``h1`` that says the
    same words as a declared title wins; when they differ only in punctuation (a quoted clause, an ellipsis)
    the declared form is used, and when the declared one is truncated the ``h1`` is used. The result is capped
    by ``cap_title``.
    """
    title = _choose_title(h1s, declared, site_names, selector_title)
    return cap_title(title) if title else title


def _choose_title(
    h1s: list[str], declared: list[str], site_names: tuple[str, ...], selector_title: str | None
) -> str | None:
    if selector_title:
        return clean(selector_title)
    stripped = [strip_site_name(clean(d), site_names) for d in declared if d and clean(d)]
    keys = [(alnum_key(s), s) for s in stripped if alnum_key(s)]
    for h1 in h1s:
        hk = alnum_key(h1)
        if len(hk) < 4:
            continue
        for key, text in keys:
            if hk == key:
                return text
        for key, _text in keys:
            # A declared title cut short ("…ولا حاجة لن") or padded with the site name: the h1 is the headline.
            if (len(key) > 15 and hk.startswith(key[: max(15, len(key) - 5)])) or (len(hk) > 15 and hk in key):
                return h1
    long_h1 = [h for h in h1s if len(h.split()) >= 3 and not _is_name(h, site_names)]
    if long_h1 and not keys:
        return long_h1[0]
    if stripped:
        return stripped[0]
    return long_h1[0] if long_h1 else (h1s[0] if h1s else None)


def _is_name(text: str, names: tuple[str, ...]) -> bool:
    return any(fold(text) == fold(n) for n in names if n)
