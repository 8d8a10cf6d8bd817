"""``RedisAddon``: a Scrapy add-on that applies ``apply_redis_settings`` when ``AKHBAR_REDIS_URL`` is set.

Add-ons run after every settings source (project, environment, ``-s``), so the switch works the same for
``akhbar crawl``, ``scrapy crawl news`` and Scrapyd jobs. Enable it in the project settings::

    ADDONS = {"crawler.distributed.addon.RedisAddon": 0}
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

from crawler.distributed.settings import apply_redis_settings


class RedisAddon:
    """Does nothing unless ``AKHBAR_REDIS_URL`` is set."""

    def update_settings(self, settings: BaseSettings) -> None:
        redis_url = settings.get("AKHBAR_REDIS_URL")
        if redis_url:
            apply_redis_settings(settings, str(redis_url), priority="addon")
