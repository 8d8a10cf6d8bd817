"""A site's ``locale`` decides the day/month order of the numeric dates it prints (issue 15).

Every Arabic locale, a locale without a region and no locale at all read "05/06/2024" day first (5 June: the
rule before locales were read); a locale whose short date is month first (``en-US``) reads it as 6 May. The
other order is never guessed: "13/06/2024" on a month-first site is no date.
"""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extraction import extract, parse_date
from crawler.extraction.dates import month_first
from crawler.registry import parse_registry

from .test_extract_api import PARAS, page


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (None, False), ("ar", False), ("ar-EG", False), ("ar_SA", False), ("en", False), ("en-GB", False),
        ("fr-DZ", False), ("en-US", True), ("en_US", True), ("en-us", True), ("en-Latn-US", True), ("en-PH", True),
    ],
)  # fmt: skip
def test_month_first_locales(locale: str | None, expected: bool) -> None:
    assert month_first(locale) is expected


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("05/06/2024", None, date(2024, 6, 5)),
        ("05/06/2024", "ar-EG", date(2024, 6, 5)),
        ("05/06/2024", "en-US", date(2024, 5, 6)),
        ("5-6-2024", "en_US", date(2024, 5, 6)),
        ("الأربعاء 05.06.2024", "ar-EG", date(2024, 6, 5)),
        ("الاثنين 05.06.2024", "en-US", date(2024, 5, 6)),
        ("13/06/2024", "ar-EG", date(2024, 6, 13)),
        ("06/13/2024", "en-US", date(2024, 6, 13)),
        # Year first is the same everywhere.
        ("2024/05/06", "ar-EG", date(2024, 5, 6)),
        ("2024/05/06", "en-US", date(2024, 5, 6)),
    ],
)
def test_numeric_dates_follow_the_site_locale(text: str, locale: str | None, expected: date) -> None:
    found = parse_date(text, locale=locale)
    assert found is not None and found.date() == expected


@pytest.mark.parametrize(("text", "locale"), [("06/13/2024", None), ("06/13/2024", "ar-EG"), ("13/06/2024", "en-US")])
def test_the_other_order_is_never_guessed(text: str, locale: str | None) -> None:
    assert parse_date(text, locale=locale) is None


def test_the_registry_locale_steers_the_extracted_date() -> None:
    entries = "".join(
        f'[[sites]]\nid = "{site_id}"\nname = "الخبر"\nname_en = "Al Khabar"\nurl = "https://{site_id}.example/"\n'
        f'country = "{country}"\ntimezone = "{tz}"\nlocale = "{locale}"\n[sites.selectors]\ndate = ".when"\n'
        for site_id, country, tz, locale in [
            ("cairo", "EG", "Africa/Cairo", "ar-EG"),
            ("newyork", "US", "America/New_York", "en-US"),
        ]
    )
    registry = parse_registry(entries)
    html = page(body='<span class="when">05/06/2024 10:30</span>' + PARAS)
    cairo, newyork = registry.get("cairo"), registry.get("newyork")
    assert cairo is not None and newyork is not None
    assert extract(html, "https://cairo.example/a", site=cairo).published == "2024-06-05T10:30:00+03:00"
    assert extract(html, "https://newyork.example/a", site=newyork).published == "2024-05-06T10:30:00-04:00"
