"""The Datasette plugin in-process: shipped metadata, the entry point, the search clause and the default columns.

tests/test_browse.py runs the same as a real ``akhbar browse`` process.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from crawler.browse import match_expression
from crawler.browse.server import METADATA, archive_datasette
from crawler.items import Article
from crawler.storage.archive import Archive
from crawler.text.arabic import content_hash


def test_metadata_names_real_tables_and_columns(archive: Archive) -> None:
    metadata = json.loads(METADATA.read_text(encoding="utf-8"))
    tables = metadata["databases"]["akhbar"]["tables"]
    for table, config in tables.items():
        assert archive.db[table].exists(), table
        columns = {c.name for c in archive.db[table].columns}
        for facet in config.get("facets", []):
            name = facet["array"] if isinstance(facet, dict) else facet
            assert name in columns, (table, name)
        for name in [*config.get("sortable_columns", []), *filter(None, [config.get("sort_desc")])]:
            assert name in columns, (table, name)
    # Datasette's own search filter would add a second, unanalysed MATCH: the plugin's is the only one.
    assert "fts_table" not in tables["articles"]


def test_plugin_is_registered_through_the_datasette_entry_point() -> None:
    points = {p.name: p.value for p in importlib.metadata.entry_points(group="datasette")}
    assert points.get("akhbar") == "crawler.browse"


def _store(archive: Archive) -> None:
    body = "كَتَبَ أحمد تقريراً عن اجتماع الأمم المتحدة في جنيف حول المساعدات الإنسانية."
    item = Article(url="https://alpha.example/n/1", canonical_url="https://alpha.example/n/1", site="alpha",
                   title="تقرير", body=body, agencies=["anadolu"], category="سياسة", language="ar")  # fmt: skip
    item.content_hash = content_hash(item.title, item.body)
    archive.store([item])


def _fetch(path: Path, *urls: str) -> list[Any]:
    async def fetch() -> list[Any]:
        ds = archive_datasette(path)
        return [await ds.client.get(url) for url in urls]

    return asyncio.run(fetch())


def test_search_goes_through_the_analysis_whatever_the_search_mode(tmp_path: Path, archive: Archive) -> None:
    _store(archive)
    path = tmp_path / "akhbar.db"  # the archive fixture's file
    too_long = " ".join(["كلمة"] * 65)
    plain, raw, function, refused = _fetch(
        path,
        "/akhbar/articles.json?_search=احمد&_shape=array",
        "/akhbar/articles.json?_search=الامم&_searchmode=raw&_shape=array",
        "/akhbar.json?sql=select+akhbar_match('الأمم المتحدة')+as+m&_shape=array",
        f"/akhbar/articles.json?_search={too_long}",
    )
    assert [r["title"] for r in plain.json()] == ["تقرير"]
    assert [r["title"] for r in raw.json()] == ["تقرير"]
    assert function.json() == [{"m": match_expression("الأمم المتحدة", archive.db.conn)}]
    assert refused.status_code == 400 and "at most 64" in refused.json()["error"]


def test_articles_open_on_the_reading_columns(tmp_path: Path, archive: Archive) -> None:
    _store(archive)
    bare, searched, chosen, as_json = _fetch(
        tmp_path / "akhbar.db",
        "/akhbar/articles",
        "/akhbar/articles?_search=احمد&_sort=site",
        "/akhbar/articles?_nocol=body",
        "/akhbar/articles.json?_shape=array",
    )
    assert bare.status_code == 302
    location = urlsplit(bare.headers["location"])
    assert location.path == "/akhbar/articles"
    assert [v for k, v in parse_qsl(location.query) if k == "_col"] == [
        "title", "site", "published", "category", "agencies",
    ]  # fmt: skip
    assert searched.status_code == 302
    assert {("_search", "احمد"), ("_sort", "site")} <= set(parse_qsl(urlsplit(searched.headers["location"]).query))
    assert chosen.status_code == 200 and 'data-column="uid"' in chosen.text and 'dir="auto"' in chosen.text
    assert as_json.status_code == 200 and "body" in as_json.json()[0]  # the API keeps every column
