"""Every comparison of Arabic text goes through the one normalizer, ``crawler.text.arabic``.

Two normalizers used to disagree: the archive's (dedupe, search) folded ة ئ ؤ and the hamza, the extraction's
(boilerplate, credits, titles) did not, and U+061C split a word in the fingerprint path. These tests hold the
line: the extraction stages' ``fold`` and ``clean`` *are* the normalizer's functions, no other module carries a
folding table of its own, every module that compares text imports the normalizer, and patterns written as the
words are printed still match the folded text they are compared with.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from crawler.extraction import textutil
from crawler.extraction.boilerplate import is_boilerplate_line, is_masthead
from crawler.extraction.credits import only_agencies
from crawler.text import arabic
from crawler.text.arabic import fingerprint_tokens, match_key, normalize_for_search

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for top in ("crawler", "exports") for p in (REPO / top).rglob("*.py"))

# Modules that compare text, and so must use the normalizer (directly or through extraction's textutil).
COMPARERS = [
    "crawler/extraction/authors.py",
    "crawler/extraction/boilerplate.py",
    "crawler/extraction/credits.py",
    "crawler/extraction/dates.py",
    "crawler/extraction/section.py",
    "crawler/extraction/template.py",
    "crawler/extraction/title.py",
    "crawler/extraction/witnesses.py",
    "crawler/storage/fingerprint.py",
    "crawler/storage/minhash.py",
    "crawler/storage/search.py",
    "crawler/text/places.py",
]
NORMALIZER_MODULES = {"crawler.text.arabic", "crawler.extraction.textutil"}
# Tells Arabic from Persian, Urdu and Kurdish by the very letters the normalizer folds together (ی ک ە): it must
# not fold them, and keeps the yeh/kaf fold its function words need.
OWN_LETTERS_ALLOWED = {"crawler/extraction/language.py"}
# A folding table: an Arabic letter variant mapped to its base letter.
_FOLDING_TABLE = re.compile(r"""["'](?:أ|إ|آ|ة|ى|ؤ|ئ)["']\s*:\s*["'][اهيو]["']""")


def test_extraction_compares_with_the_normalizers_own_functions() -> None:
    assert textutil.fold is arabic.match_key
    assert textutil.clean is arabic.clean_line
    assert textutil.fold_pattern is arabic.fold_pattern


@pytest.mark.parametrize("path", COMPARERS)
def test_every_module_that_compares_text_imports_the_normalizer(path: str) -> None:
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported & NORMALIZER_MODULES, f"{path} compares text without crawler.text.arabic"


def test_no_other_module_carries_a_folding_table_of_its_own() -> None:
    offenders = [
        str(p.relative_to(REPO))
        for p in SOURCES
        if p.relative_to(REPO).as_posix() not in {"crawler/text/arabic.py", *OWN_LETTERS_ALLOWED}
        and _FOLDING_TABLE.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("printed", "variant"),
    [
        ("الأمم المتحدة", "الامم المتحده"),
        ("شؤون", "شوون"),
        ("رئيس", "رييس"),
        ("مستشفى", "مستشفي"),
        ("الأنباء", "الانباء"),
        ("ال\u061cأمم", "الأمم"),  # U+061C (Arabic letter mark) used to split the word
        ("الأمـــم", "الأمم"),
        ("٢٠٢٤", "2024"),
    ],
)
def test_match_keys_and_search_keys_fold_the_same_variants(printed: str, variant: str) -> None:
    assert match_key(printed) == match_key(variant)
    assert normalize_for_search(printed) == normalize_for_search(variant)


def test_an_arabic_letter_mark_no_longer_splits_a_word_in_the_fingerprint() -> None:
    assert fingerprint_tokens("ال\u061cأمم المتحدة") == ["الامم", "المتحده"]


def test_display_cleaning_keeps_the_letters_and_the_joiners() -> None:
    assert arabic.clean_line(" الأمم\u202e  المتحدة ") == "الأمم المتحدة"
    assert arabic.clean_line("می\u200cشود") == "می\u200cشود"  # ZWNJ is spelling in Persian
    assert match_key("می\u200cشود") == match_key("میشود")


def test_patterns_written_as_printed_match_the_folded_text() -> None:
    assert is_masthead("رئيس التحرير: أحمد علي الإشراف العام: سامي حسن")
    assert is_masthead("الإشراف العام : سامي حسن")
    assert is_boilerplate_line("تابعونا على فيسبوك وتويتر")
    assert only_agencies("المصدر: وكالة الأنباء الجزائرية") == ["aps"]
    assert only_agencies("وكالات الأنباء") == []


def test_migration_005_rebuilds_what_the_old_rules_derived_and_only_that(
    tmp_path: Path,
) -> None:
    from crawler.items import Article
    from crawler.registry import parse_registry
    from crawler.storage.archive import Archive
    from crawler.storage.db import open_db
    from crawler.storage.fingerprint import fingerprint

    fixture = (REPO / "tests" / "fixtures" / "test_sites.toml").read_text(encoding="utf-8")
    site = next(iter(parse_registry(fixture).sites))
    marked = "وقال المتحدث إن ال\u061cأمم المتحدة سترسل فريقا لتقييم الأضرار في المدينة خلال الأيام المقبلة."
    plain = "وأعلنت وزارة الصحة عن حملة وطنية للتطعيم تستهدف الأطفال في جميع المحافظات بمشاركة الفرق الطبية."
    path = tmp_path / "old.db"
    db = open_db(path)
    archive = Archive(db)
    archive.sync_sites(parse_registry(fixture))
    for n, body in enumerate((marked, plain)):
        url = f"https://{site}.example/news/{n}"
        archive.store([Article(url=url, site=site, title=f"خبر رقم {n}", body=body, canonical_url=url)])
    # What the earlier normalizer stored: another hash and search text for the marked article; the plain one is
    # given a sentinel, which the migration must leave alone (it normalizes as before). Then 005 is forgotten.
    db.conn.execute("UPDATE articles SET content_hash = 'old-rules' WHERE body = ?", (marked,))
    db.conn.execute("UPDATE articles SET content_hash = 'untouched' WHERE body = ?", (plain,))
    db.conn.execute("UPDATE articles_fts SET body = 'ال امم' WHERE body LIKE '%امم%'")
    db.conn.execute("DELETE FROM migrations WHERE name = '005_one_normalizer'")
    db.conn.commit()
    db.conn.close()

    db = open_db(path)  # 005 runs
    hashes = dict(db.conn.execute("SELECT body, content_hash FROM articles").fetchall())
    assert hashes[marked] == fingerprint("خبر رقم 0", marked).content_hash
    assert hashes[plain] == "untouched"
    found = db.conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'body:الامم'").fetchall()
    assert len(found) == 1
    assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
