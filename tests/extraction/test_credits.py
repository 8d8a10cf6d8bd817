"""Agency credits from datelines, closing lines and bylines; photo credits are not article credits."""

from __future__ import annotations

import pytest

from crawler.extraction import extract
from crawler.extraction.credits import closing_credit, only_agencies, repeated_attributions, split_dateline


@pytest.mark.parametrize(
    ("paragraph", "dateline", "agencies", "rest"),
    [
        ("أنقرة - الأناضول: قال وزير الخارجية", "أنقرة - الأناضول", ["anadolu"], "قال وزير الخارجية"),
        ("دمشق - سانا: أعلنت الوزارة", "دمشق - سانا", ["sana"], "أعلنت الوزارة"),
        ("دمشق، سوريا (CNN) -- أكدت جهات", "دمشق، سوريا (CNN)", ["cnn"], "أكدت جهات"),
        ("(أ ف ب) - قال مسؤول", "(أ ف ب)", ["afp"], "قال مسؤول"),
        ("القاهرة - أ ش أ - أعلن", "القاهرة - أ ش أ", ["mena"], "أعلن"),
        ("عمان (بترا) - قرر المجلس", "عمان (بترا)", ["petra"], "قرر المجلس"),
        ("الكويت - كونا: استقبل", "الكويت - كونا", ["kuna"], "استقبل"),
        ("بيروت (رويترز، أ ف ب) - قال", "بيروت (رويترز، أ ف ب)", ["reuters", "afp"], "قال"),
        ("أنقرة - الأناضول", "أنقرة - الأناضول", ["anadolu"], ""),
    ],
)
def test_datelines(paragraph: str, dateline: str, agencies: list[str], rest: str) -> None:
    assert split_dateline(paragraph) == (dateline, agencies, rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "القاهرة - قال الوزير في مؤتمر صحفي إن الحكومة ماضية",
        "وقال المتحدث - في بيان - إن الاجتماع انتهى",
        "أعلنت وزارة الصحة اليوم عن تسجيل إصابات جديدة",
    ],
)
def test_no_dateline_in_ordinary_sentences(paragraph: str) -> None:
    assert split_dateline(paragraph) == (None, [], paragraph)


@pytest.mark.parametrize(
    ("line", "agencies"),
    [
        ("الأناضول", ["anadolu"]),
        ("(أ ف ب)", ["afp"]),
        ("المصدر: وكالة الأناضول", ["anadolu"]),
        ("المصدر : رويترز + أ ف ب", ["reuters", "afp"]),
        ("د.ب.أ", ["dpa"]),
        ("وكالات", []),
    ],
)
def test_closing_credit_lines(line: str, agencies: list[str]) -> None:
    assert closing_credit(line) == (agencies, "")


def test_trailing_credit_in_the_last_paragraph() -> None:
    assert closing_credit("وانتهى الاجتماع دون اتفاق. (رويترز)") == (["reuters"], "وانتهى الاجتماع دون اتفاق.")


def test_a_sentence_is_not_a_credit() -> None:
    assert only_agencies("وقالت وكالة الأناضول إن الاجتماع انتهى") is None
    assert closing_credit("وقالت الوزارة إن الاجتماع سيعقد الأسبوع المقبل في العاصمة.") is None


def test_repeated_attribution_ignores_common_words() -> None:
    body = ["وقال مسؤول لرويترز إن المحادثات مستمرة.", "وأضاف لرويترز أن الوفد سيعود.", "بنا وطن واحد", "بنا نبني"]
    assert repeated_attributions(body) == ["reuters"]


def test_photo_caption_credit_is_not_an_article_credit() -> None:
    page = """<html><head><title>خبر</title></head><body><article><h1>وزير الخارجية يلتقي نظيره التركي في أنقرة</h1>
    <figure><img src="/a.jpg"><figcaption>الصورة: رويترز</figcaption></figure>
    <p>التقى وزير الخارجية اليوم نظيره التركي في العاصمة أنقرة، وبحث الجانبان العلاقات الثنائية وسبل تطويرها في
    مختلف المجالات، إضافة إلى آخر التطورات الإقليمية والدولية ذات الاهتمام المشترك.</p>
    <p>وأكد الوزيران أهمية مواصلة التنسيق والتشاور بين البلدين إزاء القضايا المطروحة، وتعزيز التعاون الاقتصادي
    والتجاري والاستثماري بما يخدم مصالح الشعبين.</p>
    <p>الصورة: رويترز</p></article></body></html>"""
    got = extract(page, "https://example.com/a")
    assert got.agencies == []
    assert "رويترز" not in got.body


def test_agency_byline_is_a_credit_not_an_author() -> None:
    page = """<html><head><meta name="author" content="رويترز"><title>خبر</title></head><body><article>
    <h1>أسعار النفط ترتفع مع تراجع المخزونات الأمريكية</h1>
    <p>ارتفعت أسعار النفط اليوم الأربعاء بعد أن أظهرت بيانات رسمية تراجع مخزونات الخام في الولايات المتحدة أكثر
    من المتوقع، مما عزز المخاوف بشأن شح الإمدادات في الأسواق العالمية خلال الأشهر المقبلة.</p>
    <p>وصعدت العقود الآجلة لخام برنت بنسبة واحد بالمئة، كما ارتفع خام غرب تكساس الوسيط بنسبة مماثلة في تعاملات
    بعد الظهر، وسط توقعات بزيادة الطلب على الوقود.</p></article></body></html>"""
    got = extract(page, "https://example.com/oil")
    assert got.authors == [] and got.agencies == ["reuters"]
