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

TEST_SITES = """
[[sites]]
id = "alpha"
name = "ألفا نيوز"
name_en = "Alpha News"
url = "https://alpha.example/"
country = "SY"
timezone = "Asia/Damascus"

[[sites]]
id = "beta"
name = "بيتا"
name_en = "Beta"
url = "https://beta.example/"
country = "EG"
timezone = "Africa/Cairo"

[[sites]]
id = "gamma"
name = "غاما"
name_en = "Gamma"
url = "https://gamma.example/"
country = "MA"
timezone = "Africa/Casablanca"
"""


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
