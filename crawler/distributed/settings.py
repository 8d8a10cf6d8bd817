"""Switching a crawl to the shared Redis frontier: ``apply_redis_settings``.

Called with the crawl's settings when ``AKHBAR_REDIS_URL`` is set (by ``RedisAddon`` or by
``crawler.runner.crawl_settings``). It sets scrapy-redis's scheduler (our warning-free subclass) and its
dupefilter, keeps both in Redis after a process closes (``SCHEDULER_PERSIST``: the other processes still use
them), and replaces the store pipeline with the Redis item queue.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings, get_settings_priority

from crawler.distributed.keys import clean_job, default_job, dupefilter_key, requests_key

STORE_PIPELINE = "crawler.pipelines.store.StorePipeline"
QUEUE_PIPELINE = "crawler.distributed.pipeline.RedisItemQueuePipeline"
SCHEDULER = "crawler.distributed.scheduler.RedisScheduler"
DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
IDLE_EXTENSION = "crawler.distributed.idle.SharedFrontierIdle"


def apply_redis_settings(
    settings: BaseSettings, redis_url: str, *, job: str | None = None, priority: int | str = "cmdline"
) -> None:
    """Make the crawl described by ``settings`` one worker of the shared Redis frontier at ``redis_url``."""
    job_id = clean_job(job or settings.get("AKHBAR_REDIS_JOB") or default_job())
    values: dict[str, Any] = {
        "AKHBAR_REDIS_URL": redis_url,
        "AKHBAR_REDIS_JOB": job_id,
        "REDIS_URL": redis_url,
        "SCHEDULER": SCHEDULER,
        "DUPEFILTER_CLASS": DUPEFILTER,
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": requests_key(job_id),
        "SCHEDULER_DUPEFILTER_KEY": dupefilter_key(job_id),
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # a blocking pop would stall the reactor; SharedFrontierIdle waits
    }
    for name, value in values.items():
        settings.set(name, value, priority=priority)

    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    order = pipelines.pop(STORE_PIPELINE, 400)
    pipelines[QUEUE_PIPELINE] = order if isinstance(order, int) else 400
    settings.set("ITEM_PIPELINES", pipelines, priority=_at_least(settings, "ITEM_PIPELINES", priority))

    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions.setdefault(IDLE_EXTENSION, 500)
    settings.set("EXTENSIONS", extensions, priority=_at_least(settings, "EXTENSIONS", priority))


def _at_least(settings: BaseSettings, name: str, priority: int | str) -> int:
    """The priority to rewrite a component dict with: the one it was set at, when higher than ours.

    An add-on runs at ``addon`` priority, below the project's: without this the project's ITEM_PIPELINES,
    which names the store pipeline, would win over the edited copy.
    """
    return max(get_settings_priority(priority), settings.getpriority(name) or 0)
