"""The Redis keys Akhbar uses, in one place."""

from __future__ import annotations

import re
from datetime import UTC, datetime

ITEMS_KEY = "akhbar:items"
"""List of articles waiting for ``akhbar ingest`` (JSON of ``Article.to_dict()``, pushed right, popped left)."""
WORKER_STATS_KEY = "akhbar:worker-stats"
"""List of the per-site figures each crawl process pushes when it closes, merged into the ingest's run."""
_JOB_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


def default_job() -> str:
    """The job id of processes that do not set one: the current UTC hour (``20240518T06``).

    Processes started by the same timer or cron line share it and so share one frontier; the next hourly run
    gets fresh keys, so its feeds are fetched again instead of being filtered as seen.
    """
    return datetime.now(UTC).strftime("%Y%m%dT%H")


def clean_job(job: str) -> str:
    """A job id safe inside a Redis key."""
    cleaned = _JOB_CHARS.sub("-", job.strip()).strip("-")
    if not cleaned:
        raise ValueError(f"unusable job id {job!r}")
    return cleaned


def requests_key(job: str) -> str:
    """The shared request queue of one job; ``%(spider)s`` is filled in by scrapy-redis."""
    return f"akhbar:%(spider)s:{job}:requests"


def dupefilter_key(job: str) -> str:
    """The set of request fingerprints already scheduled in one job."""
    return f"akhbar:%(spider)s:{job}:dupefilter"
