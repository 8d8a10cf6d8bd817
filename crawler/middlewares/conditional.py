"""Conditional GET for feeds and sitemaps: send the ETag and Last-Modified seen last time, stored in SQLite.

Requests opt in with ``meta["akhbar_conditional"] = True``. The validators are read from the archive's
``http_cache`` table; the spider saves new ones only after it has parsed the document, so a broken feed is
fetched in full again next time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.storage.archive import Archive
from crawler.storage.db import open_db

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class ConditionalGetMiddleware:
    """Adds ``If-None-Match`` / ``If-Modified-Since`` to opted-in requests."""

    def __init__(self, db_path: str) -> None:
        self.archive = Archive(open_db(db_path))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        if not crawler.settings.getbool("AKHBAR_CONDITIONAL_GET_ENABLED", True):
            raise NotConfigured
        return cls(crawler.settings.get("AKHBAR_DB"))

    def process_request(self, request: Request) -> None:
        if not request.meta.get("akhbar_conditional"):
            return
        etag, last_modified = self.archive.http_validators(request.url)
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode("latin-1", "replace"))
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified.encode("latin-1", "replace"))
