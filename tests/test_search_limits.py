"""A query's size is bounded: past ``MAX_TERMS`` words the search refuses it at once, with one clear line."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.items import Article
from crawler.storage.archive import Archive
from crawler.storage.search import MAX_TERMS, SearchError, fts_query, search
from crawler.text.arabic import content_hash

BODY = "كتب أحمد تقريراً عن اجتماع الأمم المتحدة في جنيف حول المساعدات الإنسانية للمدنيين في غزة."


@pytest.fixture
def stored(archive: Archive) -> Archive:
    url = "https://alpha.example/n/1"
    item = Article(url=url, canonical_url=url, site="alpha", title="الأمم المتحدة تجتمع", body=BODY)
    item.content_hash = content_hash(item.title, item.body)
    archive.store([item])
    return archive


def test_a_thousand_ored_terms_get_a_clear_error_quickly(stored: Archive) -> None:
    query = " OR ".join(f"كلمة{i}" for i in range(1000))
    started = time.monotonic()
    with pytest.raises(SearchError, match=f"1000 words; at most {MAX_TERMS}"):
        search(stored.conn, query)
    assert time.monotonic() - started < 5
    with pytest.raises(SearchError, match="at most"):
        fts_query(" ".join(["جنيف"] * (MAX_TERMS + 1)))


def test_queries_up_to_the_limit_run_and_operators_do_not_count(stored: Archive) -> None:
    assert [h.site for h in search(stored.conn, " ".join(["جنيف"] * MAX_TERMS))] == ["alpha"]
    ored = " OR ".join(["جنيف", *(f"كلمة{i}" for i in range(MAX_TERMS - 1))])
    assert [h.site for h in search(stored.conn, ored)] == ["alpha"]


def test_the_cli_prints_one_line_and_exits_2(stored: Archive) -> None:
    db_path = stored.db.conn.execute("PRAGMA database_list").fetchone()[2]
    query = " OR ".join(f"كلمة{i}" for i in range(1000))
    result = CliRunner().invoke(main, ["search", query, "--db", db_path])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and f"at most {MAX_TERMS}" in result.output
    assert "Traceback" not in result.output
