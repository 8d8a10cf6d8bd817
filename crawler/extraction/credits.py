"""Agency credits: datelines ("دمشق - سانا:", "(أ ف ب) -"), closing credit lines ("الأناضول"), bylines and
repeated attributions ("told Reuters"), reported as agency ids from ``crawler.agencies``.

A photo credit ("الصورة: رويترز", "(AFP)" under an image) is not an article credit. Names are matched as
whole words on a light fold (alef variants, harakat); Latin acronyms are matched case-sensitively so that
"map" or "ap" in running text are not agencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.agencies import AGENCIES
from crawler.extraction.textutil import alternation, clean, fold, fold_pattern

# Names that are also common words or adjectives: trusted in datelines and credit lines only.
_AMBIGUOUS_NAMES = {
    "وام",
    "قنا",
    "بنا",
    "وال",
    "وات",
    "واع",
    "سبا",
    "بترا",
    "العمانية",
    "الوكالة الوطنية",
    "مهر",
    "افي",
    "تاس",
    "سونا",
    "اب",
    "ا ب",
    "AP",
    "AA",
    "MAP",
    "TAP",
    "ONA",
    "SPA",
    "INA",
    "NNA",
    "BNA",
    "APS",
    "AMI",
    "MNA",
    "SANA",
    "WAM",
    "QNA",
    "Petra",
    "SABA",
    "LANA",
    "CNN",
    "وا ج",
    "واج",
    "وكالة الأنباء الجزائرية",
}
# Compared with names as written and as folded.
_AMBIGUOUS = _AMBIGUOUS_NAMES | {fold_pattern(n) for n in _AMBIGUOUS_NAMES}
_PHOTO = re.compile(r"(?:الصورة|صورة|الصور|تصوير|صور|photo|foto|fotoğraf|bild|imagen|image|credit|getty)", re.I)
_GENERIC_AGENCIES = re.compile(fold_pattern(r"^(?:وكالات|الوكالات|وكالات الأنباء|agencies|agencias|agences)$"), re.I)


def _norm(text: str) -> str:
    """Fold Arabic, keep Latin as is (case matters for acronyms)."""
    return fold(text, keep_case=True)


def _pattern(name: str) -> str:
    key = _norm(name)
    # "أ ف ب", "أ.ف.ب" and "أف ب" are one name: letters may be joined by spaces or dots.
    parts = [re.escape(p) for p in re.split(r"[\s.]+", key) if p]
    return r"[\s.]*".join(parts)


@dataclass(frozen=True)
class _Matcher:
    names: re.Pattern[str]
    unambiguous: re.Pattern[str]
    lookup: dict[str, str]


def _build() -> _Matcher:
    lookup: dict[str, str] = {}
    all_names: list[str] = []
    safe: list[str] = []
    for agency in AGENCIES.values():
        for name in (agency.name, agency.name_en, *agency.names):
            if not name:
                continue
            lookup[re.sub(r"[\s.]+", "", _norm(name))] = agency.id
            all_names.append(name)
            if _norm(name) not in _AMBIGUOUS and name not in _AMBIGUOUS and len(name.replace(" ", "")) >= 3:
                safe.append(name)

    def matcher(names: list[str]) -> str:
        ordered = sorted({_pattern(n) for n in names}, key=len, reverse=True)
        # Arabic clitics: لرويترز, ولوكالة الأناضول, بحسب "فرانس برس".
        return rf"(?<![\w])(?:[وفبلك]|ول|وب|لل)?(?:وكالة\s+|لوكالة\s+)?(?P<name>{alternation(ordered)})(?![\w])"

    return _Matcher(re.compile(matcher(all_names)), re.compile(matcher(safe)), lookup)


_MATCHER = _build()


def _id_of(matched: str) -> str | None:
    raw = re.sub(r"[\s.]+", "", matched)
    return _MATCHER.lookup.get(raw) or _MATCHER.lookup.get(raw.casefold()) or _lookup_ci(raw)


def _lookup_ci(raw: str) -> str | None:
    for key, agency_id in _MATCHER.lookup.items():
        if key.casefold() == raw.casefold() and not key.isupper():
            return agency_id
    return None


def agencies_in(text: str, *, strict: bool = False) -> list[str]:
    """Agency ids named in ``text``; with ``strict``, only names that are never common words."""
    pattern = _MATCHER.unambiguous if strict else _MATCHER.names
    found: list[str] = []
    for m in pattern.finditer(_norm(text)):
        agency_id = _id_of(m["name"])
        if agency_id and agency_id not in found:
            found.append(agency_id)
    return found


_SOURCE_LABEL = re.compile(fold_pattern(r"^(?:المصدر|مصدر|نقلا عن|عن|source|fuente|quelle|kaynak)\s*[:：-]?\s*"), re.I)
_JOINERS = re.compile(fold_pattern(r"(?:وكالات|الوكالات|و|and|y|et|[\s()\[\]\-–—:.،,+/|&])"))


def only_agencies(text: str, extra_names: tuple[str, ...] = ()) -> list[str] | None:
    """The agency ids when ``text`` is nothing but a credit ("الأناضول", "(أ ف ب)", "المصدر: وكالة الأناضول",
    "رويترز + أ ف ب"); None when it says anything else. ``extra_names`` (the site's own names) may appear
    beside the agencies ("المصدر : الجزيرة + رويترز")."""
    norm = _norm(text).strip()
    for name in sorted(extra_names, key=len, reverse=True):
        if len(name) > 2:
            norm = norm.replace(_norm(name), " ")
    norm = _SOURCE_LABEL.sub("", norm)
    norm = norm.strip(" ()[]-–—:.،,")
    if not norm or _GENERIC_AGENCIES.match(norm):
        return [] if norm else None
    found: list[str] = []
    rest = norm
    for m in _MATCHER.names.finditer(norm):
        agency_id = _id_of(m["name"])
        if agency_id and agency_id not in found:
            found.append(agency_id)
    rest = _MATCHER.names.sub(" ", norm)
    rest = _JOINERS.sub("", rest)
    return found if found and not rest else None


# "دمشق - سانا:", "أنقرة - الأناضول:", "القاهرة - أ ش أ -"
_DATELINE_DASH = re.compile(
    r"^(?P<line>(?P<place>[^\-–—:()\n]{2,40}?)\s*[-–—]\s*(?P<credit>[^\-–—:()\n]{1,40}?))\s*(?:[:\-–—]+\s*|$)"
)
# "دمشق، سوريا (CNN) --", "MEXICO CITY (AP) —", "عمان (بترا) -", "(أ ف ب) -"
_DATELINE_PAREN = re.compile(
    r"^(?P<line>(?P<place>[^()\n]{0,40}?)\s*\((?P<credit>[^()\n]{1,40})\))\s*(?:[:\-–—]+\s*|$)"
)
_PLACE_WORDS = re.compile(r"^[\w\s،,.'’\-]+$")


@dataclass
class Credits:
    """What the credit reader found and what it cut from the body."""

    agencies: list[str] = field(default_factory=list)
    dateline: str | None = None

    def add(self, ids: list[str]) -> None:
        for agency_id in ids:
            if agency_id not in self.agencies:
                self.agencies.append(agency_id)


def split_dateline(first: str, extra_names: tuple[str, ...] = ()) -> tuple[str | None, list[str], str]:
    """``(dateline, agency ids, rest of the paragraph)`` for a paragraph that opens with a dateline.

    ``extra_names`` are credits that are not agencies but make a dateline (the site's own name, "خاص").
    """
    for pattern in (_DATELINE_PAREN, _DATELINE_DASH):
        m = pattern.match(first)
        if not m:
            continue
        place = m["place"].strip()
        if place and (not _PLACE_WORDS.match(place) or len(place.split()) > 5):
            continue
        credit = m["credit"].strip()
        ids = only_agencies(credit)
        if ids is None:
            if not any(fold(credit) == fold(n) for n in extra_names):
                continue
            ids = []
        line = clean(m["line"])
        return line, ids, first[m.end() :].strip()
    whole = only_agencies(first) if len(first) < 60 else None
    if whole:
        return clean(first), whole, ""
    return None, [], first


def closing_credit(last: str, extra_names: tuple[str, ...] = ()) -> tuple[list[str], str] | None:
    """For a last paragraph that is or ends in a credit: ``(agency ids, paragraph without it)``."""
    if len(last) < 80:
        ids = only_agencies(last, extra_names)
        if ids is not None and (ids or _GENERIC_AGENCIES.match(_norm(last).strip(" ()-–—:."))):
            return ids, ""
    m = re.search(r"\s*[(\[]([^()\[\]]{1,40})[)\]]\s*\.?$", last)
    if m and not _PHOTO.search(last[-60:]):
        ids = only_agencies(m.group(1))
        if ids:
            return ids, last[: m.start()].rstrip()
    return None


_CAPTION_END = re.compile(
    r"[(\[][^()\[\]]{0,40}?(?:الصورة|صورة|تصوير|photo|foto|fotoğraf|bild|imagen|getty images)[^()\[\]]{0,60}[)\]]"
    r"\s*\.?$",
    re.I,
)


def is_caption(text: str) -> bool:
    """A photo caption: a short text that ends in its photo's credit ("… (AP Photo/Marco Ugarte)",
    "… (الصورة: الأناضول)"), printed under an image and not article text."""
    return len(text) < 400 and _CAPTION_END.search(text) is not None


def is_photo_credit(text: str) -> bool:
    """A caption credit such as "الصورة: رويترز" or "(AFP)/Getty" (not an article credit)."""
    return len(text) < 200 and bool(_PHOTO.search(text))


def repeated_attributions(paragraphs: list[str], minimum: int = 2) -> list[str]:
    """Agencies named ``minimum`` times or more in the body ("قال لرويترز", "confirmó a EFE"), caption lines
    excluded, names that double as common words excluded."""
    counts: dict[str, int] = {}
    for paragraph in paragraphs:
        if is_photo_credit(paragraph):
            continue
        for m in _MATCHER.unambiguous.finditer(_norm(paragraph)):
            agency_id = _id_of(m["name"])
            if agency_id:
                counts[agency_id] = counts.get(agency_id, 0) + 1
    return [a for a, n in counts.items() if n >= minimum]
