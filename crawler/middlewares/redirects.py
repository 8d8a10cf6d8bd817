"""Redirects are followed only inside the site: one to another domain, or back to a URL already visited in the
same chain (a loop), is refused, counted and logged with the URL, instead of being followed or silently
dropped by the duplicate filter."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.registry import Registry, load_registry
from crawler.text.urls import same_site

if TYPE_CHECKING:
    import logging

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class RedirectGuardMiddleware:
    """Runs before Scrapy's RedirectMiddleware sees a 3xx answer (a higher order number)."""

    def __init__(self, registry: Registry, stats: StatsCollector, logger: logging.Logger) -> None:
        self.registry = registry
        self.stats = stats
        self.logger = logger

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        if not crawler.settings.getbool("AKHBAR_REDIRECT_GUARD_ENABLED", True):
            raise NotConfigured
        import logging

        assert crawler.stats is not None
        return cls(load_registry(crawler.settings.get("AKHBAR_SITES")), crawler.stats, logging.getLogger(__name__))

    def process_response(self, request: Request, response: Response) -> Response:
        site_id = request.meta.get("site")
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not site_id or not location:
            return response
        site = self.registry.get(site_id)
        target = urljoin(request.url, location.decode("latin-1"))
        if site is not None and not same_site(target, site.allowed_hosts):
            self._refuse(site_id, "offsite_redirect", f"{request.url} redirects off the site to {target}")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self._refuse(site_id, "redirect_loop", f"{request.url} redirects in a loop back to {target}")
        return response

    def _refuse(self, site_id: str, reason: str, message: str) -> None:
        self.stats.inc_value(f"akhbar/site/{site_id}/errors")
        self.stats.inc_value(f"akhbar/site/{site_id}/errors/{reason}")
        self.logger.warning("%s: %s", site_id, message)
        raise IgnoreRequest(message)
