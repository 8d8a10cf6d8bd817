"""Arabic normalization: the matching keys that dedupe and search rely on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.text.arabic import (
    clean_display_text,
    content_hash,
    fingerprint_tokens,
    normalize_for_search,
)


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمال", "امال"),
        ("ٱلله", "الله"),
        ("كَتَبَ", "كتب"),
        ("الأمم", "الامم"),
        ("مصطفى", "مصطفي"),
        ("الجزيرة", "الجزيره"),
        ("الـــعـــراق", "العراق"),
        ("٢٠٢٤", "2024"),
        ("۱۴۰۳", "1403"),
        ("\u200fالقدس\u200e", "القدس"),
        ("ﻻ", "لا"),
    ],
)
def test_spelling_variants_fold_to_one_key(variant: str, plain: str) -> None:
    assert normalize_for_search(variant) == normalize_for_search(plain)


def test_words_with_harakat_and_arabic_comma_are_kept_as_tokens() -> None:
    # The pitfall of isalnum()-based fingerprints: these words must survive tokenizing.
    assert fingerprint_tokens("قالَ الوزيرُ، «نعم»؛ ثم غادر؟") == ["قال", "الوزير", "نعم", "ثم", "غادر"]


def test_content_hash_ignores_spelling_variants_but_not_words() -> None:
    a = "أعلنت الأمم المتحدة اليوم، أنّ المساعدات وصلت إلى غزة."
    b = "اعلنت الامم المتحـدة اليوم ، ان المساعدات وصلت الى غزه"
    c = "أعلنت الأمم المتحدة اليوم أن المساعدات لم تصل إلى غزة."
    assert content_hash(None, a) == content_hash(None, b)
    assert content_hash(None, a) != content_hash(None, c)


def test_display_text_keeps_harakat_but_drops_control_characters() -> None:
    assert clean_display_text("كَتَبَ\x00 الوزير\x07  اليوم\r\n\n فقرة") == "كَتَبَ الوزير اليوم\nفقرة"


@given(st.text())
def test_normalization_is_idempotent_and_total(text: str) -> None:
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once
    fingerprint_tokens(text)
    clean_display_text(text)
