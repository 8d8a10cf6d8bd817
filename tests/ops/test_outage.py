"""An outage named: the per-site status of a site that never answered, the offline run, its history, and the
distributed path (crawl processes feeding Redis, ``akhbar ingest``) against sites that refuse connections."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler
from twisted.internet import error

from crawler.middlewares.robots import SiteRobotsTxtMiddleware
from crawler.ops.history import flagged_sites, offline_runs, run_history
from crawler.ops.outage import find_outage, network_failure_only, run_status
from crawler.pipelines.store import per_site_figures
from crawler.storage.archive import Archive


def refused(site: str, *, source: str | None = "feeds", reason: str = "connection_refused") -> dict[str, Any]:
    """What a site whose three attempts at one request failed to connect leaves in the stats."""
    stats = {f"akhbar/site/{site}/requests": 3, f"akhbar/site/{site}/errors": 1,
             f"akhbar/site/{site}/errors/{reason}": 1}  # fmt: skip
    if source:
        stats[f"akhbar/site/{site}/{source}_failed"] = 1
    return stats


def answered(site: str) -> dict[str, Any]:
    return {f"akhbar/site/{site}/requests": 4, f"akhbar/site/{site}/responses": 4,
            f"akhbar/site/{site}/status/200": 4, f"akhbar/site/{site}/articles_found": 2,
            f"akhbar/site/{site}/stored": 2}  # fmt: skip


def test_a_site_that_never_connected_is_unreachable_whatever_its_discovery_mode() -> None:
    sites = per_site_figures({**refused("feeds"), **refused("maps", source="sitemaps"),
                              **refused("auto", source=None, reason="dns")})  # fmt: skip
    assert {site: figures["status"] for site, figures in sites.items()} == {
        "feeds": "unreachable", "maps": "unreachable", "auto": "unreachable"}  # fmt: skip
    # A feed that answered 404 is a failing source, not an unreachable site.
    notfound = per_site_figures({"akhbar/site/x/requests": 1, "akhbar/site/x/responses": 1,
                                 "akhbar/site/x/errors": 1, "akhbar/site/x/errors/http_404": 1,
                                 "akhbar/site/x/feeds_failed": 1})  # fmt: skip
    assert notfound["x"]["status"] == "sources_failing"
    assert not network_failure_only(notfound["x"])


def test_an_outage_is_every_site_failing_to_connect_or_resolve() -> None:
    offline = per_site_figures({**refused("a"), **refused("b", reason="dns"), **refused("c", reason="timeout")})
    outage = find_outage(offline)
    assert outage is not None
    assert outage.message == "no site answered: 3 of 3 failed to connect or resolve — is this machine offline?"
    assert run_status("finished", offline) == "offline"
    assert run_status("shutdown", offline) == "shutdown"  # an interrupted run keeps its reason
    assert find_outage(per_site_figures({**refused("a"), **answered("b")})) is None
    assert find_outage({}) is None
    # A site that answered with a challenge page counts as an answer: not an outage.
    assert find_outage(per_site_figures({**refused("a"), "akhbar/site/b/requests": 1,
                                         "akhbar/site/b/blocked": 1})) is None  # fmt: skip


def record(archive: Archive, stats: dict[str, Any]) -> int:
    run_id = archive.start_run(sorted({key.split("/")[2] for key in stats}))
    sites = per_site_figures(stats)
    archive.finish_run(run_id, run_status("finished", sites), stats, sites)
    return run_id


def test_history_calls_an_offline_run_offline_not_every_site_blocked(archive: Archive) -> None:
    record(archive, {**answered("alpha"), **answered("beta")})
    offline = record(archive, {**refused("alpha"), **refused("beta", reason="dns")})
    dead = record(archive, {**answered("alpha"), **refused("beta")})
    rows = run_history(archive.conn)
    by_run = {(row.run_id, row.site): row for row in rows}
    assert by_run[offline, "alpha"].flags == by_run[offline, "beta"].flags == ["offline"]
    assert by_run[offline, "alpha"].run_status == "offline"
    # One dead site among live ones: unreachable, not blocked; its fall in yield is flagged against real runs.
    assert by_run[dead, "beta"].flags == ["yield_zero", "unreachable"]
    assert by_run[dead, "alpha"].flags == []
    assert offline_runs(rows) == [offline]
    assert flagged_sites(rows) == {"beta": ["yield_zero", "unreachable"]}


# -- the distributed path ----------------------------------------------------------------------------------------

ADDON = json.dumps({"crawler.distributed.addon.RedisAddon": 0})


def dead_registry(path: Path) -> Path:
    entries = []
    for n, mode in enumerate(["feeds", "sitemaps", "auto"]):
        host = f"127.0.0.{191 + n}"
        with socket.socket() as sock:
            sock.bind((host, 0))
            base = f"http://{host}:{sock.getsockname()[1]}"
        source = {"feeds": f'feeds = ["{base}/feed/"]', "sitemaps": f'sitemaps = ["{base}/sitemap.xml"]'}.get(mode, "")
        entries.append(f'[[sites]]\nid = "dead{n}"\nname = "موقع"\nname_en = "Dead"\nurl = "{base}/"\n'
                       f'country = "LB"\n{source}\n')  # fmt: skip
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_distributed_crawl_of_dead_sites_logs_one_line_each_and_ingest_records_offline(
    tmp_path: Path, redis_url: str
) -> None:
    registry = dead_registry(tmp_path / "sites.toml")
    crawl = subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", "--sites", str(registry), "--db", str(tmp_path / "worker.db"),
         "--since", "0", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", f"AKHBAR_REDIS_URL={redis_url}", "-s", f"ADDONS={ADDON}", "-s", "AKHBAR_REDIS_JOB=offline",
         "-s", "AKHBAR_REDIS_IDLE_SECONDS=2", "-s", "LOG_LEVEL=INFO"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert crawl.returncode == 4, crawl.stderr[-3000:]
    assert "Traceback" not in crawl.stderr + crawl.stdout
    assert len([line for line in crawl.stderr.splitlines() if "cannot reach the site" in line]) == 3
    assert "no site answered: 3 of 3 failed to connect or resolve" in crawl.stderr

    archive = tmp_path / "archive.db"
    code = "from crawler.cli.ops import ingest_command; ingest_command(prog_name='akhbar ingest')"
    ingest = subprocess.run(
        [sys.executable, "-c", code, "--db", str(archive), "--redis-url", redis_url, "--sites", str(registry),
         "--once"], capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    conn = sqlite3.connect(archive)
    try:
        assert conn.execute("SELECT status FROM runs").fetchall() == [("offline",)]
        assert set(conn.execute("SELECT status FROM run_sites")) == {("unreachable",)}
    finally:
        conn.close()


# -- robots.txt that cannot be fetched -----------------------------------------------------------------------------


class FailingEngine:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    async def download_async(self, request: Request) -> None:
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "level", "words"),
    [
        (error.ConnectionRefusedError("111: Connection refused"), logging.DEBUG, "connection refused"),
        (error.DNSLookupError("no such host"), logging.DEBUG, "host name not resolved"),
        (ValueError("TLS handshake went wrong"), logging.WARNING, "value_error: TLS handshake went wrong"),
    ],
)
def test_a_robots_txt_that_cannot_be_fetched_is_one_line_without_a_traceback(
    caplog: pytest.LogCaptureFixture, exc: Exception, level: int, words: str
) -> None:
    settings = {"ROBOTSTXT_OBEY": True, "ROBOTSTXT_PARSER": "crawler.middlewares.robots.BoundedRobotParser"}
    crawler = get_crawler(settings_dict=settings)
    middleware = SiteRobotsTxtMiddleware.from_crawler(crawler)
    crawler.engine = FailingEngine(exc)  # type: ignore[assignment]
    request = Request("http://127.0.0.9:1/feed/", meta={"site": "alpha"})
    with caplog.at_level(logging.DEBUG):
        assert asyncio.run(middleware.robot_parser(request)) is None  # crawled without rules, as Scrapy does
    (record,) = [r for r in caplog.records if "robots.txt" in r.getMessage()]
    assert record.levelno == level and record.exc_info is None
    assert record.getMessage() == (
        f"alpha: robots.txt not fetched, crawling without its rules: {words} (http://127.0.0.9:1/robots.txt)"
    )
    assert not [r for r in caplog.records if r.exc_info]
