"""Shared fixtures (a fresh archive, the registry entries tests store articles under) and the guard that fails
a test starting a process or a server without the ``slow`` mark."""

from __future__ import annotations

import contextlib
import multiprocessing.process
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import sqlite_utils

from crawler.registry import parse_registry
from crawler.storage.archive import Archive
from crawler.storage.db import open_db

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

TEST_SITES_FILE = Path(__file__).parent / "fixtures" / "test_sites.toml"
TEST_SITES = TEST_SITES_FILE.read_text(encoding="utf-8")


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    db = open_db(tmp_path / "akhbar.db")
    yield db
    db.conn.close()


@pytest.fixture
def archive(fresh_db: sqlite_utils.Database) -> Archive:
    archive = Archive(fresh_db)
    archive.sync_sites(parse_registry(TEST_SITES))
    return archive


# A test that starts a process or a server is marked ``slow`` (``make unit`` leaves it out, ``make test`` runs
# it). This guard keeps that true: in a test without the mark, starting a process or listening on a socket, in
# the test, its fixtures or a thread they start, fails the test and names the mark. Binding alone (to pick a
# free port, or to find one taken) starts nothing and is allowed.
SLOW_HINT = "mark it @pytest.mark.slow (or pytestmark = pytest.mark.slow for the module)"


class ProcessGuard:
    """While entered, starting a process or listening on a socket fails (``pytest.fail``) and is recorded."""

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid
        self.caught: list[str] = []
        self._saved: list[tuple[object, str, object]] = []

    def _refuse(self, what: str) -> NoReturn:
        self.caught.append(what)
        pytest.fail(f"{self.nodeid} is not marked slow but {what}: {SLOW_HINT}", pytrace=True)

    def _patch(self, owner: object, name: str, what: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return
        self._saved.append((owner, name, original))

        def refused(*args: object, **kwargs: object) -> NoReturn:
            self._refuse(what)

        setattr(owner, name, refused)

    def __enter__(self) -> ProcessGuard:
        self._patch(subprocess.Popen, "__init__", "starts a subprocess")
        for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system"):
            self._patch(os, name, f"calls os.{name}")
        self._patch(multiprocessing.process.BaseProcess, "start", "starts a multiprocessing process")
        self._patch(socket.socket, "listen", "listens on a socket (a server)")
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()


@contextlib.contextmanager
def _unless_slow(item: pytest.Item) -> Iterator[None]:
    if item.get_closest_marker("slow") is not None:
        yield
        return
    with ProcessGuard(item.nodeid) as guard:
        yield
    if guard.caught:  # also when the code under test swallowed the failure, or a thread met it
        pytest.fail(f"{item.nodeid} is not marked slow but {guard.caught[0]}: {SLOW_HINT}", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with _unless_slow(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with _unless_slow(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    with _unless_slow(item):
        return (yield)
