"""The shortcuts the extraction stages take for speed give exactly what the plain form they replace gives."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
import trafilatura
from lxml import etree
from lxml.etree import XPath
from lxml.html import document_fromstring

from crawler.extraction import xpaths
from crawler.extraction.body import TRAFILATURA_OPTIONS
from crawler.extraction.boilerplate import is_boilerplate_line
from crawler.extraction.core import _PARSER
from crawler.extraction.language import detect_language
from crawler.extraction.textutil import alternation, clean
from crawler.text.invisible import strip_invisible

from .extraction_helpers import load_fixtures


def _plain_clean(text: str) -> str:
    return " ".join(strip_invisible(unicodedata.normalize("NFC", text)).split()) if text else ""


@pytest.mark.parametrize(
    "text",
    [
        "نص عادي",
        " a  b\u200b\xa0c ",
        "\u200b",
        " ",
        "a\u2028b",
        "x\u0301\u200b",
        "a\u3000b",
        "a\x1fb",
        "a\u00adb",
        "a\tb",
        "tail ",
        " head",
        "ا\u0654",
    ],
)
def test_clean_shortcut_matches_the_full_cleanup(text: str) -> None:
    assert clean(text) == _plain_clean(text)


def test_grouped_alternation_matches_like_the_flat_one() -> None:
    rng = random.Random(3)
    words = ["ab", "abc", "a\\s*bd", "b", "ba", "abc", "c[de]", "d+e", "ءاب", "ابت"]
    flat = re.compile("|".join(words))
    grouped = re.compile(alternation(words))
    assert grouped.pattern != flat.pattern
    for _ in range(3000):
        text = "".join(rng.choice("abcde ءابت") for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in flat.finditer(text)], text
        assert bool(grouped.fullmatch(text)) == bool(flat.fullmatch(text)), text


@pytest.mark.parametrize("words", [["a", "\\w+"], ["a|b", "c"], ["a*", "ab"], ["(?:x)", "y"], ["", "a"]])
def test_alternation_stays_flat_when_grouping_could_change_the_order(words: list[str]) -> None:
    assert alternation(words) == "|".join(dict.fromkeys(words))


def test_boilerplate_prompts_still_found_in_long_and_short_lines() -> None:
    assert is_boilerplate_line("اقرأ أيضاً: الحكومة تقر الموازنة")
    assert is_boilerplate_line("نص طويل " * 30 + "جميع الحقوق محفوظة")
    assert not is_boilerplate_line("اقرأ أيضا " + "نص طويل " * 40)


def test_language_without_latin_letters() -> None:
    assert detect_language("نص عربي") == "ar"
    assert detect_language("123 ...", "fr-FR") == "fr"
    assert detect_language("نص عربي طويل جدا مع كلمة english", "en") == "ar"
    assert detect_language("the news of the day and the rest", "fr") == "en"


_TRICKY = [
    b"<html><head><title>t</title><meta property='og:title' content='x'><link rel=canonical href='/a'></head>"
    b"<body><h1>a</h1><meta itemprop=name content=n><meta name=plain content=p><title>not head</title>"
    b"<time datetime='2024-01-01'>x</time><span itemprop=datePublished content='2024-01-02'></span>"
    b"<span itemprop=dateModified datetime='2024-01-03'></span><time content='c'></time>"
    b"<script type='application/ld+json'>{}</script><link rel='canonical nofollow' href='/b'></body>"
    b"<body class=second><h1>b</h1><meta property=p content=q><link rel=canonical href='/c'>"
    b"<script type='application/json+ld'>[]</script><time datetime='2024-02-02'></time></body></html>",
    b"<html><head><meta name=a content=b><script type='application/ld+json'>{}</script></head>"
    b"<frameset><body><h1>z</h1><meta itemprop=x content=y></body></frameset></html>",
    b"<p>no head</p><h1>x</h1><meta content=z>",
]


@pytest.mark.parametrize("html", _TRICKY + [f.html for f in load_fixtures()])
def test_tag_walks_find_what_the_xpaths_find(html: bytes) -> None:
    tree = document_fromstring(html, parser=_PARSER)

    def ids(found: object) -> list[str]:
        assert isinstance(found, list)
        return [tree.getroottree().getpath(e) for e in found]

    start = tree.find("body") if tree.find("body") is not None else tree
    for node in (tree, start):
        assert ids(xpaths.json_ld(node)) == ids(
            XPath('//script[@type="application/ld+json" or @type="application/json+ld"]')(node)
        )
        assert ids(xpaths.metas(node)) == ids(XPath("//head//meta | //body//meta[@itemprop or @property]")(node))
        assert ids(xpaths.titles(node)) == ids(XPath("//head/title")(node))
        assert xpaths.canonical_links(node) == XPath('//link[@rel="canonical"]/@href')(node)
        assert ids(xpaths.h1s(node)) == ids(XPath("//body//h1")(node))
        published, modified = xpaths.dated(node)
        assert ids(published) == ids(
            XPath("//body//time[@datetime] | //body//*[@itemprop='datePublished'][@datetime or @content]")(node)
        )
        assert ids(modified) == ids(XPath("//body//*[@itemprop='dateModified'][@datetime or @content]")(node))


@pytest.mark.parametrize("fixture", load_fixtures()[:6], ids=lambda f: f.id)
def test_trafilatura_body_does_not_depend_on_the_output_format(fixture) -> None:  # type: ignore[no-untyped-def]
    """The body is read from ``bare_extraction(output_format="xml")``, which skips rendering it as text."""

    def body(output_format: str) -> bytes | None:
        tree = document_fromstring(fixture.html, parser=_PARSER)
        options = {**TRAFILATURA_OPTIONS, "output_format": output_format}
        document = trafilatura.bare_extraction(tree, url=fixture.url, fast=True, **options)  # type: ignore[arg-type]
        if document is None or isinstance(document, dict) or document.body is None:
            return None
        return etree.tostring(document.body, encoding="utf-8")

    assert body("xml") == body("python")
