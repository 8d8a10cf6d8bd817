"""The public ``extract`` API on hand-made pages: errors, dates, body HTML, structured data layers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extraction import ExtractionError, extract
from crawler.registry import Selectors, Site

PARAS = (
    "<p>أعلنت وزارة الصحة اليوم عن افتتاح ثلاثة مستشفيات جديدة في المحافظات الجنوبية، بطاقة استيعابية تصل إلى"
    " ستمئة سرير، ضمن خطة لتحسين الخدمات الصحية في المناطق النائية خلال العام الجاري.</p>"
    "<p>وقال المتحدث باسم الوزارة إن المستشفيات الجديدة مجهزة بأحدث الأجهزة الطبية، وإن الكوادر العاملة فيها"
    " تلقت تدريبا متخصصا على مدى ستة أشهر بالتعاون مع جامعات محلية ودولية.</p>"
)


def page(head: str = "", body: str = PARAS, h1: str = "وزارة الصحة تفتتح ثلاثة مستشفيات جديدة") -> str:
    return (
        f"<html><head><title>{h1} - صحيفة الخبر</title>{head}</head>"
        f"<body><article><h1>{h1}</h1>{body}</article></body></html>"
    )


@pytest.mark.parametrize("data", [b"", b"   ", b"\x00\x01\x02\x03" * 100, "just text, no markup at all"])
def test_unreadable_pages_raise(data: bytes | str) -> None:
    with pytest.raises(ExtractionError):
        extract(data, "https://example.com/a")


def test_page_without_text_raises() -> None:
    with pytest.raises(ExtractionError):
        extract("<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>", "https://example.com/")


def test_modified_is_never_taken_as_published() -> None:
    got = extract(
        page('<meta property="article:modified_time" content="2024-05-12T10:00:00+03:00">'), "https://x.com/a"
    )
    assert got.published is None and got.modified == "2024-05-12T10:00:00+03:00"


def test_json_ld_graph_first_then_meta() -> None:
    head = (
        '<meta property="article:published_time" content="2020-01-01T00:00:00Z">'
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"الخبر"},'
        '{"@type":"NewsArticle","headline":"وزارة الصحة تفتتح ثلاثة مستشفيات جديدة",'
        '"datePublished":"2024-05-12T10:35:00+03:00",'
        '"author":{"@type":"Person","name":"كتب: منى سعيد"},"keywords":["صحة","مستشفيات"]}]}</script>'
    )
    got = extract(page(head), "https://x.com/a")
    assert got.published == "2024-05-12T10:35:00+03:00"
    assert got.authors == ["منى سعيد"] and got.tags == ["صحة", "مستشفيات"]


def test_site_timezone_applies_to_visible_dates() -> None:
    site = Site(
        id="x",
        name="صحيفة الخبر",
        name_en="Al Khabar",
        url="https://x.com/",
        country="EG",
        timezone="Africa/Cairo",
        selectors=Selectors(date=".when"),
    )
    body = '<span class="when">الأحد 12 مايو 2024 - 10:35 ص</span>' + PARAS
    got = extract(page(body=body), "https://x.com/a", site=site)
    assert got.published == "2024-05-12T10:35:00+03:00"
    assert got.title == "وزارة الصحة تفتتح ثلاثة مستشفيات جديدة"


def test_relative_visible_date_uses_now() -> None:
    body = '<span class="post-date">منذ 3 ساعات</span>' + PARAS
    now = datetime(2024, 5, 12, 12, 0, tzinfo=UTC)
    assert extract(page(body=body), "https://x.com/a", now=now).published == "2024-05-12T09:00:00+00:00"


def test_body_html_is_sanitized_with_absolute_links() -> None:
    body = PARAS.replace("ثلاثة مستشفيات", '<a href="/tag/health" onclick="x()">ثلاثة مستشفيات</a>', 1)
    got = extract(page(body=body + "<script>evil()</script>"), "https://x.com/news/a")
    assert '<a href="https://x.com/tag/health" rel="noopener noreferrer">' in got.body_html
    assert "onclick" not in got.body_html and "evil" not in got.body_html
    assert got.body.count("\n") == got.body_html.count("<p>") - 1


def test_arabic_boilerplate_inside_the_body() -> None:
    body = (
        PARAS[: PARAS.index("</p>") + 4]
        + '<p>اقرأ أيضا: <a href="/b">وزير الصحة يتفقد مستشفى الجنوب</a></p>'
        + PARAS[PARAS.index("</p>") + 4 :]
        + "<p>تابعونا على فيسبوك وتويتر</p><p>شارك الخبر</p><h3>مقالات ذات صلة</h3>"
        + '<ul><li><a href="/c">افتتاح مركز صحي جديد</a></li></ul><h3>اترك تعليقاً</h3>'
        + "<p>لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *</p>"
    )
    got = extract(page(body=body), "https://x.com/a")
    for leaked in (
        "اقرأ أيضا",
        "وزير الصحة يتفقد",
        "تابعونا",
        "شارك الخبر",
        "مقالات ذات صلة",
        "افتتاح مركز",
        "اترك",
        "بريدك",
    ):
        assert leaked not in got.body
    assert got.body.count("\n") == 1


def test_str_input_and_lang_attribute_ignored() -> None:
    got = extract(page().replace("<html>", '<html lang="en">'), "https://x.com/a")
    assert got.language == "ar"


def test_selector_body_in_a_table_cell_keeps_paragraphs() -> None:
    site = Site(
        id="x",
        name="القبس",
        name_en="Qabas",
        url="https://x.com/",
        country="LB",
        selectors=Selectors(body="td.ArticleText", remove=("td.Tools",)),
    )
    html = (
        "<html><body><table><tr><td class='menu'><a href='/'>الرئيسية</a></td></tr>"
        f"<tr><td class='ArticleText'>{PARAS}<div>سطر أول<br>سطر ثان</div></td></tr>"
        "<tr><td class='Tools'>طباعة | أرسل لصديق</td></tr></table></body></html>"
    )
    got = extract(html, "https://x.com/a", site=site)
    assert got.body.split("\n")[2:] == ["سطر أول", "سطر ثان"]
    assert len(got.body.split("\n")) == 4 and "الرئيسية" not in got.body and "طباعة" not in got.body


def test_wordpress_updated_time_is_not_the_publication_date() -> None:
    body = (
        '<time class="updated" datetime="2024-06-01T09:00:00+00:00">1 يونيو 2024</time>'
        '<time class="entry-date published" datetime="2024-05-12T08:00:00+00:00">12 مايو 2024</time>' + PARAS
    )
    got = extract(page(body=body), "https://x.com/a")
    assert got.published == "2024-05-12T08:00:00+00:00"
    assert got.modified == "2024-06-01T09:00:00+00:00"


def test_sentences_that_start_like_prompts_are_kept() -> None:
    kept = "<p>شارك هذا العام أكثر من خمسمئة عارض في المعرض الذي افتتح أمس بحضور وزير الثقافة.</p>"
    got = extract(page(body=PARAS + kept), "https://x.com/a")
    assert got.body.endswith("بحضور وزير الثقافة.")
