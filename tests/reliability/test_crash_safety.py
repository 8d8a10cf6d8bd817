"""A crawl killed with SIGKILL in the middle of storing loses at most its last uncommitted batch: the database
passes ``PRAGMA integrity_check``, every row committed before the kill is intact, and a rerun completes the
archive with no duplicates."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

FIXTURES = Path(__file__).parent.parent / "fixtures" / "demo"


def demo_article_count() -> int:
    return sum(len(json.loads(p.read_text(encoding="utf-8"))) for p in FIXTURES.glob("*.json"))


def crawl_command(registry: Path, db: Path, *settings: str) -> list[str]:
    command = [sys.executable, "-m", "crawler", "crawl", "--sites", str(registry), "--db", str(db), "--since", "0"]
    for setting in ("AUTOTHROTTLE_ENABLED=False", "LOG_LEVEL=WARNING", *settings):
        command += ["-s", setting]
    return command


def committed_rows(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT id, uid, canonical_url, title, body, content_hash FROM articles").fetchall()
    except sqlite3.OperationalError:  # schema not created yet
        return []
    finally:
        conn.close()


def test_sigkill_while_storing_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    total = demo_article_count()
    with DemoServer() as server:
        registry = server.write_registry(tmp_path / "sites.toml")
        # One page at a time, slowly, committing every two items: the kill lands between commits.
        slow = ("DOWNLOAD_DELAY=0.25", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "AKHBAR_STORE_BATCH_SIZE=2")
        process = subprocess.Popen(
            crawl_command(registry, db, *slow), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 120
            before: list[tuple[object, ...]] = []
            while time.monotonic() < deadline and process.poll() is None:
                before = committed_rows(db) if db.exists() else []
                if len(before) >= 4:
                    break
                time.sleep(0.05)
            assert process.poll() is None, "the crawl ended before it could be killed"
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(30)
        assert process.returncode == -signal.SIGKILL
        assert 4 <= len(before) < total

        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        after_kill = {row[0]: row for row in conn.execute(
            "SELECT id, uid, canonical_url, title, body, content_hash FROM articles"
        )}  # fmt: skip
        conn.close()
        for row in before:
            assert after_kill[row[0]] == row, "a row committed before the kill changed"

        rerun = subprocess.run(
            crawl_command(registry, db, "DOWNLOAD_DELAY=0"), capture_output=True, text=True, timeout=300, check=False
        )
        assert rerun.returncode == 0, rerun.stderr[-3000:]

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == total
    assert conn.execute(
        "SELECT COUNT(DISTINCT canonical_url), COUNT(DISTINCT content_hash) FROM articles"
    ).fetchone() == (
        total,
        total,
    )
    for row in before:
        assert conn.execute("SELECT uid FROM articles WHERE id = ?", (row[0],)).fetchone()[0] == row[1]
    # The killed run is on record as interrupted; the rerun finished.
    assert [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")] == ["interrupted", "finished"]
