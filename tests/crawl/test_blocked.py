"""Blocked and broken sites are reported as such, per site, in the run's stats and log, never as a quiet day.

One crawl of six sites: a feed answered with a 403 bot challenge, article pages answered with a 202 challenge, a
feed URL answering an HTML page, a feed with no entries, a site whose every article fails extraction, and a
healthy site beside them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from runs import Run, crawl, stored_urls
from sites import CHALLENGE_PAGE, Reply, SiteServer, make_articles

from crawler.pipelines.store import per_site_figures

HOMEPAGE_HTML = b'<!doctype html><html lang="ar"><head><title>Home</title></head><body><p>Welcome</p></body></html>'


@dataclass
class Blocked:
    server: SiteServer
    db: Path
    run: Run


@pytest.fixture(scope="module")
def blocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Blocked]:
    tmp = tmp_path_factory.mktemp("blocked")
    server = SiteServer(host_base=90)
    for site_id in ("challenge403", "challenge202", "htmlfeed", "emptyfeed", "broken", "healthy"):
        site = server.add(site_id, make_articles(site_id, 3))
        server.entry(site_id).feeds = [site.feed("/feed/", articles=(lambda: []) if site_id == "emptyfeed" else None)]
    server.sites["challenge403"].pages["/feed/"] = Reply(403, CHALLENGE_PAGE, headers={"Server": "cloudflare"})
    challenged = server.sites["challenge202"]
    for path in challenged.article_paths():
        challenged.pages[path] = Reply(202, CHALLENGE_PAGE)
    server.sites["htmlfeed"].pages["/feed/"] = Reply(200, HOMEPAGE_HTML)
    server.sites["broken"].broken_articles = True
    with server:
        registry = server.write_registry(tmp / "sites.toml")
        db = tmp / "akhbar.db"
        yield Blocked(server, db, crawl(registry, db))


def test_crawl_finishes(blocked: Blocked) -> None:
    assert blocked.run.stats.get("finish_reason") == "finished", blocked.run.log[-3000:]
    assert "Traceback" not in blocked.run.log


@pytest.mark.parametrize(("site_id", "count"), [("challenge403", 1), ("challenge202", 3), ("htmlfeed", 1)])
def test_challenge_answers_count_as_blocked_and_are_logged(blocked: Blocked, site_id: str, count: int) -> None:
    assert blocked.run.site(site_id, "blocked") == count
    assert f"{site_id}: blocked:" in blocked.run.log
    # A challenge is neither retried nor counted as a failure of the site's server.
    assert not blocked.run.site(site_id, "errors")
    assert stored_urls(blocked.db, site_id) == set()


def test_challenge_feed_is_fetched_once(blocked: Blocked) -> None:
    assert blocked.server.sites["challenge403"].paths().count("/feed/") == 1


def test_empty_feed_and_failing_extraction_are_counted_and_logged(blocked: Blocked) -> None:
    assert blocked.run.site("emptyfeed", "feeds_empty") == 1
    assert "emptyfeed feed lists no entries" in blocked.run.log
    assert blocked.run.site("broken", "extraction_failed") == 3
    assert "broken: cannot extract" in blocked.run.log
    # The end-of-run summary names the site with its status (per_site_figures already knows this one).
    assert "site broken: extraction_failing" in blocked.run.log


def test_healthy_site_is_unaffected(blocked: Blocked) -> None:
    healthy = blocked.server.sites["healthy"]
    assert stored_urls(blocked.db, "healthy") == {healthy.url(p) for p in healthy.article_paths()}
    assert not blocked.run.site("healthy", "blocked")


def test_each_site_gets_its_status(blocked: Blocked) -> None:
    statuses = {site: figures["status"] for site, figures in per_site_figures(blocked.run.stats).items()}
    assert statuses == {
        "challenge403": "blocked",
        "challenge202": "blocked",
        "htmlfeed": "blocked",
        "emptyfeed": "feeds_empty",
        "broken": "extraction_failing",
        "healthy": "ok",
    }
    assert blocked.run.process.returncode == 3
    for site in ("challenge403", "challenge202", "htmlfeed", "emptyfeed", "broken"):
        assert f"site {site}: " in blocked.run.log


pytestmark = pytest.mark.slow  # starts a server or a process
