"""Recognising a site that blocks the crawler, so that the run says "blocked" and not "no news today".

A block answer is either a bot challenge (HTTP 202, 403, 429 or 503 whose page carries a challenge marker:
Cloudflare's "Just a moment…" and ``cf-chl``, "Attention Required", a captcha…, or Cloudflare's
``cf-mitigated: challenge`` header), or an HTML page served where a feed or a sitemap was expected (the spider
marks those requests with ``meta["akhbar_source"]``). ``crawler.fetch_policy`` says what a block is, for
``akhbar doctor`` too; this middleware reads Scrapy's answers with it. Such an answer
counts ``akhbar/site/<id>/blocked``, is logged as a warning naming the site, and ends the request with
:class:`SiteBlocked`, so it is neither retried nor parsed as if the site had nothing new.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from crawler.fetch_policy import block_reason as policy_block_reason

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class SiteBlocked(IgnoreRequest):
    """The site answered with a bot challenge or a page that is not what was asked for."""


def block_reason(request: Request, response: Response) -> str | None:
    """Why this answer is a block (``crawler.fetch_policy.block_reason``), or None when it is not one."""
    return policy_block_reason(
        response.status,
        response.body,
        content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1"),
        mitigated=(response.headers.get(b"cf-mitigated") or b"").decode("latin-1"),
        expected=request.meta.get("akhbar_source"),
    )


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
