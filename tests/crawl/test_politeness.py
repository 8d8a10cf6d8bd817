"""Politeness, checked at the server: robots.txt, Retry-After on 429/503, the per-site concurrency limit and the
registry's per-site delay under AutoThrottle.

Requests in flight are counted by the test server itself, because Scrapy 2.19 lets a whole slot queue through at
once when the slot has no download delay (with ``concurrency = 2`` the server counted 20 in flight before
``SiteGateMiddleware`` existed).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
from runs import Run, crawl, stored_urls
from sites import NOW, Article, Reply, SiteServer, make_articles

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

RETRY_AFTER_SECONDS = 2
HTTP_DATE_AHEAD = 2


@dataclass
class Politeness:
    server: SiteServer
    db: Path
    run: Run
    retry_dates: list[str]


@pytest.fixture(scope="module")
def polite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Politeness]:
    tmp = tmp_path_factory.mktemp("politeness")
    server = SiteServer(host_base=60)
    busy = server.add("busy", make_articles("busy", 24), hold=0.2)
    server.entry("busy").feeds = [busy.feed("/feed/")]
    server.entry("busy").concurrency = 2

    private = Article(slug="private-story-0001-members-only-report", title="خبر خاص", published=NOW,
                      at=f"/private/{NOW:%Y/%m/%d}/private-story-0001-members-only-report")  # fmt: skip
    robots = server.add("robots", [*make_articles("robots", 2), private])
    server.entry("robots").feeds = [robots.feed("/feed/")]

    limited = server.add("limited", make_articles("limited", 4))
    server.entry("limited").feeds = [limited.feed("/feed/")]
    server.entry("limited").concurrency = 1
    first, second = limited.articles[0].path, limited.articles[1].path
    limited.script(first, Reply(429, b"Too Many Requests", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}))
    retry_dates: list[str] = []

    def http_date() -> str:
        value = format_datetime(datetime.now(UTC) + timedelta(seconds=HTTP_DATE_AHEAD), usegmt=True)
        retry_dates.append(value)
        return value

    limited.script(second, Reply(503, b"Service Unavailable", retry_after=http_date))
    with server:
        registry = server.write_registry(tmp / "sites.toml")
        db = tmp / "akhbar.db"
        yield Politeness(server, db, crawl(registry, db), retry_dates)


def test_crawl_finishes_cleanly(polite: Politeness) -> None:
    assert polite.run.process.returncode == 0, polite.run.log[-3000:]
    assert "Traceback" not in polite.run.log


def test_site_concurrency_limit_holds_at_the_server(polite: Politeness) -> None:
    busy = polite.server.sites["busy"]
    assert sorted(p for p in busy.paths(200) if p != "/feed/" and p != "/robots.txt") == sorted(busy.article_paths())
    # Two at a time, never more: the limit is used and it holds.
    assert busy.max_in_flight == 2


def test_robots_txt_disallow_is_respected(polite: Politeness) -> None:
    robots = polite.server.sites["robots"]
    requested = robots.paths()
    assert not any(p.startswith("/private/") for p in requested)
    assert {a.path for a in robots.articles if not a.path.startswith("/private/")} <= set(requested)
    assert polite.run.stats.get("robotstxt/forbidden") == 1
    assert polite.run.site("robots", "ignored") == 1
    assert not polite.run.site("robots", "errors")


def test_429_retry_after_seconds_is_waited_for_and_the_site_paused(polite: Politeness) -> None:
    limited = polite.server.sites["limited"]
    path = limited.articles[0].path
    hits = [h for h in limited.hits if h.path == path]
    assert [h.status for h in hits] == [429, 200]
    refused, retried = hits
    assert retried.arrived - refused.answered >= RETRY_AFTER_SECONDS
    # The whole site waited, not only the refused page.
    during = [h for h in limited.hits if refused.answered < h.arrived < refused.answered + RETRY_AFTER_SECONDS]
    assert during == []


def test_503_retry_after_http_date_is_waited_for(polite: Politeness) -> None:
    limited = polite.server.sites["limited"]
    hits = [h for h in limited.hits if h.path == limited.articles[1].path]
    assert [h.status for h in hits] == [503, 200]
    (date,) = polite.retry_dates
    assert hits[1].arrived_wall >= parsedate_to_datetime(date).timestamp()


def test_retried_articles_are_stored_and_counted(polite: Politeness) -> None:
    limited = polite.server.sites["limited"]
    assert stored_urls(polite.db, "limited") == {limited.url(p) for p in limited.article_paths()}
    assert polite.run.site("limited", "retry_after") == 2


def test_registry_delay_is_a_floor_under_autothrottle(tmp_path: Path) -> None:
    server = SiteServer(host_base=70)
    slow = server.add("slow", make_articles("slow", 6))
    server.entry("slow").feeds = [slow.feed("/feed/")]
    server.entry("slow").delay = 0.5
    with server:
        registry = server.write_registry(tmp_path / "sites.toml")
        # AutoThrottle on, from no delay at all: on loopback it would soon fetch with a delay of a few ms.
        run = crawl(registry, tmp_path / "akhbar.db", "-s", "AUTOTHROTTLE_ENABLED=True", "-s",
                    "AUTOTHROTTLE_START_DELAY=0", "-s", "DOWNLOAD_DELAY_JITTER=0")  # fmt: skip
    assert run.process.returncode == 0, run.log[-3000:]
    arrivals = sorted(h.arrived for h in slow.hits if h.path != "/robots.txt")
    assert len(arrivals) == 7
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.45, gaps
