"""Reading dates: ISO stamps from structured data, and visible Arabic dates as news pages print them.

Visible dates come in every regional month-name set (Egyptian/Gulf يناير, Levantine/Iraqi كانون الثاني,
Maghrebi جانفي/أوت/غشت), with Arabic-Indic digits, ص/م markers, paired forms ("كانون الثاني/يناير"),
relative forms ("منذ ساعتين", "أمس") resolved against the crawl time, and Hijri dates. A date printed without
an offset takes the site's time zone; a date without a year resolves to the most recent such day not after
``now`` (dates on a news page lie in the past).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from crawler.extraction.hijri import hijri_to_gregorian
from crawler.extraction.textutil import fold

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
_HIJRI = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع اول": 3, "ربيع الثاني": 4, "ربيع الاخر": 4, "ربيع ثاني": 4,
    "جمادي الاولي": 5, "جمادي الاول": 5, "جمادي الثانية": 6, "جمادي الثاني": 6, "جمادي الاخرة": 6,
    "جمادي الاخر": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11,
    "ذو الحجة": 12, "ذي الحجة": 12,
}
_WEEKDAYS = {
    "الاحد": 6, "احد": 6, "الاثنين": 0, "اثنين": 0, "الثلاثاء": 1, "ثلاثاء": 1, "الاربعاء": 2, "اربعاء": 2,
    "الخميس": 3, "خميس": 3, "الجمعة": 4, "جمعة": 4, "السبت": 5, "سبت": 5,
}
_ORDINALS = {
    "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6, "السابع": 7,
    "الثامن": 8, "التاسع": 9, "العاشر": 10,
}


def _alternation(names: Iterable[str]) -> str:
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))


_MONTH = f"(?:{_alternation(_GREGORIAN)}|{_alternation(_HIJRI)})"
# A paired form names the same month twice: "كانون الثاني/يناير", "آب/اغسطس".
_MONTH_PAIR = rf"(?P<month>{_MONTH})(?:\s*[/(-]\s*(?P<month2>{_MONTH})\)?)?"
_SEP = r"[\s,،.\-/|]*"
_YEAR = r"(?P<year>\d{4})(?!\d)\s*(?P<era>ه|م(?!\w)|ad\b)?"
_DMY_NAMED = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th|er)?\s*(?:من\s+)?{_SEP}\b{_MONTH_PAIR}\b(?:{_SEP}{_YEAR})?"
)
_MDY_NAMED = re.compile(rf"\b{_MONTH_PAIR}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d){_SEP}{_YEAR}")
_ORDINAL_NAMED = re.compile(rf"\b(?P<ord>{'|'.join(_ORDINALS)})\s+من\s+{_MONTH_PAIR}\b(?:{_SEP}{_YEAR})?")
_YMD_NUMERIC = re.compile(
    r"(?<!\d)(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})\s*[-/.]\s*(?P<day>\d{1,2})(?!\d)\s*(?P<era>ه|م(?!\w))?"
)
_DMY_NUMERIC = re.compile(
    r"(?<![\d.:])(?P<day>\d{1,2})\s*[-/.]\s*(?P<month>\d{1,2})\s*[-/.]\s*(?P<year>\d{4})(?!\d)\s*(?P<era>ه|م(?!\w))?"
)
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})\s*:\s*(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?"
    r"(?:\s*(?P<ampm>صباحا|مساءا|مساء|ظهرا|ص|م|am|pm|a\.m\.|p\.m\.)(?!\w))?"
)
_OFFSET = re.compile(r"\b(?:gmt|utc)\s*(?:(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?", re.I)
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$", re.I)

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
_UNIT_RE = _alternation({**_UNITS, **_DUALS})
_AGO = re.compile(rf"(?:منذ|قبل|من)\s+(?:(?P<n>\d+|واحد|واحدة)\s*)?(?P<unit>{_UNIT_RE})\b")
_AGO_LIST = re.compile(rf"(?P<n>\d+)\s*(?P<unit>{_UNIT_RE})\b")
_DAY_WORDS = [
    (re.compile(r"\b(?:اول\s+امس|امس\s+الاول|قبل\s+البارحة|(?:اليوم\s+)?القبل\s+البارحة)\b"), 2),
    (re.compile(r"\b(?:امس|البارحة|اليوم\s+الماضي|اليوم\s+المنصرم|اليوم\s+السابق)\b"), 1),
    (re.compile(r"\b(?:اليوم|هذا\s+اليوم|الان|الآن|now|today)\b"), 0),
]
_WEEKDAY_RE = re.compile(
    rf"\b(?P<wd>{_alternation(_WEEKDAYS)})\b(?:\s+(?P<which>(?:الاسبوع\s+)?(?:الماضي|الفائت|المنصرم|السابق)"
    r"|الاسبوع\s+الحالي|هذا\s+الاسبوع|من\s+هذا\s+الاسبوع))?"
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    day: date
    hijri: bool
    has_year: bool


def _to_tz(tz: ZoneInfo | str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _month_number(name: str) -> tuple[int, bool]:
    key = re.sub(r"\s+", " ", name)
    if key in _GREGORIAN:
        return _GREGORIAN[key], False
    return _HIJRI[key], True


def _make(year: int | None, month: int, day: int, hijri: bool, now: date) -> tuple[date, bool] | None:
    try:
        if hijri:
            if year is None:
                return None
            return hijri_to_gregorian(year, month, day), True
        if year is None:
            found = date(now.year, month, day)
            if found > now:
                found = date(now.year - 1, month, day)
            return found, False
        return date(year, month, day), True
    except (ValueError, OverflowError):
        return None


def _absolute(text: str, now: date) -> list[_Found]:
    found: list[_Found] = []
    for pattern in (_DMY_NAMED, _MDY_NAMED, _ORDINAL_NAMED):
        for m in pattern.finditer(text):
            groups = m.groupdict()
            month, hijri = _month_number(groups["month"])
            if groups.get("month2"):
                month2, hijri2 = _month_number(groups["month2"])
                # "كانون الثاني/يناير" must agree; a disagreeing pair is not a paired month name.
                if month2 != month or hijri2 != hijri:
                    continue
            day = _ORDINALS[groups["ord"]] if groups.get("ord") else int(groups["day"])
            year = int(groups["year"]) if groups.get("year") else None
            if year is not None and groups.get("era") == "ه":
                hijri = True
            made = _make(year, month, day, hijri, now)
            if made:
                found.append(_Found(m.start(), m.end(), made[0], hijri, made[1]))
    for m in _YMD_NUMERIC.finditer(text):
        year = int(m["year"])
        hijri = m["era"] == "ه" or 1300 <= year <= 1500
        made = _make(year, int(m["month"]), int(m["day"]), hijri, now)
        if made:
            found.append(_Found(m.start(), m.end(), made[0], hijri, True))
    for m in _DMY_NUMERIC.finditer(text):
        year = int(m["year"])
        hijri = m["era"] == "ه" or 1300 <= year <= 1500
        made = _make(year, int(m["month"]), int(m["day"]), hijri, now)
        if made:
            found.append(_Found(m.start(), m.end(), made[0], hijri, True))
    return found


def _pick(found: list[_Found]) -> _Found | None:
    """A full Gregorian date beats a Hijri one (pages print both), which beats a date without a year."""
    if not found:
        return None

    def rank(f: _Found) -> tuple[int, int]:
        return (0 if f.has_year and not f.hijri else 1 if f.has_year else 2, f.start)

    return min(found, key=rank)


def _time_near(text: str, at: _Found | None) -> tuple[time | None, timezone | None]:
    best: tuple[int, re.Match[str]] | None = None
    for m in _TIME.finditer(text):
        if at and at.start <= m.start() < at.end:
            continue
        distance = 0 if at is None else min(abs(m.start() - at.end), abs(at.start - m.end()))
        if best is None or distance < best[0]:
            best = (distance, m)
    offset: timezone | None = None
    om = _OFFSET.search(text)
    if om:
        minutes = 0
        if om["sign"]:
            minutes = int(om["oh"]) * 60 + int(om["om"] or 0)
            minutes = -minutes if om["sign"] == "-" else minutes
        offset = timezone(timedelta(minutes=minutes))
    if best is None:
        return None, offset
    m = best[1]
    hour, minute, second = int(m["h"]), int(m["m"]), int(m["s"] or 0)
    ampm = (m["ampm"] or "").replace(".", "")
    if ampm in ("م", "مساء", "مساءا", "pm", "ظهرا") and hour < 12:
        hour += 12
    elif ampm in ("ص", "صباحا", "am") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None, offset
    return time(hour, minute, second), offset


def _relative(text: str, now: datetime) -> datetime | None:
    m = _AGO.search(text)
    if m:
        unit_word = re.sub(r"\s+", " ", m["unit"])
        if unit_word in _DUALS:
            return _minus(now, _DUALS[unit_word], 2)
        n = 1 if m["n"] in (None, "واحد", "واحدة") else int(m["n"])
        return _minus(now, _UNITS[unit_word], n)
    pairs = list(_AGO_LIST.finditer(text))
    if pairs and sum(len(p[0]) for p in pairs) * 2 >= len(re.sub(r"[\s,،]", "", text)):
        result = now
        for p in pairs:
            unit = _UNITS.get(p["unit"]) or _DUALS[p["unit"]]
            result = _minus(result, unit, int(p["n"]))
        return result
    wd = _WEEKDAY_RE.search(text)
    if wd:
        target = _WEEKDAYS[wd["wd"]]
        which = wd["which"] or ""
        monday = now.date() - timedelta(days=now.weekday())
        if any(w in which for w in ("الماضي", "الفائت", "المنصرم", "السابق")):
            return _at_day(now, monday - timedelta(days=7 - target))
        if "الحالي" in which or "هذا" in which:
            return _at_day(now, monday + timedelta(days=target))
        back = (now.weekday() - target) % 7
        return _at_day(now, now.date() - timedelta(days=back))
    for pattern, days in _DAY_WORDS:
        if pattern.search(text):
            return now - timedelta(days=days)
    return None


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


def parse_iso(text: str, tz: ZoneInfo | str | tzinfo = "UTC") -> datetime | None:
    """An ISO 8601 stamp (as structured data gives it); a stamp without offset takes ``tz``."""
    text = text.strip()
    if not _ISO_LIKE.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text and " " in text else text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_to_tz(tz))
    return parsed


def parse_date(text: str, *, tz: ZoneInfo | str = "UTC", now: datetime | None = None) -> datetime | None:
    """The date a visible (or machine) date string denotes, as an aware datetime, or None.

    ``tz`` is the site's time zone, used when the text gives no offset; ``now`` (default: the current time)
    resolves relative dates ("منذ ساعتين", "أمس") and dates printed without a year.
    """
    zone = _to_tz(tz)
    if not text or not text.strip():
        return None
    iso = parse_iso(text, zone)
    if iso is not None:
        return iso
    if now is None:
        now = datetime.now(zone)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    folded = fold(text[:_MAX_TEXT])
    try:
        chosen = _pick(_absolute(folded, now.date()))
        if chosen is None:
            # Relative dates count back from ``now`` and keep its offset (the site's zone unless given).
            return _relative(folded, now)
        at, offset = _time_near(folded, chosen)
    except (ValueError, OverflowError):  # "منذ 5000 سنة" and other dates outside the calendar
        return None
    moment = datetime.combine(chosen.day, at or time(0, 0))
    return moment.replace(tzinfo=offset or zone)


def format_date(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, seconds precision (``2024-05-12T10:35:00+03:00``)."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat()
