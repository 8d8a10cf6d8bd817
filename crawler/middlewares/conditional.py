"""Conditional GET for feeds and sitemaps: send the ETag and Last-Modified seen last time, stored in SQLite.

Requests opt in with ``meta["akhbar_conditional"] = True``. The validators are read from the archive's
``http_cache`` table; the spider saves new ones only after it has parsed the document, so a broken feed is
fetched in full again next time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.distributed.archive_view import is_distributed
from crawler.storage.archive import Archive
from crawler.storage.db import open_db

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class ConditionalGetMiddleware:
    """Adds ``If-None-Match`` / ``If-Modified-Since`` to opted-in requests."""

    def __init__(self, db_path: str, *, readonly: bool = False) -> None:
        self.archive = Archive(open_db(db_path, readonly=readonly))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        if not crawler.settings.getbool("AKHBAR_CONDITIONAL_GET_ENABLED", True):
            raise NotConfigured
        db_path = crawler.settings.get("AKHBAR_DB")
        if is_distributed(crawler.settings):
            # One process of a distributed crawl: read the archive's validators when it is here, never write.
            if not db_path or not Path(db_path).is_file():
                raise NotConfigured("no archive on this machine")
            return cls(db_path, readonly=True)
        return cls(db_path)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("akhbar_conditional"):
            return
        etag, last_modified = self.archive.http_validators(request.url)
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode("latin-1", "replace"))
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified.encode("latin-1", "replace"))
