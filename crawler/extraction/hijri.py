"""Hijri to Gregorian dates: the official Umm al-Qura calendar where its table exists, the tabular one elsewhere.

The Umm al-Qura table (1343-1500 AH, 1924-2077) is the one the ``hijridate`` package ships, taken from the
calendar Saudi Arabia publishes. Outside it the tabular (arithmetical) Islamic calendar stands in, within a day
or two of any observed one. Pages that follow a sighted calendar may print a 30th where Umm al-Qura's month has
29 days: that is the day after the 29th, not an impossible date.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from hijridate import Hijri

TABLE_FIRST_YEAR = 1343
TABLE_LAST_YEAR = 1500


def tabular_to_gregorian(year: int, month: int, day: int) -> date:
    """The arithmetical (tabular) Islamic calendar, civil epoch (1 Muharram 1 AH = 16 July 622)."""
    jd = day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + (3 + 11 * year) // 30 + 1948438.5
    return date.fromordinal(int(jd - 1721424.5))


def hijri_to_gregorian(year: int, month: int, day: int) -> date:
    """Gregorian date of a Hijri date; raises ValueError for a day that no calendar has."""
    if not (1 <= month <= 12 and 1 <= day <= 30 and 1 <= year <= 9000):
        raise ValueError(f"no Hijri date {year}-{month}-{day}")
    if not TABLE_FIRST_YEAR <= year <= TABLE_LAST_YEAR:
        return tabular_to_gregorian(year, month, day)
    start = Hijri(year, month, 1).to_gregorian()
    # hijridate's Gregorian is a datetime.date subclass; a plain date keeps comparisons and repr simple.
    return date(start.year, start.month, start.day) + timedelta(days=day - 1)
