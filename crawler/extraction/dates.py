"""Reading dates: ISO stamps from structured data, and visible Arabic dates as news pages print them.

Visible dates come in every regional month-name set (Egyptian/Gulf يناير, Levantine/Iraqi كانون الثاني,
Maghrebi جانفي/أوت/غشت), with Arabic-Indic digits, ص/م markers, paired forms ("كانون الثاني/يناير"), ordinal
days ("الخامس عشر من شهر آذار", "أول أيار"), relative forms ("منذ ساعتين", "أمس", "امبارح") resolved against
the crawl time, and Hijri dates (``hijri.py``: the Umm al-Qura table). A date printed without an offset takes the
site's time zone; a date without a year resolves to the most recent such day not after ``now`` (dates on a news
page lie in the past). ISO 8601 stamps are read by ``crawler.text.dates``, the one rule for them. A numeric date
is day first ("05/06/2024" is 5 June), unless the site's locale prints month first (``en-US``).

Precision first: a string that is not fully understood gives None, never a guess. Once a date is read, every
other date part of the string must agree with it: a second date (the Hijri twin within two days, a repeated
stamp), a weekday name, a relative word ("أمس"); and nothing that could be a date part may be left over
unexplained (a day or year number, a month name). Labels, names and counters ("نشر في", "القاهرة:",
"345 مشاهدة", "قراءة 5 دقائق") are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from crawler.extraction.hijri import hijri_to_gregorian
from crawler.extraction.textutil import fold, fold_pattern
from crawler.text.dates import parse_iso, zone

_GREGORIAN = {
    # Egyptian and Gulf (transliterated Latin names), with common spellings.
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7,
    "يوليه": 7, "اغسطس": 8, "اغسطوس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Levantine and Iraqi (Syriac names).
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8,
    "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
    # Maghrebi: Algeria and Tunisia (French names), Morocco (its own spellings).
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "جويليه": 7, "اوت": 8,
    "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
    # Latin-script pages.
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Month names that are also everyday words (أب "father", ماي, English "may"): left over next to a date they
# are not taken as a second, unexplained month.
_AMBIGUOUS_MONTHS = frozenset(fold_pattern(w) for w in ("اب", "ماي", "may", "mar"))
_HIJRI = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع اول": 3, "ربيع الثاني": 4, "ربيع الاخر": 4, "ربيع ثاني": 4,
    "جمادي الاولي": 5, "جمادي الاول": 5, "جمادي الثانية": 6, "جمادي الثاني": 6, "جمادي الاخرة": 6,
    "جمادي الاخر": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11,
    "ذو الحجة": 12, "ذي الحجة": 12,
}
# Every table and pattern below is matched with folded text (``fold``): its words are folded the same way, so
# that they can be written as pages print them.
_GREGORIAN = {fold_pattern(k): v for k, v in _GREGORIAN.items()}
_HIJRI = {fold_pattern(k): v for k, v in _HIJRI.items()}
_HIJRI_MAX_YEAR = 1600  # "15 رمضان 2024" names a Gregorian year: not a Hijri date
_HIJRI_SLACK = timedelta(days=2)  # Umm al-Qura against a page's own (sighted) calendar
_WEEKDAYS = {fold_pattern(k): v for k, v in {
    "الاحد": 6, "احد": 6, "الاثنين": 0, "اثنين": 0, "الثلاثاء": 1, "ثلاثاء": 1, "الاربعاء": 2, "اربعاء": 2,
    "الخميس": 3, "خميس": 3, "الجمعة": 4, "جمعة": 4, "السبت": 5, "سبت": 5,
}.items()}


def _ordinal_days() -> dict[str, int]:
    """Ordinal day words, 1 to 31: masculine (يوم is masculine) and the feminine that pages print too,
    nominative (العشرون) and oblique (العشرين), "أول" alone ("أول أيار")."""
    masculine = ["الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر"]
    feminine = ["الاولي", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة", "التاسعة",
                "العاشرة"]
    days: dict[str, int] = {"اول": 1}
    for n, (m, f) in enumerate(zip(masculine, feminine, strict=True), start=1):
        days[m] = days[f] = n
    tens = {"العشرون": 20, "العشرين": 20, "الثلاثون": 30, "الثلاثين": 30}
    for n, (m, f) in enumerate(zip(masculine[:9], feminine[:9], strict=True), start=1):
        # "One" in a compound is الحادي (الحادي عشر), and in the twenties also الواحد (الواحد والعشرون).
        one_m, one_f = ("الحادي", "الحادية") if n == 1 else (m, f)
        days[f"{one_m} عشر"] = days[f"{one_f} عشرة"] = days[f"{one_f} عشر"] = 10 + n
        for unit in (one_m, one_f, *(("الواحد", "الواحدة") if n == 1 else ())):
            for word, value in tens.items():
                if value + n <= 31:
                    days[f"{unit} و{word}"] = value + n
    days.update(tens)
    return days


_ORDINALS = {fold_pattern(k): v for k, v in _ordinal_days().items()}


def _compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern matched with folded text, written as pages print its words."""
    return re.compile(fold_pattern(pattern), flags)


def _alternation(names: Iterable[str]) -> str:
    """Longest first, spaces matching any white space, and "و" of a compound ordinal attached or not."""
    parts = []
    for name in sorted(names, key=len, reverse=True):
        words = [("و\\s*" + re.escape(w[1:])) if w.startswith("وال") else re.escape(w) for w in name.split(" ")]
        parts.append(r"\s+".join(words))
    return "|".join(parts)


def _key(words: str) -> str:
    """The dictionary key of a matched (multi-word) name: single spaces, "و" attached to its word."""
    return re.sub(r"\bو\s+", "و", " ".join(words.split()))


_MONTH = f"(?:{_alternation(_GREGORIAN)}|{_alternation(_HIJRI)})"
# A paired form names the same month twice: "كانون الثاني/يناير", "آب/اغسطس", "يناير (كانون الثاني)".
_MONTH_PAIR = rf"(?P<month>{_MONTH})\b(?:\s*[/(-]\s*(?P<month2>{_MONTH})\b\)?)?"
_SEP = r"[\s,،.\-/|]*"
_SEP_ONLY = _compile(r"[\s,،.\-/|]*")
_YEAR = r"(?P<year>\d{4})(?!\d)\s*(?P<era>ه|م(?!\w)|ad\b)?"
# "من شهر" between a day and its month: "12 من شهر مايو", "الاول من شهر شباط".
_OF_MONTH = r"(?:من\s+)?(?:شهر\s+)?"
_DMY_NAMED = _compile(
    rf"(?<![\d:.])(?P<day>\d{{1,2}})(?:st|nd|rd|th|er)?{_SEP}{_OF_MONTH}\b{_MONTH_PAIR}(?:{_SEP}{_YEAR})?"
)
_MDY_NAMED = _compile(rf"\b{_MONTH_PAIR}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d){_SEP}{_YEAR}")
_ORDINAL_NAMED = _compile(rf"\b(?P<ord>{_alternation(_ORDINALS)})\s+{_OF_MONTH}{_MONTH_PAIR}(?:{_SEP}{_YEAR})?")
_YMD_NUMERIC = _compile(
    r"(?<!\d)(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})\s*[-/.]\s*(?P<day>\d{1,2})(?!\d)\s*(?P<era>ه|م(?!\w))?"
)
_DMY_NUMERIC = _compile(
    r"(?<![\d.:])(?P<day>\d{1,2})\s*[-/.]\s*(?P<month>\d{1,2})\s*[-/.]\s*(?P<year>\d{4})(?!\d)\s*(?P<era>ه|م(?!\w))?"
)
_AFTERNOON = frozenset(fold_pattern(w) for w in ("م", "مساء", "مساءا", "pm", "ظهرا", "عصرا"))
_LAST = tuple(fold_pattern(w) for w in ("الماضي", "الفائت", "المنصرم", "السابق"))
_AMPM = r"صباحا|مساءا|مساء|ظهرا|عصرا|ليلا|فجرا|am|pm|a\.m\.|p\.m\."
_TIME = _compile(
    r"(?<![\d:])(?P<h>\d{1,2})\s*:\s*(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?"
    rf"(?:\s*(?P<ampm>{_AMPM}|ص|م)(?!\w))?"
)
# An hour without minutes: "الساعة 10"، "10 صباحا" (a bare ص/م after a number is too often an era mark).
_HOUR = _compile(
    rf"\bالساعة\s+(?P<h>\d{{1,2}})(?![\d:])(?:\s*(?P<ampm>{_AMPM})(?!\w))?"
    rf"|(?<![\d:.])(?P<h2>\d{{1,2}})\s*(?P<ampm2>{_AMPM})(?!\w)"
)
_OFFSET = _compile(r"\b(?:gmt|utc)\s*(?:(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?", re.I)
# Locales whose short numeric date is month first (CLDR: "M/d/y"): English as the US and its territories and the
# Philippines write it. Every Arabic locale, and a locale without a region, is day first.
_MONTH_FIRST = frozenset({"en-us", "en-ph", "en-pr", "en-gu", "en-vi", "en-as", "en-um", "en-mp"})

_MAX_TEXT = 400
_UNITS = {
    "ثانية": "seconds", "ثواني": "seconds", "ثوان": "seconds",
    "دقيقة": "minutes", "دقيقه": "minutes", "دقائق": "minutes", "دقايق": "minutes",
    "ساعة": "hours", "ساعه": "hours", "ساعات": "hours",
    "يوم": "days", "ايام": "days",
    "اسبوع": "weeks", "اسابيع": "weeks",
    "شهر": "months", "اشهر": "months", "شهور": "months",
    "سنة": "years", "سنه": "years", "سنوات": "years", "سنين": "years", "عام": "years", "اعوام": "years",
}
_DUALS = {
    "ثانيتين": "seconds", "دقيقتين": "minutes", "دقيقتان": "minutes", "ساعتين": "hours", "ساعتان": "hours",
    "يومين": "days", "يومان": "days", "اسبوعين": "weeks", "اسبوعان": "weeks", "شهرين": "months",
    "شهران": "months", "سنتين": "years", "سنتان": "years", "عامين": "years", "عامان": "years",
}
_UNITS = {fold_pattern(k): v for k, v in _UNITS.items()}
_DUALS = {fold_pattern(k): v for k, v in _DUALS.items()}
_ONE = (None, fold_pattern("واحد"), fold_pattern("واحدة"))
_UNIT_RE = _alternation({**_UNITS, **_DUALS})
_WEEKDAY_ALT = _alternation(_WEEKDAYS)
_YESTERDAY = r"امس|الامس|بالامس|البارحة|البارح|امبارحة|امبارح|مبارح"
# "منذ 3 ساعات", "قبل يومين", "من اسبوع"; not "من شهر شباط", "من يوم الخميس", "منذ يوم أمس": there the unit
# word introduces a named month or day, it is not a count.
_AGO = _compile(
    rf"\b(?P<ago>منذ|قبل|من)\s+(?:(?P<n>\d+|واحد|واحدة)\s*)?(?P<unit>{_UNIT_RE})\b"
    rf"(?!\s+(?:{_MONTH}|{_WEEKDAY_ALT}|{_YESTERDAY})\b)"
)
_AGO_LIST = _compile(rf"(?P<n>\d+)\s*(?P<unit>{_UNIT_RE})\b")
# One pattern, longest phrase first, so that "قبل أمس" is two days and never "أمس" (one day) plus a word.
_DAY_WORDS = _compile(
    r"\b(?:"
    rf"(?P<d3>(?:اليوم\s+)?(?:القبل|اللي\s+قبل|الي\s+قبل|الذي\s+قبل|قبل)\s+اول\s+(?:من\s+)?(?:{_YESTERDAY}))"
    rf"|(?P<d2>(?:اليوم\s+)?(?:القبل|اللي\s+قبل|الي\s+قبل|الذي\s+قبل|قبل)\s+(?:{_YESTERDAY})"
    rf"|اول\s+(?:من\s+)?(?:{_YESTERDAY})|امس\s+الاول)"
    rf"|(?P<d1>{_YESTERDAY}|اليوم\s+الماضي|اليوم\s+المنصرم|اليوم\s+السابق)"
    r"|(?P<d0>هذا\s+اليوم|اليوم|الان|now|today)"
    r")\b"
)
# Words after which "اليوم" still means today ("نشر اليوم", "صباح اليوم") and "من يوم" a day ago; after any
# other word "اليوم" is part of a name ("المصري اليوم", "روسيا اليوم") and "من" is "than" or "of" ("اكثر من
# ساعة"). Before a definite word "اليوم" is "the ... day" ("اليوم السابع").
_LABELS = frozenset(fold_pattern(w) for w in
    {"في", "نشر", "نشرت", "تحديث", "محدث", "محدثة", "بتاريخ", "تاريخ", "هذا", "صباح", "مساء", "ظهر", "عصر",
     "فجر", "ليلة"}
)
_TODAY_BEFORE = frozenset({fold_pattern("الساعة"), *(w for w in _WEEKDAYS if w.startswith("ال"))})
_WEEKDAY_RE = _compile(
    rf"\b(?P<wd>{_WEEKDAY_ALT})\b(?:\s+(?P<which>(?:الاسبوع\s+)?(?:الماضي|الفائت|المنصرم|السابق)"
    r"|الاسبوع\s+الحالي|هذا\s+الاسبوع|من\s+هذا\s+الاسبوع))?"
)
# Dates that are names: "مدينة 6 أكتوبر", "ثورة 25 يناير", "قوى 14 آذار", "ميدان 30 يونيو".
_NAMED_DATE = _compile(
    r"\b(?:مدينة|مدينه|ثورة|ثوره|حرب|ميدان|شارع|جسر|كوبري|محور|جامعة|نادي|قوي|تيار|تحالف|حركة|ذكري|انتفاضة"
    rf"|احداث|مجزرة)\s+\d{{1,2}}\s+(?:من\s+)?{_MONTH}\b(?:{_SEP}\d{{4}}(?!\d))?"
)
# Counters printed beside a date: views, comments, reading time ("قراءة 5 دقائق" is not "5 minutes ago"); a
# year is never a count ("12 مايو 2024 قراءة 5 دقائق").
_COUNTER = _compile(
    r"\b(?:(?:مدة|وقت)\s+)?(?:ال|لل)?قراءة\s*(?::\s*)?\d+\s*(?:دقائق|دقيقة|دقيقه|دقايق|د|mins?)?(?!\w)"
    r"|(?<![\d:])\d+\s*(?:دقائق|دقيقة|دقيقه|دقايق|mins?)\s+(?:لل)?قراءة\b"
    r"|(?<![\d:])(?!(?:1[3-9]|2[01])\d\d(?!\d))\d+(?:[.,٬]\d+)*\s*(?:تعليقات|تعليق|مشاهدات|مشاهدة|مشاهده|قراءات|قراءة|زيارات|زيارة|views?|comments?)\b"
)
_NUMBER = _compile(r"\d+(?:[.,٬٫]\d+)*")
_LEFTOVER_MONTH = _compile(rf"\b(?:{_alternation(k for k in _GREGORIAN if k not in _AMBIGUOUS_MONTHS)})\b")


class _NotUnderstood(Exception):
    """The string has date parts that contradict each other or that the parser cannot account for."""


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    day: date | None  # None: a Hijri day and month without a year (checked against the date, never chosen)
    hijri: bool
    has_year: bool
    month: int
    dom: int


@dataclass(frozen=True)
class _Relative:
    spans: tuple[tuple[int, int], ...]
    moment: datetime
    exact: bool  # "منذ ساعتين" gives the time; "أمس" and "الثلاثاء" only the day


def month_first(locale: str | None) -> bool:
    """Does a site with this locale (``ar-EG``, ``en_US``) print numeric dates month first?"""
    if not locale:
        return False
    parts = locale.lower().replace("_", "-").split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return f"{parts[0]}-{region}" in _MONTH_FIRST


def _month_number(name: str) -> tuple[int, bool]:
    key = _key(name)
    if key in _GREGORIAN:
        return _GREGORIAN[key], False
    return _HIJRI[key], True


def _make(year: int | None, month: int, day: int, hijri: bool, now: date) -> date | None:
    """The date, None for a Hijri day without a year; raises _NotUnderstood for a day that does not exist."""
    try:
        if hijri:
            if year is None:
                hijri_to_gregorian(1445, month, day)  # validates day and month
                return None
            if year > _HIJRI_MAX_YEAR:
                raise _NotUnderstood(f"Hijri year {year}")
            return hijri_to_gregorian(year, month, day)
        if year is None:
            # The most recent such day not after ``now`` (29 February: the last leap year's).
            for back in range(9):
                try:
                    found = date(now.year - back, month, day)
                except ValueError:
                    if not (month == 2 and day == 29):
                        raise
                    continue
                if found <= now:
                    return found
            raise _NotUnderstood(f"{month}-{day}")
        return date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise _NotUnderstood(str(exc)) from exc


def _absolute(text: str, now: date, mdy: bool) -> list[_Found]:
    found: list[_Found] = []
    for pattern in (_DMY_NAMED, _MDY_NAMED, _ORDINAL_NAMED):
        for m in pattern.finditer(text):
            groups = m.groupdict()
            month, hijri = _month_number(groups["month"])
            if groups.get("month2"):
                month2, hijri2 = _month_number(groups["month2"])
                if month2 != month or hijri2 != hijri:  # "شباط/مارس" names two months
                    raise _NotUnderstood(m[0])
            day = _ORDINALS[_key(groups["ord"])] if groups.get("ord") else int(groups["day"])
            year = int(groups["year"]) if groups.get("year") else None
            era = groups.get("era")
            if year is not None and era and (era == "ه") != hijri:
                raise _NotUnderstood(m[0])  # "5 مايو 1445 هـ", "15 رمضان 2024م"
            made = _make(year, month, day, hijri, now)
            found.append(_Found(m.start(), m.end(), made, hijri, year is not None, month, day))
    for pattern in (_YMD_NUMERIC, _DMY_NUMERIC):
        for m in pattern.finditer(text):
            year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
            if mdy and pattern is _DMY_NUMERIC:
                month, day = day, month
            hijri = m["era"] == "ه" or 1300 <= year <= 1500
            found.append(_Found(m.start(), m.end(), _make(year, month, day, hijri, now), hijri, True, month, day))
    return found


def _pick(found: list[_Found]) -> _Found | None:
    """A full Gregorian date beats a Hijri one (pages print both), which beats a date without a year."""
    candidates = [f for f in found if f.day is not None]
    if not candidates:
        return None

    def rank(f: _Found) -> tuple[int, int]:
        return (0 if f.has_year and not f.hijri else 1 if f.has_year else 2, f.start)

    return min(candidates, key=rank)


def _near(day: date, other: date) -> bool:
    return abs(day - other) <= _HIJRI_SLACK


def _agreed_day(found: list[_Found], chosen: _Found) -> date:
    """The chosen date once every other date of the string agrees with it; raises _NotUnderstood otherwise.

    A Hijri date chosen for want of a full Gregorian one gives way to the Gregorian day and month printed
    beside it ("11 شوال 1441 - 3 يونيو"): the page's own calendar may be a day off Umm al-Qura."""
    assert chosen.day is not None
    day = chosen.day
    for f in found:
        if f is chosen:
            continue
        if f.day is None:  # a Hijri day and month without a year: some nearby Hijri year must fit
            approx = round((day.toordinal() - date(622, 7, 16).toordinal()) / 354.367) + 1
            if not any(_near(hijri_to_gregorian(y, f.month, f.dom), day) for y in (approx - 1, approx, approx + 1)):
                raise _NotUnderstood("Hijri day and month")
        elif f.hijri or chosen.hijri:
            other = f.day if f.has_year else _nearest(day, f.month, f.dom)
            if not _near(other, day):
                raise _NotUnderstood("Hijri and Gregorian dates disagree")
            if chosen.hijri and not f.hijri:
                day = other
        elif f.has_year and chosen.has_year:
            if f.day != day:
                raise _NotUnderstood("two dates")
        elif (f.day.month, f.day.day) != (day.month, day.day):
            raise _NotUnderstood("two dates")
    return day


def _nearest(day: date, month: int, dom: int) -> date:
    options = []
    for year in (day.year - 1, day.year, day.year + 1):
        try:
            options.append(date(year, month, dom))
        except ValueError:
            continue
    return min(options, key=lambda d: abs(d - day))


def _weekday_day(text: str, found: list[_Found], day: date, movable: bool) -> tuple[date, list[tuple[int, int]]]:
    """Check the weekday names of the string against the date (or, for a Hijri date, move the date by a day to
    the printed weekday); returns the date and the spans accounted for.

    A definite name (الأحد) counts anywhere; a bare one (أحد، جمعة: also "one", a name) only next to a date."""
    spans = []
    wanted: set[int] = set()
    for m in _WEEKDAY_RE.finditer(text):
        bare = not m["wd"].startswith("ال")
        if bare and not any(_touch(text, m.end("wd"), f.start) or _touch(text, f.end, m.start()) for f in found):
            continue
        if any(f.start <= m.start() < f.end for f in found):
            continue
        wanted.add(_WEEKDAYS[m["wd"]])
        spans.append((m.start(), m.end()))
    if not wanted:
        return day, spans
    if len(wanted) > 1:
        raise _NotUnderstood("two weekdays")
    (weekday,) = wanted
    if day.weekday() == weekday:
        return day, spans
    if movable:
        for shift in (-1, 1):
            if (day + timedelta(days=shift)).weekday() == weekday:
                return day + timedelta(days=shift), spans
    raise _NotUnderstood("weekday")


def _touch(text: str, end: int, start: int) -> bool:
    """Does what ends at ``end`` stand right before what starts at ``start``, with only separators between?"""
    return end <= start and _SEP_ONLY.fullmatch(text, end, start) is not None


def _times(text: str) -> list[tuple[int, int, time]]:
    """Every time of day in the string; raises _NotUnderstood for one that cannot be ("25:70")."""
    found = []
    for m in _TIME.finditer(text):
        found.append((m.start(), m.end(), _clock(int(m["h"]), int(m["m"]), int(m["s"] or 0), m["ampm"], m[0])))
    for m in _HOUR.finditer(text):
        found.append((m.start(), m.end(), _clock(int(m["h"] or m["h2"]), 0, 0, m["ampm"] or m["ampm2"], m[0])))
    return found


def _clock(hour: int, minute: int, second: int, marker: str | None, printed: str) -> time:
    ampm = (marker or "").replace(".", "")
    afternoon = ampm in _AFTERNOON or (ampm == "ليلا" and hour >= 6)
    if afternoon and hour < 12:
        hour += 12
    elif ampm in ("ص", "صباحا", "am", "ليلا") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        raise _NotUnderstood(printed)
    return time(hour, minute, second)


def _time_near(times: list[tuple[int, int, time]], at: tuple[int, int] | None) -> time | None:
    best: tuple[int, time] | None = None
    for start, end, value in times:
        distance = 0 if at is None else min(abs(start - at[1]), abs(at[0] - end))
        if best is None or distance < best[0]:
            best = (distance, value)
    return best[1] if best else None


def _offset(text: str) -> tuple[timezone | None, list[tuple[int, int]]]:
    offset: timezone | None = None
    spans = []
    for om in _OFFSET.finditer(text):
        spans.append((om.start(), om.end()))
        if offset is None:
            minutes = 0
            if om["sign"]:
                minutes = int(om["oh"]) * 60 + int(om["om"] or 0)
                minutes = -minutes if om["sign"] == "-" else minutes
            offset = timezone(timedelta(minutes=minutes))
    return offset, spans


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _check_leftovers(
    text: str, consumed: list[tuple[int, int]], yearless_ends: list[int], *, relative: bool = False
) -> None:
    """Raise _NotUnderstood when what the date reading did not account for could be part of a date: a day,
    month or hour number (1-2 digits, "3.5"), a year (1300-2199), any number right after a date without a
    year (its mangled year: "5 مايو 20245"), or a month name. Beside a relative date ("أمس") every number
    left over counts: such a date has room for nothing but its count and a time."""
    rest = _blank(text, consumed)
    for m in _NUMBER.finditer(rest):
        parts = re.split(r"[.,٬٫]", m[0])
        after_yearless = any(_touch(rest, end, m.start()) for end in yearless_ends)
        year_like = len(parts) == 1 and 1300 <= int(m[0]) <= 2199
        if relative or after_yearless or all(len(p) <= 2 for p in parts) or year_like:
            raise _NotUnderstood(m[0])
    if _LEFTOVER_MONTH.search(rest):
        raise _NotUnderstood("month name")


def _relatives(text: str, now: datetime, *, absolute: bool) -> list[_Relative]:
    """Relative expressions in order of precedence ("منذ …", lists, weekdays, day words). Beside an absolute
    date only those that name a day other than today can contradict it: weekdays are checked on their own,
    and "اليوم" is too often part of a name."""
    found: list[_Relative] = []
    for m in _AGO.finditer(text):
        if m["ago"] == "من" and not _after_label(text, m.start()):
            continue  # "اكثر من ساعة", "بدلا من يوم": "من" there is not "ago"
        unit_word = _key(m["unit"])
        if unit_word in _DUALS:
            moment = _minus(now, _DUALS[unit_word], 2)
        else:
            moment = _minus(now, _UNITS[unit_word], 1 if m["n"] in _ONE else int(m["n"]))
        found.append(_Relative(((m.start(), m.end()),), moment, True))
    if not found and not absolute:
        pairs = list(_AGO_LIST.finditer(text))
        if pairs and sum(len(p[0]) for p in pairs) * 2 >= len(re.sub(r"[\s,،]", "", text)):
            result = now
            for p in pairs:
                unit = _UNITS.get(p["unit"]) or _DUALS[p["unit"]]
                result = _minus(result, unit, int(p["n"]))
            found.append(_Relative(tuple((p.start(), p.end()) for p in pairs), result, True))
    if not absolute:
        for wd in _WEEKDAY_RE.finditer(text):
            which = wd["which"] or ""
            if not which and not wd["wd"].startswith("ال"):
                continue  # a bare "أحد", "جمعة" alone is a word or a name, not a weekday
            found.append(_Relative(((wd.start(), wd.end()),), _weekday(now, _WEEKDAYS[wd["wd"]], which), False))
    for m in _DAY_WORDS.finditer(text):
        days = next(n for n, g in enumerate(("d0", "d1", "d2", "d3")) if m[g])
        if days == 0 and (absolute or (m[0] == "اليوم" and not _is_today(text, m.start(), m.end()))):
            continue
        found.append(_Relative(((m.start(), m.end()),), now - timedelta(days=days), False))
    return found


def _after_label(text: str, start: int) -> bool:
    """Is what starts at ``start`` first in the string, or after a number or a label ("نشر", "صباح")?"""
    before = re.search(r"(\w+)\W*$", text[max(0, start - 20) : start])
    return not before or before[1].isdigit() or before[1] in _LABELS


def _is_today(text: str, start: int, end: int) -> bool:
    if not _after_label(text, start):
        return False
    after = re.match(r"\s+(ال\w+)", text[end : end + 20])
    return not (after and after[1] not in _TODAY_BEFORE)


def _weekday(now: datetime, target: int, which: str) -> datetime:
    monday = now.date() - timedelta(days=now.weekday())
    if any(w in which for w in _LAST):
        return _at_day(now, monday - timedelta(days=7 - target))
    if "الحالي" in which or "هذا" in which:
        return _at_day(now, monday + timedelta(days=target))
    return _at_day(now, now.date() - timedelta(days=(now.weekday() - target) % 7))


def _at_day(now: datetime, day: date) -> datetime:
    return datetime.combine(day, time(0, 0), now.tzinfo)


def _minus(now: datetime, unit: str, n: int) -> datetime:
    if unit == "months":
        month_index = now.year * 12 + now.month - 1 - n
        year, month = divmod(month_index, 12)
        return now.replace(year=year, month=month + 1, day=min(now.day, 28))
    if unit == "years":
        return now.replace(year=now.year - n, day=min(now.day, 28))
    return now - timedelta(**{unit: n})


def _read(text: str, site_zone: tzinfo, now: datetime, mdy: bool) -> datetime | None:
    # Counters and dates that are names are neither dates nor unexplained date parts.
    text = _blank(text, [(m.start(), m.end()) for p in (_COUNTER, _NAMED_DATE) for m in p.finditer(text)])
    found = _absolute(text, now.date(), mdy)
    times = _times(text)
    offset, consumed = _offset(text)
    consumed += [(start, end) for start, end, _ in times]
    if found:
        chosen = _pick(found)
        if chosen is None:
            return None  # only Hijri days without a year
        day = _agreed_day(found, chosen)
        movable = chosen.hijri and all(f.hijri for f in found)
        day, weekday_spans = _weekday_day(text, found, day, movable)
        for rel in _relatives(text, now, absolute=True):
            if rel.moment.date() != day:
                raise _NotUnderstood("relative and absolute dates disagree")
            consumed += rel.spans
        dates = [(f.start, f.end) for f in found]
        _check_leftovers(text, consumed + weekday_spans + dates, [f.end for f in found if not f.has_year])
        at = _time_near(times, (chosen.start, chosen.end))
        return datetime.combine(day, at or time(0, 0)).replace(tzinfo=offset or site_zone)
    relatives = _relatives(text, now, absolute=False)
    if not relatives:
        return None
    first = relatives[0]
    if any(r.moment.date() != first.moment.date() for r in relatives):
        raise _NotUnderstood("relative dates disagree")
    spans = [s for r in relatives for s in r.spans]
    _check_leftovers(text, consumed + spans, [], relative=True)
    at = _time_near(times, first.spans[0])
    if at is not None and not first.exact:
        # "أمس 10:30": the day from the word, the time as printed, in ``now``'s zone.
        return datetime.combine(first.moment.date(), at, now.tzinfo)
    return first.moment


def parse_date(
    text: str, *, tz: ZoneInfo | str = "UTC", now: datetime | None = None, locale: str | None = None
) -> datetime | None:
    """The date a visible (or machine) date string denotes, as an aware datetime, or None.

    ``tz`` is the site's time zone, used when the text gives no offset; ``now`` (default: the current time)
    resolves relative dates ("منذ ساعتين", "أمس") and dates printed without a year; ``locale`` is the site's
    (``Site.locale``): it decides the day/month order of numeric dates (see ``month_first``). A string whose date
    parts disagree, or that holds a date part the parser cannot account for, gives None rather than a guess.

    An ISO 8601 stamp is returned as written, however implausible: judging it is the normalize pipeline's work,
    which counts what it clears.
    """
    site_zone = zone(tz)
    if not text or not text.strip():
        return None
    iso = parse_iso(text, site_zone, plausible=False)
    if iso is not None:
        return iso
    if now is None:
        now = datetime.now(site_zone)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=site_zone)
    try:
        return _read(fold(text[:_MAX_TEXT]), site_zone, now, month_first(locale))
    except (_NotUnderstood, ValueError, OverflowError):  # also "منذ 5000 سنة": outside the calendar
        return None


def format_date(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, seconds precision (``2024-05-12T10:35:00+03:00``)."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat()
