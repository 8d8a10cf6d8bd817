"""An export killed with SIGKILL leaves every feed file whole: the old one or the new one, never a torn one.

Every file is written to a temporary name and renamed into place; this test kills ``akhbar export`` at several
moments of a long export and parses every feed, OPML and JSON file left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from crawler.items import Article
from crawler.registry import parse_registry
from crawler.storage.archive import Archive
from crawler.storage.db import open_db
from crawler.text.arabic import content_hash

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

TEST_SITES = (Path(__file__).parent.parent / "fixtures" / "test_sites.toml").read_text(encoding="utf-8")
WORDS = "أعلنت وزارة الخارجية اليوم أن الجولة الثامنة من المحادثات ستبدأ غدا بمشاركة الدول الضامنة".split(" ")
CATEGORIES = ["سياسة", "اقتصاد", "رياضة", "ثقافة", "صحة", "تكنولوجيا"]


def fill(db_path: Path, start: int, count: int) -> None:
    archive = Archive(open_db(db_path))
    archive.sync_sites(parse_registry(TEST_SITES))
    items = []
    for n in range(start, start + count):
        site = ("alpha", "beta", "gamma")[n % 3]
        body = "\n".join(" ".join(WORDS[(n * k + i) % len(WORDS)] for i in range(40)) + f" {n}-{k}" for k in range(6))
        url = f"https://{site}.example/news/{n}"
        item = Article(url=url, canonical_url=url, site=site, title=f"خبر رقم {n}", body=body,
                       category=CATEGORIES[n % len(CATEGORIES)], agencies=[["anadolu"], ["afp"], []][n % 3],
                       published=f"2024-05-{1 + n % 28:02d}T{n % 24:02d}:00:00+03:00")  # fmt: skip
        item.content_hash = content_hash(item.title, item.body)
        items.append(item)
    for i in range(0, len(items), 200):
        archive.store(items[i : i + 200])
    archive.db.conn.close()


def check_whole(out: Path) -> int:
    """Parse every file the export wrote; return how many there were."""
    files = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
    for path in files:
        data = path.read_bytes()
        if path.suffix in (".xml", ".opml"):
            etree.fromstring(data)  # raises on a torn file
        elif path.suffix == ".json":
            json.loads(data)
        elif path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
    return len(files)


def test_a_killed_export_leaves_every_file_whole(tmp_path: Path) -> None:
    db, out = tmp_path / "akhbar.db", tmp_path / "feeds"
    fill(db, 0, 600)
    command = [sys.executable, "-m", "crawler", "export", "--db", str(db), "--out", str(out), "--limit", "300"]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    assert check_whole(out) > 20
    for round_, delay in enumerate((0.6, 0.9, 1.1, 1.3, 1.5, 1.8)):
        fill(db, 600 + round_ * 100, 100)  # every feed changes, so the export rewrites them all
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(60)
        check_whole(out)
    # After the kills, a full export still completes and leaves no temporary files behind.
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    check_whole(out)
    assert not [p for p in out.rglob("*") if ".tmp" in p.name], "temporary files left behind"
