"""Shared fixtures: a fresh archive and the registry entries tests store articles under."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
