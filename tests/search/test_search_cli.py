"""``akhbar search`` as a user runs it: dates and filters checked, one line and exit 2 for what cannot be searched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.items import Article
from crawler.storage.archive import Archive
from crawler.text.arabic import content_hash


@pytest.fixture
def db_path(archive: Archive) -> str:
    url = "https://alpha.example/n/1"
    item = Article(url=url, canonical_url=url, site="alpha", title="ضبط عصابة", agencies=["anadolu"],
                   body="ضبطت الشرطة عصابة لسرقة الذهب والمجوهرات.", published="2024-05-09T10:00:00+03:00")  # fmt: skip
    item.content_hash = content_hash(item.title, item.body)
    archive.store([item])
    return str(archive.db.conn.execute("PRAGMA database_list").fetchone()[2])


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["search", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_the_json_keeps_its_keys_and_marks_the_word_as_written(db_path: str) -> None:
    code, output = run("مجوهرات", "--db", db_path, "--json")
    assert code == 0, output
    (hit,) = json.loads(output)
    keys = {"id", "site", "site_name", "title", "url", "published", "category", "agencies", "snippet", "rank"}
    assert keys <= set(hit)
    assert "[والمجوهرات]" in hit["snippet"] and hit["matched"] == ["والمجوهرات"]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--since", "yesterday"), ("--since", "2024-02-30"), ("--until", "2024-13-01"), ("--until", "last week")],
)
def test_a_date_that_is_none_is_a_usage_error(db_path: str, option: str, value: str) -> None:
    code, output = run("مجوهرات", "--db", db_path, option, value)
    assert code == 2 and output.count("\n") == 1 and option in output and "YYYY-MM-DD" in output


def test_dates_filter(db_path: str) -> None:
    assert '"id": 1' in run("مجوهرات", "--db", db_path, "--since", "2024-05-09", "--json")[1]
    assert run("مجوهرات", "--db", db_path, "--until", "2024-05-09")[1] == "no match\n"
    assert '"id": 1' in run("مجوهرات", "--db", db_path, "--since", "2024-05-09T06:00:00+03:00", "--json")[1]
    code, output = run("مجوهرات", "--db", db_path, "--since", "2024-06-01", "--until", "2024-05-01")
    assert code == 2 and "not before" in output


def test_an_unknown_site_or_agency_says_so(db_path: str) -> None:
    code, output = run("مجوهرات", "--db", db_path, "--site", "no-such-site")
    assert code == 2 and output.count("\n") == 1 and "'no-such-site' is not a site" in output and "alpha" in output
    code, output = run("مجوهرات", "--db", db_path, "--agency", "nosuch")
    assert code == 2 and output.count("\n") == 1 and "'nosuch' is not an agency" in output and "anadolu" in output
    assert run("مجوهرات", "--db", db_path, "--agency", "afp")[1] == "no match\n"  # known, with no article


def test_help_documents_the_syntax(tmp_path: Path) -> None:
    output = CliRunner().invoke(main, ["search", "--help"]).output
    for part in ('"exact phrase"', "OR", "-word", "word*", "Example:"):
        assert part in output
