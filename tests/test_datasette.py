"""The archive opens in Datasette with the shipped metadata: full-text search on normalized text and facets."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from datasette.app import Datasette

from crawler.items import Article
from crawler.storage.archive import Archive
from crawler.text.arabic import content_hash

METADATA = Path(__file__).resolve().parent.parent / "datasette.json"


def test_metadata_names_real_tables_and_columns(archive: Archive) -> None:
    metadata = json.loads(METADATA.read_text(encoding="utf-8"))
    tables = metadata["databases"]["akhbar"]["tables"]
    for table, config in tables.items():
        assert archive.db[table].exists(), table
        columns = {c.name for c in archive.db[table].columns}
        for facet in config.get("facets", []):
            name = facet["array"] if isinstance(facet, dict) else facet
            assert name in columns, (table, name)
        for name in config.get("sortable_columns", []):
            assert name in columns, (table, name)


def test_datasette_serves_search_and_facets(tmp_path: Path, archive: Archive) -> None:
    body = "كَتَبَ أحمد تقريراً عن اجتماع الأمم المتحدة في جنيف حول المساعدات الإنسانية."
    item = Article(url="https://alpha.example/n/1", canonical_url="https://alpha.example/n/1", site="alpha",
                   title="تقرير", body=body, agencies=["anadolu"], category="سياسة", language="ar")  # fmt: skip
    item.content_hash = content_hash(item.title, item.body)
    archive.store([item])
    path = tmp_path / "akhbar.db"  # the archive fixture's file: Datasette reads it as analysts would

    async def fetch() -> tuple[dict[str, object], dict[str, object]]:
        ds = Datasette([str(path)], metadata=json.loads(METADATA.read_text(encoding="utf-8")))
        search = await ds.client.get("/akhbar/articles.json?_search=احمد&_shape=objects&_extra=facet_results")
        facets = await ds.client.get("/akhbar/articles.json?_shape=objects&_extra=facet_results")
        assert search.status_code == 200, search.text
        return search.json(), facets.json()

    search, facets = asyncio.run(fetch())
    rows = search["rows"]
    assert isinstance(rows, list) and [r["title"] for r in rows] == ["تقرير"]
    results = facets["facet_results"]
    assert isinstance(results, dict)
    names = set(results.get("results", results))
    assert {"site", "category", "language", "agencies"} <= names
