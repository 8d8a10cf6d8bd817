"""Running the Scrapy crawl in-process, as ``akhbar crawl`` and ``akhbar run`` do."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.pipelines.store import per_site_figures
from crawler.storage.stories import StorySettings, StorySettingsError


class SettingError(ValueError):
    """A ``-s NAME=VALUE`` that is not of that form."""


class CrawlSettingsError(click.ClickException):
    """Settings the crawl cannot run with: one line, exit 2 like any configuration error."""

    exit_code = 2


@dataclass
class CrawlResult:
    """What a crawl did: Scrapy's stats, the run id in the archive, and per-site figures."""

    stats: dict[str, Any]
    finish_reason: str
    run_id: int | None
    sites: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def failing_sites(self) -> list[str]:
        return sorted(site for site, figures in self.sites.items() if figures.get("status") != "ok")


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise SettingError(f"-s takes NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def crawl_settings(
    *,
    db: str | os.PathLike[str],
    sites_file: str | os.PathLike[str] | None = None,
    site_ids: Sequence[str] = (),
    since_days: float | None = None,
    overrides: dict[str, str] | None = None,
    log_level: str | None = None,
) -> Settings:
    """The project settings with this run's choices on top, at ``cmdline`` priority like ``scrapy crawl -s``."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("AKHBAR_DB", str(db), priority="cmdline")
    if sites_file:
        settings.set("AKHBAR_SITES", str(sites_file), priority="cmdline")
    if site_ids:
        settings.set("AKHBAR_SITE_IDS", list(site_ids), priority="cmdline")
    if since_days is not None:
        settings.set("AKHBAR_SINCE_DAYS", since_days, priority="cmdline")
    if log_level:
        settings.set("LOG_LEVEL", log_level, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(settings: Settings) -> CrawlResult:
    """Run the ``news`` spider to completion in this process (the Twisted reactor runs once per process)."""
    from crawler.distributed.archive_view import crawl_archive
    from crawler.spiders.news import NewsSpider

    # The store pipeline checks these too, but a failure there surfaces inside the reactor, not as a message.
    try:
        StorySettings.from_settings(settings)
    except StorySettingsError as exc:
        raise CrawlSettingsError(str(exc)) from exc
    Path(settings.get("AKHBAR_DB")).parent.mkdir(parents=True, exist_ok=True)
    # Opened once before Scrapy starts, as the spider will open it: an archive that cannot be used is then one
    # line (crawler/cli/errors.py), not an error Scrapy logs with its traceback from inside the reactor.
    if (archive := crawl_archive(settings)) is not None:
        archive.db.conn.close()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    process.start()
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    run_id = stats.get("akhbar/run_id")
    return CrawlResult(
        stats=stats,
        finish_reason=str(stats.get("finish_reason", "unknown")),
        run_id=int(run_id) if run_id else None,
        sites=per_site_figures(stats),
    )
