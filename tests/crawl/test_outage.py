"""An outage is named: ``akhbar run`` with every site at an address that refuses connections, and one dead site
among live ones, by real Scrapy on 127.0.0.x.

Sites of each discovery mode (feeds, sitemaps, homepage and robots.txt autodiscovery) are put on loopback
ports nobody listens on: the same failure must get the same status whatever the mode, one log line per site
and no traceback, and a run where no site answered is ``offline`` (exit 4), not every site ``blocked``.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from runs import FAST
from sites import SiteServer, make_articles

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

OFFLINE_LINE = "no site answered: 3 of 3 failed to connect or resolve — is this machine offline?"


def dead_address(host: str) -> str:
    """``http://host:port`` where nothing listens: a port the system just gave out and took back."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = sock.getsockname()[1]
    return f"http://{host}:{port}"


def dead_entries(sites: dict[str, tuple[str, str]]) -> str:
    """Registry entries for dead sites, by id: the host, and the discovery mode (``feeds``, ``sitemaps`` or
    ``auto``: neither, so the homepage and robots.txt are asked)."""
    chunks = []
    for site_id, (host, mode) in sites.items():
        base = dead_address(host)
        source = {"feeds": f'feeds = ["{base}/feed/"]', "sitemaps": f'sitemaps = ["{base}/sitemap.xml"]'}.get(mode, "")
        chunks.append(f'[[sites]]\nid = "{site_id}"\nname = "موقع"\nname_en = "Dead {site_id}"\nurl = "{base}/"\n'
                      f'country = "LB"\n{source}\n')  # fmt: skip
    return "\n".join(chunks)


def akhbar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True, timeout=180,
                          check=False)  # fmt: skip


def run(registry: Path, db: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return akhbar("run", "--sites", str(registry), "--db", str(db), "--out", str(out), "--since", "0", *FAST)


def statuses(db: Path) -> tuple[str, dict[str, str]]:
    conn = sqlite3.connect(db)
    try:
        (run_status,) = conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        sites = dict(conn.execute("SELECT site, status FROM run_sites WHERE run_id = (SELECT MAX(id) FROM runs)"))
    finally:
        conn.close()
    return run_status, sites


def test_no_site_answering_is_an_offline_run_in_one_line_exit_4(tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(dead_entries({"feeds": ("127.0.0.181", "feeds"), "maps": ("127.0.0.182", "sitemaps"),
                                      "auto": ("127.0.0.183", "auto")}))  # fmt: skip
    db, out = tmp_path / "akhbar.db", tmp_path / "feeds"
    result = run(registry, db, out)

    assert result.returncode == 4, result.stderr[-3000:]
    assert OFFLINE_LINE in result.stderr.splitlines()
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    # One line per site names the reason and the URL; Scrapy's own per-request lines are gone.
    reached = [line for line in result.stderr.splitlines() if "cannot reach the site" in line]
    assert len(reached) == 3 and all("connection refused (http://127.0.0." in line for line in reached), reached
    assert "Gave up retrying" not in result.stderr and "Error downloading" not in result.stderr
    assert result.stdout == ""  # no table of three sites that all failed alike
    assert not out.exists()  # nothing changed, so nothing is exported
    # Recorded as an outage; every site the same status, whatever its discovery mode.
    assert statuses(db) == ("offline", {"feeds": "unreachable", "maps": "unreachable", "auto": "unreachable"})

    history = akhbar("runs", "--db", str(db))
    assert history.returncode == 0, history.stderr
    rows = [line.split() for line in history.stdout.splitlines()[2:]]
    assert len(rows) == 3 and all(row[-1] == "offline" for row in rows), history.stdout
    assert "blocked" not in history.stdout + history.stderr
    assert history.stderr.strip() == "attention: run 1 was offline: no site answered"


def test_one_dead_site_among_live_ones_is_exit_3_and_unreachable(tmp_path: Path) -> None:
    server = SiteServer(host_base=185)
    live = server.add("live", make_articles("live", 2))
    server.entry("live").feeds = [live.feed("/feed/")]
    with server:
        registry = server.write_registry(tmp_path / "sites.toml")
        dead = dead_entries({"deadfeed": ("127.0.0.188", "feeds"), "deadauto": ("127.0.0.189", "auto")})
        registry.write_text(registry.read_text() + "\n" + dead)
        db, out = tmp_path / "akhbar.db", tmp_path / "feeds"
        result = run(registry, db, out)

    assert result.returncode == 3, result.stderr[-3000:]
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert "no site answered" not in result.stderr
    assert statuses(db) == ("finished", {"live": "ok", "deadfeed": "unreachable", "deadauto": "unreachable"})
    assert "sites with problems: deadauto, deadfeed" in result.stderr
    assert (out / "all" / "rss.xml").exists()  # the live site's articles are exported
    history = akhbar("runs", "--db", str(db))
    flags = {row.split()[2]: row.split()[-1] for row in history.stdout.splitlines()[2:]}
    assert flags == {"live": "-", "deadfeed": "unreachable", "deadauto": "unreachable"}, history.stdout
