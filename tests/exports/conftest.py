"""Archives for export tests: a real SQLite file made by the project's schema, filled row by row."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.storage.schema import ARTICLES, article_columns, insert_article_sql, migrate


@dataclass
class FeedArchive:
    """A test archive: add sites, stories and articles, then export it."""

    path: Path
    conn: sqlite3.Connection
    _next: int = field(default=0)

    def add_site(self, site_id: str, name: str, url: str, feed_content: str = "full", feeds: tuple[str, ...] = (),
                 **extra: Any) -> None:  # fmt: skip
        values = (site_id, name, extra.get("name_en", site_id), url, extra.get("country", "EG"), "ar", "UTC",
                  feed_content, json.dumps(list(feeds)))  # fmt: skip
        self.conn.execute(
            "INSERT INTO sites (id, name, name_en, url, country, language, timezone, feed_content, feeds)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        self.conn.commit()

    def add_story(self, first_site: str, agencies: tuple[str, ...] = ()) -> int:
        cur = self.conn.execute(
            "INSERT INTO stories (first_site, agencies, article_count, created) VALUES (?, ?, 0, ?)",
            (first_site, json.dumps(list(agencies)), "2024-05-01T00:00:00+00:00"),
        )
        self.conn.commit()
        assert cur.lastrowid is not None
        return cur.lastrowid

    def add_article(self, site: str, **fields: Any) -> dict[str, Any]:
        """Insert an article; returns the row as inserted (``id`` and ``uid`` included)."""
        self._next += 1
        n = self._next
        given: dict[str, Any] = {
            "uid": str(uuid.uuid4()),
            "url": f"https://{site}.example/news/{n}?utm_source=x",
            "canonical_url": f"https://{site}.example/news/{n}",
            "site": site,
            "title": f"عنوان الخبر رقم {n}",
            "summary": f"ملخص الخبر رقم {n}",
            "body": f"الفقرة الأولى من الخبر {n}.\nالفقرة الثانية من الخبر {n}.",
            "published": f"2024-05-01T{n % 24:02d}:00:00+03:00",
            "first_seen": f"2024-05-01T{n % 24:02d}:05:00+00:00",
            "last_seen": f"2024-05-01T{n % 24:02d}:05:00+00:00",
            "category": "سياسة",
            "language": "ar",
            "content_hash": f"hash{n}",
        }
        # Every column but the key, in the table's order: an empty list for a JSON array, else NULL.
        row: dict[str, Any] = {c.name: given.get(c.name, [] if c.json_array else None)
                               for c in ARTICLES if c.written != "key"}  # fmt: skip
        if fields.get("published") and "first_seen" not in fields:
            # The crawl sees an article after it is published (exports clamp a later publication date).
            seen = datetime.fromisoformat(fields["published"]).astimezone(UTC) + timedelta(minutes=5)
            row["first_seen"] = row["last_seen"] = seen.isoformat()
        row.update(fields)
        stored = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in row.items()}
        cur = self.conn.execute(insert_article_sql(stored), list(stored.values()))
        row["id"] = cur.lastrowid
        if row["story_id"] is not None:
            self.conn.execute(
                "UPDATE stories SET first_article_id = COALESCE(first_article_id, ?),"
                " article_count = article_count + 1 WHERE id = ?",
                (row["id"], row["story_id"]),
            )
        self.conn.commit()
        return row

    def update_article(self, article_id: int, **fields: Any) -> None:
        sets = ", ".join(f"{c.name} = ?" for c in article_columns(fields))
        values = [json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for v in fields.values()]
        self.conn.execute(f"UPDATE articles SET {sets} WHERE id = ?", [*values, article_id])
        self.conn.commit()


def new_archive(path: Path) -> FeedArchive:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    migrate(conn)
    return FeedArchive(path, conn)


@pytest.fixture
def feed_archive(tmp_path: Path) -> Iterator[FeedArchive]:
    made = new_archive(tmp_path / "archive.db")
    made.add_site("humanvoice", "هيومن فويس", "https://humanvoice.example/", feeds=("https://humanvoice.example/feed/",))
    made.add_site("aljazeera", "الجزيرة نت", "https://aljazeera.example/")  # no registry feed: sitemaps, say
    yield made
    made.conn.close()
