"""Store: batched, crash-safe writes into the SQLite archive, and the record of each run.

Items are committed in one transaction every ``AKHBAR_STORE_BATCH_SIZE`` items or ``AKHBAR_STORE_COMMIT_SECONDS``
after the first pending one, whichever comes first, so a crash loses at most that much work and SQLite's WAL
keeps what was committed intact.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.fetch_policy import site_blocked
from crawler.items import Article
from crawler.ops.outage import network_failure_only, run_status
from crawler.registry import load_registry
from crawler.storage.archive import Archive, StoreOutcome, archive_unwritable
from crawler.storage.db import open_db
from crawler.storage.fingerprint import Fingerprint
from crawler.storage.stories import StorySettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)
_SITE_KEY = re.compile(r"^akhbar/site/(?P<site>[^/]+)/(?P<name>.+)$")


def per_site_figures(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``akhbar/site/<id>/…`` stats of a run regrouped by site, in the runs table's columns."""
    sites: dict[str, dict[str, Any]] = defaultdict(lambda: {"detail": {}})
    for key, value in stats.items():
        match = _SITE_KEY.match(key)
        if not match:
            continue
        figures = sites[match["site"]]
        name = match["name"]
        if name in ("requests", "responses", "articles_found", "stored", "updated", "duplicates", "dropped", "errors"):
            figures[name] = value
        else:
            figures["detail"][name] = value
    for figures in sites.values():
        figures["status"] = site_status(figures)
    return dict(sites)


def site_status(figures: dict[str, Any]) -> str:
    """What went wrong with a site in a run, so that a broken site never looks like "no news today".

    In order of precedence: failed (the archive could not store its articles) > blocked (challenge pages, or
    answers mostly refusals: ``crawler.fetch_policy.site_blocked``) > unreachable (not one
    answer, every request failed to resolve or connect: the same status whatever the discovery mode) >
    extraction_failing > sources_failing > feeds_empty > unreachable (no answer, other errors) > ok.
    """
    detail = figures["detail"]
    if detail.get("store_failed"):
        return "failed"
    found = figures.get("articles_found", 0)
    kept = figures.get("stored", 0) + figures.get("updated", 0) + figures.get("duplicates", 0)
    kept += detail.get("queued", 0)  # a process of a distributed crawl hands its articles to `akhbar ingest`
    sources_ok = detail.get("feeds_ok", 0) + detail.get("sitemaps_ok", 0)
    sources_empty = detail.get("feeds_empty", 0) + detail.get("sitemaps_empty", 0)
    if site_blocked(figures):
        return "blocked"
    if network_failure_only(figures):
        return "unreachable"
    if detail.get("extraction_failed") and not kept:
        return "extraction_failing"
    if (detail.get("feeds_failed") or detail.get("sitemaps_failed")) and not found:
        return "sources_failing"
    if sources_empty and sources_empty == sources_ok and not found and not detail.get("not_modified"):
        return "feeds_empty"
    if figures.get("errors") and not figures.get("responses"):
        return "unreachable"
    return "ok"


class StorePipeline:
    def __init__(self, db_path: str, stats: StatsCollector, batch_size: int, commit_seconds: float,
                 sites_file: str | None, site_ids: list[str], story: StorySettings | None = None) -> None:  # fmt: skip
        self.db_path = db_path
        self.story = story or StorySettings()
        self.stats = stats
        self.batch_size = batch_size
        self.commit_seconds = commit_seconds
        self.sites_file = sites_file
        self.site_ids = site_ids
        self.pending: list[Article] = []
        self.fingerprints: list[Fingerprint | None] = []
        self.first_pending_at = 0.0
        self.archive: Archive
        self.run_id = 0
        self._timer: task.LoopingCall | None = None
        self.crawler: Crawler | None = None
        self.failure: str | None = None
        """Why the archive cannot be written, once it could not: later items are counted lost, not tried."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        assert crawler.stats is not None
        pipeline = cls(
            settings.get("AKHBAR_DB"),
            crawler.stats,
            settings.getint("AKHBAR_STORE_BATCH_SIZE", 100),
            settings.getfloat("AKHBAR_STORE_COMMIT_SECONDS", 2.0),
            settings.get("AKHBAR_SITES"),
            settings.getlist("AKHBAR_SITE_IDS"),
            # Raises StorySettingsError, one line naming the setting, before anything is crawled.
            StorySettings.from_settings(settings),
        )
        # The run is recorded on spider_closed, once Scrapy has set finish_reason and the final counts.
        crawler.signals.connect(pipeline.record_run, signal=signals.spider_closed)
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self) -> None:
        self.archive = Archive(open_db(self.db_path), self.story)
        registry = load_registry(self.sites_file)
        sites = registry.select(self.site_ids)
        self.archive.sync_sites(sites)
        if rebuilt := self.archive.ensure_minhash_scheme():
            logger.warning("rebuilt %d story signatures made with an older MinHash scheme", rebuilt)
        for run_id in self.archive.recover_interrupted_runs():
            logger.warning("run %s did not finish; its feeds and sitemaps will be read in full again", run_id)
        self.run_id = self.archive.start_run([s.id for s in sites])
        self.stats.set_value("akhbar/run_id", self.run_id)
        self._timer = task.LoopingCall(self._flush_if_due)
        self._timer.start(min(1.0, self.commit_seconds / 2), now=False)

    def process_item(self, item: Article) -> Article:
        if self.failure is not None:
            # The archive cannot be written (disk full…): counted as lost, never reported as stored.
            self.stats.inc_value(f"akhbar/site/{item.site}/store_failed")
            raise DropItem(f"store_failed: the archive cannot be written ({self.failure}) <{item.url}>")
        if not self.pending:
            self.first_pending_at = time.monotonic()
        self.pending.append(item)
        # Taken off the item: what passes on to feed exporters is the article, not its derived index data.
        self.fingerprints.append(item.fingerprint)
        item.fingerprint = None
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def _flush_if_due(self) -> None:
        # Called by a LoopingCall, which stops for good at the first exception it sees: nothing may escape.
        try:
            if self.pending and time.monotonic() - self.first_pending_at >= self.commit_seconds:
                self.flush()
        except Exception as exc:
            logger.error("timed store flush failed: %s", exc)

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        fingerprints, self.fingerprints = self.fingerprints, []
        if not batch or self.failure is not None:
            for item in batch:
                self.stats.inc_value(f"akhbar/site/{item.site}/store_failed")
            return
        try:
            outcomes: list[StoreOutcome | None] = list(self.archive.store(batch, fingerprints))
        except Exception as exc:
            if archive_unwritable(exc):
                self._fail(exc, batch)
                return
            # One article the archive refuses must not cost the others of its batch: store them one by one.
            outcomes = self._store_one_by_one(batch, fingerprints)
        for item, outcome in zip(batch, outcomes, strict=True):
            if outcome is None:
                continue
            key = {"new": "stored", "updated": "updated", "unchanged": "unchanged", "alias": "duplicates"}[
                outcome.action
            ]
            self.stats.inc_value(f"akhbar/site/{item.site}/{key}")
            self.stats.inc_value(f"akhbar/articles/{key}")

    def _store_one_by_one(
        self, batch: list[Article], fingerprints: list[Fingerprint | None]
    ) -> list[StoreOutcome | None]:
        outcomes: list[StoreOutcome | None] = []
        for index, (item, fp) in enumerate(zip(batch, fingerprints, strict=True)):
            try:
                outcomes.append(self.archive.store([item], [fp])[0])
            except Exception as exc:
                if archive_unwritable(exc):
                    self._fail(exc, batch[index:])
                    outcomes.extend([None] * (len(batch) - index))
                    break
                self.stats.inc_value("akhbar/dropped/store_error")
                self.stats.inc_value(f"akhbar/site/{item.site}/dropped")
                self.stats.inc_value(f"akhbar/site/{item.site}/dropped/store_error")
                logger.warning("%s: not stored: %s: %s <%s>", item.site, type(exc).__name__, exc, item.url)
                outcomes.append(None)
        return outcomes

    def _fail(self, exc: BaseException, lost: list[Article]) -> None:
        """The archive cannot be written: stop the crawl, count what was lost, say so in one line."""
        self.failure = f"{type(exc).__name__}: {exc}"
        for item in lost:
            self.stats.inc_value(f"akhbar/site/{item.site}/store_failed")
        self.stats.set_value("akhbar/store_failed", self.failure)
        logger.error("the archive %s cannot be written (%s): stopping the crawl", self.db_path, self.failure)
        if self.crawler is not None and self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_failed"))

    def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        try:
            self.flush()
        except Exception as exc:  # flush handles the archive's errors; this is the last line of defence
            logger.error("final store flush failed: %s", exc)

    def record_run(self, spider: object, reason: str) -> None:
        stats = self.stats.get_stats()
        sites = per_site_figures(stats)
        try:
            self.archive.finish_run(self.run_id, run_status(reason, sites), stats, sites)
        except Exception as exc:
            logger.error("the run could not be recorded in %s: %s", self.db_path, exc)
        finally:
            self.archive.db.conn.close()
