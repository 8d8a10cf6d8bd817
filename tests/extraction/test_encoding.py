"""Charset order: BOM, HTTP header unless the bytes contradict it, meta tag, then detection."""

from __future__ import annotations

import codecs

import pytest

from crawler.extraction import decode_html

from .extraction_helpers import PAGES

ARABIC = "<html><body><p>أعلنت وزارة الخارجية اليوم أن الاجتماع الذي عقد في العاصمة انتهى إلى اتفاق</p></body></html>"


def test_bom_wins_over_everything() -> None:
    data = codecs.BOM_UTF8 + b'<meta charset="windows-1256">' + ARABIC.encode("utf-8")
    text, used = decode_html(data, header_charset="iso-8859-1")
    assert used == "utf-8" and "وزارة الخارجية" in text


@pytest.mark.parametrize("declared", ["iso-8859-1", "latin-1", "us-ascii", "windows-1252"])
def test_weak_header_contradicted_by_utf8_bytes(declared: str) -> None:
    text, used = decode_html(ARABIC.encode("utf-8"), header_charset=declared)
    assert used == "utf-8" and "وزارة الخارجية" in text


def test_header_is_trusted_when_bytes_agree() -> None:
    text, used = decode_html(ARABIC.encode("cp1256"), header_charset="windows-1256")
    assert used == "windows-1256" and "وزارة الخارجية" in text


def test_meta_tag_when_no_header() -> None:
    data = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-6">' + ARABIC.encode("iso-8859-6")
    text, used = decode_html(data)
    assert used == "iso-8859-6" and "وزارة الخارجية" in text


def test_meta_latin1_contradicted_by_utf8_bytes() -> None:
    data = b'<meta charset="iso-8859-1">' + ARABIC.encode("utf-8")
    assert decode_html(data)[1] == "utf-8"


@pytest.mark.parametrize(
    ("codec", "name"), [("cp1256", "windows-1256"), ("iso-8859-6", "iso-8859-6"), ("utf-8", "utf-8")]
)
def test_detection_tells_arabic_code_pages_apart(codec: str, name: str) -> None:
    text, used = decode_html(ARABIC.encode(codec))
    assert used == name and "وزارة الخارجية" in text


@pytest.mark.parametrize(("page", "name"), [("015", "windows-1256"), ("016", "iso-8859-6")])
def test_corpus_pages_without_declared_charset(page: str, name: str) -> None:
    text, used = decode_html((PAGES / f"{page}.html").read_bytes())
    assert used == name
    assert "أعلنت كتائب الشهيد عز الدين القسام" in text
