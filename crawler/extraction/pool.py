"""Extraction in worker processes, so that parsing pages uses every core while Scrapy's reactor keeps fetching.

Extraction is CPU-bound Python (lxml, trafilatura, the Arabic layers) and would otherwise run on the one thread
that also drives the downloads and the pipelines. ``ExtractionPool`` hands each page to a process pool and
returns a ``concurrent.futures.Future``; with ``workers=0`` it extracts in the calling process instead (the
same code, the same result), which is what small crawls and machines with one core want.

The worker also fingerprints the text (``crawler.storage.fingerprint``: content hash, search text, MinHash) as the
normalize pipeline will clean it, so that the crawl process, which also drives the downloads and writes the
archive, only checks and stores it.

A publisher's page can hang or kill a worker (a page built to be slow, or the OOM killer): ``extract`` gives
each page ``timeout`` seconds, after which the workers are killed and replaced and the page fails with
``ExtractionTimeout``; a worker that died (``BrokenProcessPool``) is replaced, and each page that was in it is
tried once more on the new workers before it fails with ``WorkerCrashed``. A broken pool never outlives a page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.extraction.core import extract
from crawler.extraction.model import Extracted, ExtractionError
from crawler.registry import Site
from crawler.storage.fingerprint import Fingerprint, fingerprint
from crawler.text.arabic import clean_display_body, clean_display_line

Page = tuple[Extracted, Fingerprint]
"""What a worker returns: the extracted page and the fingerprint of its cleaned title and body."""
DEFAULT_TIMEOUT = 60.0
logger = logging.getLogger(__name__)


class ExtractionTimeout(ExtractionError):
    """The page took longer than the pool's time limit; its worker was killed."""


class WorkerCrashed(ExtractionError):
    """The worker extracting the page died, twice (on the old workers and on their replacements)."""


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

    def __init__(self, workers: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.workers = workers
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self.replaced = 0
        """How many times the workers were replaced (after a crash or a page past the time limit)."""

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

    async def extract(
        self,
        html: bytes,
        url: str,
        site: Site | None,
        header_charset: str | None,
        boilerplate_lines: frozenset[int] = frozenset(),
    ) -> Page:
        """Extract one page in a worker, within the time limit, on healthy workers (see the module docstring).

        Raises ``ExtractionError`` (``ExtractionTimeout``, ``WorkerCrashed`` among them) for a page that fails."""
        for attempt in (1, 2):
            if self.workers <= 0:
                return self.submit(html, url, site, header_charset, boilerplate_lines).result()
            executor = self._pool()
            try:
                future = self.submit(html, url, site, header_charset, boilerplate_lines)
                return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except TimeoutError:
                self._replace(executor, f"a page took more than {self.timeout:g} s: {url}")
                raise ExtractionTimeout(f"extraction took more than {self.timeout:g} s") from None
            except BrokenProcessPool:
                self._replace(executor, f"a worker died while extracting {url}")
                if attempt == 2:
                    raise WorkerCrashed("the extraction worker died, twice") from None
        raise AssertionError("unreachable")

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

    def _replace(self, executor: ProcessPoolExecutor | None, why: str) -> None:
        """Kill ``executor``'s workers and start new ones, once however many pages saw it fail."""
        if executor is None or executor is not self._executor:
            return  # already replaced, by the first page that saw it fail
        logger.warning("replacing the extraction workers: %s", why)
        self._executor = None
        self.replaced += 1
        _kill(executor)
        self.start()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _kill(executor: ProcessPoolExecutor) -> None:
    """Stop a pool now, whatever its workers are doing (a page that never ends, a worker half dead)."""
    # ProcessPoolExecutor has no public way to stop a running task: its processes are killed directly.
    processes = dict(getattr(executor, "_processes", None) or {})
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.kill()
    with contextlib.suppress(Exception):
        executor.shutdown(wait=False, cancel_futures=True)
