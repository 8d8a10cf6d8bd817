"""Pages in a language the site does not publish in are counted as ``wrong_language`` and not stored.

An Arabic site whose feed lists its Arabic articles and, among them, one Persian and one Urdu page (all served
with the site template's ``lang="ar"``). Crawled twice: with the registry's default languages (``["ar"]``) both
are dropped; with ``languages = ["ar", "fa"]`` the Persian one is stored and only the Urdu one is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html import escape
from pathlib import Path

import pytest
from runs import Run, crawl, stored_urls
from sites import NOW, Article, Reply, SiteServer, TestSite, make_articles

from crawler.pipelines.store import per_site_figures

SITE = "arabdaily"
PERSIAN = Article(
    slug="tehran-story-0101-economy-support-plan",
    title="دولت بسته حمایتی تازه‌ای برای کسب‌وکارهای کوچک اعلام کرد",
    published=NOW - timedelta(hours=1),
)
PERSIAN_BODY = [
    "سخنگوی دولت روز سه‌شنبه در نشست خبری هفتگی اعلام کرد که بسته حمایتی تازه‌ای برای کسب‌وکارهای کوچک و"
    " متوسط در نظر گرفته شده است.",
    "به گفته او، این بسته شامل وام‌های کم‌بهره و معافیت مالیاتی دو ساله است و از ماه آینده اجرا می‌شود.",
    "کارشناسان اقتصادی می‌گویند که این اقدام می‌تواند به کاهش بیکاری در استان‌های مرزی کمک کند، اما اثر آن بر"
    " تورم هنوز روشن نیست.",
]
URDU = Article(
    slug="lahore-story-0102-economy-support-plan",
    title="حکومت نے چھوٹے کاروباروں کے لیے نئے امدادی پیکج کا اعلان کر دیا",
    published=NOW - timedelta(hours=1, minutes=5),
)
URDU_BODY = [
    "وفاقی حکومت نے منگل کے روز چھوٹے اور درمیانے درجے کے کاروباروں کے لیے ایک نئے امدادی پیکج کا اعلان کیا ہے۔",
    "وزیر خزانہ نے پریس کانفرنس میں بتایا کہ اس پیکج میں کم شرح سود پر قرضے اور دو سال کے لیے ٹیکس میں چھوٹ"
    " شامل ہے۔",
    "ماہرین کا کہنا ہے کہ اس اقدام سے سرحدی اضلاع میں بے روزگاری کم کرنے میں مدد ملے گی۔",
]


def foreign_page(site: TestSite, article: Article, paragraphs: list[str]) -> bytes:
    """The site's own template (``lang="ar"``) around a page written in another language."""
    url, title, when = escape(site.url(article.path)), escape(article.title), article.published.isoformat()
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"><meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{when}"><link rel="canonical" href="{url}"></head>'
        f'<body><article><h1>{title}</h1><time datetime="{when}">{article.published:%Y-%m-%d}</time>{body}'
        "</article></body></html>"
    ).encode()


@dataclass
class Crawled:
    site: TestSite
    arabic: set[str]
    default: Run
    default_db: Path
    with_persian: Run
    with_persian_db: Path


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    tmp = tmp_path_factory.mktemp("wrong_language")
    server = SiteServer(host_base=140)
    arabic = make_articles(SITE, 4)
    site = server.add(SITE, [*arabic, PERSIAN, URDU])
    server.entry(SITE).feeds = [site.feed("/feed/")]
    with server:
        site.pages[PERSIAN.path] = Reply(200, foreign_page(site, PERSIAN, PERSIAN_BODY))
        site.pages[URDU.path] = Reply(200, foreign_page(site, URDU, URDU_BODY))
        registry = server.write_registry(tmp / "sites.toml")
        default = crawl(registry, tmp / "default.db")
        allowing = tmp / "sites-fa.toml"
        # The registry holds this one site: a key appended at the end belongs to its table.
        allowing.write_text(registry.read_text(encoding="utf-8") + 'languages = ["ar", "fa"]\n', encoding="utf-8")
        with_persian = crawl(allowing, tmp / "with-persian.db")
    return Crawled(site, {site.url(a.path) for a in arabic}, default, tmp / "default.db", with_persian,
                   tmp / "with-persian.db")  # fmt: skip


@pytest.mark.slow
def test_crawls_finish(crawled: Crawled) -> None:
    for run in (crawled.default, crawled.with_persian):
        assert run.process.returncode == 0, run.log[-3000:]
        assert run.stats.get("finish_reason") == "finished"
        assert run.site(SITE, "articles_found") == 6


@pytest.mark.slow
def test_persian_and_urdu_pages_are_dropped_as_wrong_language(crawled: Crawled) -> None:
    run = crawled.default
    assert run.site(SITE, "dropped/wrong_language") == 2
    assert run.stats.get("akhbar/dropped/wrong_language") == 2
    assert run.site(SITE, "dropped") == 2
    assert stored_urls(crawled.default_db, SITE) == crawled.arabic
    assert run.site(SITE, "stored") == 4
    # Each drop is logged with its URL, and the end-of-run summary gives the reason.
    assert f"wrong_language: in fa, not ar <{crawled.site.url(PERSIAN.path)}>" in run.log
    assert f"wrong_language: in ur, not ar <{crawled.site.url(URDU.path)}>" in run.log
    assert "2 (wrong_language 2)" in run.process.stdout
    figures = per_site_figures(run.stats)[SITE]
    assert figures["dropped"] == 2 and figures["detail"]["dropped/wrong_language"] == 2
    assert figures["status"] == "ok"


@pytest.mark.slow
def test_an_allowed_language_is_stored(crawled: Crawled) -> None:
    run = crawled.with_persian
    assert stored_urls(crawled.with_persian_db, SITE) == crawled.arabic | {crawled.site.url(PERSIAN.path)}
    assert run.site(SITE, "dropped/wrong_language") == 1
    assert f"wrong_language: in ur, not ar/fa <{crawled.site.url(URDU.path)}>" in run.log
    assert "1 (wrong_language 1)" in run.process.stdout


@pytest.mark.slow
def test_stored_articles_carry_their_detected_language(crawled: Crawled) -> None:
    import sqlite3

    conn = sqlite3.connect(crawled.with_persian_db)
    try:
        languages = dict(conn.execute("SELECT url, language FROM articles WHERE site = ?", (SITE,)).fetchall())
    finally:
        conn.close()
    assert languages == {**dict.fromkeys(crawled.arabic, "ar"), crawled.site.url(PERSIAN.path): "fa"}


@pytest.mark.parametrize(
    ("language", "languages", "kept"),
    [("ar", None, True), (None, None, True), ("fa", None, False), ("en", None, False), ("ar-EG", None, True),
     ("en", '["ar", "en"]', True), ("ckb", '["ar", "ckb"]', True), ("ur", '["ar", "fa"]', False)],
)  # fmt: skip
def test_validate_keeps_the_site_languages_and_articles_of_unknown_language(
    language: str | None, languages: str | None, kept: bool
) -> None:
    from scrapy.exceptions import DropItem
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from crawler.items import Article as Item
    from crawler.pipelines.validate import ValidatePipeline
    from crawler.registry import parse_registry

    entry = '[[sites]]\nid = "one"\nname = "واحد"\nname_en = "One"\nurl = "https://one.example/"\ncountry = "EG"\n'
    registry = parse_registry(entry + (f"languages = {languages}\n" if languages else ""))
    stats = MemoryStatsCollector(get_crawler())
    pipeline = ValidatePipeline(registry, stats, min_body_chars=10, since_days=0)
    item = Item(url="https://one.example/a", site="one", title="عنوان", body="نص " * 20,
                canonical_url="https://one.example/a", language=language)  # fmt: skip
    if kept:
        assert pipeline.process_item(item) is item
        assert not stats.get_stats()
    else:
        with pytest.raises(DropItem, match="wrong_language"):
            pipeline.process_item(item)
        assert stats.get_value("akhbar/dropped/wrong_language") == 1
        assert stats.get_value("akhbar/site/one/dropped/wrong_language") == 1
        assert stats.get_value("akhbar/site/one/dropped") == 1
