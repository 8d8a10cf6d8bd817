"""The article's section as the page shows it to readers, precision first.

Candidates come in order of trust: the site's category selector, the sections the page declares
(``articleSection``, ``article:section``), a category link in the article's own header, the breadcrumb (HTML
or JSON-LD: the crumb after the home link), then any category link. The first that reads as a section label
wins. A CMS flag or slug is not a label: "featured", "slider", "uncategorized", "main", "politics-news" on an
Arabic page, "الرئيسية" (home), "عاجل" (breaking); nor is the headline, a date, a place line or the site's name.
No category beats a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.extraction.textutil import ARABIC_LETTER, alnum_key, clean, fold

MAX_CHARS = 40
MAX_WORDS = 4
# Theme and CMS flags, home links and status words that sit where a section would (folded, lower case).
_FLAGS = frozenset(
    fold(w)
    for w in (
        "featured", "feature", "slider", "slideshow", "carousel", "uncategorized", "uncategorised", "main", "home",
        "homepage", "front", "frontpage", "top", "top stories", "top-stories", "trending", "breaking",
        "breaking news", "latest", "latest news", "default", "all", "article", "articles", "post", "posts",
        "blog", "sticky", "hero", "headline", "headlines", "spotlight", "highlight", "highlights", "editors pick",
        "editor's pick", "editors-picks", "pinned", "exclusive", "video", "videos", "photos", "gallery", "amp",
        "الرئيسية", "الرئيسيه", "الصفحة الرئيسية", "الصفحه الرئيسيه", "الرئيسة", "غير مصنف", "غير مصنفة",
        "عاجل", "اخبار عاجلة", "خبر عاجل", "مميز", "مميزة", "المميزة", "سلايدر", "السلايدر", "الاكثر قراءة",
        "الاكثر مشاهدة", "اخر الاخبار", "آخر الأخبار", "احدث الاخبار", "حصري", "حصريا", "اختيارات المحرر",
        "كل الاخبار", "جميع الاخبار",
    )
)  # fmt: skip
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_./][a-z0-9]+)+$")
_ASCII_WORD = re.compile(r"^[a-z0-9]+$")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")


def is_section_label(
    text: str, *, title: str | None = None, arabic_page: bool = True, not_labels: Iterable[str] = ()
) -> bool:
    """Whether ``text`` reads as a section name a reader sees (see the module docstring)."""
    text = clean(text)
    if not text or len(text) > MAX_CHARS or len(text.split()) > MAX_WORDS or _DIGIT.search(text):
        return False
    key = fold(text).strip(" :|/>»«-–—")
    if key in _FLAGS or _SLUG.match(key):
        return False
    if arabic_page and not ARABIC_LETTER.search(text):
        return False  # an English slug-word ("politics", "news") on an Arabic page is the CMS's, not the reader's
    if not arabic_page and _ASCII_WORD.match(text):
        return False  # lower-case single token: a slug, not a printed label ("Politics" would pass)
    label = alnum_key(text)
    if not label:
        return False
    if title and label == alnum_key(title):
        return False
    return all(label != alnum_key(n) for n in not_labels if n)


def crumb_section(crumbs: list[str]) -> list[str]:
    """The breadcrumb's section candidates: the crumb after home, then the others before the article itself."""
    if len(crumbs) < 2:
        return []
    inner = crumbs[1:-1] if len(crumbs) > 2 else crumbs[1:]
    return [*inner, *crumbs[:1]] if inner else crumbs[1:]


def pick_section(
    candidates: Iterable[str | None], *, title: str | None, arabic_page: bool, not_labels: Iterable[str]
) -> str | None:
    """The first candidate that is a section label."""
    excluded = list(not_labels)
    for candidate in candidates:
        if candidate and is_section_label(candidate, title=title, arabic_page=arabic_page, not_labels=excluded):
            return clean(candidate)
    return None
