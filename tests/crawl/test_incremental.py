"""Incremental runs, counted at the server: what a second, third and fourth crawl of the same site fetch.

The site lists 40 articles in an RSS feed and in a sitemap. Nothing depends on a JOBDIR: each run is a fresh
process that knows what was seen only from the SQLite archive (stored articles and the feeds' ETags).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from runs import Run, crawl, stored_urls
from sites import Article, SiteServer, TestSite, make_articles

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server


@dataclass
class Runs:
    site: TestSite
    requests: list[list[str]] = field(default_factory=list)
    """The paths each run requested, in order of the runs."""
    runs: list[Run] = field(default_factory=list)
    stored: list[set[str]] = field(default_factory=list)
    added: list[Article] = field(default_factory=list)
    changed: Article | None = None


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    tmp = tmp_path_factory.mktemp("incremental")
    server = SiteServer(host_base=80)
    site = server.add("daily", make_articles("daily", 40))
    sitemap_articles = list(site.articles)
    server.entry("daily").feeds = [site.feed("/feed/")]
    server.entry("daily").sitemaps = [site.sitemap("/sitemap.xml", lambda: sitemap_articles)]
    result = Runs(site)
    with server:
        registry = server.write_registry(tmp / "sites.toml")
        db = tmp / "akhbar.db"

        def one_run() -> None:
            site.reset()
            result.runs.append(crawl(registry, db))
            result.requests.append(site.paths())
            result.stored.append(stored_urls(db, "daily"))

        one_run()  # 1: everything is new
        one_run()  # 2: nothing changed
        result.added = make_articles("daily", 2, start=40)
        site.articles[:0] = result.added
        one_run()  # 3: the feed gained two articles; the sitemap did not change
        old = site.articles[10]
        result.changed = Article(old.slug, old.title, old.published, updated=datetime.now(UTC) + timedelta(minutes=1))
        site.articles[10] = result.changed
        one_run()  # 4: the feed says one known article was updated
    yield result


def test_every_run_finishes_cleanly(runs: Runs) -> None:
    assert len(runs.runs) == 4
    for run in runs.runs:
        assert run.process.returncode == 0, run.log[-3000:]
        assert "Traceback" not in run.log


def test_first_run_fetches_and_stores_all_forty(runs: Runs) -> None:
    articles = {a.path for a in runs.site.articles if a not in runs.added}
    assert sorted(p for p in runs.requests[0] if p in articles) == sorted(articles)
    assert len(runs.stored[0]) == 40


def test_unchanged_site_costs_at_most_ten_percent_and_stores_nothing(runs: Runs) -> None:
    first, second = runs.requests[0], runs.requests[1]
    assert len(second) <= 0.1 * len(first), (len(first), second)
    assert runs.stored[1] == runs.stored[0]
    assert not runs.runs[1].site("daily", "stored") and not runs.runs[1].site("daily", "updated")
    # The feed and the sitemap were asked for with their validators and answered 304.
    assert runs.runs[1].site("daily", "not_modified") == 2
    assert runs.runs[1].site("daily", "status/304") == 2


def test_two_new_feed_articles_are_fetched_and_nothing_else(runs: Runs) -> None:
    fetched_articles = [p for p in runs.requests[2] if p not in ("/robots.txt", "/feed/", "/sitemap.xml")]
    assert sorted(fetched_articles) == sorted(a.path for a in runs.added)
    assert runs.stored[2] == runs.stored[1] | {runs.site.url(a.path) for a in runs.added}
    assert runs.runs[2].site("daily", "stored") == 2
    assert runs.runs[2].site("daily", "not_modified") == 1  # the sitemap


def test_an_article_the_feed_says_changed_is_fetched_again(runs: Runs) -> None:
    assert runs.changed is not None
    fetched_articles = [p for p in runs.requests[3] if p not in ("/robots.txt", "/feed/", "/sitemap.xml")]
    assert fetched_articles == [runs.changed.path]
    assert runs.stored[3] == runs.stored[2]
