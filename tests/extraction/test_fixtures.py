"""Every captured page in tests/fixtures/pages against the expected JSON beside it.

Corpus pages (copied from /work/shared/corpus with their provenance) are checked on the fields their JSON
gives; pages written for this project are checked field by field, body included, exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extraction import extract
from crawler.extraction.credits import agencies_in
from crawler.registry import DEFAULT_REGISTRY, load_registry

from .extraction_helpers import (
    CORPUS,
    PAGES,
    Fixture,
    expected_agencies,
    load_fixtures,
    norm,
    word_line,
)

FIXTURES = load_fixtures()


def run(fixture: Fixture):  # type: ignore[no-untyped-def]
    return extract(fixture.html, fixture.url, site=fixture.site, header_charset=fixture.expected.get("header_charset"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_title_is_the_headline_as_shown(fixture: Fixture) -> None:
    assert norm(run(fixture).title) == norm(fixture.expected["title"])


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_body_keeps_the_article_and_drops_boilerplate(fixture: Fixture) -> None:
    got = run(fixture)
    # The dateline moved to its own field is still part of what the page printed.
    text = f"{got.dateline or ''} {got.body}"
    for snippet in fixture.expected.get("body_snippets") or []:
        assert word_line(snippet) in word_line(text), snippet
    for snippet in fixture.expected.get("boilerplate_snippets") or []:
        assert norm(snippet) not in norm(got.body), f"boilerplate leaked: {snippet}"
    if fixture.written_here:
        assert got.body == fixture.expected["body_text"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_publication_date(fixture: Fixture) -> None:
    got = run(fixture)
    want = fixture.expected.get("date")
    if want is None:
        assert got.published is None
        return
    accepted = {want, *(fixture.expected.get("date_alternatives") or [])}
    assert got.published is not None and got.published[:10] in accepted
    assert got.published[19:] != "", "an output date always carries its UTC offset"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_authors_are_people_only(fixture: Fixture) -> None:
    got = run(fixture)
    want = fixture.expected.get("author")
    if not want:
        assert got.authors == []
    elif agencies_in(str(want)) or norm(str(want)) in norm(str(fixture.expected.get("site", ""))):
        # An agency ("Associated Press") or the site itself is not reported as a person.
        assert got.authors == []
    else:
        assert norm(str(want)) in [norm(a) for a in got.authors]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_agency_credits(fixture: Fixture) -> None:
    assert set(run(fixture).agencies) == expected_agencies(fixture.expected)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_language_from_the_text(fixture: Fixture) -> None:
    assert run(fixture).language == fixture.expected["language"]


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if f.expected.get("expected")], ids=lambda f: f.id)
def test_written_pages_field_by_field(fixture: Fixture) -> None:
    got = run(fixture).to_dict()
    for key, value in fixture.expected["expected"].items():
        assert got[key] == value, key


def test_every_site_with_selectors_has_a_fixture() -> None:
    covered = {f.expected.get("site_id") for f in FIXTURES}
    registry = load_registry(DEFAULT_REGISTRY)
    missing = sorted(site.id for site in registry if site.selectors is not None and site.id not in covered)
    assert not missing, f"sites with selectors but no page in {PAGES}: {missing}"


def test_fixture_site_ids_exist_in_the_product_registry() -> None:
    default = load_registry(DEFAULT_REGISTRY)
    unknown = sorted(
        str(f.expected["site_id"])
        for f in FIXTURES
        if f.expected.get("site_id") and default.get(f.expected["site_id"]) is None
    )
    assert not unknown, f"fixtures name sites that crawler/sites.toml does not have: {unknown}"


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_every_corpus_page_is_a_fixture() -> None:
    corpus = {p.name for p in (CORPUS / "pages").glob("*.html")}
    copied = {p.name for p in Path(PAGES).glob("*.html")}
    assert corpus <= copied, f"corpus pages not copied into fixtures: {sorted(corpus - copied)}"
    for name in corpus:
        assert (PAGES / name).read_bytes() == (CORPUS / "pages" / name).read_bytes(), name


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if f.expected.get("category")], ids=lambda f: f.id)
def test_category_as_the_site_names_it(fixture: Fixture) -> None:
    assert run(fixture).category == fixture.expected["category"]


