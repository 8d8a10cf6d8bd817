"""The word analysis of ``crawler.text.stems`` and what it does to ``akhbar search``: inflections found, traps not,
exact forms ranked first, snippets marked as the page wrote the word."""

from __future__ import annotations

import time
from collections.abc import Collection

import pytest

from crawler.items import Article
from crawler.storage.archive import Archive
from crawler.storage.search import MAX_TERMS, plan_query, search
from crawler.text.arabic import content_hash, normalize_for_search
from crawler.text.stems import analyze, index_form, lexicon_terms, stem_text, words


def n(text: str) -> str:
    return normalize_for_search(text)


def lexicon_of(*texts: str) -> object:
    held: set[str] = set()
    for text in texts:
        norm = n(text)
        held |= lexicon_terms(words(norm), stem_text(norm))

    def lookup(terms: Collection[str]) -> set[str]:
        return {t for t in terms if t in held}

    return lookup


def finds(query: str, word: str, *texts: str) -> bool:
    return analyze(n(query), lexicon_of(word, *texts)).matches(n(word))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("written", "indexed"),
    [("والمعتقلين", "معتقلين"), ("بالعاصمة", "عاصمه"), ("للأمم", "امم"), ("وللمرة", "مره"), ("والآن", "الان"),
     ("الله", "الله"), ("والي", "والي"), ("البحرين", "بحرين"), ("وزارة", "وزاره"), ("Reuters", "Reuters")],
)  # fmt: skip
def test_the_index_form_drops_the_article_and_what_carries_it(written: str, indexed: str) -> None:
    assert index_form(n(written)) == n(indexed)


def test_the_stem_column_holds_only_the_words_that_change() -> None:
    assert stem_text(n("قال المتحدث باسم الوزارة إن المعتقلين")) == n("متحدث وزاره معتقلين")


@pytest.mark.parametrize(
    ("query", "word"),
    [("معتقل", "والمعتقلين"), ("عراق", "والعراق"), ("مجوهرات", "والمجوهرات"), ("وفيات", "الوفيات"),
     ("عاصمة", "بالعاصمة"), ("عاصمة", "عاصمتها"), ("وزارة", "وزارتها"), ("وزارة", "الوزارات"),
     ("معتقل", "ومعتقلين"), ("لاجئ", "للاجئين"), ("لجنة", "للجنة"), ("قال", "وقال"), ("دعم", "ودعمه"),
     ("المعتقلين", "المعتقلون"), ("مجوهرات", "مجوهراتها"), ("يوم", "ليومين"), ("اجتماع", "بالاجتماعات")],
)  # fmt: skip
def test_a_bare_word_finds_its_inflections(query: str, word: str) -> None:
    assert finds(query, word)


@pytest.mark.parametrize(
    ("query", "word"),
    [("زار", "وزارة"), ("بحر", "البحرين"), ("لبن", "لبنان"), ("سود", "السودان"), ("طول", "بطولة"),
     ("أحد", "واحد"), ("جنة", "لجنة"), ("تاب", "كتاب"), ("أمل", "كامل"), ("الرقة", "ورقة"), ("زيت", "زيتون"),
     ("اجتماع", "الاجتماعية"), ("محل", "المحلي"), ("مدن", "المدنيين"), ("ثلاث", "والثلاثين"), ("سلم", "سلمان"),
     ("إلى", "والي"), ("في", "وفيها"), ("وفيات", "وفيها")],
)  # fmt: skip
def test_a_word_is_not_found_inside_another(query: str, word: str) -> None:
    # Even when the archive holds the remainder as a word of its own (زاره, بحر …).
    assert not finds(query, word, query, word[1:], word[2:])


def test_other_scripts_pass_through() -> None:
    analysis = analyze(n("Reuters"), lexicon_of("reuters", "reutersين"))  # type: ignore[arg-type]
    assert analysis.forms == {"reuters"}
    assert analyze("2024", lexicon_of("2024")).forms == {"2024"}  # type: ignore[arg-type]


def test_without_a_vocabulary_only_the_word_and_its_index_form_match() -> None:
    analysis = analyze(n("المعتقلين"))
    assert analysis.matches(n("والمعتقلين")) and not analysis.matches(n("معتقل"))


def test_the_analysis_is_bounded() -> None:
    long_word = "و" + "مستقل" * 40 + "اتها"
    started = time.monotonic()
    analyze(long_word, lexicon_of(long_word))  # type: ignore[arg-type]
    for i in range(MAX_TERMS):
        analyze(n(f"والمعتقلين{i}"), lexicon_of("معتقل"))  # type: ignore[arg-type]
    assert time.monotonic() - started < 2


def _store(archive: Archive, *bodies: str) -> list[int]:
    items = []
    for i, body in enumerate(bodies):
        url = f"https://alpha.example/n/{i}"
        item = Article(url=url, canonical_url=url, site="alpha", title=f"خبر {i}", body=body)
        item.content_hash = content_hash(item.title, item.body)
        items.append(item)
    return [o.article_id for o in archive.store(items)]


def test_search_finds_inflections_marks_them_as_written_and_ranks_the_exact_form_first(archive: Archive) -> None:
    inflected, exact, other = _store(
        archive,
        "ضبطت الشرطة عصابة لسرقة الذهب والمجوهرات من المحلات في وسط المدينة.",
        "ارتفعت أسعار مجوهرات الذهب في السوق المحلية خلال الأسبوع الماضي.",
        "زار وزير الخارجية العاصمة وبحث مع نظيره ملف المعتقلين.",
    )
    hits = search(archive.conn, "مجوهرات")
    assert [h.id for h in hits] == [exact, inflected]
    assert "[والمجوهرات]" in hits[1].snippet and hits[1].matched == ["والمجوهرات"]
    assert "[مجوهرات]" in hits[0].snippet
    assert [h.id for h in search(archive.conn, "معتقل")] == [other]
    assert [h.id for h in search(archive.conn, "وزارة")] == []  # وزير is another word, and so is زار
    assert [h.id for h in search(archive.conn, "زار")] == [other]


def test_the_plan_tells_the_plugin_what_matched(archive: Archive) -> None:
    _store(archive, "أعلنت وزارة الصحة عدد الوفيات في العاصمة.")
    plan = plan_query("وفيات -عاصمة", archive.conn)
    assert plan.marks(n("الوفيات")) and not plan.marks(n("العاصمة"))
    assert "NOT" in plan.match
