"""Fingerprints: the hash, search text and MinHash computed beside extraction, and how the archive trusts them."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace

import numpy as np
from test_archive import WIRE, article, rows

from crawler.storage import minhash
from crawler.storage.archive import Archive
from crawler.storage.fingerprint import fingerprint
from crawler.text.arabic import content_hash, normalize_for_search

TITLE = "الخارجية التركية: الجولة الثامنة من محادثات أستانة تبدأ غداً"
BODY = "\n".join(WIRE)
STORY = "SELECT first_article_id, first_site, first_published, agencies, article_count FROM stories"
OTHER_BODY = (
    "أعلن البنك المركزي الأردني رفع سعر الفائدة ربع نقطة مئوية اعتباراً من الأحد.\n"
    "وقال محافظ البنك إن القرار يأتي لحماية الاستقرار النقدي في ظل ارتفاع أسعار الفائدة عالمياً."
)


def test_a_fingerprint_holds_exactly_what_the_archive_would_compute() -> None:
    fp = fingerprint(TITLE, BODY)
    assert fp.content_hash == content_hash(TITLE, BODY)
    assert fp.search_title == normalize_for_search(TITLE)
    assert fp.search_body == normalize_for_search(BODY)
    sig = minhash.signature(BODY)
    assert sig is not None
    assert np.array_equal(fp.signature_array(), sig)
    assert list(fp.band_keys) == minhash.band_keys(sig)
    assert json.loads(json.dumps(fp.signature)) == fp.signature  # JSON-safe: items may pass through exporters


def test_a_text_without_words_has_a_title_hash_and_no_signature() -> None:
    fp = fingerprint(TITLE, "… — !")
    assert fp.content_hash == content_hash(TITLE, "… — !")
    assert fp.signature is None and fp.band_keys == () and fp.signature_array() is None


def test_the_archive_writes_a_fitting_fingerprint_as_given(archive: Archive) -> None:
    # A marker in the given search text proves the archive wrote the worker's fingerprint instead of redoing it.
    given = replace(fingerprint(TITLE, BODY), search_body=normalize_for_search(BODY) + " علامةالعامل")
    (outcome,) = archive.store([article("alpha", "/news/1", BODY, title=TITLE)], [given])
    assert outcome.action == "new"
    (fts,) = rows(archive.db, "SELECT body FROM articles_fts WHERE rowid = ?", (outcome.article_id,))
    assert str(fts[0]).endswith("علامةالعامل")
    (blob,) = rows(archive.db, "SELECT signature FROM minhashes WHERE article_id = ?", (outcome.article_id,))
    assert blob[0] == bytes.fromhex(str(given.signature))


def test_a_fingerprint_of_another_text_is_never_stored(archive: Archive) -> None:
    stale = fingerprint(TITLE, BODY)  # computed before the text changed
    item = article("alpha", "/news/2", OTHER_BODY, title=TITLE)
    item.fingerprint = stale
    (outcome,) = archive.store([item])
    (stored,) = rows(archive.db, "SELECT content_hash FROM articles WHERE id = ?", (outcome.article_id,))
    assert stored[0] == content_hash(TITLE, OTHER_BODY)
    (fts,) = rows(archive.db, "SELECT body FROM articles_fts WHERE rowid = ?", (outcome.article_id,))
    assert fts[0] == normalize_for_search(OTHER_BODY)
    (blob,) = rows(archive.db, "SELECT signature FROM minhashes WHERE article_id = ?", (outcome.article_id,))
    expected = minhash.signature(OTHER_BODY)
    assert expected is not None and blob[0] == minhash.to_blob(expected)
    bands = rows(archive.db, "SELECT band_key FROM lsh_bands WHERE article_id = ?", (outcome.article_id,))
    keys = {r[0] for r in bands}
    assert keys == set(minhash.band_keys(expected))


def test_a_retitled_article_gets_a_fresh_fingerprint(archive: Archive) -> None:
    given = fingerprint("عنوان قديم", BODY)
    (outcome,) = archive.store([article("alpha", "/news/3", BODY, title=TITLE)], [given])
    (fts,) = rows(archive.db, "SELECT title FROM articles_fts WHERE rowid = ?", (outcome.article_id,))
    assert fts[0] == normalize_for_search(TITLE)


def test_a_story_of_one_is_recorded_as_a_refresh_would(archive: Archive) -> None:
    published = "2024-05-09T10:00:00+03:00"
    item = article("alpha", "/news/4", BODY, published=published, agencies=["anadolu", "afp", "anadolu"])
    (outcome,) = archive.store([item])
    story = rows(archive.db, STORY)
    assert story == [(outcome.article_id, "alpha", published, '["anadolu", "afp"]', 1)]
    # A second copy recomputes the story from both rows: the first one's values must agree with that.
    copy = article("beta", "/n/4", BODY, published="2024-05-09T12:00:00+03:00", agencies=["anadolu"])
    (second,) = archive.store([copy])
    assert second.story_id == outcome.story_id
    story = rows(archive.db, STORY)
    assert story == [(outcome.article_id, "alpha", published, '["anadolu", "afp"]', 2)]


def test_a_story_of_one_without_a_date_starts_when_first_seen(archive: Archive) -> None:
    (outcome,) = archive.store([article("alpha", "/news/5", BODY)])
    (story,) = rows(archive.db, "SELECT first_published FROM stories WHERE id = ?", (outcome.story_id,))
    (seen,) = rows(archive.db, "SELECT first_seen FROM articles WHERE id = ?", (outcome.article_id,))
    assert story[0] == seen[0]


def test_signatures_equal_datasketch_minhash_of_the_same_shingles() -> None:
    """The archive's stored signatures are datasketch's affine32 MinHash; computing them here must not drift."""
    from datasketch import MinHash

    for text in [BODY, OTHER_BODY, TITLE, "كلمة", "كلمة ثانية"]:
        grams = minhash.shingles(text)
        reference = MinHash(num_perm=minhash.NUM_PERM, seed=1, scheme="affine32", hashfunc=zlib.crc32)
        reference.update_batch(list(grams))
        assert np.array_equal(minhash.signature(text), np.asarray(reference.hashvalues, dtype=np.uint64)), text
    assert minhash.SCHEME.startswith("crc32/affine32/perm64/") and minhash.SCHEME.endswith("/seed1")
