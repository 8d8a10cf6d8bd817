"""Every listed article is taken or reported: one crawl by real Scrapy of test sites on 127.0.0.x.

Four articles live at paths the URL-shape guess calls section fronts (``/news/short``, ``/العراق-يعلن/``,
``/politics/elections``, ``/p/abc``). Listed by a feed or a Google News sitemap they are stored; listed by a
plain sitemap they are skipped, and the summary says why; a registry's ``article_urls`` takes them back and its
``ignore_urls`` wins over everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from runs import Run, crawl, stored_urls
from sites import NOW, Article, SiteServer

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

SHORT_PATHS = ["/news/short", "/العراق-يعلن/", "/politics/elections", "/p/abc"]


def articles_at(prefix: str, paths: list[str]) -> list[Article]:
    title = "خبر {} رقم {} عن خطة الحكومة الجديدة لدعم المشاريع"
    published = NOW - timedelta(hours=1)
    return [
        Article(
            slug=path.strip("/"), title=title.format(prefix, n), published=published - timedelta(minutes=n), at=path
        )
        for n, path in enumerate(paths)
    ]


@dataclass
class Crawled:
    server: SiteServer
    db: Path
    run: Run

    def stored_paths(self, site_id: str) -> set[str]:
        base = self.server.sites[site_id].base_url
        return {unquote(url).removeprefix(base) for url in stored_urls(self.db, site_id)}

    def summary_row(self, site_id: str) -> str:
        rows = [line for line in self.run.process.stdout.splitlines() if line.startswith(site_id + " ")]
        assert len(rows) == 1, self.run.process.stdout
        return rows[0]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("skipped")
    server = SiteServer(host_base=100)
    feed = server.add("feedsite", articles_at("feedsite", SHORT_PATHS))
    server.entry("feedsite").feeds = [feed.feed("/feed/")]
    gnews = server.add("gnewssite", articles_at("gnewssite", SHORT_PATHS))
    server.entry("gnewssite").sitemaps = [gnews.sitemap("/news-sitemap.xml", news=True)]
    # A plain sitemap: the shape guess holds, and a category page is a category page.
    plain = server.add("plainsite", articles_at("plainsite", [*SHORT_PATHS, "/2026/05/16/budget-approved-by-council"]))
    category = Article(slug="category", title="اقتصاد", published=NOW, at="/category/economy")
    server.entry("plainsite").sitemaps = [plain.sitemap("/sitemap.xml", lambda: [*plain.articles, category])]
    # The same plain sitemap, with the site's own article pattern and a pattern to ignore.
    live = "/2026/05/16/live-coverage-of-the-summit"
    patterned = server.add("patterned", articles_at("patterned", [*SHORT_PATHS, live]))
    entry = server.entry("patterned")
    entry.sitemaps = [patterned.sitemap("/sitemap.xml")]
    entry.article_urls = ["^/p/", "^/العراق", "^/2026/"]
    entry.ignore_urls = ["/live-coverage-"]  # matches an article_urls pattern too: ignoring wins
    with server:
        registry = server.write_registry(tmp / "sites.toml")
        db = tmp / "akhbar.db"
        yield Crawled(server, db, crawl(registry, db))


def test_the_crawl_is_clean(crawled: Crawled) -> None:
    assert crawled.run.process.returncode == 0, crawled.run.log[-3000:]
    assert "Traceback" not in crawled.run.log


@pytest.mark.parametrize("site_id", ["feedsite", "gnewssite"])
def test_a_feed_or_news_sitemap_listing_short_paths_gets_all_four_stored(crawled: Crawled, site_id: str) -> None:
    assert crawled.stored_paths(site_id) == set(SHORT_PATHS)
    assert crawled.run.site(site_id, "stored") == 4
    assert not any(k.startswith(f"akhbar/site/{site_id}/skipped/") for k in crawled.run.stats)
    assert "(" not in crawled.summary_row(site_id)  # no reasons: nothing skipped, cut or dropped


def test_a_plain_sitemap_skips_the_guessed_listings_and_the_category_page_and_says_so(crawled: Crawled) -> None:
    site = crawled.server.sites["plainsite"]
    assert crawled.stored_paths("plainsite") == {"/2026/05/16/budget-approved-by-council"}
    assert not {"/category/economy", *SHORT_PATHS} & set(site.paths())  # never requested
    assert crawled.run.site("plainsite", "skipped/looks_like_listing") == 4
    assert crawled.run.site("plainsite", "skipped/listing_page") == 1
    assert "5 (looks_like_listing 4, listing_page 1)" in crawled.summary_row("plainsite")
    assert "skipped (why)" in crawled.run.process.stdout


def test_registry_patterns_take_the_sites_articles_and_ignore_win(crawled: Crawled) -> None:
    assert crawled.stored_paths("patterned") == {"/p/abc", "/العراق-يعلن/"}
    assert "/2026/05/16/live-coverage-of-the-summit" not in crawled.server.sites["patterned"].paths()
    assert crawled.run.site("patterned", "skipped/ignored_by_registry") == 1
    assert crawled.run.site("patterned", "skipped/looks_like_listing") == 2
    assert "3 (looks_like_listing 2, ignored_by_registry 1)" in crawled.summary_row("patterned")
