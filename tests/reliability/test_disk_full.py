"""A disk that fills in the middle of a crawl stops the run as failed, and loses nothing already stored.

Before: 200 of 600 articles stored, exit 0, the run ``finished`` and every site ``ok``; ``akhbar run`` on the
full disk then crashed with a traceback while writing its lock. Now the store stops the crawl at the first
write the archive refuses, ``akhbar run`` exits 1 with one line and does not export (the feeds of the last good
run stay as they were), and the archive passes ``integrity_check`` with every article it held before.

The archive and the feeds live on a small tmpfs mounted for the test (the machine's CI runs as root); where
mounting is not allowed, the crawl runs under an ``RLIMIT_FSIZE`` that its archive outgrows instead.
"""

from __future__ import annotations

import contextlib
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from faultserver import Behaviour, FaultServer, article_html, html, rss_listing, write_one_site_registry

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

DAY = "/news/2024/05/14"
WORDS = (
    "الحكومة الوزير البرلمان المدينة الشركة المواطنين الاقتصاد المشروع الطريق المدرسة المستشفى السوق الأسعار "
    "الكهرباء المياه الزراعة الصناعة التجارة الطلاب المعلمين الأطباء العمال المزارعين الشباب النساء الأطفال "
    "أعلن أكد قال أوضح أشار دعا قرر وافق رفض طالب بحث ناقش افتتح أطلق استقبل زار شارك حضر نظم "
    "الجديد الكبير الأول الأخير الوطني المحلي الدولي العام الخاص الرسمي الشعبي الأساسي الحالي المقبل"
).split()
FIRST_RUN = 5
SECOND_RUN = 600


def body(n: int) -> list[str]:
    """Eight paragraphs of running text of its own for article ``n``."""
    rng = random.Random(n)
    return [" ".join(rng.choice(WORDS) for _ in range(90)) + "." for _ in range(8)]


def title(n: int) -> str:
    return f"تقرير رقم {n} عن خطط المدينة للعام المقبل"


def routes(count: int) -> dict[str, Behaviour]:
    paths = [f"{DAY}/report-{n}-77{n:04d}" for n in range(count)]
    out = {path: html(article_html(title(n), body(n))) for n, path in enumerate(paths)}
    out["/feed.xml"] = rss_listing(paths)
    return out


@dataclass
class Small:
    """A directory that holds little: a tmpfs of ``size`` bytes, or a file-size limit for the processes."""

    path: Path
    limit: Callable[[], None] | None

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True,
                              timeout=300, check=False, preexec_fn=self.limit)  # fmt: skip


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: int) -> Iterator[Small]:
    path = tmp_path / "small"
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, check=False).returncode == 0  # fmt: skip
    if mounted:
        try:
            yield Small(path, None)
        finally:
            subprocess.run(["umount", "-l", str(path)], check=False)
    else:

        def limit() -> None:  # Python ignores SIGXFSZ: a write past the limit fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

        yield Small(path, limit)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_a_disk_that_fills_mid_crawl_fails_the_run_and_keeps_the_archive(tmp_path: Path) -> None:
    with small_disk(tmp_path, 6 * 1024 * 1024) as disk, FaultServer(routes(FIRST_RUN), "127.0.0.171") as server:
        registry = write_one_site_registry(tmp_path / "sites.toml", "city", "المدينة", server, "EG", "Africa/Cairo")
        db, out = disk.path / "akhbar.db", disk.path / "feeds"
        command = ["run", "--sites", str(registry), "--db", str(db), "--out", str(out), "--since", "0",
                   "--base-url", "https://feeds.example.org/", "-s", "DOWNLOAD_DELAY=0",
                   "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]  # fmt: skip
        first = disk.run(*command)
        assert first.returncode == 0, first.stderr[-3000:]
        feeds = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert out / "sites" / "city" / "rss.xml" in feeds
        conn = sqlite3.connect(db)
        before = conn.execute("SELECT id, url, title, body, content_hash FROM articles ORDER BY id").fetchall()
        conn.close()
        assert len(before) == FIRST_RUN

        server.routes = routes(SECOND_RUN)  # 600 articles of 5 KB of text each: far more than the disk holds
        second = disk.run(*command)
        assert second.returncode == 1, second.stderr[-3000:]
        assert "Traceback" not in second.stderr, second.stderr[-6000:]
        failure = [line for line in second.stderr.splitlines() if line.startswith("crawl stopped:")]
        assert len(failure) == 1, second.stderr[-3000:]
        # The export did not run: every feed is the last good run's, byte for byte.
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == feeds

        # Copied off the full disk, where SQLite could not even make its shared-memory file to read the WAL.
        copy = tmp_path / "copy"
        copy.mkdir()
        for path in disk.path.glob("akhbar.db*"):
            shutil.copy2(path, copy / path.name)
        assert integrity(copy / "akhbar.db") == "ok"
        conn = sqlite3.connect(copy / "akhbar.db")
        try:
            after = conn.execute("SELECT id, url, title, body, content_hash FROM articles ORDER BY id").fetchall()
        finally:
            conn.close()
        assert after[:FIRST_RUN] == before  # nothing stored before was touched
        assert FIRST_RUN < len(after) < SECOND_RUN  # it stored what it could, then stopped

        # A later run on the still-full disk says so in one line instead of a traceback while taking its lock.
        third = disk.run(*command)
        assert third.returncode == 1, third.stderr[-3000:]
        assert "Traceback" not in third.stderr, third.stderr[-6000:]


@pytest.mark.parametrize("size", [64 * 1024])
def test_backup_onto_a_full_disk_fails_in_one_line_and_leaves_no_partial_file(tmp_path: Path, size: int) -> None:
    source = tmp_path / "akhbar.db"
    conn = sqlite3.connect(source)
    conn.execute("CREATE TABLE filler (x BLOB)")
    conn.executemany("INSERT INTO filler VALUES (?)", [(bytes(4096),) for _ in range(200)])
    conn.commit()
    conn.close()
    with small_disk(tmp_path, size) as disk:
        result = disk.run("backup", "--db", str(source), str(disk.path / "copy.db"))
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert sorted(p.name for p in disk.path.iterdir()) == []
