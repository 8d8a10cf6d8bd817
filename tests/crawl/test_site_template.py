"""A site's template is learned from its pages: lines on most of them never reach a stored body.

A generated site of 30 articles whose article container holds, besides each article's own paragraphs, the
newspaper's masthead credits, a follow prompt and a line no rule knows (the publisher's imprint), on every
page; two articles quote the same sentence. After one crawl no stored body holds the three recurring lines,
the articles stored before the crawl had seen enough pages to know them included, and both articles that quote
the sentence keep it. The learning is in the archive for the next run.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pytest
from runs import Run, crawl
from sites import Article, Reply, SiteServer, TestSite, make_articles

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

SITE = "templated"
MASTHEAD = "الإشراف العام: سامر الحسن — رئيس التحرير: ليلى منصور"
FOLLOW = "تابعونا على تلغرام وفيسبوك لمتابعة آخر الأخبار لحظة بلحظة"
IMPRINT = "تصدر هذه الصحيفة عن مؤسسة الأمل للصحافة والطباعة والنشر في مدينة حلب"
QUOTE = "وقال الخبير الاقتصادي إن الأسواق المحلية تحتاج إلى سنوات كي تستعيد ثقة المستثمرين بعد الأزمة"
QUOTING = (3, 7)
TOPICS = ("الكهرباء", "المياه", "النقل", "التعليم", "الصحة", "الزراعة")


def paragraphs(n: int) -> list[str]:
    topic = TOPICS[n % len(TOPICS)]
    own = [
        f"أعلنت مديرية {topic} في المحافظة رقم {n} عن خطة جديدة لتحسين الخدمات في الأحياء الشرقية خلال العام"
        f" المقبل، وقالت إن العمل سيبدأ في {n + 2} مواقع.",
        f"وأوضح مدير {topic} أن الخطة تشمل {n * 3 + 10} مشروعاً صغيراً بتمويل من صندوق التنمية، وأن المرحلة الأولى"
        f" تنتهي بعد {n % 5 + 2} أشهر.",
        f"ويشكو السكان منذ سنوات من ضعف خدمات {topic}، ويأملون أن تغير الخطة رقم {n} واقعهم اليومي.",
    ]
    if n in QUOTING:
        own.insert(2, QUOTE)
    return own


def page(site: TestSite, article: Article, n: int) -> bytes:
    """The article container holds the template's lines among the article's paragraphs (as some CMSs print
    them); nothing in the markup tells them apart."""
    url, title, when = escape(site.url(article.path)), escape(article.title), article.published.isoformat()
    own = [f"<p>{escape(p)}</p>" for p in paragraphs(n)]
    body = own[0] + f"<p>{escape(FOLLOW)}</p>" + "".join(own[1:]) + f"<p>{escape(IMPRINT)}</p><p>{escape(MASTHEAD)}</p>"
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="{url}"></head><body><article><h1>{title}</h1>'
        f'<time datetime="{when}">{article.published:%Y-%m-%d}</time><div>{body}</div></article></body></html>'
    ).encode()


@dataclass
class Crawled:
    run: Run
    db: Path
    articles: list[Article]
    site: TestSite


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    tmp = tmp_path_factory.mktemp("template")
    server = SiteServer(host_base=150)
    articles = make_articles(SITE, 30)
    site = server.add(SITE, articles)
    server.entry(SITE).feeds = [site.feed("/feed/")]
    with server:
        for n, article in enumerate(articles):
            site.pages[article.path] = Reply(200, page(site, article, n))
        registry = server.write_registry(tmp / "sites.toml")
        run = crawl(registry, tmp / "akhbar.db")
    return Crawled(run, tmp / "akhbar.db", articles, site)


def bodies(db: Path) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return {url: (body, html or "") for url, body, html in conn.execute(
            "SELECT url, body, body_html FROM articles WHERE site = ?", (SITE,))}  # fmt: skip
    finally:
        conn.close()


def test_every_article_is_stored(crawled: Crawled) -> None:
    assert crawled.run.process.returncode == 0, crawled.run.log[-3000:]
    assert set(bodies(crawled.db)) == {crawled.site.url(a.path) for a in crawled.articles}


def test_no_stored_body_holds_the_template_lines(crawled: Crawled) -> None:
    for url, (body, html) in bodies(crawled.db).items():
        for line in (MASTHEAD, FOLLOW, IMPRINT):
            assert line not in body, (url, line)
            assert escape(line, quote=False) not in html, (url, line)
        assert "أعلنت مديرية" in body and "ويشكو السكان" in body, url


def test_a_sentence_quoted_by_two_articles_stays_in_both(crawled: Crawled) -> None:
    stored = bodies(crawled.db)
    quoting = {crawled.site.url(crawled.articles[n].path) for n in QUOTING}
    assert {url for url, (body, _) in stored.items() if QUOTE in body} == quoting


def test_the_search_index_and_fingerprints_follow_the_cleaned_bodies(crawled: Crawled) -> None:
    from crawler.storage.fingerprint import fingerprint

    conn = sqlite3.connect(crawled.db)
    try:
        rows = conn.execute(
            "SELECT a.id, a.title, a.body, a.content_hash, f.body FROM articles a"
            " JOIN articles_fts f ON f.rowid = a.id WHERE a.site = ?",
            (SITE,),
        ).fetchall()
        assert len(rows) == 30
        for _id, title, body, digest, indexed in rows:
            fp = fingerprint(title, body)
            assert digest == fp.content_hash and indexed == fp.search_body
        assert conn.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'مؤسسة'").fetchone()[0] == 0
    finally:
        conn.close()


def test_the_learning_is_kept_for_the_next_run(crawled: Crawled) -> None:
    from crawler.extraction.template import line_key
    from crawler.storage.archive import Archive
    from crawler.storage.db import open_db

    template = Archive(open_db(crawled.db)).load_templates()[SITE]
    assert template.pages == 30
    learned = template.boilerplate()
    # The masthead and the follow prompt are known boilerplate by what they say, and never reach the counts;
    # the imprint is known only from its recurring.
    assert line_key(IMPRINT) in learned
    assert line_key(QUOTE) not in learned
