"""Readers (search, stats, export, Datasette-style queries) run while a writer stores articles, with no
"database is locked" error: WAL, the busy timeout and short write transactions at work.

The writer is a separate process storing batches through ``Archive.store``, the code the crawl's store
pipeline runs; the readers are the product's own read paths, in this process, in parallel threads.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from crawler.items import Article
from crawler.registry import parse_registry
from crawler.storage.archive import Archive
from crawler.storage.db import connect, open_db
from crawler.storage.reports import archive_stats
from crawler.storage.search import search
from crawler.text.arabic import content_hash
from exports.writer import export_feeds

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

TEST_SITES = (Path(__file__).parent.parent / "fixtures" / "test_sites.toml").read_text(encoding="utf-8")
WORDS = "أعلنت وزارة الخارجية اليوم أن الجولة الثامنة من المحادثات ستبدأ غدا بمشاركة الدول الضامنة".split(" ")


def write_articles(db_path: str, batches: int, ready: multiprocessing.synchronize.Event) -> None:
    archive = Archive(open_db(db_path))
    archive.sync_sites(parse_registry(TEST_SITES))
    ready.set()
    for b in range(batches):
        items = []
        for i in range(20):
            n = b * 20 + i
            body = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(60)) + f" رقم {n} " + "فقرة " * (n % 7)
            item = Article(url=f"https://alpha.example/n/{n}", canonical_url=f"https://alpha.example/n/{n}",
                           site=("alpha", "beta", "gamma")[n % 3], title=f"خبر رقم {n}", body=body,
                           published=f"2024-05-{1 + n % 28:02d}T10:00:00+03:00", agencies=["anadolu"])  # fmt: skip
            item.canonical_url = item.canonical_url.replace("alpha", item.site)
            item.content_hash = content_hash(item.title, item.body)
            items.append(item)
        archive.store(items)
    archive.db.conn.close()


def test_readers_never_see_database_is_locked_while_a_crawl_writes(tmp_path: Path) -> None:
    db_path = str(tmp_path / "akhbar.db")
    open_db(db_path).conn.close()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    writer = ctx.Process(target=write_articles, args=(db_path, 30, ready))
    writer.start()
    assert ready.wait(60)
    errors: list[BaseException] = []
    reads = {"search": 0, "stats": 0, "export": 0, "sql": 0}

    def reader(kind: str) -> None:
        while writer.is_alive():
            try:
                if kind == "export":
                    export_feeds(db_path, tmp_path / "feeds", base_url="https://feeds.example/")
                else:
                    conn = connect(db_path, readonly=True)
                    try:
                        if kind == "search":
                            search(conn, "الخارجية")
                        elif kind == "stats":
                            archive_stats(conn)
                        else:  # what Datasette does: plain SELECTs with facets
                            conn.execute("SELECT site, COUNT(*) FROM articles GROUP BY site").fetchall()
                            conn.execute("SELECT * FROM articles ORDER BY published_utc DESC LIMIT 50").fetchall()
                    finally:
                        conn.close()
                reads[kind] += 1
            except sqlite3.OperationalError as exc:
                errors.append(exc)
                return
            time.sleep(0.01)

    threads = [threading.Thread(target=reader, args=(kind,)) for kind in reads]
    for thread in threads:
        thread.start()
    writer.join(180)
    for thread in threads:
        thread.join(60)
    assert writer.exitcode == 0
    assert not errors, errors
    assert all(count > 0 for count in reads.values()), reads
    conn = connect(db_path, readonly=True)
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 600
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
