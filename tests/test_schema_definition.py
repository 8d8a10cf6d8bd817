"""``crawler.storage.schema.ARTICLES`` is the ``articles`` table: the one a fresh archive has after every
migration, and the one ``docs/schema.md`` describes."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import fields
from pathlib import Path

import pytest

from crawler.storage.schema import (
    ARTICLE_CONTENT,
    ARTICLE_INSERTED,
    ARTICLE_UPDATED,
    ARTICLES,
    article_columns,
    insert_article_sql,
    migrate,
)
from exports.archive import ArticleRow

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


@pytest.fixture
def conn() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    migrate(db)
    return db


def test_the_definition_is_the_migrated_table(conn: sqlite3.Connection) -> None:
    info = [tuple(row[1:]) for row in conn.execute("PRAGMA table_info(articles)")]
    assert info == [(c.name, c.type, int(c.not_null), c.default, int(c.primary_key)) for c in ARTICLES]
    unique = set()
    for _seq, index, is_unique, _origin, _partial in conn.execute("PRAGMA index_list(articles)"):
        cols = [row[2] for row in conn.execute(f"PRAGMA index_info({index})")]
        if is_unique:
            unique.add(tuple(cols))
    assert unique == {(c.name,) for c in ARTICLES if c.unique}
    keys = {(row[3], f"{row[2]}({row[4]})") for row in conn.execute("PRAGMA foreign_key_list(articles)")}
    assert keys == {(c.name, c.references) for c in ARTICLES if c.references}


def test_what_the_archive_writes() -> None:
    assert tuple(c.name for c in ARTICLES if not c.primary_key) == ARTICLE_INSERTED
    assert set(ARTICLE_INSERTED) - set(ARTICLE_UPDATED) == {"uid", "first_seen", "story_id"}
    assert set(ARTICLE_UPDATED) - set(ARTICLE_CONTENT) == {"last_seen"}


def test_the_export_reads_columns_of_the_table() -> None:
    assert [c.name for c in article_columns(f.name for f in fields(ArticleRow))] == [f.name for f in fields(ArticleRow)]
    with pytest.raises(ValueError, match="no such column of articles: nope"):
        insert_article_sql(["url", "nope"])


def test_docs_list_the_columns_in_order_with_their_descriptions() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## `articles`", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", section, flags=re.MULTILINE)
    assert [name for name, _ in rows] == [c.name for c in ARTICLES]
    assert [meaning for _, meaning in rows] == [c.doc for c in ARTICLES]
