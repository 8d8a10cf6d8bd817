"""The analysed index: written by the store path, rebuilt for an existing archive by migration 006, with progress."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.items import Article
from crawler.registry import parse_registry
from crawler.storage import schema
from crawler.storage.archive import Archive
from crawler.storage.db import connect, open_db
from crawler.storage.search import search
from crawler.storage.search_index import TermCache, rebuild, stems_available
from crawler.text.arabic import normalize_for_search
from tests.conftest import TEST_SITES

BODIES = ("أفرج عن عشرات المعتقلين في العاصمة.", "ارتفعت أسعار الذهب والمجوهرات.", "زار الوزير البحرين.")


def _items(bodies: tuple[str, ...], start: int = 0) -> list[Article]:
    return [Article(url=(u := f"https://alpha.example/n/{start + i}"), canonical_url=u, site="alpha",
                    title=f"خبر {start + i}", body=body) for i, body in enumerate(bodies)]  # fmt: skip


def test_the_store_writes_stem_columns_and_the_vocabulary(archive: Archive) -> None:
    archive.store(_items(BODIES))
    row = archive.conn.execute("SELECT title_stems, body_stems FROM articles_fts WHERE rowid = 1").fetchone()
    assert row == ("", "معتقلين عاصمه")
    terms = {t for (t,) in archive.conn.execute("SELECT term FROM search_terms")}
    assert {"معتقلين", "المعتقلين", "مجوهرات", "بحرين", "عشرات"} <= terms
    assert [h.id for h in search(archive.conn, "معتقل")] == [1]


def test_terms_of_a_batch_rolled_back_are_written_again(archive: Archive) -> None:
    bad = _items(("كلمةنادرة في خبر لن يحفظ.",), start=10)
    bad[0].site = "nosuchsite"  # the sites foreign key refuses the batch
    with pytest.raises(sqlite3.IntegrityError):
        archive.store(_items(("كلمةنادرة أولى.",), start=20) + bad)
    rare = normalize_for_search("كلمةنادرة")
    assert archive.search_terms.pending == set() and rare not in archive.search_terms.known
    archive.store(_items(("كلمةنادرة أولى.",), start=20))
    assert archive.conn.execute("SELECT 1 FROM search_terms WHERE term = ?", (rare,)).fetchone() == (1,)


def test_the_term_cache_is_bounded() -> None:
    cache = TermCache(limit=3)
    with cache.transaction():
        assert cache.new(["ا1", "ا2"]) == ["ا1", "ا2"]
    with cache.transaction():
        assert cache.new(["ا1", "ا3", "ا4"]) == ["ا3", "ا4"]
    assert cache.known == {"ا3", "ا4"}  # past the limit it started again


def test_migration_006_builds_the_index_of_an_existing_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.db"
    names = [name for name, _ in schema.MIGRATIONS]
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[: names.index("006_search_stems")])
    db = open_db(path)
    archive = Archive(db)
    archive.sync_sites(parse_registry(TEST_SITES))
    archive.store(_items(BODIES))
    assert not stems_available(db.conn)
    reader = connect(path, readonly=True)  # a reader of the archive as it is: the plain index, words as typed
    assert [h.id for h in search(reader, "المعتقلين")] == [1] and search(reader, "معتقل") == []
    reader.close()
    db.conn.close()
    monkeypatch.undo()
    capsys.readouterr()

    db = open_db(path)  # 006 runs
    assert "search index: 3 of 3 articles" in capsys.readouterr().err
    assert stems_available(db.conn)
    assert [h.id for h in search(db.conn, "معتقل")] == [1]
    assert "[والمجوهرات]" in search(db.conn, "مجوهرات")[0].snippet
    assert search(db.conn, "بحر") == []
    assert db.conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone() == (3,)
    assert db.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_rebuild_reports_progress_every_n_articles(archive: Archive) -> None:
    archive.store(_items(tuple(f"{body} {n}" for n in range(3) for body in BODIES)))
    seen: list[tuple[int, int]] = []
    with archive.transaction():
        assert rebuild(archive.conn, progress=lambda done, total: seen.append((done, total)), every=4) == 9
    assert seen == [(4, 9), (8, 9), (9, 9)]
    assert sorted(h.id for h in search(archive.conn, "معتقل")) == [1, 4, 7]


def test_the_extraction_worker_computes_the_stem_columns_and_terms() -> None:
    from crawler.storage.fingerprint import fingerprint

    fp = fingerprint("وزير الخارجية في العاصمة", "أفرج عن عشرات المعتقلين.")
    assert (fp.stem_title, fp.stem_body) == ("خارجيه عاصمه", "معتقلين")
    assert {"وزير", "الخارجيه", "خارجيه", "المعتقلين", "معتقلين", "عشرات"} <= fp.terms and "عن" not in fp.terms
