"""Extraction in worker processes stores the same archive as extraction in the crawl process.

With workers, each page's fingerprint (content hash, search text, MinHash and band keys) is computed in the worker
and only written by the crawl process; without, the archive computes it. Both crawls of the same site must leave
identical rows, and items handed on to Scrapy's feed exporters must not carry the fingerprint.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from runs import Run, crawl
from sites import SiteServer, make_articles

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

DERIVED = {
    "articles": "SELECT url, title, body, content_hash FROM articles ORDER BY url",
    "search text": "SELECT a.url, f.title, f.body FROM articles_fts f JOIN articles a ON a.id = f.rowid ORDER BY a.url",
    "signatures": "SELECT a.url, m.signature FROM minhashes m JOIN articles a ON a.id = m.article_id ORDER BY a.url",
    "band keys": "SELECT a.url, b.band_key FROM lsh_bands b JOIN articles a ON a.id = b.article_id"
    " ORDER BY a.url, b.band_key",
    "stories": "SELECT a.url, s.first_site, s.agencies, s.article_count FROM stories s"
    " JOIN articles a ON a.id = s.first_article_id ORDER BY a.url",
    "story members": "SELECT a.url, f.url FROM articles a JOIN stories s ON s.id = a.story_id"
    " JOIN articles f ON f.id = s.first_article_id ORDER BY a.url",
}


def derived(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {name: conn.execute(sql).fetchall() for name, sql in DERIVED.items()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Run, Run]:
    tmp = tmp_path_factory.mktemp("workers")
    server = SiteServer(host_base=120)
    site = server.add("daily", make_articles("daily", 12))
    server.entry("daily").feeds = [site.feed("/feed/")]
    exported = tmp / "items.jsonl"
    with server:
        registry = server.write_registry(tmp / "sites.toml")
        in_process = crawl(registry, tmp / "in-process.db", "-s", "AKHBAR_EXTRACT_WORKERS=0")
        feeds = json.dumps({exported.as_uri(): {"format": "jsonlines", "encoding": "utf-8"}})
        workers = crawl(registry, tmp / "workers.db", "-s", "AKHBAR_EXTRACT_WORKERS=1", "-s", f"FEEDS={feeds}")
    return tmp / "in-process.db", tmp / "workers.db", exported, in_process, workers


def test_both_crawls_store_every_article(crawls: tuple[Path, Path, Path, Run, Run]) -> None:
    in_process_db, _, _, in_process, workers = crawls
    for run in (in_process, workers):
        assert run.process.returncode == 0, run.log[-3000:]
        assert run.site("daily", "stored") == 12
    assert len(derived(in_process_db)["articles"]) == 12


def test_worker_fingerprints_store_the_same_rows_as_the_archive_computes(
    crawls: tuple[Path, Path, Path, Run, Run],
) -> None:
    in_process_db, workers_db, *_ = crawls
    expected, got = derived(in_process_db), derived(workers_db)
    for name in DERIVED:
        assert got[name] == expected[name], name
    assert len(got["band keys"]) > 12  # every article has its band keys, not just a row


def test_exported_items_do_not_carry_the_fingerprint(crawls: tuple[Path, Path, Path, Run, Run]) -> None:
    _, _, exported, _, _ = crawls
    items = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert len(items) == 12
    assert all(item["fingerprint"] is None and item["content_hash"] and item["body"] for item in items)
