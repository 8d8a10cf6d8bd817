"""Opening the archive: one place that sets WAL, the busy timeout and foreign keys, then migrates."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlite_utils

from crawler.storage.schema import migrate

DEFAULT_DB = Path("data/akhbar.db")
BUSY_TIMEOUT_MS = 30_000


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction (``BEGIN IMMEDIATE``): committed when the block ends, rolled back when it raises.

    Readers see the archive as it was until the commit; another writer waits (the busy timeout) for it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk does): the original error is the one to raise.
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def default_db_path() -> Path:
    """``$AKHBAR_DB`` or ``data/akhbar.db``."""
    return Path(os.environ.get("AKHBAR_DB") or DEFAULT_DB)


def connect(path: str | os.PathLike[str], *, readonly: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, busy timeout, foreign keys on.

    ``readonly`` opens an existing archive for readers (search, export, stats) that must never write, and
    never block or be blocked by the crawl thanks to WAL.
    """
    path = Path(path)
    if readonly:
        if not path.exists():
            raise FileNotFoundError(f"no archive at {path}: run `akhbar crawl` (or `akhbar demo`) first")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn)
    return conn


def open_db(path: str | os.PathLike[str] | None = None, *, readonly: bool = False) -> sqlite_utils.Database:
    """The archive as a sqlite-utils Database, migrated to the current schema."""
    return sqlite_utils.Database(connect(path or default_db_path(), readonly=readonly))
