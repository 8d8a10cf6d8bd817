"""Datasette on one archive, as ``akhbar browse`` starts it: the project's metadata and plugin, any file name.

The archive is always served as the database ``akhbar`` (``/akhbar/articles``), so the shipped metadata, keyed by
that name, gives its facets and sort orders whatever the file is called. Datasette opens it read-only.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from datasette.app import Datasette
from datasette.plugins import pm

import crawler.browse as plugin
from crawler.cli.options import DEMO_DB

ARCHIVE_NAME = "akhbar"
"""The database name, hence the URL (``/akhbar/...``), of the archive in Datasette."""
METADATA = Path(__file__).with_name("datasette.json")
REQUIRED_TABLES = ("articles", "articles_fts", "sites", "stories", "revisions")
SETTINGS = {
    # Facets and canned queries group the whole archive: with Datasette's defaults (200 ms a facet, 1 s a query)
    # the agencies facet of 200,000 articles already times out.
    "facet_time_limit_ms": 1000,
    "sql_time_limit_ms": 5000,
}


class ArchiveProblem(ValueError):
    """A file that cannot be browsed as an archive; the message is one line."""


def check_archive(path: Path) -> None:
    """Raise ArchiveProblem unless ``path`` is an SQLite archive with the tables Akhbar creates."""
    if not path.exists():
        raise ArchiveProblem(f"no archive at {path}: run `akhbar crawl` first (`akhbar demo` writes {DEMO_DB})")
    if not path.is_file():
        raise ArchiveProblem(f"{path} is not a file")
    if any(c in str(path) for c in "?#%"):
        # Datasette opens file:<path>?mode=ro without escaping the path.
        raise ArchiveProblem(f"{path}: Datasette cannot open a path holding ?, # or %; rename the file or its folder")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "articles" in tables:
                conn.execute("SELECT id, title FROM articles ORDER BY id DESC LIMIT 1").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ArchiveProblem(f"{path} is not a readable SQLite archive: {exc}") from exc
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise ArchiveProblem(f"{path} is not an Akhbar archive: it has no {', '.join(missing)} table")


def load_metadata() -> dict[str, Any]:
    """The shipped Datasette metadata: title, facets, sort orders and descriptions of the archive's tables."""
    metadata: dict[str, Any] = json.loads(METADATA.read_text(encoding="utf-8"))
    return metadata


def archive_datasette(path: Path) -> Datasette:
    """A Datasette serving the archive at ``path`` as ``akhbar``, with the metadata and the plugin."""
    if not pm.is_registered(plugin):
        raise ArchiveProblem("the Akhbar Datasette plugin is not registered: reinstall Akhbar (make install)")
    ds = Datasette([str(path)], metadata=load_metadata(), settings=SETTINGS)
    (name, db), *_ = ((n, d) for n, d in ds.databases.items() if d.path == str(path))
    if name != ARCHIVE_NAME:
        ds.remove_database(name)
        ds.add_database(db, name=ARCHIVE_NAME)
    return ds


def serve(ds: Datasette, *, host: str, port: int) -> None:
    """Serve ``ds`` (from :func:`archive_datasette`) until interrupted."""
    import uvicorn

    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)
