"""Visible Arabic dates: the shared dates.tsv table and the regional forms the issue lists."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta

import pytest

from crawler.extraction import parse_date
from crawler.extraction.dates import format_date
from crawler.extraction.hijri import hijri_to_gregorian, tabular_to_gregorian

from .extraction_helpers import CORPUS

ROWS = list(csv.DictReader((CORPUS / "dates.tsv").open(encoding="utf-8"), delimiter="\t")) if CORPUS.exists() else []


@pytest.mark.skipif(not ROWS, reason="shared corpus not present")
@pytest.mark.parametrize("row", ROWS, ids=[r["text"] for r in ROWS])
def test_dates_table(row: dict[str, str]) -> None:
    now = datetime.fromisoformat(row["reference_now"]) if row["reference_now"] else None
    found = parse_date(row["text"], now=now)
    assert found is not None
    assert found.date() == date.fromisoformat(row["expected"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الأحد 14 جانفي 2024", "2024-01-14"),  # Algeria/Tunisia
        ("3 أوت 2023", "2023-08-03"),
        ("الأحد 18 غشت 2024", "2024-08-18"),  # Morocco
        ("5 شتنبر 2022", "2022-09-05"),
        ("12 كانون الأول 2021", "2021-12-12"),  # Levant, Iraq
        ("1 تشرين الثاني/نوفمبر 2020", "2020-11-01"),  # paired form
        ("٢٣ يونيو ٢٠٢٤", "2024-06-23"),  # Arabic-Indic digits
        ("\u200f15\u200f/03\u200f/2022", "2022-03-15"),  # right-to-left marks
        ("15 رمضان 1445 هـ", "2024-03-25"),  # Hijri only, Umm al-Qura
        ("1 ذو الحجة 1444", "2023-06-19"),
        ("نشر في: 2024/05/12", "2024-05-12"),
    ],
)
def test_regional_forms(text: str, expected: str) -> None:
    found = parse_date(text)
    assert found is not None and found.date() == date.fromisoformat(expected)


def test_pm_marker_and_site_timezone() -> None:
    found = parse_date("الإثنين، 13 مايو 2024 06:00 م", tz="Africa/Cairo")
    assert format_date(found) == "2024-05-13T18:00:00+03:00"


def test_am_marker_with_arabic_indic_digits() -> None:
    found = parse_date("الأحد ١٤ شباط ٢٠١٠ ٠٣:٢٥ ص", tz="Asia/Damascus")
    assert format_date(found) == "2010-02-14T03:25:00+02:00"


def test_printed_offset_beats_site_timezone() -> None:
    found = parse_date("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)", tz="Asia/Damascus")
    assert found is not None and found.utcoffset() == timedelta(hours=4)


def test_iso_stamp_keeps_its_offset() -> None:
    assert format_date(parse_date("2024-05-12T10:35:00+03:00", tz="UTC")) == "2024-05-12T10:35:00+03:00"


def test_relative_against_crawl_time() -> None:
    now = datetime(2024, 5, 12, 12, 0, tzinfo=UTC)
    assert parse_date("منذ ساعتين", now=now) == now - timedelta(hours=2)
    assert parse_date("قبل 5 دقائق", now=now) == now - timedelta(minutes=5)
    assert parse_date("منذ يومين", now=now) == now - timedelta(days=2)
    assert parse_date("أمس", now=now).date() == date(2024, 5, 11)  # type: ignore[union-attr]


def test_date_without_year_is_in_the_past() -> None:
    now = datetime(2024, 1, 10, tzinfo=UTC)
    assert parse_date("28 ديسمبر", now=now).date() == date(2023, 12, 28)  # type: ignore[union-attr]
    assert parse_date("5 يناير", now=now).date() == date(2024, 1, 5)  # type: ignore[union-attr]


def test_gregorian_beats_hijri_when_both_are_printed() -> None:
    assert parse_date("11 شوال 1441هـ - 03 يونيو 2020م").date() == date(2020, 6, 3)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("hijri", "gregorian"),
    [
        # Month starts as the Umm al-Qura calendar printed them (Ramadan, Shawwal, Dhu al-Hijja, Muharram).
        ((1445, 9, 1), date(2024, 3, 11)),
        ((1445, 10, 1), date(2024, 4, 10)),
        ((1444, 9, 1), date(2023, 3, 23)),
        ((1444, 12, 10), date(2023, 6, 28)),
        ((1446, 1, 1), date(2024, 7, 7)),
        ((1441, 10, 1), date(2020, 5, 24)),
        ((1434, 8, 11), date(2013, 6, 20)),  # a conjunction minutes before sunset, the moon setting first
    ],
)
def test_umm_al_qura(hijri: tuple[int, int, int], gregorian: date) -> None:
    assert hijri_to_gregorian(*hijri) == gregorian


def test_tabular_fallback_before_umm_al_qura_rules() -> None:
    assert abs((hijri_to_gregorian(1400, 1, 1) - tabular_to_gregorian(1400, 1, 1)).days) == 0


@pytest.mark.parametrize("text", ["", "بدون تاريخ", "اقرأ أيضا", "32 يناير 2024", "العدد 2024"])
def test_no_date(text: str) -> None:
    assert parse_date(text) is None


def test_numeric_hijri_year_first() -> None:
    assert parse_date("1445/10/15 هـ").date() == date(2024, 4, 24)  # type: ignore[union-attr]


def test_relative_date_in_site_zone_when_now_is_not_given() -> None:
    found = parse_date("منذ ساعتين", tz="Asia/Riyadh")
    assert found is not None and found.utcoffset() == timedelta(hours=3)
