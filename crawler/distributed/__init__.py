"""Distributed crawling through Redis: several crawl processes share one frontier, one ingest writes SQLite.

``AKHBAR_REDIS_URL`` switches a crawl to this mode (see ``crawler.distributed.settings``): the scheduler and
the request dupefilter live in Redis, so no URL is fetched twice across processes, and articles go to a Redis
list instead of the archive. ``akhbar ingest`` drains that list into SQLite through the same pipeline stages,
so the archive keeps exactly one writer.
"""
