"""Search quality on real Arabic pages: recall of inflected forms and no over-stemming trap, against Lucene's rules.

``evaluation.py`` says how the pairs and traps are made; ``benchmarks/search.py`` writes the same figures into
docs/benchmarks.md. Run with ``-s`` to see both analyzers' figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.text.arabic import normalize_for_search

from .evaluation import (
    GENERATED_TRAPS,
    RELATED,
    Evaluation,
    build_archive,
    evaluate,
    generate_pairs,
    load_documents,
    lucene_normalize,
    lucene_stem,
    summary,
)

RECALL_FLOOR = 0.95


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    docs = load_documents()
    archive = build_archive(Path(tmp_path_factory.mktemp("quality")) / "eval.db", docs)
    try:
        return evaluate(archive, docs)
    finally:
        archive.db.conn.close()


def test_inflected_words_are_found_and_no_trap_is(result: Evaluation) -> None:
    print("\n" + "\n".join(summary(result)))
    assert result.documents >= 20 and len(result.pairs) >= 200 and len(result.traps) >= 30
    assert result.akhbar.recall >= RECALL_FLOOR, result.akhbar.missed
    assert result.akhbar.fallen_into == []


def test_the_issue_s_traps_are_among_them(result: Evaluation) -> None:
    keys = {t.key for t in result.traps}
    for query, word in (("زار", "وزارة"), ("بحر", "البحرين"), ("لبن", "لبنان"), ("سود", "السودان")):
        assert f"{normalize_for_search(query)}/{normalize_for_search(word)}" in keys


def test_lucene_rules_are_scored_on_the_same_pairs(result: Evaluation) -> None:
    assert (result.lucene.pairs, result.lucene.traps) == (result.akhbar.pairs, result.akhbar.traps)
    # The rules as Lucene applies them: one prefix, then every suffix in turn.
    assert lucene_stem(lucene_normalize("والمعتقلين")) == "معتقل"
    assert lucene_stem(lucene_normalize("وزارة")) == "زار"
    assert lucene_stem(lucene_normalize("البحرين")) == "بحر"
    assert lucene_stem(lucene_normalize("ولد")) == "ولد"  # و needs four letters


def test_the_review_of_generated_pairs_is_current() -> None:
    """Every reviewed key is still generated from the documents: a stale review would hide a changed corpus."""
    generated = {p.key for p in generate_pairs(load_documents())}
    assert not (GENERATED_TRAPS | RELATED) - generated
    assert not GENERATED_TRAPS & RELATED
