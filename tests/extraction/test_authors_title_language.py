"""Bylines, headlines and language: the small stages on top of the generic extractor."""

from __future__ import annotations

import pytest

from crawler.extraction.authors import clean_authors
from crawler.extraction.language import detect_language
from crawler.extraction.title import choose_title, strip_site_name


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("كتب محمد علي", ["محمد علي"]),
        ("كتبت: سارة أحمد", ["سارة أحمد"]),
        ("بقلم: عبد الله وليد", ["عبد الله وليد"]),
        ("حوار: آسيا العتروس", ["آسيا العتروس"]),
        ("إعداد: ريم حسن", ["ريم حسن"]),
        ("تقرير - خالد يوسف", ["خالد يوسف"]),
        ("كتب أحمد عرفة - محمد السيد", ["أحمد عرفة", "محمد السيد"]),
        ("محمد علي وأحمد حسن", ["محمد علي", "أحمد حسن"]),
        ("سامر العبادي، ليث الخطيب", ["سامر العبادي", "ليث الخطيب"]),
        ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"]),
    ],
)
def test_byline_prefixes_and_splitting(byline: str, authors: list[str]) -> None:
    assert clean_authors([byline])[0] == authors


def test_agencies_and_site_are_not_people() -> None:
    authors, agencies = clean_authors(["الأناضول", "هيومن فويس", "وكالات", "(أ ف ب)"], ("هيومن فويس",))
    assert authors == [] and agencies == ["anadolu", "afp"]


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("وزير المالية يعلن الموازنة - اليوم السابع", "وزير المالية يعلن الموازنة"),
        ("أمطار غزيرة تغرق دبي | البيان", "أمطار غزيرة تغرق دبي"),
        ("الغد - الحكومة تقر نظاما معدلا", "الحكومة تقر نظاما معدلا"),
        ("مصر - السودان: اتفاق على تشغيل المعبر", "مصر - السودان: اتفاق على تشغيل المعبر"),
        ("أمطار غزيرة تغرق دبي - موقع البيان", "أمطار غزيرة تغرق دبي"),
        # A headline that names the site in passing is the headline, not the site's name.
        ("الغد يحتفل بعيده الخمسين وسط حضور كبير | أخبار الأردن",
         "الغد يحتفل بعيده الخمسين وسط حضور كبير | أخبار الأردن"),
        ("خطط المدينة للعام المقبل في تقرير رسمي - البيان", "خطط المدينة للعام المقبل في تقرير رسمي"),
    ],
)
def test_site_name_stripped_from_declared_titles(title: str, clean: str) -> None:
    assert strip_site_name(title, ("اليوم السابع", "البيان", "الغد")) == clean


def test_a_headline_that_mentions_the_site_name_is_kept() -> None:
    declared = ["تقرير عن خطط المدينة للعام المقبل | موقع الاختبار"]
    assert choose_title(["تقرير عن خطط المدينة للعام المقبل"], declared, ("المدينة",)) == (
        "تقرير عن خطط المدينة للعام المقبل"
    )


def test_h1_beats_a_truncated_og_title() -> None:
    h1 = "الناشط الحقوقي السوداني: كل الشروط متوفرة لثورة سودانية ولا حاجة لنستورد شيئا"
    assert choose_title([h1], ["الناشط الحقوقي السوداني: كل الشروط متوفرة لثورة سودانية ولا حا"], ()) == h1


def test_logo_h1_is_not_the_headline() -> None:
    assert (
        choose_title(
            ["CNN", "معارضون يسيطرون على مخازن للصواريخ"], ["معارضون يسيطرون على مخازن للصواريخ - CNN"], ("CNN",)
        )
        == "معارضون يسيطرون على مخازن للصواريخ"
    )


def test_language_from_text_not_markup() -> None:
    arabic = "أعلنت الحكومة اليوم عن برنامج جديد لدعم السكن لفائدة المغاربة المقيمين بالخارج"
    assert detect_language(arabic, declared="en") == "ar"
    assert detect_language("Die frühere Ministerin wird neue Chefin und die Wahl ist nicht überraschend", "en") == "de"
    assert detect_language("The minister said on Monday that the budget is in line with the plan", None) == "en"


def test_a_surname_shared_with_the_site_name_is_kept() -> None:
    assert clean_authors(["كتب أحمد المصري"], ("المصري اليوم", "Al-Masry Al-Youm"))[0] == ["أحمد المصري"]
