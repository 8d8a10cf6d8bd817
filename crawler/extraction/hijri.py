"""Hijri (Umm al-Qura) to Gregorian dates, computed rather than tabulated.

Since 1423 AH the Umm al-Qura calendar starts a month on the day after the 29th when, on that day, the
geocentric conjunction falls before sunset at Mecca (and the moon sets after the sun). This module finds
the conjunction with Meeus' new-moon series (Astronomical Algorithms, ch. 49; accurate to minutes) and
compares it with the day's sunset at Mecca; the moonset condition uses a low-precision moon (mean elongation
rate since conjunction, latitude from the argument F, mean parallax), enough to decide the young-moon cases
where the conjunction precedes sunset by minutes. Dates before 1423 AH, when other rules applied, fall back
to the tabular calendar (within a day).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

_MECCA_LAT = 21.4225
_MECCA_LON = 39.8262
_MECCA_OFFSET = timedelta(hours=3)
_UMM_AL_QURA_FROM = 1423
_JD_UNIX_EPOCH = 2440587.5
_DELTA_T_DAYS = 69.0 / 86400  # TT - UT around 2000-2030; a minute either way changes nothing here


def tabular_to_gregorian(year: int, month: int, day: int) -> date:
    """The arithmetic (tabular) Islamic calendar: within a day of Umm al-Qura."""
    jd = day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + (3 + 11 * year) // 30 + 1948438.5
    return date.fromordinal(int(jd - 1721424.5))


def _new_moon(k: int) -> tuple[float, float]:
    """``(JDE of the k-th new moon after 2000-01-06, the moon's argument of latitude F in radians)``."""
    t = k / 1236.85
    jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * t * t - 0.000000150 * t**3
    e = 1 - 0.002516 * t - 0.0000074 * t * t
    m = math.radians(2.5534 + 29.10535670 * k - 0.0000014 * t * t)
    mp = math.radians(201.5643 + 385.81693528 * k + 0.0107582 * t * t)
    f = math.radians(160.7108 + 390.67050284 * k - 0.0016118 * t * t)
    om = math.radians(124.7746 - 1.56375588 * k + 0.0020672 * t * t)
    jde += (
        -0.40720 * math.sin(mp)
        + 0.17241 * e * math.sin(m)
        + 0.01608 * math.sin(2 * mp)
        + 0.01039 * math.sin(2 * f)
        + 0.00739 * e * math.sin(mp - m)
        - 0.00514 * e * math.sin(mp + m)
        + 0.00208 * e * e * math.sin(2 * m)
        - 0.00111 * math.sin(mp - 2 * f)
        - 0.00057 * math.sin(mp + 2 * f)
        + 0.00056 * e * math.sin(2 * mp + m)
        - 0.00042 * math.sin(3 * mp)
        + 0.00042 * e * math.sin(m + 2 * f)
        + 0.00038 * e * math.sin(m - 2 * f)
        - 0.00024 * e * math.sin(2 * mp - m)
        - 0.00017 * math.sin(om)
    )
    return jde, f


def _new_moon_jde(k: int) -> float:
    return _new_moon(k)[0]


def _altitude(ecl_lon: float, ecl_lat: float, when: datetime) -> float:
    """Geocentric altitude (degrees) at Mecca of a body at ecliptic longitude/latitude (degrees)."""
    eps = math.radians(23.439)
    lam, beta = math.radians(ecl_lon), math.radians(ecl_lat)
    dec = math.asin(math.sin(beta) * math.cos(eps) + math.cos(beta) * math.sin(eps) * math.sin(lam))
    ra = math.atan2(math.sin(lam) * math.cos(eps) - math.tan(beta) * math.sin(eps), math.cos(lam))
    jd = when.timestamp() / 86400 + _JD_UNIX_EPOCH
    lst = math.radians((280.46061837 + 360.98564736629 * (jd - 2451545.0) + _MECCA_LON) % 360)
    lat = math.radians(_MECCA_LAT)
    sin_alt = math.sin(lat) * math.sin(dec) + math.cos(lat) * math.cos(dec) * math.cos(lst - ra)
    return math.degrees(math.asin(sin_alt))


def _sun_longitude(when: datetime) -> float:
    t = (when.timestamp() / 86400 + _JD_UNIX_EPOCH - 2451545.0) / 36525
    mean = math.radians(357.52911 + 35999.05029 * t)
    return 280.46646 + 36000.76983 * t + 1.914602 * math.sin(mean) + 0.019993 * math.sin(2 * mean)


def _moon_sets_after_sun(conjunction: datetime, f: float, sunset: datetime) -> bool:
    """Is the young moon still above the horizon when the sun sets? Its longitude runs ahead of the sun's by
    the mean elongation rate since conjunction; its latitude comes from F; parallax lowers it by ~0.95°."""
    hours = (sunset - conjunction).total_seconds() / 3600
    sun_lon = _sun_longitude(sunset)
    moon_lon = _sun_longitude(conjunction) + 12.19 / 24 * hours
    moon_lat = 5.128 * math.sin(f)
    moon_alt = _altitude(moon_lon, moon_lat, sunset)
    moon_alt -= 0.95 * math.cos(math.radians(moon_alt))
    return moon_alt > _altitude(sun_lon, 0.0, sunset)


def _jd_to_utc(jd: float) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=jd - _JD_UNIX_EPOCH)


def _sunset_utc(day: date) -> datetime:
    """Sunset at Mecca (NOAA's simple solar model; within a couple of minutes)."""
    n = day.timetuple().tm_yday
    gamma = 2 * math.pi / 365 * (n - 1)
    eqtime = 229.18 * (
        0.000075 + 0.001868 * math.cos(gamma) - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma) - 0.040849 * math.sin(2 * gamma)
    )
    decl = (
        0.006918 - 0.399912 * math.cos(gamma) + 0.070257 * math.sin(gamma) - 0.006758 * math.cos(2 * gamma)
        + 0.000907 * math.sin(2 * gamma) - 0.002697 * math.cos(3 * gamma) + 0.00148 * math.sin(3 * gamma)
    )
    lat = math.radians(_MECCA_LAT)
    cos_ha = math.cos(math.radians(90.833)) / (math.cos(lat) * math.cos(decl)) - math.tan(lat) * math.tan(decl)
    ha = math.degrees(math.acos(max(-1.0, min(1.0, cos_ha))))
    minutes = 720 - 4 * (_MECCA_LON - ha) - eqtime
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes)


@lru_cache(maxsize=1024)
def _month_start(year: int, month: int) -> date:
    guess = tabular_to_gregorian(year, month, 1)
    guess_jd = guess.toordinal() + 1721424.5
    k = round((guess_jd - 2451550.09766) / 29.530588861)
    # The conjunction that opens this month lies a day or two before the tabular first day.
    best = min((k - 1, k, k + 1), key=lambda c: abs(_new_moon_jde(c) - (guess_jd - 1.5)))
    jde, f = _new_moon(best)
    conjunction = _jd_to_utc(jde - _DELTA_T_DAYS)
    evening = (conjunction + _MECCA_OFFSET).date()
    sunset = _sunset_utc(evening)
    if conjunction >= sunset or not _moon_sets_after_sun(conjunction, f, sunset):
        evening += timedelta(days=1)
    return evening + timedelta(days=1)


def hijri_to_gregorian(year: int, month: int, day: int) -> date:
    """Gregorian date of a Hijri (Umm al-Qura) date; raises ValueError for impossible days."""
    if not (1 <= month <= 12 and 1 <= day <= 30 and 1 <= year <= 9000):
        raise ValueError(f"no Hijri date {year}-{month}-{day}")
    if year < _UMM_AL_QURA_FROM or year > 1600:
        return tabular_to_gregorian(year, month, day)
    return _month_start(year, month) + timedelta(days=day - 1)
