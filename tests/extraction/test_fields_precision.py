"""Authors and category, precision first: a place, a date, a section or a CMS flag is never reported as one."""

from __future__ import annotations

import pytest

from crawler.extraction import extract
from crawler.extraction.authors import clean_authors
from crawler.extraction.section import is_section_label
from crawler.text.places import is_place


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("القاهرة - محمد علي", ["محمد علي"]),
        ("القاهرة", []),
        ("دمشق، سوريا", []),
        ("كتب: أحمد حسن - الرياض", ["أحمد حسن"]),
        ("الأحد 12 مايو 2024", []),
        ("الأحد", []),
        ("نيسان", []),
        ("فريق التحرير", []),
        ("متابعات", []),
        ("سياسة", []),
        ("محمد جمعة", ["محمد جمعة"]),
        ("خالد الأحمد وسامر الحسن", ["خالد الأحمد", "سامر الحسن"]),
    ],
)
def test_no_place_date_section_or_newsroom_label_is_an_author(byline: str, authors: list[str]) -> None:
    assert clean_authors([byline], ("البيان",), ("سياسة",))[0] == authors


def test_places_with_and_without_their_article_and_hamza() -> None:
    for name in ("القاهرة", "الاسكندرية", "الإسكندرية", "موصل", "بيروت (لبنان)", "غزة - فلسطين", "عمّان"):
        assert is_place(name), name
    for name in ("محمد علي", "وزارة الخارجية", "والقاهرة", "الحكومة"):
        assert not is_place(name), name


@pytest.mark.parametrize(
    ("label", "ok"),
    [
        ("سياسة", True), ("منوعات", True), ("اقتصاد وأعمال", True), ("featured", False), ("Featured", False),
        ("slider", False), ("uncategorized", False), ("main", False), ("الرئيسية", False), ("غير مصنف", False),
        ("عاجل", False), ("politics", False), ("world-news", False), ("2024", False),
        ("فئة طويلة جدا من خمس كلمات أو أكثر", False),
    ],
)  # fmt: skip
def test_section_labels_on_an_arabic_page(label: str, ok: bool) -> None:
    assert is_section_label(label, title="عنوان الخبر", arabic_page=True) is ok


def test_a_latin_page_keeps_printed_labels_and_rejects_slugs() -> None:
    assert is_section_label("Politics", arabic_page=False)
    assert not is_section_label("politics", arabic_page=False)
    assert not is_section_label("top-stories", arabic_page=False)


PAGE = """<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@graph": [
 {{"@type": "NewsArticle", "headline": "{title}", "articleSection": ["featured", "slider", "اقتصاد"],
   "author": {{"@type": "Person", "name": "القاهرة"}}, "datePublished": "2024-05-12T10:00:00+03:00"}},
 {{"@type": "BreadcrumbList", "itemListElement": [
   {{"@type": "ListItem", "position": 1, "name": "الرئيسية"}},
   {{"@type": "ListItem", "position": 2, "name": "اقتصاد"}}]}}]}}</script></head>
<body><article><h1>{title}</h1>{body}</article></body></html>"""
TITLE = "ارتفاع أسعار الخبز في الأسواق المحلية للمرة الثانية هذا العام"
BODY = "".join(
    f"<p>قالت وزارة التجارة الداخلية إن أسعار الخبز ارتفعت في الأسواق بنسبة {n} في المئة، وإن الحكومة تدرس دعم"
    " الأفران الصغيرة لتخفيف العبء عن الأسر.</p>"
    for n in range(5, 10)
)


def test_a_page_whose_declared_author_is_a_city_and_first_section_a_flag() -> None:
    record = extract(PAGE.format(title=TITLE, body=BODY).encode(), "https://news.example/economy/1")
    assert record.authors == []
    assert record.category == "اقتصاد"
