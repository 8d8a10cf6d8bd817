"""Extraction in worker processes, so that parsing pages uses every core while Scrapy's reactor keeps fetching.

Extraction is CPU-bound Python (lxml, trafilatura, the Arabic layers) and would otherwise run on the one thread
that also drives the downloads and the pipelines. ``ExtractionPool`` hands each page to a process pool and
returns a ``concurrent.futures.Future``; with ``workers=0`` it extracts in the calling process instead (the
same code, the same result), which is what small crawls and machines with one core want.

The worker also fingerprints the text (``crawler.storage.fingerprint``: content hash, search text, MinHash) as the
normalize pipeline will clean it, so that the crawl process, which also drives the downloads and writes the
archive, only checks and stores it.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from crawler.extraction.core import extract
from crawler.extraction.model import Extracted
from crawler.registry import Site
from crawler.storage.fingerprint import Fingerprint, fingerprint
from crawler.text.arabic import clean_display_body, clean_display_line

Page = tuple[Extracted, Fingerprint]
"""What a worker returns: the extracted page and the fingerprint of its cleaned title and body."""


def default_workers() -> int:
    """None on one core; else one per core beyond the first, at least two and at most four.

    A page costs its worker more CPU than it costs the crawl process (extraction and fingerprint against
    download, checks and SQLite writes: about 5 against 3.5 ms in benchmarks/crawl.py), so on two cores two
    workers keep both cores busy where one worker left the crawl process waiting for it.
    """
    cores = os.cpu_count() or 1
    return 0 if cores <= 1 else min(4, max(2, cores - 1))


def _extract(
    html: bytes, url: str, site: Site | None, header_charset: str | None, boilerplate_lines: frozenset[int]
) -> Page:
    page = extract(html, url, site=site, header_charset=header_charset, boilerplate_lines=boilerplate_lines)
    body = clean_display_body(page.body)
    # The usual case: cleaning changed nothing; the same object is then pickled once for both.
    return page, fingerprint(clean_display_line(page.title), page.body if body == page.body else body)


def _ready() -> int:
    """Nothing: sent to each worker at start so that it imports the extraction modules before the first page."""
    return os.getpid()


class ExtractionPool:
    """A process pool for ``extract``, started on first use so that a run with nothing to extract pays nothing."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def submit(
        self,
        html: bytes,
        url: str,
        site: Site | None,
        header_charset: str | None,
        boilerplate_lines: frozenset[int] = frozenset(),
    ) -> Future[Page]:
        if self.workers <= 0:
            future: Future[Page] = Future()
            try:
                future.set_result(_extract(html, url, site, header_charset, boilerplate_lines))
            except Exception as exc:  # delivered to the caller through the future, as the pool does
                future.set_exception(exc)
            return future
        return self._pool().submit(_extract, html, url, site, header_charset, boilerplate_lines)

    def start(self) -> None:
        """Start the workers now, so that their imports (about 0.2 s each) overlap the crawl's first requests
        (robots.txt, feeds, sitemaps) instead of delaying its first pages."""
        if self.workers > 0 and self._executor is None:
            pool = self._pool()
            for _ in range(self.workers):
                pool.submit(_ready)

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn, not fork: the crawl process runs a reactor and threads that a fork would copy half-way.
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
