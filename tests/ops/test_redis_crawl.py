"""Distributed crawling against a real redis-server: two crawl processes share one frontier, one ingest stores.

The two crawl processes run at the same time, each with a database of its own (as on two machines: neither
sees the archive); ``akhbar ingest --once`` then drains the item queue into the archive. The demo server
counts every request, so "no URL fetched twice across the two processes" is checked where it happens.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from crawler.demo.server import DemoServer
from crawler.distributed.keys import ITEMS_KEY

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

ADDON = json.dumps({"crawler.distributed.addon.RedisAddon": 0})
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]


def akhbar(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler", *args]


def ingest_cli(*args: str) -> list[str]:
    """``akhbar ingest``, run from its module so the test does not depend on the group's registration."""
    code = "from crawler.cli.ops import ingest_command; ingest_command(prog_name='akhbar ingest')"
    return [sys.executable, "-c", code, *args]


def worker(registry: Path, db: Path, redis_url: str) -> subprocess.Popen[str]:
    command = akhbar(
        "crawl", "--sites", str(registry), "--db", str(db), "--since", "0", *FAST,
        "-s", f"AKHBAR_REDIS_URL={redis_url}", "-s", f"ADDONS={ADDON}", "-s", "AKHBAR_REDIS_JOB=test",
        "-s", "AKHBAR_REDIS_IDLE_SECONDS=3", "-s", "LOG_LEVEL=INFO",
    )  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_crawlers_and_one_ingest_store_every_article_once(
    tmp_path: Path, redis_url: str, demo_urls: Callable[[dict[str, str]], set[str]]
) -> None:
    with DemoServer() as server:
        registry = server.write_registry(tmp_path / "sites.toml")
        workers = [worker(registry, tmp_path / f"worker{n}.db", redis_url) for n in (1, 2)]
        outputs = [w.communicate(timeout=600) for w in workers]
        requests = list(server.requests)
        base_urls = dict(server.base_urls)

    for process, (_, stderr) in zip(workers, outputs, strict=True):
        assert process.returncode in (0, 3), stderr[-3000:]
        assert "Traceback" not in stderr, stderr[-3000:]
        assert "DeprecationWarning" not in stderr, "scrapy-redis wrappers must keep runs warning-free"
        assert "shared frontier" in stderr

    # Robots.txt is fetched by each process's own RobotsTxtMiddleware (outside the scheduler, by design:
    # every process must know the rules itself); every other URL exactly once across both processes.
    fetched = Counter((r.site, r.path) for r in requests if r.method == "GET" and r.path != "/robots.txt")
    assert fetched, "the crawlers fetched nothing"
    twice = {key: n for key, n in fetched.items() if n > 1}
    assert not twice, f"fetched more than once across the two processes: {twice}"

    client = redis.Redis.from_url(redis_url)
    queued = client.llen(ITEMS_KEY)
    assert queued > 0

    archive = tmp_path / "archive.db"
    ingest = subprocess.run(
        ingest_cli("--db", str(archive), "--redis-url", redis_url, "--sites", str(registry), "--once"),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    assert client.llen(ITEMS_KEY) == 0

    conn = sqlite3.connect(archive)
    try:
        urls = [row[0] for row in conn.execute("SELECT canonical_url FROM articles")]
        runs = conn.execute("SELECT id, status FROM runs").fetchall()
        requests_recorded = conn.execute("SELECT SUM(requests) FROM run_sites").fetchone()[0]
    finally:
        conn.close()
    assert urls and len(urls) == len(set(urls)), "every article stored exactly once"
    assert set(urls) == demo_urls(base_urls), "the same articles as a one-process crawl of the demo"
    assert len(runs) == 1 and runs[0][1] == "finished"
    # The crawl processes' counters reached the run the ingest recorded.
    assert requests_recorded >= len(fetched)
    for name in ("worker1.db", "worker2.db"):  # the crawl processes never wrote an article themselves
        path = tmp_path / name
        if path.exists():
            worker_conn = sqlite3.connect(path)
            try:
                tables = {row[0] for row in worker_conn.execute("SELECT name FROM sqlite_master")}
                if "articles" in tables:
                    assert worker_conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0
            finally:
                worker_conn.close()


@pytest.mark.parametrize("n", [3])
def test_ingest_is_idempotent_across_repeated_items(tmp_path: Path, redis_url: str, n: int) -> None:
    """The same article queued several times (two machines, two runs) is stored once."""
    from crawler.distributed.queue import ItemQueue
    from crawler.items import Article

    with DemoServer() as server:
        registry = server.write_registry(tmp_path / "sites.toml")
        site, base = sorted(server.base_urls.items())[0]
    queue = ItemQueue.from_url(redis_url)
    body = "نص الخبر الكامل الذي يكفي طوله لاجتياز التحقق من الطول الأدنى للمقالات في الأرشيف. " * 3
    for _ in range(n):
        queue.push(Article(url=f"{base}/2024/05/x/", site=site, title="عنوان الخبر", body=body))
    archive = tmp_path / "archive.db"
    result = subprocess.run(
        ingest_cli("--db", str(archive), "--redis-url", redis_url, "--sites", str(registry), "--once"),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(archive)
    try:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
        assert conn.execute("SELECT title FROM articles").fetchone()[0] == "عنوان الخبر"
    finally:
        conn.close()
    assert "new" in result.stdout


def test_ingest_once_with_nothing_queued_records_no_run(tmp_path: Path, redis_url: str) -> None:
    archive = tmp_path / "archive.db"
    result = subprocess.run(ingest_cli("--db", str(archive), "--redis-url", redis_url, "--once"),
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(archive)
    try:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
    finally:
        conn.close()


def test_continuous_ingest_stores_as_items_arrive_and_stops_cleanly_on_sigterm(tmp_path: Path, redis_url: str) -> None:
    import signal
    import time

    from crawler.distributed.queue import ItemQueue
    from crawler.items import Article

    with DemoServer() as server:
        registry = server.write_registry(tmp_path / "sites.toml")
        site, base = sorted(server.base_urls.items())[0]
    archive = tmp_path / "archive.db"
    process = subprocess.Popen(
        ingest_cli("--db", str(archive), "--redis-url", redis_url, "--sites", str(registry), "--run-gap", "3600"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        queue = ItemQueue.from_url(redis_url)
        body = "نص الخبر الكامل الذي يكفي طوله لاجتياز التحقق من الطول الأدنى للمقالات في الأرشيف. " * 3
        for n in range(3):
            queue.push(Article(url=f"{base}/2024/05/item-{n}/", site=site, title=f"خبر {n}", body=f"{n} {body}"))
        stored = 0
        deadline = time.monotonic() + 120
        while stored < 3:
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()[1][-3000:]
            time.sleep(0.2)
            if archive.exists():
                conn = sqlite3.connect(archive)
                try:
                    stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                except sqlite3.OperationalError:  # not migrated yet
                    stored = 0
                finally:
                    conn.close()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    conn = sqlite3.connect(archive)
    try:
        runs = conn.execute("SELECT status FROM runs").fetchall()
        per_site = conn.execute("SELECT site, stored FROM run_sites").fetchall()
    finally:
        conn.close()
    assert runs == [("shutdown",)], "the open run is recorded when the ingest is stopped"
    assert per_site == [(site, 3)]
    assert "3 articles from the queue" in out
