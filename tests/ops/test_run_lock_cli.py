"""`akhbar run` twice at once: the second exits 75 with a clear message, the first finishes, the archive is intact.

The first run is made to stay inside its crawl deterministically: its only site's feed is served by a socket
that listens and never answers. No timing is involved: the second run starts once the lock file names the
first run's pid; when it has ended the socket is closed, the first run's request fails and it finishes.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from crawler.ops.lock import EX_TEMPFAIL, lock_path, read_holder

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

SILENT_SITE = """
[[sites]]
id = "silent"
name = "صامت"
name_en = "Silent"
url = "http://127.0.0.1:{port}/"
country = "SY"
timezone = "Asia/Damascus"
feeds = ["http://127.0.0.1:{port}/feed/"]
"""


def akhbar_run(db: Path, registry: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "crawler", "run", "--db", str(db), "--sites", str(registry), "--out", str(out),
            "--since", "0", "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=False", "-s", "DOWNLOAD_TIMEOUT=900",
            "-s", "RETRY_ENABLED=False"]  # fmt: skip


def test_second_run_is_refused_and_the_database_stays_intact(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    with DemoServer() as server:  # an archive with articles in it first
        registry = server.write_registry(tmp_path / "demo.toml")
        first_fill = subprocess.run(akhbar_run(db, registry, tmp_path / "feeds"), capture_output=True, text=True,
                                    timeout=600, check=False)  # fmt: skip
    assert first_fill.returncode in (0, 3), first_fill.stderr[-3000:]
    conn = sqlite3.connect(db)
    articles_before = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    conn.close()
    assert articles_before > 0

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        registry = tmp_path / "silent.toml"
        registry.write_text(SILENT_SITE.format(port=silent.getsockname()[1]), encoding="utf-8")
        first = subprocess.Popen(akhbar_run(db, registry, tmp_path / "feeds"), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            while read_holder(lock_path(db)).pid != first.pid:
                assert first.poll() is None, first.communicate()[1][-3000:]
                time.sleep(0.1)
            second = subprocess.run(akhbar_run(db, registry, tmp_path / "feeds"), capture_output=True, text=True,
                                    timeout=600, check=False)  # fmt: skip
        finally:
            silent.close()  # the queued connection is reset: the first run's only request fails
            _, first_err = first.communicate(timeout=600)

    assert second.returncode == EX_TEMPFAIL
    assert f"another akhbar run (pid {first.pid}, started " in second.stderr
    assert str(lock_path(db)) in second.stderr
    assert "Traceback" not in second.stderr and "Traceback" not in first_err
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == articles_before
        statuses = [row[0] for row in conn.execute("SELECT status FROM runs ORDER BY id")]
    finally:
        conn.close()
    assert first.returncode == 3, "the first run finished, its silent site reported as failing"
    assert statuses[-1] == "finished"
    assert read_holder(lock_path(db)).pid is None, "the lock record is cleared when a run ends"
