"""Scrapy settings of the Akhbar crawl. Our own settings share the ``AKHBAR_`` prefix.

Values that operators set per run come from the environment (``AKHBAR_DB``, ``AKHBAR_SITES``) or from
``akhbar crawl -s NAME=VALUE``, exactly as with ``scrapy crawl -s``.
"""

from __future__ import annotations

import os

from crawler.fetch_policy import contact_url, user_agent

BOT_NAME = "akhbar"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- Akhbar ---------------------------------------------------------------------------------------------------
AKHBAR_DB = os.environ.get("AKHBAR_DB") or "data/akhbar.db"
"""Path of the SQLite archive."""
AKHBAR_SITES = os.environ.get("AKHBAR_SITES") or None
"""Registry file; None means the bundled crawler/sites.toml."""
AKHBAR_SITE_IDS: list[str] = []
"""Crawl only these registry ids (all when empty)."""
AKHBAR_SINCE_DAYS = 3
"""Skip articles older than this many days (0: no limit)."""
AKHBAR_MIN_BODY_CHARS = 80
"""Articles with a shorter body are dropped as ``too_short`` (an empty page, a video stub)."""
AKHBAR_STORE_BATCH_SIZE = 100
"""The store pipeline commits after this many items…"""
AKHBAR_STORE_COMMIT_SECONDS = 2.0
"""…or this many seconds after the first uncommitted item, whichever comes first."""
AKHBAR_DEDUPE_CACHE_SIZE = 50_000
"""How many canonical URLs and text hashes the in-run dedupe stage remembers (a bounded LRU)."""
# Story grouping (crawler/storage/stories.py), read by the store stage and by `akhbar recluster`, and checked at
# their start: bands × rows must be the signature length (64), and the threshold not far below what the bands
# find, about (1/bands)^(1/rows). From the environment too, so that the crawl and recluster agree.
AKHBAR_STORY_THRESHOLD = os.environ.get("AKHBAR_STORY_THRESHOLD") or 0.3
"""Estimated word-pair similarity (Jaccard) at or above which a copy joins another article's story."""
AKHBAR_STORY_BANDS = os.environ.get("AKHBAR_STORY_BANDS") or 32
"""LSH bands per MinHash signature: more bands of fewer rows find less similar copies, at more comparisons."""
AKHBAR_STORY_ROWS = os.environ.get("AKHBAR_STORY_ROWS") or 2
"""Signature values per LSH band."""
AKHBAR_STORY_HOT_BAND = os.environ.get("AKHBAR_STORY_HOT_BAND") or 64
"""A band key held by more stored articles than this (a common phrase) is not used to find copies."""
AKHBAR_EXTRACT_WORKERS = -1
"""Processes that extract pages beside the crawl (-1: one per core beyond the first, 2 to 4; 0: in-process)."""
AKHBAR_EXTRACT_TIMEOUT = 60.0
"""Seconds one page may take in a worker; past it the workers are replaced and the page counted as
``extraction_timeout`` (not enforced with ``AKHBAR_EXTRACT_WORKERS = 0``)."""
AKHBAR_MAX_ARTICLES_PER_SITE = 2000
"""Article pages fetched per site and run at most, newest first (the rest are counted ``cut/articles_per_site``)."""
AKHBAR_MAX_SITEMAP_DEPTH = 3
"""Sitemap indexes followed this many levels deep at most (an index lists sitemaps: 1–2 levels in practice)."""
AKHBAR_MAX_FEED_ENTRIES = 5_000
"""Items read from one feed at most (the rest are counted ``cut/feed_entries``); a news feed lists tens."""
AKHBAR_MAX_SITEMAP_ENTRIES = 50_000
"""Entries read from one sitemap at most: the protocol's own limit (the rest are counted ``cut/sitemap_entries``)."""
AKHBAR_MAX_ROBOTS_SITEMAPS = 50
"""Distinct ``Sitemap:`` lines of a robots.txt followed at most (the rest are counted ``cut/robots_sitemaps``)."""
AKHBAR_RUN_DEADLINE = 0.0
"""Seconds after which the run stops cleanly, stores what it fetched and exports (0: no deadline)."""
AKHBAR_CONTACT_URL = contact_url()
"""Where a publisher can reach whoever runs this crawler; part of the User-Agent (the environment's
``AKHBAR_CONTACT_URL``, else the project's page)."""

AKHBAR_PROGRESS_ENABLED = True
"""Log one progress line per site while a crawl runs (crawler.ops.progress)."""
AKHBAR_PROGRESS_INTERVAL = 5.0
"""Seconds between progress lines."""

# -- Distributed crawling (crawler.distributed) ----------------------------------------------------------------
AKHBAR_REDIS_URL = os.environ.get("AKHBAR_REDIS_URL") or None
"""When set, the crawl shares its frontier through this Redis and queues articles for `akhbar ingest`."""
AKHBAR_REDIS_JOB = os.environ.get("AKHBAR_REDIS_JOB") or None
"""Id shared by the processes of one distributed run (default: the current UTC hour)."""
AKHBAR_REDIS_IDLE_SECONDS = 10.0
"""How long an idle process waits for other processes to add work to the shared frontier."""
AKHBAR_REDIS_KEY_TTL = 2 * 24 * 3600
"""Seconds a job's frontier keys live in Redis."""
AKHBAR_REDIS_ITEMS_KEY = "akhbar:items"
"""Redis list of articles waiting for `akhbar ingest`."""

# -- Politeness ------------------------------------------------------------------------------------------------
USER_AGENT = user_agent(AKHBAR_CONTACT_URL)  # the one `akhbar doctor` and `akhbar extract URL` send too
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "crawler.middlewares.robots.BoundedRobotParser"
# A page's <meta http-equiv="refresh"> is not followed: publishers could point it anywhere (an admin URL of
# another host), and an article that moved answers with a redirect, which the redirect guard checks.
METAREFRESH_ENABLED = False
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# The spider logs each failed request itself (a failure to resolve or connect once per site): Scrapy's own
# "Gave up retrying" line for every request would double it, and make an outage thousands of lines long.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
COOKIES_ENABLED = False
REDIRECT_MAX_TIMES = 5
AKHBAR_SITEGATE_ENABLED = True
"""Enforce each site's concurrency limit at a gate before the downloader (Scrapy alone exceeds it with no delay)."""
AKHBAR_RETRY_AFTER_ENABLED = True
"""Retry 429/503 answers that carry Retry-After once the site's pause is over."""
AKHBAR_RETRY_AFTER_MAX = 120.0
"""The longest pause, in seconds, a Retry-After may impose on a site."""
AKHBAR_RETRY_AFTER_TIMES = 3
"""How many times one request is retried after a Retry-After before the answer goes to RetryMiddleware."""
AKHBAR_BLOCKED_ENABLED = True
"""Recognise bot-challenge answers and count them as ``akhbar/site/<id>/blocked``."""
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "ar,en;q=0.5",
}

# -- Components ------------------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.sitestats.SiteStatsMiddleware": 50,
    # Scrapy's, logging a robots.txt it cannot fetch in one line instead of a traceback.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.SiteRobotsTxtMiddleware": 100,
    "crawler.middlewares.retryafter.RetryAfterMiddleware": 555,  # before RetryMiddleware (550) sees the answer
    "crawler.middlewares.conditional.ConditionalGetMiddleware": 560,
    "crawler.middlewares.redirects.RedirectGuardMiddleware": 610,  # sees a 3xx before RedirectMiddleware (600)
    "crawler.middlewares.blocked.BlockedSiteMiddleware": 580,  # after decompression (590), before any retry
    "crawler.middlewares.sitegate.SiteGateMiddleware": 990,  # last before the downloader, first after it
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.middlewares.throttle.SiteAutoThrottle": 0,
    "crawler.ops.progress.ProgressExtension": 500,
    "crawler.ops.redact.RedactCredentialsExtension": 0,
}
ADDONS = {
    "crawler.distributed.addon.RedisAddon": 0,
}
ITEM_PIPELINES = {
    "crawler.pipelines.normalize.NormalizePipeline": 100,
    "crawler.pipelines.validate.ValidatePipeline": 200,
    "crawler.pipelines.dedupe.DedupePipeline": 300,
    "crawler.pipelines.store.StorePipeline": 400,
}

# Our pipelines are synchronous: more than one item in flight per response only costs Scrapy the asyncio tasks it
# makes for each (a third of the crawl process's CPU per page in benchmarks/profile_crawl.py).
CONCURRENT_ITEMS = 1
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 10.0
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control runs Python code posted to it (with a token in a file under the user's profile):
# nothing a crawl of other people's pages should expose, inside the archive's writer.
REMOTE_CONTROL_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
