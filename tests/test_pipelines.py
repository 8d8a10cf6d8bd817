"""The four item pipelines, each built from settings as Scrapy builds it (``get_crawler``) and fed articles by
hand, in the crawl's order: normalize → validate → dedupe → store. No process, no server, no reactor."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler
from twisted.internet import defer

from crawler.items import Article
from crawler.pipelines.dedupe import DedupePipeline
from crawler.pipelines.normalize import NormalizePipeline
from crawler.pipelines.store import StorePipeline
from crawler.pipelines.validate import ValidatePipeline
from crawler.storage.fingerprint import fingerprint
from tests.conftest import TEST_SITES_FILE

BODY = "قال وزير المالية إن الموازنة الجديدة تخصص مبالغ أكبر للتعليم والصحة في المحافظات الشمالية هذا العام."


def stats_of(crawler: Crawler) -> StatsCollector:
    assert crawler.stats is not None
    return crawler.stats


def build(component: Any, **settings: Any) -> tuple[Any, StatsCollector]:
    """``component.from_crawler`` on a crawler whose registry is tests/fixtures/test_sites.toml."""
    crawler = get_crawler(settings_dict={"AKHBAR_SITES": str(TEST_SITES_FILE), **settings})
    return component.from_crawler(crawler), stats_of(crawler)


def article(path: str = "/news/1", site: str = "alpha", **fields: Any) -> Article:
    fields.setdefault("title", "الموازنة الجديدة")
    fields.setdefault("body", BODY)
    return Article(url=f"https://{site}.example{path}", site=site, **fields)


def normalized(*articles: Article) -> list[Article]:
    normalize, _ = build(NormalizePipeline)
    return [normalize.process_item(a) for a in articles]


def drops(stats: StatsCollector) -> dict[str, Any]:
    return {k: v for k, v in stats.get_stats().items() if "dropped" in k}


# Normalize


def test_normalize_cleans_display_text_without_changing_what_a_reader_sees() -> None:
    normalize, stats = build(NormalizePipeline)
    item = normalize.process_item(
        article(
            title="  عاجل:\x00 الموازنة\r\nالجديدة  ",
            summary="   ",
            body="سطر  أول\n\n\n  سطر\tثانٍ  \x07",
            authors=[" أحمد  علي ", "", "  "],
            tags=["اقتصاد", " اقتصاد ", "موازنة"],
            agencies=["anadolu", "afp", "anadolu"],
        )
    )
    assert item.title == "عاجل: الموازنة الجديدة"  # one line, NUL gone, spaces collapsed
    assert item.summary is None  # blank is absent, not ""
    assert item.body == "سطر أول\nسطر ثانٍ"  # paragraphs kept, harakat (the tanween of ثانٍ) kept
    assert item.authors == ["أحمد علي"]
    assert item.tags == ["اقتصاد", "موازنة"]
    assert item.agencies == ["anadolu", "afp"]
    assert not drops(stats)


def test_normalize_gives_dates_the_site_offset_and_counts_the_dates_it_cannot_read() -> None:
    normalize, stats = build(NormalizePipeline)
    cairo = normalize.process_item(article(site="beta", published="2024-01-15T10:00:00", modified="2024-01-15T09:00Z"))
    assert cairo.published == "2024-01-15T10:00:00+02:00"  # a naive time is the site's (Africa/Cairo, winter)
    assert cairo.modified == "2024-01-15T09:00:00+00:00"  # an explicit offset is kept
    bad = normalize.process_item(article(published="قبل ساعة", modified="9999-12-31T23:59:59-23:59"))
    assert bad.published is None and bad.modified is None  # no date beats a wrong one
    assert stats.get_value("akhbar/site/alpha/bad_field/published") == 1
    assert stats.get_value("akhbar/site/alpha/bad_field/modified") == 1
    assert stats.get_value("akhbar/site/beta/bad_field/published") is None


@pytest.mark.parametrize(
    ("url", "declared", "expected"),
    [
        ("http://ALPHA.example/n/1?utm_source=x&id=3#top", None, "https://alpha.example/n/1?id=3"),
        ("https://alpha.example/amp/n/1", "https://alpha.example/n/1", "https://alpha.example/n/1"),
        ("https://alpha.example/n/1", "https://partner.example/story", "https://alpha.example/n/1"),
        ("https://alpha.example/n/1", "https://alpha.example/", "https://alpha.example/n/1"),
    ],
    ids=["tracking-and-scheme", "declared-on-site", "declared-elsewhere", "declared-homepage"],
)
def test_normalize_chooses_the_canonical_url_on_the_site(url: str, declared: str | None, expected: str) -> None:
    normalize, _ = build(NormalizePipeline)
    item = normalize.process_item(Article(url=url, site="alpha", title="عنوان", body=BODY, canonical_url=declared))
    assert item.canonical_url == expected


def test_normalize_fingerprints_the_cleaned_text_once() -> None:
    # The extraction worker's fingerprint is kept when it fits the cleaned text, else made again from it.
    kept = fingerprint("الموازنة الجديدة", BODY)
    (item,) = normalized(article(title=" الموازنة  الجديدة ", fingerprint=kept))
    assert item.fingerprint is kept and item.content_hash == kept.content_hash
    stale = fingerprint("عنوان آخر", "نص آخر لمقال آخر")
    (item,) = normalized(article(fingerprint=stale))
    assert item.fingerprint is not stale and item.fingerprint is not None
    assert item.fingerprint.fits(item.title, item.body) and item.content_hash == kept.content_hash


# Validate


def valid(**fields: Any) -> Article:
    (item,) = normalized(article(**fields))
    return item


def unnormalized(site: str, canonical_url: str) -> Article:
    """An article as normalize never passes one on (its site unknown, its canonical URL elsewhere)."""
    return Article(url=f"https://{site}.example/n/1", site=site, title="عنوان", body=BODY, canonical_url=canonical_url)


DROPPED = {
    "unknown_site": unnormalized("delta", "https://delta.example/n/1"),
    "offsite": unnormalized("alpha", "https://beta.example/n/1"),
    "no_title": valid(title="   "),
    "too_short": valid(body="خبر قصير."),
    "wrong_language": valid(language="fa"),
    "too_old": valid(published="2020-01-01T08:00:00+03:00"),
}


@pytest.mark.parametrize(("reason", "item"), DROPPED.items(), ids=DROPPED)
def test_validate_drops_what_is_not_a_storable_article_and_counts_it_by_reason(reason: str, item: Article) -> None:
    validate, stats = build(ValidatePipeline)
    with pytest.raises(DropItem, match=rf"^{reason}: .*<{re.escape(item.url)}>$"):
        validate.process_item(item)
    assert drops(stats) == {
        f"akhbar/dropped/{reason}": 1,
        f"akhbar/site/{item.site}/dropped": 1,
        f"akhbar/site/{item.site}/dropped/{reason}": 1,
    }


def test_validate_keeps_a_storable_article() -> None:
    validate, stats = build(ValidatePipeline, AKHBAR_MIN_BODY_CHARS=30, AKHBAR_SINCE_DAYS=3)
    for item in (valid(), valid(language="ar"), valid(language=None), valid(body="خبر" * 10)):
        assert validate.process_item(item) is item
    # An edit of an article the archive holds is kept whatever its age; --since 0 keeps every age.
    assert validate.process_item(valid(published="2020-01-01T08:00:00+03:00", known=True))
    everything, _ = build(ValidatePipeline, AKHBAR_SINCE_DAYS=0)
    assert everything.process_item(valid(published="2020-01-01T08:00:00+03:00"))
    assert not drops(stats)


# Dedupe

NAMES = ["الأول", "الثاني", "الثالث"]


def numbered(n: int) -> Article:
    """Article n: its own URL and its own text."""
    (item,) = normalized(article(f"/news/{n}", title=f"الخبر {NAMES[n]}", body=f"{BODY} الخبر {NAMES[n]}"))
    return item


def test_dedupe_drops_what_this_run_has_seen_under_the_same_url_or_the_same_text() -> None:
    dedupe, stats = build(DedupePipeline)
    first, same_url, same_text, other_site, other = normalized(
        article("/news/1"),
        article("/news/1", body=BODY + " (محدّث)"),  # a URL listed by both a feed and a sitemap
        article("/news/1-amp"),  # the same page reached through another path
        article("/news/1", site="beta"),  # one wire story carried by two sites: both are kept here
        article("/news/2", title="خبر آخر", body=BODY + " وأضاف أن"),
    )
    for item in (first, other_site, other):
        assert dedupe.process_item(item) is item
    for item in (same_url, same_text):
        with pytest.raises(DropItem, match=r"^duplicate_in_run: "):
            dedupe.process_item(item)
    assert stats.get_value("akhbar/site/alpha/duplicates") == 2
    assert stats.get_value("akhbar/dropped/duplicate_in_run") == 2
    assert stats.get_value("akhbar/site/beta/duplicates") is None


def test_dedupe_remembers_a_bounded_number_of_the_keys_it_met_last() -> None:
    dedupe, _ = build(DedupePipeline, AKHBAR_DEDUPE_CACHE_SIZE=4)  # two articles: a URL and a text each
    dedupe.process_item(numbered(0))
    dedupe.process_item(numbered(1))
    with pytest.raises(DropItem):
        dedupe.process_item(numbered(0))  # a repeat, and now the most recently met
    dedupe.process_item(numbered(2))  # pushes out the keys met longest ago: article 1's
    assert len(dedupe.seen) == 4
    with pytest.raises(DropItem):
        dedupe.process_item(numbered(0))
    assert dedupe.process_item(numbered(1))  # forgotten: kept


# Store


class Engine:
    """Stands in for Scrapy's engine: records the reason the store stage closes the spider with."""

    def __init__(self) -> None:
        self.closed: list[str] = []

    def close_spider_async(self, *, reason: str) -> defer.Deferred[None]:
        self.closed.append(reason)
        return defer.succeed(None)


class Timer:
    """Stands in for the LoopingCall of timed commits, so that no reactor is installed: a test ticks it."""

    started: ClassVar[list[Timer]] = []

    def __init__(self, tick: Callable[[], None]) -> None:
        self.tick = tick
        self.running = False
        Timer.started.append(self)

    def start(self, interval: float, now: bool = True) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False


@pytest.fixture(autouse=True)
def _timer(monkeypatch: pytest.MonkeyPatch) -> None:
    Timer.started = []
    monkeypatch.setattr("crawler.pipelines.store.task.LoopingCall", Timer)


def store_pipeline(db: Path, **settings: Any) -> tuple[StorePipeline, StatsCollector, Engine]:
    crawler = get_crawler(
        settings_dict={
            "AKHBAR_SITES": str(TEST_SITES_FILE),
            "AKHBAR_DB": str(db),
            "AKHBAR_STORE_BATCH_SIZE": 2,
            "AKHBAR_STORE_COMMIT_SECONDS": 60,
            **settings,
        }
    )
    engine = Engine()
    crawler.engine = engine  # type: ignore[assignment]
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline, stats_of(crawler), engine


def stored(db: Path) -> dict[str, str]:
    """canonical URL → title of every article, read as another process would."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT canonical_url, title FROM articles ORDER BY id"))
    finally:
        conn.close()


def finish(pipeline: StorePipeline, reason: str = "finished") -> None:
    pipeline.close_spider()
    pipeline.record_run(None, reason)


def run_row(db: Path, run_id: int) -> tuple[str, dict[str, int]]:
    conn = sqlite3.connect(db)
    try:
        (status,) = conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
        sites = conn.execute("SELECT site, stored FROM run_sites WHERE run_id = ?", (run_id,)).fetchall()
        return status, dict(sites)
    finally:
        conn.close()


def test_store_commits_batches_and_records_the_run(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    items = [numbered(0), numbered(1), *normalized(article("/news/1", site="beta"))]
    pipeline, stats, engine = store_pipeline(db)
    passed = [pipeline.process_item(item) for item in items]
    assert all(item.fingerprint is None for item in passed)  # derived index data is not passed on to exporters
    assert len(stored(db)) == 2  # the first batch is committed, the third article waits for the next
    finish(pipeline)
    assert stored(db) == {
        "https://alpha.example/news/0": "الخبر الأول",
        "https://alpha.example/news/1": "الخبر الثاني",
        "https://beta.example/news/1": "الموازنة الجديدة",
    }
    assert stats.get_value("akhbar/articles/stored") == 3 and stats.get_value("akhbar/site/alpha/stored") == 2
    assert run_row(db, pipeline.run_id) == ("finished", {"alpha": 2, "beta": 1})
    assert engine.closed == []

    # The next run: an unchanged page is seen again, an edited one is updated, nothing is stored twice.
    again, stats, _ = store_pipeline(db)
    edited = numbered(1)
    edited.title, edited.body = "الخبر الثاني معدّلاً", edited.body + " وأضاف أن الموازنة ستعرض على البرلمان."
    for item in (numbered(0), *normalized(edited)):
        again.process_item(item)
    finish(again)
    assert stats.get_value("akhbar/site/alpha/unchanged") == 1 and stats.get_value("akhbar/site/alpha/updated") == 1
    assert stats.get_value("akhbar/articles/stored") is None
    assert stored(db)["https://alpha.example/news/1"] == "الخبر الثاني معدّلاً" and len(stored(db)) == 3


def test_pending_articles_are_committed_once_older_than_the_commit_interval(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    pipeline, stats, _ = store_pipeline(db, AKHBAR_STORE_BATCH_SIZE=100, AKHBAR_STORE_COMMIT_SECONDS=0.2)
    (timer,) = Timer.started
    assert timer.running
    pipeline.process_item(numbered(0))
    time.sleep(0.25)
    timer.tick()  # what the reactor does every 0.1 s of a crawl
    assert set(stored(db)) == {"https://alpha.example/news/0"}  # a crash now loses nothing
    finish(pipeline)
    assert not timer.running and stats.get_value("akhbar/articles/stored") == 1


def test_an_article_the_archive_refuses_costs_only_that_article(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    # Past validate by mistake, an article of a site the archive does not hold: its foreign key refuses it.
    refused = unnormalized("delta", "https://delta.example/n/1")
    pipeline, stats, engine = store_pipeline(db, AKHBAR_STORE_BATCH_SIZE=3)
    for item in (numbered(0), refused, numbered(1)):  # one batch
        pipeline.process_item(item)
    finish(pipeline)
    assert set(stored(db)) == {"https://alpha.example/news/0", "https://alpha.example/news/1"}
    assert stats.get_value("akhbar/dropped/store_error") == 1
    assert stats.get_value("akhbar/site/delta/dropped/store_error") == 1
    assert stats.get_value("akhbar/site/alpha/stored") == 2
    assert pipeline.failure is None and engine.closed == []
    assert run_row(db, pipeline.run_id)[0] == "finished"


def test_an_archive_that_cannot_be_written_stops_the_run_and_counts_what_was_lost(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    items = [numbered(n) for n in range(3)]
    pipeline, stats, engine = store_pipeline(db)
    pipeline.archive.conn.execute("PRAGMA query_only = ON")  # every write now fails as on a read-only disk
    pipeline.process_item(items[0])
    pipeline.process_item(items[1])  # the batch is full: the write fails
    assert engine.closed == ["store_failed"]
    assert pipeline.failure is not None and "readonly" in pipeline.failure
    assert stats.get_value("akhbar/store_failed") == pipeline.failure
    with pytest.raises(DropItem, match=r"^store_failed: "):
        pipeline.process_item(items[2])  # later articles are counted lost, never tried nor reported stored
    finish(pipeline, "store_failed")
    assert stats.get_value("akhbar/site/alpha/store_failed") == 3
    assert stats.get_value("akhbar/articles/stored") is None
    assert stored(db) == {}
