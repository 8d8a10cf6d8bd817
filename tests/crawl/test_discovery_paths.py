"""Every discovery path, crawled by real Scrapy against test sites on 127.0.0.x.

One crawl covers eight sites, one per path: RSS 2.0, RSS 0.91, RSS 1.0 (RDF), Atom, a sitemap index with a
gzipped child, a Google News sitemap, homepage feed autodiscovery, and a sitemap named only by robots.txt. Each
test checks at the server that exactly the site's articles were fetched, and in the archive that they were stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from runs import Run, crawl, stored_urls
from sites import NOW, Article, SiteServer, make_articles

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

CONTACT = "https://example.org/akhbar-contact"
# Pages a feed may list that are plainly not articles; the spider must skip them without a request, by reason.
NOT_ARTICLES = {"/tag/economy": "tag_page", "/author/samir-khalil": "author_page", "/video/clip-of-the-day": "video",
                "/category/politics": "listing_page"}  # fmt: skip


@dataclass
class Discovery:
    server: SiteServer
    db: Path
    run: Run


def listing(articles: list[Article], extra: list[Article]) -> Callable[[], list[Article]]:
    return lambda: [*articles, *extra]


@pytest.fixture(scope="module")
def discovery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Discovery]:
    tmp = tmp_path_factory.mktemp("discovery")
    server = SiteServer(host_base=40)
    for kind in ("rss2", "rss091", "rdf", "atom"):
        site = server.add(kind, make_articles(kind, 3))
        extras = [Article(slug=p.strip("/"), title="ليست خبرا", published=NOW, at=p) for p in NOT_ARTICLES]
        old = Article(slug=f"{kind}-old-story-from-last-month-archive", title="خبر قديم",
                      published=NOW - timedelta(days=30))  # fmt: skip
        server.entry(kind).feeds = [site.feed("/feed/", kind, listing(site.articles, [*extras, old]))]
    index = server.add("index", make_articles("index", 4))
    first, second = index.articles[:2], index.articles[2:]
    index.sitemap("/sitemaps/part-1.xml.gz", lambda: first, gzipped=True)
    index.sitemap("/sitemaps/part-2.xml", lambda: second)
    server.entry("index").sitemaps = [index.sitemap_index("/sitemap_index.xml", ["/sitemaps/part-1.xml.gz",
                                                                                 "/sitemaps/part-2.xml"])]  # fmt: skip
    gnews = server.add("gnews", make_articles("gnews", 3))
    server.entry("gnews").sitemaps = [gnews.sitemap("/news-sitemap.xml", news=True)]
    auto = server.add("auto", make_articles("auto", 3))
    auto.homepage([auto.feed("/feeds/latest.xml", "rss2")])
    robots = server.add("robots", make_articles("robots", 3))
    robots.homepage([])
    robots.robots_sitemaps([robots.sitemap("/hidden/sitemap-posts.xml")])
    with server:
        registry = server.write_registry(tmp / "sites.toml")
        db = tmp / "akhbar.db"
        # The default --since (3 days) is in force here: the month-old feed entries must not be fetched.
        run = crawl(registry, db, "-s", f"AKHBAR_CONTACT_URL={CONTACT}", since="3")
        yield Discovery(server, db, run)


def test_crawl_finishes_cleanly(discovery: Discovery) -> None:
    assert discovery.run.process.returncode == 0, discovery.run.log[-3000:]
    assert "Traceback" not in discovery.run.log


@pytest.mark.parametrize("site_id", ["rss2", "rss091", "rdf", "atom", "index", "gnews", "auto", "robots"])
def test_each_path_fetches_and_stores_exactly_the_articles(discovery: Discovery, site_id: str) -> None:
    site = discovery.server.sites[site_id]
    wanted = site.article_paths()
    fetched = [p for p in site.paths() if p in wanted]
    assert sorted(fetched) == sorted(wanted), f"{site_id}: every article fetched once"
    assert stored_urls(discovery.db, site_id) == {site.url(p) for p in wanted}
    assert discovery.run.site(site_id, "stored") == len(wanted)


def test_sitemap_index_follows_the_gzipped_child(discovery: Discovery) -> None:
    site = discovery.server.sites["index"]
    assert {"/sitemap_index.xml", "/sitemaps/part-1.xml.gz", "/sitemaps/part-2.xml"} <= set(site.paths(200))


def test_autodiscovery_reads_the_homepage_feed_and_robots_sitemaps(discovery: Discovery) -> None:
    auto, robots = discovery.server.sites["auto"], discovery.server.sites["robots"]
    assert "/feeds/latest.xml" in auto.paths(200)
    assert discovery.run.site("auto", "autodiscovered_feeds") == 1
    assert "/hidden/sitemap-posts.xml" in robots.paths(200)


def test_listing_tag_author_video_and_old_entries_are_skipped_unfetched(discovery: Discovery) -> None:
    for kind in ("rss2", "rss091", "rdf", "atom"):
        site = discovery.server.sites[kind]
        requested = set(site.paths())
        assert not requested & set(NOT_ARTICLES), kind
        for reason in NOT_ARTICLES.values():
            assert discovery.run.site(kind, f"skipped/{reason}") == 1, (kind, reason)
    # RSS 0.91 items carry no date, so only the dated formats can tell the month-old entry apart.
    for kind in ("rss2", "rdf", "atom"):
        assert not any("old-story" in p for p in discovery.server.sites[kind].paths()), kind
        assert discovery.run.site(kind, "skipped/too_old") == 1, kind


def test_user_agent_names_the_project_and_the_contact_url(discovery: Discovery) -> None:
    agents = {h.headers.get("user-agent", "") for s in discovery.server.sites.values() for h in s.hits}
    assert agents and all(a.startswith("Akhbar/") and CONTACT in a for a in agents), agents
