"""Backups with SQLite's backup API: consistent while a writer is active, atomic, with clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.ops import backup_command
from crawler.items import Article
from crawler.ops.backup import BackupError, backup
from crawler.registry import parse_registry
from crawler.storage.archive import Archive
from crawler.storage.db import open_db
from crawler.text.arabic import content_hash

SITES = """
[[sites]]
id = "alpha"
name = "ألفا نيوز"
name_en = "Alpha News"
url = "https://alpha.example/"
country = "SY"
timezone = "Asia/Damascus"
"""


def make_archive(path: Path, count: int) -> Archive:
    archive = Archive(open_db(path))
    archive.sync_sites(parse_registry(SITES))
    articles = []
    for n in range(count):
        body = f"الفقرة الأولى من الخبر رقم {n} وفيها ما يكفي من الكلمات. " * 4
        articles.append(Article(
            url=f"https://alpha.example/news/{n}", canonical_url=f"https://alpha.example/news/{n}", site="alpha",
            title=f"خبر رقم {n}", body=body, content_hash=content_hash(f"خبر رقم {n}", body),
            published="2024-05-18T10:00:00+03:00",
        ))  # fmt: skip
    archive.store(articles)
    return archive


def count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    finally:
        conn.close()


def test_backup_of_a_live_database_has_every_committed_row(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    archive = make_archive(db, 30)  # committed, and still in the WAL: a file copy of akhbar.db would miss them
    assert (tmp_path / "akhbar.db-wal").stat().st_size > 0
    archive.conn.execute("BEGIN IMMEDIATE")  # a writer mid-transaction: its rows must not be in the copy
    archive.conn.execute("DELETE FROM articles")
    try:
        result = backup(db, tmp_path / "backups" / "copy.db", pages=2)
    finally:
        archive.conn.execute("ROLLBACK")
        archive.db.conn.close()
    assert result.path == tmp_path / "backups" / "copy.db"
    assert result.articles == 30 and count(result.path) == 30
    conn = sqlite3.connect(result.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT name FROM sites").fetchone()[0] == "ألفا نيوز"
    finally:
        conn.close()
    assert not list((tmp_path / "backups").glob("*.tmp")), "no temporary file left behind"


def test_backup_into_a_directory_replaces_the_previous_copy(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    make_archive(db, 3).db.conn.close()
    target = tmp_path / "backups"
    target.mkdir()
    (target / "akhbar.db").write_bytes(b"an old, broken copy")
    result = backup(db, target)
    assert result.path == target / "akhbar.db" and count(result.path) == 3


def test_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no archive"):
        backup(tmp_path / "missing.db", tmp_path / "copy.db")
    db = tmp_path / "akhbar.db"
    make_archive(db, 1).db.conn.close()
    with pytest.raises(BackupError, match="database itself"):
        backup(db, db)


def test_backup_command(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    make_archive(db, 2).db.conn.close()
    result = CliRunner().invoke(backup_command, [str(tmp_path / "copy.db"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 articles" in result.output and count(tmp_path / "copy.db") == 2
    missing = CliRunner().invoke(backup_command, [str(tmp_path / "x.db"), "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no archive" in missing.output and "Traceback" not in missing.output
