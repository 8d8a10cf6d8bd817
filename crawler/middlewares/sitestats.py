"""Counts requests and responses per registry site, so each run can report its figures site by site."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector


class SiteStatsMiddleware:
    """Increments ``akhbar/site/<id>/requests`` and ``.../status/<code>`` for requests tagged with a site."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteStatsMiddleware:
        if not crawler.settings.getbool("AKHBAR_SITESTATS_ENABLED", True):
            raise NotConfigured
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_request(self, request: Request) -> None:
        site = request.meta.get("site")
        if site:
            self.stats.inc_value(f"akhbar/site/{site}/requests")

    def process_response(self, request: Request, response: Response) -> Response:
        site = request.meta.get("site")
        if site:
            self.stats.inc_value(f"akhbar/site/{site}/responses")
            self.stats.inc_value(f"akhbar/site/{site}/status/{response.status}")
        return response
