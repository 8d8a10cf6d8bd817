"""``akhbar demo`` keeps apart from the real archive: its own database and feed directory, sites whose ids no
other registry may use, and none of the real archive's environment variables read.

The demo runs once per module, through the CLI in a subprocess whose working directory is a fresh folder (about
two seconds: three small loopback sites).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.demo.server import site_dirs
from crawler.registry import DEMO_PREFIX

DEMO_IDS = ["demo-humanvoice", "demo-qabas", "demo-sharq"]
# What an operator of the real archive may have exported in the shell that runs `make demo` (paths relative to
# the demo's working directory). The Redis and hub addresses answer nothing: a demo that used them would fail.
REAL_ENV = {
    "AKHBAR_DB": "real/akhbar.db",
    "AKHBAR_OUT": "real/feeds",
    "AKHBAR_WEBSUB_HUB": "http://127.0.0.1:9/hub",
    "AKHBAR_REDIS_URL": "redis://127.0.0.1:9/0",
}


@dataclass
class DemoRun:
    cwd: Path
    result: subprocess.CompletedProcess[str]


def run_demo(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "demo", "--port", "0", *args],
        cwd=cwd, env={**os.environ, **REAL_ENV}, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    cwd = tmp_path_factory.mktemp("fresh")
    yield DemoRun(cwd, run_demo(cwd))


def test_the_demo_sites_have_reserved_ids() -> None:
    assert [d.name for d in site_dirs()] == DEMO_IDS
    assert all(site_id.startswith(DEMO_PREFIX) for site_id in DEMO_IDS)


@pytest.mark.slow
def test_the_demo_in_a_fresh_folder_writes_its_own_archive_and_feeds(demo_run: DemoRun) -> None:
    assert demo_run.result.returncode == 0, demo_run.result.stderr[-3000:]
    cwd = demo_run.cwd
    assert (cwd / "data" / "demo.db").is_file()
    assert (cwd / "feeds-demo" / "all" / "rss.xml").is_file()
    # Neither the real archive's defaults nor what AKHBAR_DB / AKHBAR_OUT name.
    assert not (cwd / "data" / "akhbar.db").exists()
    assert not (cwd / "feeds").exists()
    assert not (cwd / "real").exists()
    assert f"archive: {cwd.resolve() / 'data' / 'demo.db'}" in demo_run.result.stdout


@pytest.mark.slow
def test_the_demo_archive_and_feeds_hold_only_demo_sites(demo_run: DemoRun) -> None:
    feeds = demo_run.cwd / "feeds-demo"
    assert sorted(p.name for p in (feeds / "sites").iterdir()) == DEMO_IDS
    conn = sqlite3.connect(demo_run.cwd / "data" / "demo.db")
    try:
        assert [r[0] for r in conn.execute("SELECT id FROM sites ORDER BY id")] == DEMO_IDS
        stored = {r[0] for r in conn.execute("SELECT DISTINCT site FROM articles")}
    finally:
        conn.close()
    assert stored == set(DEMO_IDS)
    # AKHBAR_WEBSUB_HUB is the real feeds' hub: the demo's feeds announce none.
    assert b'rel="hub"' not in (feeds / "all" / "atom.xml").read_bytes()


@pytest.mark.slow
def test_explicit_db_and_out_still_choose_where_the_demo_writes(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "--db", "elsewhere/d.db", "--out", "elsewhere/f")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "elsewhere" / "d.db").is_file()
    assert sorted(p.name for p in (tmp_path / "elsewhere" / "f" / "sites").iterdir()) == DEMO_IDS
    assert not (tmp_path / "data").exists() and not (tmp_path / "feeds-demo").exists()


def test_crawl_rejects_a_registry_holding_a_demo_id(tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(
        '[[sites]]\nid = "demo-x"\nname = "تجربة"\nname_en = "Trial"\nurl = "https://x.example/"\ncountry = "SY"\n',
        encoding="utf-8",
    )
    db = tmp_path / "akhbar.db"
    result = CliRunner().invoke(main, ["crawl", "--sites", str(registry), "--db", str(db)])
    assert result.exit_code == 2, result.output
    assert "site 'demo-x': id: ids starting with 'demo-' are reserved for the bundled demo's sites" in result.output
    assert not db.exists()
