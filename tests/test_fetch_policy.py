"""One fetch policy (``crawler.fetch_policy``): the crawl, ``akhbar doctor`` and the run history read the same
rules. Offline; the callers fetching loopback pages are in ``tests/crawl/test_fetch_policy.py``."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler import __version__, fetch_policy, settings
from crawler.doctor import Response, is_bot_challenge
from crawler.fetch_policy import (
    CHALLENGE_MARKERS,
    CHALLENGE_STATUSES,
    challenge_reason,
    robots_allow,
    robots_rules,
    user_agent,
)
from crawler.middlewares.blocked import block_reason
from crawler.middlewares.robots import BoundedRobotParser
from crawler.ops.history import run_history
from crawler.pipelines.store import per_site_figures
from crawler.storage.archive import Archive

URL = "http://site.example/news/2024/05/14/story"


def test_the_user_agent_names_the_version_and_the_contact_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AKHBAR_CONTACT_URL", raising=False)
    assert user_agent() == f"Akhbar/{__version__} (+https://github.com/akhbar-news/akhbar)"
    monkeypatch.setenv("AKHBAR_CONTACT_URL", "https://news.example/contact")
    assert user_agent() == f"Akhbar/{__version__} (+https://news.example/contact)"
    assert user_agent("https://other.example/") == f"Akhbar/{__version__} (+https://other.example/)"


def test_the_crawl_settings_take_the_policy_user_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_CONTACT_URL", "https://news.example/contact")
    try:
        reloaded = importlib.reload(settings)
        assert reloaded.USER_AGENT == user_agent() == user_agent(reloaded.AKHBAR_CONTACT_URL)
    finally:
        monkeypatch.undo()
        importlib.reload(settings)


def crawl_blocks(status: int, body: bytes, headers: dict[str, str] | None = None) -> bool:
    answer = HtmlResponse(URL, status=status, body=body, headers={"Content-Type": "text/html", **(headers or {})})
    return block_reason(Request(URL, meta={"site": "s"}), answer) is not None


def doctor_blocks(status: int, body: bytes, headers: dict[str, str] | None = None) -> bool:
    return is_bot_challenge(Response(URL, status, body, {"content-type": "text/html", **(headers or {})}))


@pytest.mark.parametrize("marker", [m.decode() for m in CHALLENGE_MARKERS])
@pytest.mark.parametrize("status", sorted(CHALLENGE_STATUSES))
def test_doctor_and_the_crawl_call_each_challenge_page_blocked(marker: str, status: int) -> None:
    body = f"<!doctype html><html><head><title>Site</title></head><body><p>{marker.title()}</p></body></html>"
    assert crawl_blocks(status, body.encode()) and doctor_blocks(status, body.encode())
    # The same words on a page served normally are an article about them, for both.
    assert not crawl_blocks(200, body.encode()) and not doctor_blocks(200, body.encode())


@pytest.mark.parametrize(
    ("status", "body", "headers", "blocked"),
    [
        (403, b"<html>Forbidden</html>", {}, False),
        (404, b"<html>captcha</html>", {}, False),
        (403, b"<html>Forbidden</html>", {"cf-mitigated": "challenge"}, True),
        (403, b"<html>" + b" " * fetch_policy.SNIFF_BYTES + b"captcha</html>", {}, False),  # past the sniffed head
    ],
)
def test_doctor_and_the_crawl_agree_on_other_answers(
    status: int, body: bytes, headers: dict[str, str], blocked: bool
) -> None:
    assert crawl_blocks(status, body, headers) is blocked
    assert doctor_blocks(status, body, headers) is blocked
    assert (challenge_reason(status, body, headers.get("cf-mitigated", "")) is not None) is blocked


def test_the_crawl_and_the_tools_read_robots_txt_alike() -> None:
    body = (b"\xef\xbb\xbfUser-agent: akhbar\nDisallow: /private/\nAllow: /private/open\n\n"
            b"User-agent: *\nDisallow: /\n")  # fmt: skip
    agent = user_agent()
    crawl = BoundedRobotParser(body, None)
    rules = robots_rules(body)
    for path in ("/", "/news/a", "/private/a", "/private/open/b", "/private"):
        url = "http://site.example" + path
        assert crawl.allowed(url, agent) is robots_allow(rules, url, agent), path
    assert not robots_allow(rules, "http://site.example/private/a")
    assert not robots_allow(rules, "http://site.example/news/a", "OtherBot/1.0")
    assert robots_allow(None, "http://site.example/private/a")  # no robots.txt answer: no rules


# -- a blocked site: the run's status and its history ----------------------------------------------------------


def figures(*, blocked: int = 0, statuses: dict[int, int] | None = None, errors: dict[str, int] | None = None,
            feeds_failed: int = 0) -> dict[str, Any]:  # fmt: skip
    """The stats of one site ``s`` in a run: ``blocked`` challenge answers (stopped before they are counted as
    responses), ``statuses`` answers, ``errors`` failures by reason."""
    statuses, errors = statuses or {}, errors or {}
    responses, failures = sum(statuses.values()), sum(errors.values())
    stats: dict[str, Any] = {"akhbar/site/s/requests": responses + failures + blocked,
                             "akhbar/site/s/responses": responses}  # fmt: skip
    stats.update({f"akhbar/site/s/status/{code}": n for code, n in statuses.items()})
    if blocked:
        stats["akhbar/site/s/blocked"] = blocked
    if failures:
        stats["akhbar/site/s/errors"] = failures
        stats.update({f"akhbar/site/s/errors/{reason}": n for reason, n in errors.items()})
    if feeds_failed:
        stats["akhbar/site/s/feeds_failed"] = feeds_failed
    return stats


CASES = {
    "challenge pages": (figures(blocked=1, statuses={200: 9}), True),
    "every answer 403": (figures(statuses={403: 8}), True),
    "half refusals": (figures(statuses={429: 1, 503: 1, 200: 2}), True),
    "401 most of the time": (figures(statuses={401: 3, 200: 1}), True),
    "refusals a minority": (figures(statuses={403: 1, 200: 4}), False),
    "404 everywhere": (figures(statuses={404: 5}, feeds_failed=1), False),
    "healthy": (figures(statuses={200: 5}), False),
    "never connected": (figures(errors={"connection_refused": 3}, feeds_failed=1), False),
    "no answer, other errors": (figures(errors={"cut_short": 3}), False),
    "no answer, sources failed": (figures(errors={"cut_short": 3}, feeds_failed=1), False),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_the_run_status_and_the_history_agree_on_blocked(archive: Archive, case: str) -> None:
    stats, blocked = CASES[case]
    sites = per_site_figures(stats)
    assert fetch_policy.site_blocked(sites["s"]) is blocked
    assert (sites["s"]["status"] == "blocked") is blocked
    run_id = archive.start_run(["s"])
    archive.finish_run(run_id, "finished", stats, sites)
    (row,) = run_history(archive.conn)
    assert ("blocked" in row.flags) is blocked, row.flags
    assert row.flags.count("blocked") <= 1
