"""Hijri dates from the official Umm al-Qura table (issue 15), the tabular calendar outside it.

"Agree with the table": akhbar's reading of an Arabic date string ("14 صفر 1402 هـ") is the day the table
gives, as the ``hijridate`` package ships it, for dates spread over 1356-1499 AH.
"""

from __future__ import annotations

from datetime import date

import pytest
from hijridate import Hijri

from crawler.extraction import parse_date
from crawler.extraction.hijri import TABLE_FIRST_YEAR, TABLE_LAST_YEAR, hijri_to_gregorian, tabular_to_gregorian

MONTHS = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان",
          "شوال", "ذو القعدة", "ذو الحجة"]  # fmt: skip


def spread(count: int = 60, first: int = 1356, last: int = 1499) -> list[tuple[int, int, int]]:
    """``count`` Hijri dates, one a year from ``first`` to ``last``, every month in turn, days up to the 30th
    where the table's month has one."""
    dates = []
    for i in range(count):
        year = first + round(i * (last - first) / (count - 1))
        month = i % 12 + 1
        day = 1 + (i * 11) % Hijri(year, month, 1).month_length()
        dates.append((year, month, day))
    return dates


SPREAD = spread()


def test_the_spread_covers_the_range() -> None:
    years = [y for y, _, _ in SPREAD]
    assert len(set(SPREAD)) == 60 and min(years) == 1356 and max(years) == 1499
    assert {m for _, m, _ in SPREAD} == set(range(1, 13)) and any(d == 30 for _, _, d in SPREAD)


@pytest.mark.parametrize(("year", "month", "day"), SPREAD, ids=[f"{y}-{m:02d}-{d:02d}" for y, m, d in SPREAD])
def test_hijri_dates_agree_with_the_umm_al_qura_table(year: int, month: int, day: int) -> None:
    found = parse_date(f"{day} {MONTHS[month - 1]} {year} هـ")
    assert found is not None
    assert found.date() == Hijri(year, month, day).to_gregorian()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 صفر 1402 هـ", date(1981, 12, 10)),  # the astronomical computation said 1981-12-12
        ("14/02/1402 هـ", date(1981, 12, 10)),
        ("1 محرم 1400 هـ", date(1979, 11, 20)),  # the tabular calendar says the 21st
        ("1 رمضان 1445 هـ", date(2024, 3, 11)),
        ("1 محرم 1343 هـ", date(1924, 8, 1)),  # the table's first day
        ("30 ذو الحجة 1500 هـ", date(2077, 11, 16)),  # and its last
    ],
)
def test_known_pairs(text: str, expected: date) -> None:
    found = parse_date(text)
    assert found is not None and found.date() == expected


def test_outside_the_table_the_tabular_calendar() -> None:
    assert (TABLE_FIRST_YEAR, TABLE_LAST_YEAR) == (1343, 1500)
    # 1 Muharram 1200 AH was 4 November 1785 in the tabular calendar; Ramadan starts 236 days later.
    found = parse_date("1 رمضان 1200 هـ")
    assert found is not None and found.date() == date(1786, 6, 28) == tabular_to_gregorian(1200, 9, 1)
    assert hijri_to_gregorian(1342, 1, 1) == tabular_to_gregorian(1342, 1, 1) == date(1923, 8, 14)
    # The tabular year after the table follows on from its last day.
    assert hijri_to_gregorian(1501, 1, 1) == date(2077, 11, 17)


def test_a_30th_where_umm_al_qura_has_29_days_is_the_next_day() -> None:
    # Muharram 1445 has 29 days in the table; a page on a sighted calendar may still print its 30th.
    assert Hijri(1445, 1, 1).month_length() == 29
    assert hijri_to_gregorian(1445, 1, 30) == hijri_to_gregorian(1445, 2, 1) == date(2023, 8, 17)


@pytest.mark.parametrize(("year", "month", "day"), [(1445, 13, 1), (1445, 0, 1), (1445, 1, 31), (1445, 1, 0)])
def test_days_no_calendar_has_are_refused(year: int, month: int, day: int) -> None:
    with pytest.raises(ValueError):
        hijri_to_gregorian(year, month, day)
