"""AutoThrottle that keeps each site at or above the delay its registry entry asks for.

Scrapy's AutoThrottle moves every slot's delay between ``DOWNLOAD_DELAY`` and ``AUTOTHROTTLE_MAX_DELAY``, so a
site whose registry entry says ``delay = 5`` would soon be fetched every half second. This extension replaces
it and floors each slot at its ``DOWNLOAD_SLOTS`` delay (which the spider writes from the registry); above that
floor AutoThrottle still backs off from slow sites as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.extensions.throttle import AutoThrottle

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class SiteAutoThrottle(AutoThrottle):
    """AutoThrottle with per-slot minimum delays from ``DOWNLOAD_SLOTS``."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.floors: dict[str, float] = {
            key: float(value["delay"])
            for key, value in crawler.settings.getdict("DOWNLOAD_SLOTS").items()
            if isinstance(value, dict) and value.get("delay") is not None
        }

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = self.floors.get(key or "")
        if slot is not None and floor is not None and slot.delay < floor:
            slot.delay = floor
