"""``Ingestor``: drain the Redis item queue into the archive, the single writer of a distributed crawl.

Each article goes through the same stages as in a one-process crawl (normalize → validate → dedupe → store,
the pipeline classes themselves); the archive does the real dedupe against everything stored. Work is grouped
into runs recorded in the ``runs`` table: a run starts with the first article after a quiet period and ends
when the queue has stayed empty for ``run_gap`` seconds (or, with ``once``, when the queue is empty). The
per-site counters the crawl processes push when they close are added to the run, so ``akhbar stats --runs``
shows requests and errors next to what was stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.distributed.queue import ItemQueue
from crawler.items import Article
from crawler.ops.outage import run_status
from crawler.pipelines.dedupe import DedupePipeline
from crawler.pipelines.normalize import NormalizePipeline
from crawler.pipelines.store import per_site_figures
from crawler.pipelines.validate import ValidatePipeline
from crawler.registry import Registry
from crawler.storage.archive import Archive

logger = logging.getLogger(__name__)

STORE_KEYS = {"new": "stored", "updated": "updated", "unchanged": "unchanged", "alias": "duplicates"}


class IngestStats(StatsCollector):
    """A stats collector without a crawler: the pipeline stages only count into it."""

    def __init__(self) -> None:  # no super().__init__: it only reads STATS_DUMP from a crawler's settings
        self._dump = False
        self._stats = {}


@dataclass
class IngestRun:
    """The figures of one ingest run."""

    run_id: int
    stats: IngestStats = field(default_factory=IngestStats)
    articles: int = 0

    @property
    def sites(self) -> dict[str, dict[str, Any]]:
        return per_site_figures(self.stats.get_stats())

    def count(self, key: str) -> int:
        return int(self.stats.get_value(key, 0) or 0)


@dataclass
class IngestResult:
    """Every run one ``Ingestor.run`` call recorded."""

    runs: list[IngestRun] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return sum(run.articles for run in self.runs)


class Ingestor:
    """Pops articles in batches and stores them; ``run`` loops until ``stop()`` (or the queue empties, ``once``)."""

    def __init__(
        self,
        archive: Archive,
        registry: Registry,
        queue: ItemQueue,
        *,
        batch_size: int = 100,
        min_body_chars: int = 80,
        dedupe_cache_size: int = 50_000,
        run_gap: float = 30.0,
        poll: float = 1.0,
    ) -> None:
        self.archive = archive
        self.registry = registry
        self.queue = queue
        self.batch_size = batch_size
        self.min_body_chars = min_body_chars
        self.dedupe_cache_size = dedupe_cache_size
        self.run_gap = run_gap
        self.poll = poll
        self.current: IngestRun | None = None
        self._stages: list[Callable[[Article], Article]] = []
        self._stopping = False
        archive.sync_sites(list(registry))
        archive.ensure_minhash_scheme()

    def stop(self) -> None:
        """Finish the batch in hand, record the run and return from ``run`` (safe from a signal handler)."""
        self._stopping = True

    # -- runs --------------------------------------------------------------------------------------------

    def _start_run(self) -> IngestRun:
        run = IngestRun(self.archive.start_run([site.id for site in self.registry]))
        # Fresh stages per run: the in-run dedupe remembers one run, like a crawl process.
        stats = run.stats
        self._stages = [
            NormalizePipeline(self.registry).process_item,
            # No age limit here: each crawl process applied its own --since already.
            ValidatePipeline(self.registry, stats, self.min_body_chars, 0).process_item,
            DedupePipeline(stats, self.dedupe_cache_size).process_item,
        ]
        stats.set_value("akhbar/run_id", run.run_id)
        logger.info("ingest run %d started", run.run_id)
        self.current = run
        return run

    def _finish_run(self, status: str) -> IngestRun | None:
        run, self.current = self.current, None
        if run is None:
            return None
        self._merge_worker_figures(run)
        stats = run.stats.get_stats()
        sites = per_site_figures(stats)
        status = run_status(status, sites)  # "offline" when the crawl processes reached no site at all
        self.archive.finish_run(run.run_id, status, stats, sites)
        logger.info(
            "ingest run %d %s: %d articles, %d new, %d updated",
            run.run_id, status, run.articles, run.count("akhbar/articles/stored"), run.count("akhbar/articles/updated"),
        )  # fmt: skip
        return run

    def _merge_worker_figures(self, run: IngestRun) -> None:
        for figures in self.queue.pop_figures():
            for key, value in figures.items():
                if isinstance(value, float) and key.endswith("/seconds"):
                    run.stats.max_value(key, value)
                elif isinstance(value, int) and not isinstance(value, bool):
                    run.stats.inc_value(key, value)

    # -- articles ----------------------------------------------------------------------------------------

    def ingest(self, articles: Sequence[Article]) -> None:
        """Run a batch through the stages and store what is left, in one transaction."""
        run = self.current or self._start_run()
        stats = run.stats
        kept: list[Article] = []
        for article in articles:
            run.articles += 1
            try:
                for stage in self._stages:
                    article = stage(article)
            except DropItem as exc:
                logger.debug("dropped: %s", exc)
                continue
            kept.append(article)
        if not kept:
            return
        for article, outcome in zip(kept, self.archive.store(kept), strict=True):
            key = STORE_KEYS[outcome.action]
            stats.inc_value(f"akhbar/site/{article.site}/{key}")
            stats.inc_value(f"akhbar/articles/{key}")

    def run(self, *, once: bool = False) -> IngestResult:
        """Drain the queue; with ``once`` return as soon as it is empty, otherwise wait for more until stopped."""
        result = IngestResult()
        quiet_since = time.monotonic()
        try:
            while not self._stopping:
                batch = self.queue.pop_batch(self.batch_size, timeout=0 if once else self.poll)
                if batch:
                    self.ingest(batch)
                    quiet_since = time.monotonic()
                    continue
                if once:
                    if self.current is None and self.queue.has_figures():
                        self._start_run()  # no article, but crawl processes reported: record their figures
                    break
                if self.current is not None and time.monotonic() - quiet_since >= self.run_gap:
                    finished = self._finish_run("finished")
                    if finished is not None:
                        result.runs.append(finished)
        except BaseException:
            finished = self._finish_run("failed")
            if finished is not None:
                result.runs.append(finished)
            raise
        finished = self._finish_run("finished" if once else "shutdown")
        if finished is not None:
            result.runs.append(finished)
        return result
