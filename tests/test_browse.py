"""``akhbar browse`` as an analyst runs it: a real process on a loopback port, on an archive of real Arabic articles
stored under a file name that is not ``akhbar.db``.

Datasette's search box must find what ``akhbar search --json`` finds for the same query, whatever the spelling
(ة/ه, hamza, ى/ي), for a phrase and for a query with stray quotes and brackets; the facets must be there; every
canned query must run; the table pages must read right to left.
"""

from __future__ import annotations

import html
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.browse.queries import CANNED_QUERIES
from crawler.cli import main
from crawler.items import Article
from crawler.registry import parse_registry
from crawler.storage.archive import Archive
from crawler.storage.db import open_db
from tests.processes import stop

PAGES = Path(__file__).parent / "fixtures" / "pages"
TEST_SITES = (Path(__file__).parent / "fixtures" / "test_sites.toml").read_text(encoding="utf-8")
STARTUP_SECONDS = 60
# Real Arabic articles (corpus pages with their provenance, and the captured pages of tests/fixtures/pages).
ARTICLES = {
    "alpha": ["009", "011", "aljazeera-dubai-rain", "alghad-buildings", "sana-agriculture"],
    "beta": ["010", "albayan-transport", "hespress-housing"],
    "gamma": ["youm7-budget", "humanvoice-astana8"],
}
QUERIES = [
    "الحكومه",  # ة written ه: الحكومة
    "امطار غزيره",  # no hamza, ة written ه: أمطار غزيرة
    "حتي",  # ى written ي: حتى
    '"وزير الزراعة"',  # a phrase
    "دبي OR دمشق",
    "العاصمة",  # printed بالعاصمة
    "عاصمة",
    "زار",  # not وزارة
    '(دبي "النقل',  # stray bracket and quote: used to be an "Invalid SQL" page
    'وزير) "المالية',
    "معتقل -دمشق",  # a word left out
    "مطار*",  # a prefix
    "كلمة_لا_توجد",
]


@dataclass
class Browse:
    """A running ``akhbar browse`` and the archive it serves."""

    url: str
    db: Path
    story: int
    edited: int

    def get(self, path: str, **params: str) -> tuple[int, str]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def json(self, path: str, **params: str) -> Any:
        status, text = self.get(path, **params)
        assert status == 200, (path, params, text[:500])
        return json.loads(text)


def _article(site: str, name: str, **changes: Any) -> Article:
    page = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    url = f"https://{site}.example/{name}"
    fields: dict[str, Any] = {
        "url": url, "canonical_url": url, "site": site, "title": page["title"], "body": page["body_text"],
        "published": f"{page['date']}T09:00:00+03:00" if page.get("date") else None,
        "category": page.get("category"), "language": "ar",
        "agencies": ["anadolu"] if page.get("credited_agency") == "الأناضول" else [],
    }  # fmt: skip
    return Article(**(fields | changes))


def build_archive(path: Path) -> tuple[int, int]:
    """Store the real articles, one story carried by two sites and one edited article; (story id, article id)."""
    db = open_db(path)
    try:
        archive = Archive(db)
        archive.sync_sites(parse_registry(TEST_SITES))
        archive.store([_article(site, name) for site, names in ARTICLES.items() for name in names])
        rain = _article("alpha", "aljazeera-dubai-rain")
        copy = _article("gamma", "aljazeera-dubai-rain", published=f"{rain.published[:10]}T10:30:00+03:00",
                        agencies=["afp"])  # fmt: skip
        (outcome,) = archive.store([copy])
        budget = _article("gamma", "youm7-budget")
        (edit,) = archive.store([_article("gamma", "youm7-budget", title=f"{budget.title} (محدث)")])
        assert edit.action == "updated", edit
        assert outcome.story_id is not None
        return outcome.story_id, edit.article_id
    finally:
        db.conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def browse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browse]:
    db = tmp_path_factory.mktemp("browse") / "أرشيف مايو 2024.db"
    story, edited = build_archive(db)
    port = free_port()
    log = db.with_name("browse.log")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "crawler", "browse", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        running = Browse(f"http://127.0.0.1:{port}", db, story, edited)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"akhbar browse exited with {process.returncode}: {log.read_text(errors='replace')}")
            try:
                if running.get("/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"akhbar browse did not answer in {STARTUP_SECONDS} s: {log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield running
    finally:
        stop(process)


def akhbar_search(db: Path, query: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["search", query, "--db", str(db), "--json", "--limit", "1000"])
    assert result.exit_code == 0, (query, result.output)
    hits: list[dict[str, Any]] = json.loads(result.output)
    return hits


@pytest.mark.parametrize("query", QUERIES)
def test_search_box_finds_what_akhbar_search_finds(browse: Browse, query: str) -> None:
    expected = akhbar_search(browse.db, query)
    rows = browse.json("/akhbar/articles.json", _search=query, _shape="array", _size="max")
    assert sorted(r["id"] for r in rows) == sorted(h["id"] for h in expected), query
    assert {r["title"] for r in rows} == {h["title"] for h in expected}


def test_spelling_variants_and_phrases_find_the_articles(browse: Browse) -> None:
    def titles(query: str) -> set[str]:
        return {r["title"] for r in browse.json("/akhbar/articles.json", _search=query, _shape="array")}

    assert "أمطار غزيرة تغرق شوارع دبي وتعطل حركة الطيران" in titles("امطار غزيره")
    assert "الحكومة تقر نظاما معدلا لنظام الأبنية وتنظيم المدن" in titles("الحكومه")
    assert any(t.startswith("وزير المالية: خفض عجز الموازنة") for t in titles("عاصمة"))  # printed بالعاصمة
    assert titles("زار") == set()  # للوزارة is no inflection of زار
    assert titles('"وزير الزراعة"') == {"وزير الزراعة يبحث مع وفد أممي دعم مشاريع الري الحديث في المنطقة الشرقية"}


def test_search_page_is_never_an_sql_error(browse: Browse) -> None:
    for query in ['(دبي "النقل', '"', "(", ")", "AND", "NEAR(", "*", "^", "-", 'الحكومة" OR (']:
        status, page = browse.get("/akhbar/articles", _search=query)
        assert status in (200, 400), (query, status)
        assert "Invalid SQL" not in page and "Traceback" not in page, query


def test_facets_are_there_whatever_the_file_is_called(browse: Browse) -> None:
    assert browse.db.name != "akhbar.db"
    page = browse.json("/akhbar/articles.json")
    results = page["facet_results"]
    names = set(results.get("results", results))
    assert {"site", "category", "language", "agencies"} <= names
    sites = {f["value"] for f in results.get("results", results)["site"]["results"]}
    assert sites == {"alpha", "beta", "gamma"}


def test_every_canned_query_runs(browse: Browse) -> None:
    params = {"story": str(browse.story), "agency": "anadolu"}
    for name in CANNED_QUERIES:
        page = browse.json(f"/akhbar/{name}.json", _shape="objects", **params)
        assert page["ok"] is not False, (name, page)
        assert page["rows"], f"canned query {name} found nothing on the test archive"
    page = html.unescape(browse.get("/akhbar")[1])
    for config in CANNED_QUERIES.values():
        assert config["title"] in page


def test_story_page_says_who_published_first_and_when_each_followed(browse: Browse) -> None:
    rows = browse.json("/akhbar/story.json", _shape="array", story=str(browse.story))
    assert [(r["site"], r["after_first"], r["minutes_after_first"]) for r in rows] == [
        ("alpha", "first", 0),
        ("gamma", "+1:30", 90),
    ]
    top = browse.json("/akhbar/top_stories.json", _shape="array")
    assert [(r["story"], r["sites"], r["first_site"]) for r in top] == [(browse.story, 2, "alpha")]
    edited = browse.json("/akhbar/edited.json", _shape="array")
    assert [(r["article"], r["revisions"]) for r in edited] == [(browse.edited, 1)]
    assert not edited[0]["first_title"].endswith("(محدث)") and edited[0]["title"].endswith("(محدث)")
    share = {r["site"]: r["share_percent"] for r in browse.json("/akhbar/agency_share.json", _shape="array",
                                                                  agency="Anadolu")}  # fmt: skip
    assert share == {"alpha": 0.0, "beta": 0.0, "gamma": 33.3}


def test_table_pages_read_right_to_left_and_open_on_the_reading_columns(browse: Browse) -> None:
    status, page = browse.get("/akhbar/articles")  # redirected to the default columns
    assert status == 200
    assert '<tr dir="auto">' in page and 'class="col-title type-str" dir="auto"' in page
    assert "/-/static-plugins/akhbar/akhbar.css" in page
    for column in ("title", "site", "published", "category", "agencies"):
        assert f'data-column="{column}"' in page
    for column in ("uid", "url", "canonical_url", "body", "body_html"):
        assert f'data-column="{column}"' not in page
    assert browse.get("/-/static-plugins/akhbar/akhbar.css")[0] == 200
    # Columns asked for are kept; the search box is there and keeps the query.
    page = browse.get("/akhbar/articles", _col="body", _search="امطار")[1]
    assert 'data-column="body"' in page and 'data-column="title"' not in page
    assert 'name="_search" value="امطار"' in page
    page = browse.get("/akhbar/story", story=str(browse.story))[1]
    assert "/akhbar/articles/" in page  # each copy links to its article


def test_browse_refuses_a_missing_or_broken_archive_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    other = tmp_path / "other.db"
    open_db(other).conn.execute("DROP TABLE articles_fts")
    for path in (tmp_path / "missing.db", junk, other):
        result = CliRunner().invoke(main, ["browse", "--db", str(path)])
        assert result.exit_code == 2, (path, result.output)
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


pytestmark = pytest.mark.slow  # starts a server or a process
