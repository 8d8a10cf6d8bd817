"""The query syntax of ``akhbar search``: words, phrases, OR, -word, prefix*, and nothing typed is an FTS5 error."""

from __future__ import annotations

import contextlib
import random
import sqlite3

import pytest

from crawler.items import Article
from crawler.storage.archive import Archive
from crawler.storage.search import SearchError, Term, fts_match, parse_query, register_functions, search
from crawler.text.arabic import content_hash, normalize_for_search

BODIES = (
    "عقد وزراء الخارجية العرب اجتماعهم في القاهرة لبحث ملف المعتقلين.",
    "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار أوبك خفض الإنتاج.",
    "أعلنت الأمم المتحدة إرسال مساعدات إلى المدنيين في غزة.",
    "قال وزير النفط إن الإنتاج سيرتفع وإن الاجتماعات مع أوبك مستمرة.",
)


@pytest.fixture
def stored(archive: Archive) -> Archive:
    items = []
    for i, body in enumerate(BODIES):
        url = f"https://alpha.example/n/{i}"
        item = Article(url=url, canonical_url=url, site="alpha", title=f"خبر {i}", body=body)
        item.content_hash = content_hash(item.title, item.body)
        items.append(item)
    archive.store(items)
    return archive


def ids(archive: Archive, query: str) -> set[int]:
    return {h.id for h in search(archive.conn, query)}


def word(text: str) -> Term:
    return Term("word", (normalize_for_search(text),))


def test_the_parser_reads_words_phrases_or_exclusions_and_prefixes() -> None:
    parsed = parse_query('النفط OR الغاز "الأمم المتحدة" -أوبك اقتصاد* AND')
    assert parsed.groups == (
        (word("النفط"), word("الغاز")),
        (Term("exact", ("الامم", "المتحده")),),
        (Term("prefix", ("اقتصاد",)),),
    )
    assert parsed.excluded == (word("أوبك"),) and parsed.word_count == 6
    assert parse_query("NOT أوبك النفط").excluded == (word("أوبك"),)
    assert parse_query("«الأمم المتحدة»").groups == ((Term("exact", ("الامم", "المتحده")),),)
    assert parse_query("covid-19").groups == ((Term("exact", ("covid", "19")),),)


def test_words_all_match_and_or_joins_its_neighbours(stored: Archive) -> None:
    assert ids(stored, "النفط أوبك") == {2, 4}
    assert ids(stored, "النفط القاهرة") == set()
    assert ids(stored, "القاهرة OR غزة") == {1, 3}
    assert ids(stored, "القاهرة OR غزة معتقل") == {1}  # (القاهرة or غزة) and معتقل


def test_an_exclusion_leaves_out_the_word_and_its_inflections(stored: Archive) -> None:
    assert ids(stored, "النفط -وزير") == {2}
    assert ids(stored, "أوبك -اجتماع") == {2}  # الاجتماعات is an inflection of اجتماع
    assert ids(stored, "النفط NOT وزير") == {2}


def test_a_phrase_is_exact_and_a_star_is_a_prefix(stored: Archive) -> None:
    assert ids(stored, '"الأمم المتحدة"') == {3}
    assert ids(stored, '"المتحدة الأمم"') == set()
    assert ids(stored, '"اجتماع"') == set()  # quoted: the word as written only
    assert ids(stored, "اجتماع") == {1, 4}
    assert ids(stored, "الإنتا*") == {2, 4}
    assert ids(stored, "إنتا*") == {2, 4}  # the stem columns hold الإنتاج as إنتاج


@pytest.mark.parametrize(
    "query",
    ['"', '""', '"النفط', "النفط\"'", "((النفط", "النفط)", "^النفط", "title:النفط", "{title}: النفط", "النفط:",
     "NEAR(النفط أوبك)", "النفط NEAR أوبك", "OR النفط", "النفط OR", "النفط AND", "AND", "NOT", "-", "*", "**",
     "النفط*أوبك", "-*", "+النفط", "النفط; DROP TABLE articles;--", "\\", "%", "ن*", "'", "النفط OR OR أوبك",
     "-النفط -أوبك", "[النفط]", "النفط|أوبك", "\x00النفط", "ـــ", "،؛؟"],
)  # fmt: skip
def test_nothing_typed_is_an_fts_error(stored: Archive, query: str) -> None:
    try:
        hits = search(stored.conn, query)
    except SearchError as exc:
        assert "no words" in str(exc) or "only has words to leave out" in str(exc), exc
        return
    except sqlite3.Error as exc:  # pragma: no cover - what must never happen
        pytest.fail(f"{query!r}: {exc}")
    assert isinstance(hits, list)
    assert stored.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(BODIES)


def test_the_match_expression_runs_on_its_own(stored: Archive) -> None:
    """``fts_match`` is what the Datasette plugin puts in its MATCH: the same articles as ``search``."""
    for query in ("معتقل", "القاهرة OR غزة", '"الأمم المتحدة"', "النفط -وزير", "إنتا*"):
        rows = stored.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank", (fts_match(query, stored.conn),)
        ).fetchall()
        assert [r[0] for r in rows] == [h.id for h in search(stored.conn, query)]


def test_the_sql_functions_search_and_mark_as_akhbar_search_does(stored: Archive) -> None:
    register_functions(stored.conn)
    query = "معتقل OR غزة"
    rows = stored.conn.execute(
        "SELECT a.id, akhbar_snippet(a.body, ?) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH akhbar_match(?) ORDER BY a.id",
        (query, query),
    ).fetchall()
    assert [r[0] for r in rows] == sorted(h.id for h in search(stored.conn, query))
    assert "[المعتقلين]" in rows[0][1] and "[غزة]" in rows[1][1]


def test_random_queries_are_never_an_fts_error(stored: Archive) -> None:
    rng = random.Random(16)
    letters = 'النفطأوبكغزةمعتقل "«»()-*:^{}[]+|;\\\'\u064e\u0640\u200f،؟ORANDNOTNEAR 0123٤٥x'
    pieces = ["OR", "AND", "NOT", "NEAR", " OR ", ' "', '" ', " -", "* ", "\x00", "ㅤ", "〇", "Ⅻ", "ﻻ", "\U0001f600"]
    alphabet = [*letters, *pieces]
    for _ in range(400):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        with contextlib.suppress(SearchError):
            search(stored.conn, query)
