"""The switch to the shared Redis frontier: which settings change, and that it works as an add-on."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.distributed.addon import RedisAddon
from crawler.distributed.keys import clean_job, default_job
from crawler.distributed.queue import decode_article, encode_article
from crawler.distributed.settings import QUEUE_PIPELINE, SCHEDULER, STORE_PIPELINE, apply_redis_settings
from crawler.items import Article


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def test_apply_redis_settings() -> None:
    settings = project_settings()
    apply_redis_settings(settings, "redis://10.0.0.5:6379/0", job="2024-05-18 06h")
    assert settings["SCHEDULER"] == SCHEDULER
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings["REDIS_URL"] == "redis://10.0.0.5:6379/0"
    assert settings["SCHEDULER_QUEUE_KEY"] == "akhbar:%(spider)s:2024-05-18-06h:requests"
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert STORE_PIPELINE not in pipelines and pipelines[QUEUE_PIPELINE] == 400
    assert "crawler.pipelines.dedupe.DedupePipeline" in pipelines


def test_the_addon_wins_over_the_project_pipelines() -> None:
    settings = project_settings()
    settings.set("AKHBAR_REDIS_URL", "redis://127.0.0.1:1/0", priority="cmdline")
    RedisAddon().update_settings(settings)
    assert STORE_PIPELINE not in settings.getdict("ITEM_PIPELINES")
    assert settings["SCHEDULER"] == SCHEDULER
    plain = project_settings()
    RedisAddon().update_settings(plain)
    assert STORE_PIPELINE in plain.getdict("ITEM_PIPELINES") and plain["SCHEDULER"] != SCHEDULER


def test_addon_through_a_crawler() -> None:
    crawler = get_crawler(settings_dict={
        "ADDONS": {"crawler.distributed.addon.RedisAddon": 0},
        "AKHBAR_REDIS_URL": "redis://127.0.0.1:1/0",
        "ITEM_PIPELINES": {STORE_PIPELINE: 400},
    })  # fmt: skip
    crawler._apply_settings()
    assert crawler.settings["SCHEDULER"] == SCHEDULER
    assert set(crawler.settings.getdict("ITEM_PIPELINES")) == {QUEUE_PIPELINE}


def test_job_ids() -> None:
    assert len(default_job()) == len("20240518T06")
    assert clean_job(" run 7/a ") == "run-7-a"
    with pytest.raises(ValueError):
        clean_job("///")


def test_articles_travel_as_utf8_json() -> None:
    article = Article(url="https://alpha.example/a", site="alpha", title="عنوان", tags=["سياسة"])
    data = encode_article(article)
    assert "عنوان" in data and json.loads(data) == article.to_dict()
    assert decode_article(data.encode()) == article
    assert decode_article(json.dumps({**article.to_dict(), "from_the_future": 1})) == article


def test_crawl_archive_is_read_only_or_absent_when_distributed(tmp_path: Path) -> None:
    from crawler.distributed.archive_view import crawl_archive, may_write
    from crawler.storage.db import open_db

    alone = Settings({"AKHBAR_DB": str(tmp_path / "alone.db")})
    archive = crawl_archive(alone)
    assert archive is not None and may_write(alone)
    archive.db.conn.close()

    missing = Settings({"AKHBAR_DB": str(tmp_path / "elsewhere.db"), "AKHBAR_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert crawl_archive(missing) is None and not may_write(missing)
    assert not (tmp_path / "elsewhere.db").exists(), "a worker never creates an archive"

    open_db(tmp_path / "here.db").conn.close()
    here = Settings({"AKHBAR_DB": str(tmp_path / "here.db"), "AKHBAR_REDIS_URL": "redis://127.0.0.1:1/0"})
    readonly = crawl_archive(here)
    assert readonly is not None
    with pytest.raises(sqlite3.OperationalError):
        readonly.save_http_validators("http://127.0.0.1/feed", '"etag"', None)
    assert readonly.last_seen(["http://127.0.0.1/a"]) == {}
    readonly.db.conn.close()
