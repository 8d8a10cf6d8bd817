"""Real servers for the operations tests, on loopback and random free ports: redis-server and scrapyd.

Each fixture starts its server as a child process, waits until it answers, and stops it afterwards. A test
that needs a server which is not installed is skipped with the install command in the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import stop as stop_process

REPO = Path(__file__).resolve().parents[2]
DEMO_FIXTURES = REPO / "tests" / "fixtures" / "demo"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}: {log.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    stop_process(process, timeout=20)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of its own on 127.0.0.1, no persistence, stopped after the test."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):  # .ci/run installs it: a missing server there is a broken CI, not a skip
            pytest.fail("redis-server is not installed (.ci/run installs it with apt-get)")
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    port = free_port()
    log = tmp_path / "redis.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
             "--dir", str(tmp_path), "--protected-mode", "yes"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, process, log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


@pytest.fixture
def scrapyd_url(tmp_path: Path) -> Iterator[str]:
    """A scrapyd of its own on 127.0.0.1, its eggs, logs and database in a temporary directory."""
    pytest.importorskip("scrapyd", reason="pip install scrapyd")
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\nitems_dir =\n"
        f"dbs_dir = {home / 'dbs'}\njobs_to_keep = 5\nmax_proc = 2\npoll_interval = 1\n",
        encoding="utf-8",
    )
    log = home / "scrapyd.out"
    with log.open("wb") as out:
        # scrapyd reads scrapyd.conf from its working directory.
        process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)


def expected_demo_urls(base_urls: dict[str, str]) -> set[str]:
    """The canonical URLs of every demo article, from the expected values beside the demo fixtures."""
    from crawler.text.urls import canonicalize

    urls = set()
    for path in sorted(DEMO_FIXTURES.glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")):
            urls.add(canonicalize(base_urls[path.stem] + (article["canonical_path"] or article["path"]), scheme="http"))
    return urls


@pytest.fixture
def demo_urls() -> object:
    """``expected_demo_urls``, as a fixture (conftest helpers are not importable by name)."""
    return expected_demo_urls
