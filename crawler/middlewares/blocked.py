"""Recognising a site that blocks the crawler, so that the run says "blocked" and not "no news today".

A block answer is either a bot challenge (HTTP 202, 403, 429 or 503 whose page carries a challenge marker:
Cloudflare's "Just a moment…" and ``cf-chl``, "Attention Required", a captcha…), or an HTML page served where a
feed or a sitemap was expected (the spider marks those requests with ``meta["akhbar_source"]``). Such an answer
counts ``akhbar/site/<id>/blocked``, is logged as a warning naming the site, and ends the request with
:class:`SiteBlocked`, so it is neither retried nor parsed as if the site had nothing new.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

CHALLENGE_STATUSES = frozenset({202, 403, 429, 503})
CHALLENGE_MARKERS = (
    b"captcha",
    b"cf-chl",
    b"challenge",
    b"just a moment",
    b"attention required",
    b"checking your browser",
    b"ddos-guard",
    b"incapsula",
    b"are you a robot",
    b"unusual traffic",
    b"access denied",
)
SNIFF_BYTES = 65536


class SiteBlocked(IgnoreRequest):
    """The site answered with a bot challenge or a page that is not what was asked for."""


def challenge_marker(body: bytes) -> str | None:
    """The first challenge marker found near the start of a page, or None."""
    head = body[:SNIFF_BYTES].lower()
    return next((m.decode() for m in CHALLENGE_MARKERS if m in head), None)


def looks_like_html(response: Response) -> bool:
    ctype = (response.headers.get(b"Content-Type") or b"").lower()
    if b"html" in ctype:
        return True
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def block_reason(request: Request, response: Response) -> str | None:
    """Why this answer is a block, or None when it is not one."""
    if response.status in CHALLENGE_STATUSES:
        marker = challenge_marker(response.body)
        if marker:
            return f"HTTP {response.status} challenge page ({marker!r})"
    source = request.meta.get("akhbar_source")
    if source and response.status == 200 and looks_like_html(response):
        return f"an HTML page where a {source} was expected"
    return None


class BlockedSiteMiddleware:
    """Counts and reports challenge answers per site, and stops them from going further."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockedSiteMiddleware:
        if not crawler.settings.getbool("AKHBAR_BLOCKED_ENABLED", True):
            raise NotConfigured
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        reason = block_reason(request, response)
        if reason is None:
            return response
        site = request.meta.get("site")
        if site:
            self.stats.inc_value(f"akhbar/site/{site}/blocked")
        self.stats.inc_value("akhbar/blocked")
        who = site or urlparse_cached(request).hostname
        logger.warning("%s: blocked: %s for %s", who, reason, response.url)
        raise SiteBlocked(f"{who}: {reason}")
