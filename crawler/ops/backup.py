"""Backups of a live archive with SQLite's online backup API, never a file copy.

Copying the database file while a crawl writes can capture a torn page or miss the WAL; ``Connection.backup``
copies a consistent snapshot, a few pages at a time so the crawl is never blocked for long. The copy goes to a
temporary file in the target directory, is checked with ``PRAGMA integrity_check`` and is then renamed into
place, so the backup path only ever holds a complete database.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

PAGES_PER_STEP = 1024
"""Pages copied per step; the source is only locked while a step runs."""


class BackupError(RuntimeError):
    """The backup could not be made (no source, or the copy failed its integrity check)."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    bytes: int
    pages: int
    articles: int


def backup(db: str | os.PathLike[str], target: str | os.PathLike[str], *, pages: int = PAGES_PER_STEP) -> BackupResult:
    """Copy the archive ``db`` into ``target`` (a file, or a directory to put ``<db name>`` in)."""
    source_path = Path(db)
    if not source_path.is_file():
        raise BackupError(f"no archive at {source_path}")
    target_path = Path(target)
    if target_path.is_dir():
        target_path = target_path / source_path.name
    if target_path.resolve() == source_path.resolve():
        raise BackupError("the backup path is the database itself")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target_path.name}.", suffix=".tmp", dir=target_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            source.execute("PRAGMA busy_timeout = 30000")
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest, pages=pages)
                # A standalone file: no WAL beside it, readable by any SQLite, including read-only media.
                dest.execute("PRAGMA journal_mode = DELETE")
                check = dest.execute("PRAGMA integrity_check").fetchone()[0]
                if check != "ok":
                    raise BackupError(f"the copy failed its integrity check: {check}")
                page_count = int(dest.execute("PRAGMA page_count").fetchone()[0])
                articles = _count_articles(dest)
            finally:
                dest.close()
        finally:
            source.close()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target_path)
    except BaseException:
        # SQLite leaves its rollback journal (or WAL) beside a copy that failed half-way: none may stay behind.
        for leftover in (tmp, *(tmp.with_name(tmp.name + suffix) for suffix in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
    return BackupResult(path=target_path, bytes=target_path.stat().st_size, pages=page_count, articles=articles)


def _count_articles(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # not an Akhbar archive: still a valid backup
        return 0
