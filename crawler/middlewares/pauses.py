"""When a site asked us to come back later: ``Retry-After`` parsing and the per-site pauses the gate honours.

The pauses are shared by the components of one crawl (the gate that holds requests back and the middleware
that retries the refused ones), so they live in one object per crawler, found with :func:`site_pauses`.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

RETRY_AFTER_STATUSES = frozenset({429, 503})


_DELAY_SECONDS = re.compile(r"[0-9]{1,9}")


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (delay-seconds or an HTTP-date), or None when unreadable.

    Only ASCII digits make delay-seconds ("²" passes ``str.isdigit``); a date that cannot be a real moment
    (year 0, year 99999, an overflowing offset) is unreadable, never an exception."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text or len(text) > 64:
        return None
    if _DELAY_SECONDS.fullmatch(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def slot_key(request: Request) -> str:
    """The downloader slot of a request, as Scrapy's downloader names it (``download_slot`` meta, else the host)."""
    key = request.meta.get("download_slot")
    if isinstance(key, str):
        return key
    return urlparse_cached(request).hostname or ""


class SitePauses:
    """Until when each download slot must send nothing (monotonic clock)."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def pause(self, key: str, seconds: float) -> float:
        """Hold ``key`` back for ``seconds`` from now (a longer pause already set is kept); returns its end."""
        until = max(self._until.get(key, 0.0), time.monotonic() + seconds)
        self._until[key] = until
        return until

    def remaining(self, key: str) -> float:
        until = self._until.get(key)
        if until is None:
            return 0.0
        left = until - time.monotonic()
        if left <= 0:
            del self._until[key]
            return 0.0
        return left


_PAUSES: WeakKeyDictionary[Crawler, SitePauses] = WeakKeyDictionary()


def site_pauses(crawler: Crawler) -> SitePauses:
    """The one SitePauses of this crawler."""
    pauses = _PAUSES.get(crawler)
    if pauses is None:
        pauses = _PAUSES[crawler] = SitePauses()
    return pauses
