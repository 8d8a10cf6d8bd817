"""Progress lines from the per-site stats, and the end-of-run summary table."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.ops.progress import ProgressExtension, progress_line, site_figures
from crawler.ops.summary import cut_cell, dropped_cell, render_summary, skipped_cell, time_cell
from crawler.pipelines.store import per_site_figures

STATS = {
    "akhbar/site/alpha/requests": 120,
    "akhbar/site/alpha/responses": 118,
    "akhbar/site/alpha/articles_found": 34,
    "akhbar/site/alpha/stored": 20,
    "akhbar/site/alpha/updated": 3,
    "akhbar/site/alpha/duplicates": 2,
    "akhbar/site/alpha/dropped": 4,
    "akhbar/site/alpha/dropped/too_short": 3,
    "akhbar/site/alpha/dropped/no_title": 1,
    "akhbar/site/alpha/errors": 1,
    "akhbar/site/alpha/seconds": 42.4,
    "akhbar/site/alpha/cut/articles_per_site": 1200,
    "akhbar/site/alpha/cut/sitemap_depth": 1,
    "akhbar/site/alpha/extraction_timeout": 2,
    "akhbar/site/alpha/skipped/looks_like_listing": 4,
    "akhbar/site/alpha/skipped/media": 1,
    "akhbar/site/alpha/skipped/known": 30,
    "akhbar/site/alpha/skipped/listed_twice": 2,
    "akhbar/site/beta/requests": 5,
    "akhbar/site/beta/errors": 5,
    "downloader/request_count": 125,
}


def test_site_figures_and_progress_line() -> None:
    figures = site_figures(STATS)
    assert set(figures) == {"alpha", "beta"}
    assert figures["beta"]["stored"] == 0
    line = progress_line("alpha", figures["alpha"], 42.4)
    assert line == (
        "alpha: 120 requests (118 answered), 34 found, 20 new, 3 updated, 2 dupes, 4 dropped, 1 errors, 42s"
    )


def test_extension_logs_sites_whose_figures_moved(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(settings_dict={"AKHBAR_PROGRESS_INTERVAL": 5})
    assert crawler.stats is not None
    extension = ProgressExtension.from_crawler(crawler)
    for key, value in STATS.items():
        crawler.stats.set_value(key, value)
    with caplog.at_level(logging.INFO, logger="crawler.ops.progress"):
        extension.log_progress()
        extension.log_progress()  # nothing moved: no new lines
        crawler.stats.inc_value("akhbar/site/beta/requests")
        extension.log_progress()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("progress alpha: 120 requests") and lines[0].endswith(", 42s")
    assert lines[1].startswith("progress beta: 5 requests")
    assert lines[2].startswith("progress beta: 6 requests")
    assert len(lines) == 3


def test_extension_tracks_site_time() -> None:
    crawler = get_crawler(settings_dict={})
    assert crawler.stats is not None
    extension = ProgressExtension.from_crawler(crawler)
    request = Request("http://127.0.0.1/", meta={"site": "alpha"})
    extension.request_reached_downloader(request)
    extension.response_received(request)
    assert isinstance(crawler.stats.get_value("akhbar/site/alpha/seconds"), float)
    extension.response_received(Request("http://127.0.0.1/x"))  # untagged requests are ignored


def test_extension_switches_off() -> None:
    with pytest.raises(NotConfigured):
        ProgressExtension.from_crawler(get_crawler(settings_dict={"AKHBAR_PROGRESS_ENABLED": False}))


def test_summary_shows_drops_with_reasons_and_time() -> None:
    sites = per_site_figures(STATS)
    # A page lost before it became an item (past the extraction time limit) is a drop with its reason too.
    assert dropped_cell(sites["alpha"]) == "6 (too_short 3, extraction_timeout 2, no_title 1)"
    assert dropped_cell(sites["beta"]) == "0"
    assert cut_cell(sites["alpha"]) == "1201 (articles_per_site 1200, sitemap_depth 1)"
    assert cut_cell(sites["beta"]) == "0"
    # Links stored already or listed by two sources are routine in an incremental crawl: not shown.
    assert skipped_cell(sites["alpha"]) == "5 (looks_like_listing 4, media 1)"
    assert skipped_cell(sites["beta"]) == "0"
    assert time_cell(42.4) == "42s" and time_cell(185) == "3m05s" and time_cell(None) == ""
    table = render_summary(sites).splitlines()
    assert table[0].split() == ["site", "requests", "new", "updated", "dupes", "errors", "time", "status",
                                "skipped", "(why)", "cut", "(why)", "dropped", "(why)"]  # fmt: skip
    assert table[2].split()[:8] == ["alpha", "120", "20", "3", "2", "1", "42s", "ok"]
    assert "5 (looks_like_listing 4, media 1)" in table[2]
    assert "1201 (articles_per_site 1200, sitemap_depth 1)" in table[2]
    assert table[2].endswith("6 (too_short 3, extraction_timeout 2, no_title 1)")
    assert table[3].split() == ["beta", "5", "0", "0", "0", "5", "unreachable", "0", "0", "0"]


def test_summary_of_a_distributed_crawl_process_shows_queued_articles() -> None:
    sites = per_site_figures({"akhbar/site/alpha/requests": 9, "akhbar/site/alpha/queued": 6})
    row = render_summary(sites).splitlines()[2]
    assert row.split()[:4] == ["alpha", "9", "0", "(6"]
