"""Scrapyd deployment against a real scrapyd on 127.0.0.1: build the egg with scrapyd-client, deploy it,
schedule a crawl of the demo sites, wait for it to finish and find the articles in SQLite.

scrapyd-deploy builds the egg in the directory of ``scrapy.cfg`` and writes a generic ``setup.py`` there when
there is none; the test works on a copy of the project so the working tree is never touched, with the
``setup.py`` shim that hands everything to pyproject.toml (name, the ``scrapy`` entry point naming
``crawler.settings``, the package data: the registry and the demo sites).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import DemoServer

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

REPO = Path(__file__).resolve().parents[2]
SETUP_SHIM = "from setuptools import setup\n\nsetup()\n"
PROJECT_FILES = ("pyproject.toml", "README.md", "scrapy.cfg", "setup.py")
PACKAGES = ("crawler", "exports")
JOB_TIMEOUT = 600


def copy_project(dest: Path, scrapyd_url: str) -> Path:
    """The project's packages and build files in ``dest``, its ``[deploy]`` target pointed at ``scrapyd_url``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in PACKAGES:
        shutil.copytree(REPO / package, dest / package, ignore=ignore)
    for name in PROJECT_FILES:
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    if not (dest / "setup.py").exists():
        (dest / "setup.py").write_text(SETUP_SHIM, encoding="utf-8")
    cfg = (dest / "scrapy.cfg").read_text(encoding="utf-8")
    assert "[deploy]" in cfg and "project = akhbar" in cfg, "scrapy.cfg carries the deploy target"
    lines = [f"url = {scrapyd_url}" if line.startswith("url") else line for line in cfg.splitlines()]
    (dest / "scrapy.cfg").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def api(base: str, endpoint: str, data: dict[str, Any] | list[tuple[str, str]] | None = None) -> dict[str, Any]:
    url = urllib.parse.urljoin(base, endpoint)
    if data is None:
        request = urllib.request.Request(url)
    else:
        request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.load(response)
    assert result.get("status") == "ok", result
    return result


EGG_REGISTRY = """
import sys
sys.path.insert(0, sys.argv[1])  # as scrapyd's runner activates an egg
import crawler
from crawler.registry import load_registry
assert crawler.__file__.startswith(sys.argv[1]), crawler.__file__
print(len(list(load_registry(None))))
"""


def test_the_egg_reads_its_bundled_registry(tmp_path: Path) -> None:
    """A Scrapyd job without AKHBAR_SITES crawls the bundled registry, read from inside the egg."""
    deploy_bin = Path(sys.executable).with_name("scrapyd-deploy")
    if not deploy_bin.exists():
        pytest.skip("pip install scrapyd-client")
    project = copy_project(tmp_path / "project", "http://127.0.0.1:9/")
    egg = tmp_path / "akhbar.egg"
    built = subprocess.run([str(deploy_bin), "--build-egg", str(egg)], cwd=project, capture_output=True, text=True,
                           timeout=300, check=False)  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    loaded = subprocess.run([sys.executable, "-c", EGG_REGISTRY, str(egg)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, check=False)  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert int(loaded.stdout) > 0


def test_deploy_schedule_and_store(
    tmp_path: Path, scrapyd_url: str, demo_urls: Callable[[dict[str, str]], set[str]]
) -> None:
    deploy_bin = Path(sys.executable).with_name("scrapyd-deploy")
    if not deploy_bin.exists():
        pytest.skip("pip install scrapyd-client")
    project = copy_project(tmp_path / "project", scrapyd_url)

    built = subprocess.run([str(deploy_bin), "--build-egg", str(tmp_path / "akhbar.egg")], cwd=project,
                           capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    with zipfile.ZipFile(tmp_path / "akhbar.egg") as egg:
        names = set(egg.namelist())
        entry_points = egg.read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]" in entry_points and "settings = crawler.settings" in entry_points
    assert "crawler/sites.toml" in names
    assert any(n.startswith("crawler/demo/sites/") and n.endswith("site.toml") for n in names)
    assert not any(n.startswith("tests/") for n in names)

    deployed = subprocess.run([str(deploy_bin), "-p", "akhbar", "--version", "1"], cwd=project,
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert deployed.returncode == 0 and '"status": "ok"' in deployed.stdout, deployed.stdout + deployed.stderr
    assert "news" in api(scrapyd_url, "listspiders.json?project=akhbar")["spiders"]

    db = tmp_path / "scrapyd-archive.db"
    with DemoServer() as server:
        registry = server.write_registry(tmp_path / "sites.toml")
        params = [
            ("project", "akhbar"),
            ("spider", "news"),
            ("setting", f"AKHBAR_DB={db}"),
            ("setting", f"AKHBAR_SITES={registry}"),
            ("setting", "AKHBAR_SINCE_DAYS=0"),
            ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
        ]
        job = api(scrapyd_url, "schedule.json", params)["jobid"]
        deadline = time.monotonic() + JOB_TIMEOUT
        while True:
            jobs = api(scrapyd_url, "listjobs.json?project=akhbar")
            if any(j["id"] == job for j in jobs["finished"]):
                break
            assert time.monotonic() < deadline, f"job {job} did not finish: {jobs}"
            time.sleep(1)
        fetched = len(server.requests)
        expected = demo_urls(dict(server.base_urls))

    log = next((tmp_path / "scrapyd" / "logs").rglob(f"{job}.log")).read_text(encoding="utf-8", errors="replace")
    assert fetched > 0, log[-3000:]
    assert "Traceback" not in log, log[-5000:]
    conn = sqlite3.connect(db)
    try:
        urls = {row[0] for row in conn.execute("SELECT canonical_url FROM articles")}
        run = conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    assert urls == expected, log[-3000:]
    assert run == ("finished",)
