"""The bounds a run keeps whatever a publisher sends: a deadline for the whole run, and robots.txt read as
Google reads it (its first 500 KiB, a bounded number of ``Sitemap:`` lines deduplicated in linear time)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faultserver import (
    PARAGRAPHS,
    Behaviour,
    FaultServer,
    Reply,
    article_html,
    rss_listing,
    write_one_site_registry,
)

from crawler.discovery.autodiscovery import MAX_ROBOTS_BYTES, MAX_ROBOTS_SITEMAPS, robots_sitemap_lines
from crawler.fetch_policy import bounded
from crawler.middlewares.robots import BoundedRobotParser

DAY = "/news/2024/05/14"


def slow(n: int) -> Behaviour:
    paragraphs = [*PARAGRAPHS, f"وتشمل المرحلة رقم {n} من الخطة {n + 12} مدرسة في القرى البعيدة عن المدن."]
    text = article_html(f"خطة لبناء المدارس في القرى رقم {n}", paragraphs).encode()
    return lambda _seen: Reply(200, text, {"Content-Type": "text/html; charset=utf-8"}, delay=0.5)


@pytest.mark.slow
def test_a_run_past_its_deadline_stops_stores_what_it_has_and_exports(tmp_path: Path) -> None:
    routes = {f"{DAY}/school-{n}-55{n:03d}": slow(n) for n in range(120)}  # 60 s at one request at a time
    routes["/feed.xml"] = rss_listing(list(routes))
    with FaultServer(routes, "127.0.0.172") as server:
        registry = write_one_site_registry(tmp_path / "sites.toml", "schools", "مدارس", server, "IQ", "Asia/Baghdad")
        db, out = tmp_path / "akhbar.db", tmp_path / "feeds"
        start = time.monotonic()
        process = subprocess.run(
            [sys.executable, "-m", "crawler", "run", "--sites", str(registry), "--db", str(db), "--out", str(out),
             "--since", "0", "--base-url", "https://feeds.example.org/", "-s", "DOWNLOAD_DELAY=0",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
             "-s", "AKHBAR_RUN_DEADLINE=4", "-s", "LOG_LEVEL=INFO"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        seconds = time.monotonic() - start
    assert process.returncode == 0, process.stderr[-3000:]
    assert "crawl stopped at its deadline" in process.stderr
    # 120 pages at half a second each, one at a time, take 60 s; the requests still queued at the deadline
    # are not sent (they used to be, all of them, before the spider closed).
    assert seconds < 40
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        status, stats = conn.execute("SELECT status, stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    assert 0 < stored < 120
    assert json.loads(stats)["finish_reason"] == "deadline"
    assert json.loads(stats)["akhbar/site/schools/cut/run_stopping"] > 0
    assert "run_stopping" in process.stdout  # the summary's "cut (why)" column
    assert status == "deadline", status
    rss = (out / "sites" / "schools" / "rss.xml").read_text(encoding="utf-8")
    assert rss.count("<item>") == stored  # what was stored was exported


def test_robots_txt_is_read_to_500_kib_at_a_line_break() -> None:
    rules = b"User-agent: *\nDisallow: /private/\n"
    filler = b"# " + b"x" * 98 + b"\n"
    late = b"User-agent: *\nDisallow: /\n"  # past the limit: not obeyed, as Google does not
    body = rules + filler * (MAX_ROBOTS_BYTES // len(filler) + 10) + late
    head = bounded(body)
    assert len(head) <= MAX_ROBOTS_BYTES and head.endswith(b"\n") and body.startswith(head)
    parser = BoundedRobotParser(head, None)
    assert not parser.allowed("http://site.example/private/a", "akhbar")
    assert parser.allowed("http://site.example/news/a", "akhbar")
    assert bounded(rules) == rules


def test_robots_sitemap_lines_are_bounded_and_deduplicated_in_linear_time() -> None:
    lines = "".join(f"Sitemap: /sitemaps/s{n % 5_000}.xml\n" for n in range(10_000))  # each named twice
    # A dict keeps the order and answers "seen?" in constant time (the list it replaced took 31 s here).
    urls, more = robots_sitemap_lines("User-agent: *\n" + lines, "http://site.example/")
    assert len(urls) == MAX_ROBOTS_SITEMAPS and len(set(urls)) == len(urls)
    assert urls[0] == "http://site.example/sitemaps/s0.xml"
    assert more == 5_000 - MAX_ROBOTS_SITEMAPS  # the sitemaps past the limit are counted as cut, not lost
    beyond = "".join(f"Sitemap: /s{n}.xml\n" for n in range(40_000))  # 640 KB: only the first 500 KiB is read
    urls, more = robots_sitemap_lines(beyond, "http://site.example/")
    assert len(urls) + more == len(beyond[:MAX_ROBOTS_BYTES].splitlines())
