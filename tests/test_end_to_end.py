"""The whole pipeline on the real stack: the demo sites served on 127.0.0.x, crawled by real Scrapy through the
``akhbar`` CLI in a subprocess, stored in SQLite, exported as feeds, and checked field by field against the
expected values written beside the demo fixtures (tests/fixtures/demo/<site>.json)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, unquote

import feedparser
import pytest
from lxml import etree

from crawler.demo.server import DemoServer
from crawler.registry import parse_registry
from crawler.text.urls import canonicalize
from exports.formats import ATOM_FEED, FORMATS, RSS_FEED

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

FIXTURES = Path(__file__).parent / "fixtures" / "demo"
EXPORT_BASE = "http://127.0.0.1:8080/"  # akhbar export's default --base-url


def load_feed_rules() -> ModuleType:
    """The W3C Feed Validation Service's rules as mirrored by the feed tests (tests/exports/feedrules.py)."""
    spec = importlib.util.spec_from_file_location("feedrules", Path(__file__).parent / "exports" / "feedrules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]


def akhbar(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def expected_articles() -> dict[str, list[dict[str, Any]]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.glob("*.json"))}


@dataclass
class DemoRun:
    server: DemoServer
    db: Path
    out: Path
    crawl: subprocess.CompletedProcess[str]
    export: subprocess.CompletedProcess[str]
    requests_first_run: int

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def url(self, site: str, path: str) -> str:
        return canonicalize(self.server.base_urls[site] + path, scheme="http")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    tmp = tmp_path_factory.mktemp("demo")
    with DemoServer() as server:
        registry = server.write_registry(tmp / "sites.toml")
        db, out = tmp / "akhbar.db", tmp / "feeds"
        crawl = akhbar("crawl", "--sites", str(registry), "--db", str(db), "--since", "0", *FAST)
        requests_first_run = len(server.requests)
        export = akhbar("export", "--db", str(db), "--out", str(out))
        yield DemoRun(server, db, out, crawl, export, requests_first_run)


def test_crawl_and_export_succeed(demo: DemoRun) -> None:
    assert demo.crawl.returncode == 0, demo.crawl.stderr[-3000:]
    assert demo.export.returncode == 0, demo.export.stderr[-3000:]
    assert "Traceback" not in demo.crawl.stderr


def test_every_demo_article_is_stored_once(demo: DemoRun) -> None:
    expected = expected_articles()
    assert set(expected) == set(demo.server.base_urls), "every demo site has expected values"
    stored = demo.rows("SELECT site, canonical_url FROM articles")
    wanted = {(site, demo.url(site, a["canonical_path"] or a["path"])) for site, arts in expected.items() for a in arts}
    assert len(stored) == len(wanted)
    assert {(r["site"], r["canonical_url"]) for r in stored} == wanted


@pytest.mark.parametrize("site", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_stored_fields_match_the_expected_values(demo: DemoRun, site: str) -> None:
    for want in expected_articles()[site]:
        url = demo.url(site, want["canonical_path"] or want["path"])
        (row,) = demo.rows("SELECT * FROM articles WHERE canonical_url = ?", (url,))
        where = f"{site} {want['path']}"
        assert row["title"] == want["title"], where
        assert row["body"] == want["body"], where
        assert row["published"] == want["published"], where
        assert row["category"] == want["category"], where
        assert json.loads(row["authors"]) == want["authors"], where
        assert sorted(json.loads(row["agencies"])) == sorted(want["agencies"]), where
        assert row["dateline"] == want["dateline"], where
        if want.get("image"):
            assert row["image"] == demo.server.base_urls[site] + want["image"], where
        assert row["language"] == "ar", where
        assert row["uid"] and row["content_hash"], where


def test_the_sample_article_is_clean_and_credited(demo: DemoRun) -> None:
    (row,) = demo.rows("SELECT * FROM articles WHERE title LIKE '%الخارجية الكازخية%'")
    assert row["site"] == "demo-humanvoice"
    assert row["category"] == "سياسة"
    assert "anadolu" in json.loads(row["agencies"])
    for boilerplate in ("مقالات ذات صلة", "اترك تعليقاً", "لن يتم نشر عنوان بريدك الإلكتروني", "الحقول الإلزامية"):
        assert boilerplate not in row["body"]
    assert row["body"].startswith("أعرب رئيس قسم الشؤون الآسيوية الإفريقية")
    assert row["body"].endswith("مساعد وزير الخارجية حسين أنصاري.")


def test_the_syndicated_story_is_one_row_per_site_sharing_a_story(demo: DemoRun) -> None:
    labels: dict[str, set[tuple[str, str]]] = {}
    for site, articles in expected_articles().items():
        for a in articles:
            if a.get("story"):
                labels.setdefault(a["story"], set()).add((site, demo.url(site, a["canonical_path"] or a["path"])))
    assert labels, "the demo sites republish at least one agency story"
    for copies in labels.values():
        assert len({site for site, _ in copies}) >= 2
        story_ids = set()
        for _site, url in copies:
            (row,) = demo.rows("SELECT story_id FROM articles WHERE canonical_url = ?", (url,))
            story_ids.add(row["story_id"])
        assert len(story_ids) == 1
        (story,) = demo.rows("SELECT article_count FROM stories WHERE id = ?", (story_ids.pop(),))
        assert story["article_count"] == len(copies)


def test_the_windows_1256_site_is_correct_arabic(demo: DemoRun) -> None:
    for want in expected_articles()["demo-qabas"]:
        (row,) = demo.rows("SELECT title, body FROM articles WHERE title = ?", (want["title"],))
        assert row["body"] == want["body"]
        assert "Ø" not in row["body"] and "\ufffd" not in row["body"]


def test_feeds_parse_without_errors_and_credit_the_publisher(demo: DemoRun) -> None:
    sites = {r["id"]: r["name"] for r in demo.rows("SELECT id, name FROM sites")}
    for name in (RSS_FEED.file_name, ATOM_FEED.file_name):  # the formats feedparser reads
        combined = feedparser.parse((demo.out / "all" / name).read_bytes())
        assert not combined.bozo, (name, combined.get("bozo_exception"))
        assert combined.feed.get("language", "ar").startswith("ar")
        assert combined.entries
        for site_id in sites:
            feed = feedparser.parse((demo.out / "sites" / site_id / name).read_bytes())
            assert not feed.bozo, (site_id, name, feed.get("bozo_exception"))
            assert feed.entries
            for entry in feed.entries:
                assert entry.link.startswith(demo.server.base_urls[site_id])
                source = entry.get("source", {})
                assert sites[site_id] in json.dumps(source, ensure_ascii=False) or sites[site_id] in entry.get(
                    "summary", ""
                ) + json.dumps(entry.get("content", []), ensure_ascii=False)
    titles = {e.title for e in feedparser.parse((demo.out / "all" / "rss.xml").read_bytes()).entries}
    assert "الخارجية الكازخية “متفائلة” بنتائج ملموسة لأستانة8" in titles


def test_rss_source_names_the_original_sites_feed_else_its_homepage(demo: DemoRun) -> None:
    registry = parse_registry(demo.server.registry_toml())
    stored = {r["id"]: json.loads(r["feeds"]) for r in demo.rows("SELECT id, feeds FROM sites")}
    assert stored == {site.id: list(site.feeds) for site in registry}
    assert any(not site.feeds for site in registry), "one demo site has sitemaps only"
    for site in registry:
        items = etree.parse(str(demo.out / "sites" / site.id / "rss.xml")).iterfind("channel/item/source")
        assert {s.get("url") for s in items} == {site.feeds[0] if site.feeds else site.url}, site.id


def test_a_second_run_fetches_no_article_and_stores_nothing_new(demo: DemoRun, tmp_path: Path) -> None:
    before = demo.rows("SELECT COUNT(*) AS n FROM articles")[0]["n"]
    registry = demo.server.write_registry(tmp_path / "sites.toml")
    start = len(demo.server.requests)
    again = akhbar("crawl", "--sites", str(registry), "--db", str(demo.db), "--since", "0", *FAST)
    assert again.returncode == 0, again.stderr[-3000:]
    second = demo.server.requests[start:]
    assert demo.rows("SELECT COUNT(*) AS n FROM articles")[0]["n"] == before
    # Only robots.txt, feeds and sitemaps are asked for, and the unchanged feeds and sitemaps answer 304.
    article_paths = {unquote(a["path"]) for articles in expected_articles().values() for a in articles}
    assert not [r for r in second if unquote(r.path) in article_paths]
    sources = [r for r in second if not r.path.endswith("robots.txt")]
    assert sources and all(r.status == 304 for r in sources), [(r.path, r.status) for r in sources]
    assert len(second) < demo.requests_first_run / 2
    runs = demo.rows("SELECT id, status FROM runs ORDER BY id")
    assert [r["status"] for r in runs] == ["finished", "finished"]


def test_every_feed_of_the_demo_run_passes_the_validator_rules(demo: DemoRun) -> None:
    rules = load_feed_rules()
    directories = sorted({path.parent for fmt in FORMATS for path in demo.out.rglob(fmt.file_name)})
    for directory in directories:
        url = EXPORT_BASE + quote(directory.relative_to(demo.out).as_posix()) + "/"
        assert rules.check_feed_directory(directory, url) == [], directory  # every format's file, checked
    # all/, three sites, and every category and agency of the demo
    assert len(directories) >= 1 + 3 + 3
