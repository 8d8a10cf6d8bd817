"""The archive: schema, the three levels of dedupe, stories, revisions and search."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
import sqlite_utils

from crawler.items import Article
from crawler.storage import minhash
from crawler.storage.archive import Archive
from crawler.storage.db import connect, open_db
from crawler.storage.fingerprint import fingerprint
from crawler.storage.schema import MIGRATIONS
from crawler.storage.search import SearchError, search
from crawler.text.arabic import content_hash

WIRE = [
    "أعلنت وزارة الخارجية التركية، اليوم الخميس، أن الجولة الثامنة من محادثات أستانة ستبدأ غداً بمشاركة الدول "
    "الضامنة ووفود المعارضة والنظام.",
    "وقال المتحدث باسم الوزارة في مؤتمر صحفي إن الاجتماعات ستتناول ملف المعتقلين وتبادل الأسرى ومناطق خفض "
    "التصعيد في محافظة إدلب.",
    "وأضاف أن ممثلين عن الأمم المتحدة والأردن والولايات المتحدة سيحضرون الجلسات بصفة مراقبين، على أن تعقد الجلسة "
    "الختامية بعد ظهر الجمعة.",
    "وكانت الجولة السابعة قد انتهت دون نتائج ملموسة بشأن ملف المعتقلين، بحسب بيان صادر عن وفد المعارضة.",
]


def article(site: str, path: str, body: str, title: str = "عنوان الخبر", **extra: object) -> Article:
    url = f"https://{site}.example{path}"
    item = Article(url=url, site=site, title=title, body=body, canonical_url=url, **extra)  # type: ignore[arg-type]
    item.content_hash = content_hash(item.title, item.body)
    return item


def rows(db: sqlite_utils.Database, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    return list(db.conn.execute(sql, params).fetchall())


def test_schema_is_migrated_once_and_recorded(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    open_db(path).conn.close()
    db = open_db(path)
    assert [r[0] for r in rows(db, "SELECT name FROM migrations")] == [name for name, _ in MIGRATIONS]
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert rows(db, "PRAGMA foreign_keys") == [(1,)]
    columns = {c.name for c in db["articles"].columns}
    for required in ("id", "url", "canonical_url", "site", "title", "body", "published", "modified", "first_seen",
                     "authors", "category", "agencies", "language", "story_id", "content_hash"):  # fmt: skip
        assert required in columns
    for table in ("sites", "stories", "revisions", "aliases", "runs", "run_sites"):
        assert db[table].exists()


def test_readers_cannot_open_a_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="akhbar crawl"):
        connect(tmp_path / "none.db", readonly=True)


def test_same_url_twice_is_one_row_and_an_edit_keeps_a_revision(archive: Archive) -> None:
    first = archive.store([article("alpha", "/news/1", "\n".join(WIRE), authors=["سارة"])])[0]
    assert first.action == "new"
    again = archive.store([article("alpha", "/news/1", "\n".join(WIRE))])[0]
    assert again.action == "unchanged"
    edited_body = "\n".join([*WIRE, "تحديث: أعلن المتحدث لاحقاً تأجيل الجلسة الختامية إلى السبت."])
    edited = archive.store([article("alpha", "/news/1", edited_body, modified="2024-05-09T12:00:00+03:00")])[0]
    assert edited.action == "updated" and edited.article_id == first.article_id
    (row,) = rows(archive.db, "SELECT body, modified, first_seen, uid FROM articles")
    assert row[0] == edited_body and row[1] == "2024-05-09T12:00:00+03:00"
    (revision,) = rows(archive.db, "SELECT article_id, body FROM revisions")
    assert revision == (first.article_id, "\n".join(WIRE))
    # What later copies are compared with is the edited text: its signature and band keys, not the first one's.
    fp = fingerprint("عنوان الخبر", edited_body)
    ((blob,),) = rows(archive.db, "SELECT signature FROM minhashes WHERE article_id = ?", (first.article_id,))
    assert fp.signature is not None and bytes(blob) == minhash.to_blob(fp.signature_array())  # type: ignore[arg-type]
    keys = {k for (k,) in rows(archive.db, "SELECT band_key FROM lsh_bands WHERE article_id = ?", (first.article_id,))}
    assert keys == set(fp.band_keys)


def test_same_text_at_another_url_of_the_site_becomes_an_alias(archive: Archive) -> None:
    a = archive.store([article("alpha", "/news/1", "\n".join(WIRE))])[0]
    b = archive.store([article("alpha", "/p/981", "\n".join(WIRE).replace("أستانة", "استانة"))])[0]
    assert b.action == "alias" and b.article_id == a.article_id
    assert rows(archive.db, "SELECT url, article_id FROM aliases") == [("https://alpha.example/p/981", a.article_id)]
    assert rows(archive.db, "SELECT COUNT(*) FROM articles") == [(1,)]
    # The alias is known: the spider will not fetch it again.
    assert "https://alpha.example/p/981" in archive.last_seen(["https://alpha.example/p/981"])


def test_wire_story_on_three_sites_is_three_rows_with_one_story(archive: Archive) -> None:
    body_alpha = "\n".join(WIRE)
    # Spelling variants: hamza dropped, tatweel, harakat, Arabic-Indic digits, a different lead paragraph.
    body_beta = "\n".join(
        ["أنقرة - قالت مصادر دبلوماسية لمراسلنا إن الاستعدادات اكتملت لاستضافة الوفود."]
        + [p.replace("أ", "ا").replace("إ", "ا") for p in WIRE[1:]]
    )
    body_gamma = "\n".join(
        [
            WIRE[0].replace("الخارجية", "الخارجـــية").replace("الثامنة", "الثامنة ٨"),
            WIRE[1].replace("قال", "قَالَ"),
            *WIRE[2:],
        ]
    )
    outcomes = archive.store(
        [
            article("alpha", "/news/1", body_alpha, published="2024-05-09T10:00:00+03:00", agencies=["anadolu"]),
            article("beta", "/n/77", body_beta, published="2024-05-09T11:00:00+03:00", agencies=["anadolu"]),
            article("gamma", "/a/5", body_gamma, published="2024-05-09T09:30:00+01:00", agencies=[]),
        ]
    )
    assert [o.action for o in outcomes] == ["new", "new", "new"]
    assert len({o.story_id for o in outcomes}) == 1
    (story,) = rows(archive.db, "SELECT first_site, article_count, agencies FROM stories")
    assert story[0] == "alpha" and story[1] == 3 and json.loads(str(story[2])) == ["anadolu"]


def test_two_stories_on_the_same_topic_do_not_merge(archive: Archive) -> None:
    other = (
        "قال مسؤولون أتراك إن محادثات أستانة المقبلة ستركز على إدلب.\n"
        "ورأى محللون أن فرص التوصل إلى اتفاق بشأن المعتقلين تبقى ضعيفة في ظل تباين مواقف الأطراف الضامنة.\n"
        "وتشهد المنطقة منذ أسابيع تصعيداً عسكرياً أدى إلى نزوح آلاف المدنيين نحو الحدود التركية."
    )
    a, b = archive.store([article("alpha", "/news/1", "\n".join(WIRE)), article("beta", "/n/2", other)])
    assert a.story_id != b.story_id


def test_batch_is_atomic(archive: Archive) -> None:
    good = article("alpha", "/news/1", "\n".join(WIRE))
    bad = article("nosuchsite", "/x", "نص")  # violates the sites foreign key
    with pytest.raises(sqlite3.IntegrityError):
        archive.store([good, bad])
    assert rows(archive.db, "SELECT COUNT(*) FROM articles") == [(0,)]


@pytest.mark.parametrize(
    ("query", "found"),
    [("احمد", True), ("أحمد", True), ("كتب", True), ("الامم", True), ("الأمم المتحدة", True), ("موسكو", False)],
)
def test_search_matches_spelling_variants(archive: Archive, query: str, found: bool) -> None:
    archive.store(
        [article("alpha", "/news/9", "كَتَبَ أحمد تقريراً عن اجتماع الأمم المتحدة في جنيف.\n" + WIRE[0], title="تقرير")]
    )
    hits = search(archive.conn, query)
    assert bool(hits) is found
    if found:
        assert "[" in hits[0].snippet and hits[0].site_name == "ألفا نيوز"


def test_search_filters_and_bad_syntax(archive: Archive) -> None:
    archive.store(
        [
            article("alpha", "/1", "\n".join(WIRE), published="2024-05-09T10:00:00+03:00", agencies=["anadolu"]),
            article("beta", "/2", "\n".join(WIRE[::-1]) + " مختلف", published="2024-05-01T10:00:00+03:00"),
        ]
    )
    assert {h.site for h in search(archive.conn, "أستانة")} == {"alpha", "beta"}
    assert [h.site for h in search(archive.conn, "أستانة", agency="anadolu")] == ["alpha"]
    assert [h.site for h in search(archive.conn, "أستانة", since="2024-05-05")] == ["alpha"]
    assert [h.site for h in search(archive.conn, "أستانة", sites=["beta"])] == ["beta"]
    # What FTS5 would refuse (a lone quote, a dangling operator) is read as words: never an error.
    assert {h.site for h in search(archive.conn, 'أستانة AND "')} == {"alpha", "beta"}
    with pytest.raises(SearchError, match="no words"):
        search(archive.conn, "؟!")


def test_signatures_of_another_minhash_scheme_are_rebuilt(archive: Archive) -> None:
    archive.store([article("alpha", "/news/1", "\n".join(WIRE))])
    # As an archive written by an earlier scheme looks: stale signatures, and a record saying so.
    archive.conn.execute("UPDATE minhashes SET signature = zeroblob(length(signature))")
    archive.conn.execute("UPDATE archive_meta SET value = 'sha1/legacy' WHERE key = 'minhash_scheme'")
    assert archive.ensure_minhash_scheme() == 1
    assert archive.ensure_minhash_scheme() == 0  # recorded: nothing to do the second time
    copy = "\n".join(p.replace("أ", "ا") for p in WIRE)
    first_story = rows(archive.db, "SELECT story_id FROM articles")[0][0]
    assert archive.store([article("beta", "/n/1", copy)])[0].story_id == first_story


def _texts(n: int) -> list[str]:
    """``n`` unrelated bodies: every sentence is built from a different slice of a word list."""
    words = " ".join(WIRE).split()
    return [" ".join(f"{w}{i}" for w in words[i % 7 :: 2]) for i in range(n)]


@pytest.mark.parametrize(("sharing", "compared"), [(minhash.HOT_BAND, minhash.HOT_BAND), (minhash.HOT_BAND + 6, 0)])
def test_a_band_key_common_to_many_articles_is_not_used_to_find_copies(
    archive: Archive, monkeypatch: pytest.MonkeyPatch, sharing: int, compared: int
) -> None:
    """A key held by more than HOT_BAND articles comes from a common phrase: looking it up would compare each new
    article with a share of the whole archive. Up to the limit, every holder is a candidate."""
    common = 1234567
    bodies = _texts(sharing + 1)
    items = [article("alpha", f"/n/{i}", body) for i, body in enumerate(bodies[:-1])]
    given = [replace(fp, band_keys=(common, *fp.band_keys[1:])) for fp in (fingerprint(a.title, a.body) for a in items)]
    archive.store(items, given)
    seen: list[int] = []
    original = minhash.best_match
    monkeypatch.setattr(
        minhash, "best_match", lambda sig, cands, *rest: seen.append(len(cands)) or original(sig, cands, *rest)
    )
    newcomer = article("beta", "/n/new", bodies[-1])
    fp = fingerprint(newcomer.title, newcomer.body)
    archive.store([newcomer], [replace(fp, band_keys=(common, *fp.band_keys[1:]))])
    assert seen == [compared]


def test_a_copy_is_found_through_its_own_bands_when_it_also_shares_a_common_one(archive: Archive) -> None:
    common = 7654321
    bodies = _texts(minhash.HOT_BAND + 2)
    items = [article("alpha", f"/n/{i}", body) for i, body in enumerate(bodies)]
    given = [replace(fp, band_keys=(common, *fp.band_keys[1:])) for fp in (fingerprint(a.title, a.body) for a in items)]
    outcomes = archive.store(items, given)
    copy = article("beta", "/copy", bodies[3].replace("أ", "ا"))
    fp = fingerprint(copy.title, copy.body)
    (stored,) = archive.store([copy], [replace(fp, band_keys=(common, *fp.band_keys[1:]))])
    assert stored.story_id == outcomes[3].story_id


def test_an_archive_from_before_site_feeds_gains_them_on_open_and_from_the_next_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler.registry import Site
    from crawler.storage import schema

    path = tmp_path / "old.db"
    names = [name for name, _ in MIGRATIONS]
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[: names.index("004_site_feeds")])
    old = open_db(path)
    old.conn.execute("INSERT INTO sites (id, name, url) VALUES ('alpha', 'ألفا', 'https://alpha.example/')")
    old.conn.commit()
    old.conn.close()
    monkeypatch.undo()
    db = open_db(path)
    assert rows(db, "SELECT feeds FROM sites") == [("[]",)]
    site = Site("alpha", "ألفا", "Alpha", "https://alpha.example/", "SY", feeds=("https://alpha.example/rss",))
    Archive(db).sync_sites([site])
    assert rows(db, "SELECT feeds FROM sites") == [('["https://alpha.example/rss"]',)]
