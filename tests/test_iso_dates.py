"""One ISO 8601 rule for every reader of dates (issue 15): a time without an offset is in the site's time zone, a
date alone keeps date precision, an impossible value is None and never an exception.

Each of the former parsers (extraction, the normalize pipeline, feeds and sitemaps, the spider, the archive,
the exports) is asked the same questions and must give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from scrapy import Request
from scrapy.http import XmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.discovery.feeds import parse_feed
from crawler.discovery.model import parse_datetime
from crawler.discovery.sitemaps import parse_sitemap
from crawler.extraction import extract, parse_date
from crawler.items import Article
from crawler.pipelines.normalize import NormalizePipeline, iso_with_offset
from crawler.registry import Site, parse_registry
from crawler.spiders.news import NewsSpider
from crawler.storage.archive import to_utc
from crawler.text.dates import is_plausible, parse_iso
from exports.dates import parse_date as export_date

RIYADH = ZoneInfo("Asia/Riyadh")
NOW = datetime(2024, 5, 20, 12, tzinfo=UTC)
SITE = Site("riyadh", "الرياض", "Riyadh", "https://riyadh.example/", "SA", timezone="Asia/Riyadh")
BODY = (
    "<p>أعلنت وزارة الصحة اليوم عن افتتاح ثلاثة مستشفيات جديدة في المحافظات الجنوبية، بطاقة استيعابية تصل إلى"
    " ستمئة سرير، ضمن خطة لتحسين الخدمات الصحية في المناطق النائية خلال العام الجاري.</p>"
)


def _page(published: str) -> str:
    return (
        '<html><head><script type="application/ld+json">'
        f'{{"@type":"NewsArticle","headline":"افتتاح مستشفيات جديدة","datePublished":"{published}"}}'
        f"</script></head><body><article><h1>افتتاح مستشفيات جديدة</h1>{BODY}</article></body></html>"
    )


def _urlset(lastmod: str) -> bytes:
    return (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>https://riyadh.example/2024/05/12/story-1</loc><lastmod>{lastmod}</lastmod></url></urlset>"
    ).encode()


def _news_sitemap(published: str) -> bytes:
    return (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://riyadh.example/n/1</loc>'
        f"<news:news><news:publication_date>{published}</news:publication_date></news:news></url></urlset>"
    ).encode()


def _atom(updated: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://riyadh.example/n/1"/>'
        f"<updated>{updated}</updated></entry></feed>"
    ).encode()


def _aware(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _extracted(published: str) -> datetime | None:
    return _aware(extract(_page(published), "https://riyadh.example/a", site=SITE).published)


# Every reader that knows the site, as "text in, aware datetime (or None) out".
SITE_READERS: dict[str, Callable[[str], datetime | None]] = {
    "text.dates.parse_iso": lambda t: parse_iso(t, RIYADH, now=NOW),
    "extraction.parse_date": lambda t: parse_date(t, tz="Asia/Riyadh", now=NOW),
    "extract (JSON-LD datePublished)": _extracted,
    "normalize.iso_with_offset": lambda t: _aware(iso_with_offset(t, RIYADH, now=NOW)),
    "discovery.parse_datetime": lambda t: parse_datetime(t, RIYADH, now=NOW),
    "sitemap lastmod": lambda t: parse_sitemap(_urlset(t), "https://riyadh.example/s.xml", tz=RIYADH).links[0].updated,
    "news sitemap publication_date": lambda t: parse_sitemap(
        _news_sitemap(t), "https://riyadh.example/s.xml", tz=RIYADH
    ).links[0].published,
    "atom updated": lambda t: parse_feed(_atom(t), "https://riyadh.example/atom", tz=RIYADH).links[0].updated,
}

SAME_ANSWERS = [
    # A time without an offset is in the site's time zone.
    ("2024-05-12T10:35:00", "2024-05-12T10:35:00+03:00"),
    ("2024-05-12 10:35", "2024-05-12T10:35:00+03:00"),
    ("2024-05-12T10:35:00.250", "2024-05-12T10:35:00+03:00"),
    # A printed offset wins, and is kept as printed.
    ("2024-05-12T07:35:00Z", "2024-05-12T07:35:00+00:00"),
    ("2024-05-12T10:35:00+03:00", "2024-05-12T10:35:00+03:00"),
    ("2024-05-12T09:35:00+0200", "2024-05-12T09:35:00+02:00"),
    ("2024-05-12T12:35:00+05", "2024-05-12T12:35:00+05:00"),
    # A date alone: that day where it was printed, not a moment a conversion could move to the day before.
    ("2024-05-12", "2024-05-12T00:00:00+03:00"),
    ("2024-05-12-04:00", "2024-05-12T00:00:00-04:00"),
]


@pytest.mark.parametrize("reader", list(SITE_READERS))
@pytest.mark.parametrize(("text", "expected"), SAME_ANSWERS)
def test_every_reader_gives_the_same_answer(reader: str, text: str, expected: str) -> None:
    found = SITE_READERS[reader](text)
    # Whole seconds: extraction reports a date to the second.
    assert found is not None and found.replace(microsecond=0).isoformat() == expected


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59-23:59", "1899-12-31T12:00:00+00:00", "2099-01-01T00:00:00"])
@pytest.mark.parametrize("reader", [r for r in SITE_READERS if not r.startswith("extract")])
def test_impossible_values_are_none_for_every_judging_reader(reader: str, text: str) -> None:
    assert SITE_READERS[reader](text) is None


@pytest.mark.parametrize("text", ["2024-02-30", "2024-05-12T25:00", "2024-05-12T10:00+24:00", "20240512", "", "غدا"])
@pytest.mark.parametrize("reader", list(SITE_READERS))
def test_junk_is_none_for_every_reader(reader: str, text: str) -> None:
    if not text and reader.startswith("extract "):
        pytest.skip("an empty datePublished is no date at all: nothing to read")
    assert SITE_READERS[reader](text) is None


def test_extraction_reports_an_impossible_stamp_as_written_for_normalize_to_judge() -> None:
    # Extraction says what the page says; the normalize pipeline clears it and counts it (bad_field/published).
    got = extract(_page("9999-12-31T23:59:59-23:59"), "https://riyadh.example/2024/05/12/a", site=SITE)
    assert got.published == "9999-12-31T23:59:59-23:59"
    assert parse_iso(got.published, RIYADH) is None
    assert parse_iso(got.published, RIYADH, plausible=False) is not None


def test_the_bounds_are_1900_and_two_days_after_now() -> None:
    assert is_plausible(datetime(1900, 1, 1, tzinfo=UTC), NOW)
    assert not is_plausible(datetime(1899, 12, 31, 23, 59, tzinfo=UTC), NOW)
    assert is_plausible(NOW + timedelta(days=2), NOW)
    assert not is_plausible(NOW + timedelta(days=2, seconds=1), NOW)
    assert not is_plausible(datetime(9999, 12, 31, 23, 59, tzinfo=timezone(-timedelta(hours=23))), NOW)


def test_readers_without_a_site_take_utc_and_agree() -> None:
    for text in ("2024-05-12T10:35:00+03:00", "2024-05-12T07:35:00Z", "2024-05-12T07:35:00"):
        assert to_utc(text) == "2024-05-12T07:35:00+00:00"
        moment = export_date(text)
        assert moment is not None and moment == parse_iso(text, UTC) == datetime(2024, 5, 12, 7, 35, tzinfo=UTC)
    assert to_utc("9999-12-31T23:59:59-23:59") is None and export_date("9999-12-31T23:59:59-23:59") is None
    assert to_utc("20240512") is None and export_date("20240512") is None


def test_rss_dates_follow_the_same_rule() -> None:
    # RFC 822 without a zone is the site's; "-0000" is UTC from a sender that does not know its zone.
    assert parse_datetime("Sun, 12 May 2024 10:35:00", RIYADH) == datetime(2024, 5, 12, 10, 35, tzinfo=RIYADH)
    assert parse_datetime("Sun, 12 May 2024 10:35:00 -0000", RIYADH) == datetime(2024, 5, 12, 10, 35, tzinfo=UTC)
    assert parse_datetime("Sun, 12 May 2024 10:35:00 +0300", RIYADH) == datetime(2024, 5, 12, 7, 35, tzinfo=UTC)
    assert parse_datetime("Mon, 01 Jan 99999999999999999999 00:00:00 GMT", RIYADH) is None


def test_normalize_gives_naive_dates_the_site_zone_and_counts_impossible_ones() -> None:
    registry = parse_registry(
        '[[sites]]\nid = "riyadh"\nname = "الرياض"\nname_en = "Riyadh"\nurl = "https://riyadh.example/"\n'
        'country = "SA"\ntimezone = "Asia/Riyadh"\n'
    )
    stats = MemoryStatsCollector(get_crawler())
    item = Article(url="https://riyadh.example/a", site="riyadh", title="عنوان", body="نص " * 20,
                   published="2024-05-12T10:35:00", modified="9999-12-31T23:59:59-23:59")  # fmt: skip
    NormalizePipeline(registry, stats).process_item(item)
    assert item.published == "2024-05-12T10:35:00+03:00"
    assert item.modified is None
    assert stats.get_value("akhbar/site/riyadh/bad_field/modified") == 1
    assert stats.get_value("akhbar/site/riyadh/bad_field/published") is None


def test_the_spider_reads_a_sitemap_in_the_site_zone(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[sites]]\nid = "riyadh"\nname = "الرياض"\nname_en = "Riyadh"\nurl = "https://riyadh.example/"\n'
        'country = "SA"\ntimezone = "Asia/Riyadh"\nsitemaps = ["https://riyadh.example/s.xml"]\n',
        encoding="utf-8",
    )
    crawler = get_crawler(
        NewsSpider, {"AKHBAR_SITES": str(sites), "AKHBAR_DB": str(tmp_path / "a.db"), "AKHBAR_SINCE_DAYS": 0}
    )
    spider = NewsSpider.from_crawler(crawler)
    request = Request("https://riyadh.example/s.xml", meta={"site": "riyadh"})
    response = XmlResponse(request.url, body=_urlset("2024-05-12T10:35:00"), request=request)
    (article,) = list(spider.parse_sitemap(response))
    assert article.meta["source_updated"] == "2024-05-12T10:35:00+03:00"


def test_validate_reads_the_published_date_by_the_same_rule() -> None:
    from scrapy.exceptions import DropItem

    from crawler.pipelines.validate import ValidatePipeline

    registry = parse_registry(
        '[[sites]]\nid = "riyadh"\nname = "الرياض"\nname_en = "Riyadh"\nurl = "https://riyadh.example/"\n'
        'country = "SA"\ntimezone = "Asia/Riyadh"\n'
    )
    pipeline = ValidatePipeline(registry, MemoryStatsCollector(get_crawler()), min_body_chars=10, since_days=3)

    def item(published: str) -> Article:
        return Article(url="https://riyadh.example/a", site="riyadh", title="عنوان", body="نص " * 20,
                       canonical_url="https://riyadh.example/a", published=published)  # fmt: skip

    # A naive time (an item that did not come through normalize) is the site's, not a TypeError.
    with pytest.raises(DropItem, match="too_old"):
        pipeline.process_item(item("2000-01-01T00:00:00"))
    recent = datetime.now(RIYADH).replace(tzinfo=None, microsecond=0).isoformat()
    assert pipeline.process_item(item(recent)).published == recent
