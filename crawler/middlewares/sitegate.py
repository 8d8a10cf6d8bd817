"""The per-site gate: at most N requests of a download slot in flight, and none while the site asked us to wait.

Scrapy's downloader is meant to keep a slot to its ``concurrency``, but with no download delay it lets a whole
queue through at once: ``Downloader._process_queue`` hands requests to tasks that only mark them as transferring
when they start, so its free-slot count never drops inside the loop. With a site's ``concurrency = 2`` and a zero
delay, the test server counted 20 requests in flight (tests/crawl). This middleware, the last before the
downloader, gives each slot a semaphore of that size: a request waits here for a permit and gives it back when
its response or error comes back.

It is also where ``Retry-After`` is honoured: a 429 or 503 with ``Retry-After`` pauses the slot (capped by
``AKHBAR_RETRY_AFTER_MAX``) before the permit is given back, so no other request of that site leaves until the
time has passed; :mod:`crawler.middlewares.retryafter` then retries the refused request.

A request still waiting here when the run starts to stop (its deadline, a SIGTERM) is not sent: Scrapy counts
it as in progress and would otherwise fetch every one before closing (18 s past a 4 s deadline, in
tests/reliability/test_bounds.py). It is counted as ``akhbar/site/<id>/cut/run_stopping``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredSemaphore

from crawler.middlewares.pauses import RETRY_AFTER_STATUSES, SitePauses, retry_after_seconds, site_pauses, slot_key

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


async def _sleep(seconds: float) -> None:
    done: Deferred[None] = Deferred()
    call_later(seconds, done.callback, None)
    await maybe_deferred_to_future(done)


class SiteGateMiddleware:
    """Per-slot concurrency limit enforced by semaphores, and per-slot pauses asked for with ``Retry-After``."""

    def __init__(self, default_concurrency: int, slot_concurrency: dict[str, int], pauses: SitePauses,
                 retry_after_max: float) -> None:  # fmt: skip
        self.default_concurrency = max(1, default_concurrency)
        self.slot_concurrency = slot_concurrency
        self.pauses = pauses
        self.retry_after_max = retry_after_max
        self.downloader_slots: Callable[[], dict[str, Any]] = dict
        """The downloader's slots, so that a pause also stops a slot's own delay queue (set by from_crawler)."""
        self.stopping: Callable[[], bool] = bool
        """Whether the engine is closing the spider (set by from_crawler)."""
        self.count: Callable[[str], None] = lambda _key: None
        self._semaphores: dict[str, DeferredSemaphore] = {}
        self._holders: dict[Request, DeferredSemaphore] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteGateMiddleware:
        settings = crawler.settings
        if not settings.getbool("AKHBAR_SITEGATE_ENABLED", True):
            raise NotConfigured
        slots = {
            key: int(value["concurrency"])
            for key, value in settings.getdict("DOWNLOAD_SLOTS").items()
            if isinstance(value, dict) and value.get("concurrency")
        }
        default = settings.getint("CONCURRENT_REQUESTS_PER_IP") or settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        gate = cls(default, slots, site_pauses(crawler), settings.getfloat("AKHBAR_RETRY_AFTER_MAX", 120))

        def downloader_slots() -> dict[str, Any]:
            try:
                engine = crawler.engine
            except RuntimeError:  # Scrapy 2.19 raises before the crawl has started
                return {}
            return engine.downloader.slots if engine is not None else {}

        def stopping() -> bool:
            try:
                engine = crawler.engine
            except RuntimeError:
                return False
            slot = getattr(engine, "_slot", None)  # Scrapy keeps "closing" on its private engine slot
            return getattr(slot, "closing", None) is not None

        gate.downloader_slots = downloader_slots
        gate.stopping = stopping
        stats = crawler.stats
        if stats is not None:
            gate.count = stats.inc_value
        return gate

    def limit(self, key: str) -> int:
        return max(1, self.slot_concurrency.get(key, self.default_concurrency))

    async def process_request(self, request: Request) -> None:
        key = slot_key(request)
        semaphore = self._semaphores.get(key)
        if semaphore is None:
            semaphore = self._semaphores[key] = DeferredSemaphore(self.limit(key))
        await maybe_deferred_to_future(semaphore.acquire())
        self._holders[request] = semaphore
        # Holding the permit while paused keeps every other request of the slot waiting behind this one.
        try:
            while (wait := self.pauses.remaining(key)) > 0:
                await _sleep(wait)
        except BaseException:
            self._release(request)  # cancelled while waiting (the run is stopping): the permit is not lost
            raise
        if self.stopping():
            self._release(request)
            site = request.meta.get("site")
            self.count(f"akhbar/site/{site}/cut/run_stopping" if site else "akhbar/cut/run_stopping")
            raise IgnoreRequest("not fetched: the run is stopping")

    def process_response(self, request: Request, response: Response) -> Response:
        # The permit goes back whatever the answer holds: a permit kept by an exception would leave the site's
        # slot one short for the rest of the run, and a site whose permits are all lost never finishes.
        try:
            if response.status in RETRY_AFTER_STATUSES:
                self._pause(request, response)
        finally:
            self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _pause(self, request: Request, response: Response) -> None:
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None:
            return
        seconds = min(asked, self.retry_after_max)
        key = slot_key(request)
        self.pauses.pause(key, seconds)
        slot = self.downloader_slots().get(key)
        if slot is not None and hasattr(slot, "lastseen"):
            # Requests already past the gate and waiting out the slot's download delay must wait for the pause too:
            # the downloader sends the next one only ``delay`` after ``lastseen``.
            slot.lastseen = max(slot.lastseen, time.monotonic() + seconds)
        logger.info("%s answered %s with Retry-After %s: pausing %s for %.1f s",
                    request.url, response.status, asked, key, seconds)  # fmt: skip

    def _release(self, request: Request) -> None:
        semaphore = self._holders.pop(request, None)
        if semaphore is not None:
            semaphore.release()
