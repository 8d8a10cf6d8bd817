"""What a crawl process may do with the archive: read it when it can, write it only when it is the writer.

In a one-process crawl the spider and the conditional-GET middleware read and write the archive (known URLs,
stored ETags). In a distributed crawl (``AKHBAR_REDIS_URL`` set) ``akhbar ingest`` is the archive's only
writer: a crawl process opens the archive read-only when it is reachable at ``AKHBAR_DB`` (same machine, or a
shared read-only copy), and works without it otherwise — every listed article is fetched, and the archive's
dedupe keeps the result correct.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crawler.storage.archive import Archive
from crawler.storage.db import open_db

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def is_distributed(settings: BaseSettings) -> bool:
    """True when this crawl is one process of a distributed crawl."""
    return bool(settings.get("AKHBAR_REDIS_URL"))


def crawl_archive(settings: BaseSettings) -> Archive | None:
    """The archive as this crawl process may use it: read-write alone, read-only or None when distributed."""
    path = settings.get("AKHBAR_DB")
    if not is_distributed(settings):
        return Archive(open_db(path))
    if not path or not Path(path).is_file():
        return None
    return Archive(open_db(path, readonly=True))


def may_write(settings: BaseSettings) -> bool:
    """Whether this crawl process may write the archive (HTTP validators, runs): only when it is alone."""
    return not is_distributed(settings)
