"""Bylines to author names: prefixes removed (كتب، كتبت، بقلم، حوار، إعداد، تقرير…), several authors split,
and agencies or the site's own name moved out (an agency is a credit, the site is the publisher).

Precision first: no author beats a wrong one. A part of a byline that is a place (a dateline city printed in
the byline box: "القاهرة - محمد علي"), a date or weekday, a section name, the site's name or a newsroom label
("فريق التحرير", "مراسلنا") is never reported as a person.
"""

from __future__ import annotations

import re

from crawler.extraction.credits import only_agencies
from crawler.extraction.textutil import clean, fold, fold_pattern
from crawler.text.places import is_place

_PREFIX = re.compile(
    r"^(?:(?:كتبت|كتب|بقلم|حوار|اعداد|إعداد|تقرير|تحرير|متابعة|ترجمة|تصوير|اجرى الحوار|أجرى الحوار|أعد التقرير"
    r"|اعد التقرير|المحرر|الكاتب|الكاتبة|by|von|por|par|from|author|autor|yazar|muhabir)\s*[:：\-–—]?\s*)+",
    re.I,
)
_SPLIT = re.compile(r"\s*(?:[,،;|/&+]|\s-\s|\sو\s|\sand\s|\sund\s|\sy\s|\set\s|\sve\s)\s*", re.I)
_JOINED_WA = re.compile(r"\sو(?=\S)")
_NOT_A_NAME = re.compile(
    r"(?:@|https?:|www\.|[0-9\u0660-\u0669\u06f0-\u06f9]|وكالات|الوكالات|فريق التحرير|هيئة التحرير|المحرر|محرر الموقع"
    r"|admin|staff|editor|redaktion|redacción|newsroom|unknown|مراسل|مراسلنا|مراسلون|متابعات|خاص ب|بوابة|الموقع"
    r"|قسم |فريق |تحرير|المصدر|source)",
    re.I,
)
# A weekday with its article ("الأحد") or a month name ("مايو") in a byline box is its date, never a name;
# "محمد جمعة" and "خميس" are names.
_DATE_WORD = re.compile(fold_pattern(
    r"ال(?:أحد|اثنين|ثلاثاء|أربعاء|خميس|جمعة|سبت)|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر"
    r"|أكتوبر|نوفمبر|ديسمبر|كانون|شباط|آذار|نيسان|أيار|حزيران|تموز|أيلول|تشرين"
))  # matched with folded words
_TRAILING = re.compile(r"\s*(?:[-–—|]\s*)?(?:(?:نشر|نشرت|published|في|on)\s+)?\d{1,4}[\s/.\-:]\S.*$", re.I)


def _split_wa(part: str) -> list[str]:
    """"محمد علي وأحمد حسن" names two people; "عبد الله وليد" does not (وليد is a name)."""
    pieces = _JOINED_WA.split(part)
    if len(pieces) == 2 and len(pieces[0].split()) >= 2 and len(pieces[1].split()) >= 2:
        return pieces
    return [part]


def clean_authors(
    raw: list[str], not_people: tuple[str, ...] = (), sections: tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """``(authors, agency ids)`` from raw byline strings; ``not_people`` are the site's names, ``sections``
    the page's section and breadcrumb labels."""
    excluded = {fold(n) for n in not_people if n}
    labels = {fold(n) for n in sections if n}
    authors: list[str] = []
    agencies: list[str] = []
    for line in raw:
        line = clean(line)
        line = _PREFIX.sub("", line)
        line = _TRAILING.sub("", line)
        for chunk in _SPLIT.split(line):
            for part in _split_wa(chunk):
                part = _PREFIX.sub("", clean(part)).strip(" .:-–—()\"'«»")
                if not part:
                    continue
                ids = only_agencies(part)
                if ids is not None:
                    agencies.extend(a for a in ids if a not in agencies)
                    continue
                key = fold(part)
                if key in excluded or any(key and (key in e or e in key) for e in excluded if len(e) > 3):
                    continue
                if _NOT_A_NAME.search(part) or len(part.split()) > 5 or len(part) < 3:
                    continue
                if key in labels or is_place(part) or any(_DATE_WORD.fullmatch(w) for w in key.split()):
                    continue
                if key not in (fold(a) for a in authors):
                    authors.append(part)
    return authors, agencies
