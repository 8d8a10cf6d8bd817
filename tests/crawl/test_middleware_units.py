"""The politeness and block-detection middlewares on hand-made requests and responses (no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.utils.test import get_crawler
from sites import CHALLENGE_PAGE

from crawler.middlewares.blocked import BlockedSiteMiddleware, SiteBlocked, block_reason
from crawler.middlewares.pauses import SitePauses, retry_after_seconds, site_pauses, slot_key
from crawler.middlewares.retryafter import RetryAfterMiddleware
from crawler.middlewares.sitegate import SiteGateMiddleware

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
URL = "http://127.0.0.9/2026/05/01/some-story-with-a-long-slug"


def request(**meta: object) -> Request:
    return Request(URL, meta={"site": "s", "download_slot": "site:s", **meta})


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (b"0", 0.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - timedelta(seconds=90), usegmt=True), 0.0),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds_reads_seconds_and_http_dates(value: str | bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


def test_slot_key_is_the_download_slot_else_the_host() -> None:
    assert slot_key(request()) == "site:s"
    assert slot_key(Request("http://Example.ORG/x")) == "example.org"


def test_pauses_keep_the_longest_and_expire() -> None:
    pauses = SitePauses()
    pauses.pause("a", 30)
    pauses.pause("a", 1)
    assert 29 < pauses.remaining("a") <= 30
    pauses.pause("b", 0)
    assert pauses.remaining("b") == 0
    assert pauses.remaining("never") == 0


def test_gate_pauses_the_slot_on_retry_after_capped_by_the_setting() -> None:
    crawler = get_crawler(settings_dict={"AKHBAR_RETRY_AFTER_MAX": 10})
    gate = SiteGateMiddleware.from_crawler(crawler)
    answer = Response(URL, status=429, headers={"Retry-After": "3600"})
    assert gate.process_response(request(), answer) is answer
    assert 9 < site_pauses(crawler).remaining("site:s") <= 10
    assert site_pauses(crawler).remaining("site:other") == 0


def test_gate_limit_comes_from_download_slots_else_the_domain_setting() -> None:
    crawler = get_crawler(settings_dict={"CONCURRENT_REQUESTS_PER_DOMAIN": 3,
                                         "DOWNLOAD_SLOTS": {"site:s": {"concurrency": 1}}})  # fmt: skip
    gate = SiteGateMiddleware.from_crawler(crawler)
    assert gate.limit("site:s") == 1
    assert gate.limit("site:t") == 3


def test_retry_after_middleware_retries_then_gives_up() -> None:
    crawler = get_crawler(settings_dict={"AKHBAR_RETRY_AFTER_TIMES": 2})
    assert crawler.stats is not None
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    answer = Response(URL, status=503, headers={"Retry-After": "5"})
    first = middleware.process_response(request(), answer)
    assert isinstance(first, Request) and first.dont_filter and first.meta["akhbar_retry_after_times"] == 1
    second = middleware.process_response(first, answer)
    assert isinstance(second, Request)
    assert middleware.process_response(second, answer) is answer
    assert crawler.stats.get_value("akhbar/site/s/retry_after") == 2
    assert crawler.stats.get_value("akhbar/site/s/retry_after_gave_up") == 1
    # No Retry-After, or another status: not ours (RetryMiddleware decides).
    plain = Response(URL, status=503)
    assert middleware.process_response(request(), plain) is plain
    not_found = Response(URL, status=404, headers={"Retry-After": "5"})
    assert middleware.process_response(request(), not_found) is not_found


def test_retry_after_needs_the_gate() -> None:
    with pytest.raises(NotConfigured):
        RetryAfterMiddleware.from_crawler(get_crawler(settings_dict={"AKHBAR_SITEGATE_ENABLED": False}))


FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
HOME = b"<!doctype html><html><head><title>Home</title></head><body>news</body></html>"


@pytest.mark.parametrize(
    ("status", "body", "source", "blocked"),
    [
        (403, CHALLENGE_PAGE, None, True),
        (503, b"<html><title>Attention Required! | Cloudflare</title></html>", None, True),
        (202, b"<html><script src='/cdn-cgi/challenge-platform/x.js'></script></html>", None, True),
        (429, b"<html>Please solve the CAPTCHA</html>", "feed", True),
        (403, b"<html>Forbidden</html>", None, False),
        (503, b"Service Unavailable", "sitemap", False),
        (200, HOME, "feed", True),
        (200, HOME, None, False),
        (200, CHALLENGE_PAGE, None, False),  # an article page: extraction will judge it
        (304, b"", "feed", False),
    ],
)
def test_block_reason(status: int, body: bytes, source: str | None, blocked: bool) -> None:
    meta = {"akhbar_source": source} if source else {}
    answer = HtmlResponse(URL, status=status, body=body, headers={"Content-Type": "text/html"})
    assert (block_reason(request(**meta), answer) is not None) is blocked


def test_a_feed_served_as_xml_is_not_a_block() -> None:
    answer = XmlResponse(URL, status=200, body=FEED, headers={"Content-Type": "application/rss+xml"})
    assert block_reason(request(akhbar_source="feed"), answer) is None


def test_blocked_middleware_counts_and_stops_the_answer(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler()
    assert crawler.stats is not None
    middleware = BlockedSiteMiddleware.from_crawler(crawler)
    answer = HtmlResponse(URL, status=403, body=CHALLENGE_PAGE)
    with pytest.raises(SiteBlocked):
        middleware.process_response(request(), answer)
    assert crawler.stats.get_value("akhbar/site/s/blocked") == 1
    assert "s: blocked: HTTP 403 challenge page" in caplog.text
