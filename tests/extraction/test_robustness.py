"""Whatever the bytes, ``extract`` returns a record or raises ExtractionError, and ``parse_date`` returns a
date or None: never another exception (the CLI turns ExtractionError into a message and exit code 1)."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction import ExtractionError, extract, parse_date

TAGS = st.sampled_from(["p", "div", "h1", "span", "script", "a", "time", "meta", "article", "br", "li", "table"])
WORDS = st.sampled_from(
    ["أعلنت", "الوزارة", "اليوم", "(أ ف ب)", "رويترز", "كتب", "اقرأ أيضا", "2024", "١٢", "مايو", "منذ", "ساعتين",
     "هـ", "/", "-", ":", "<", "&amp;", '"', "\u200f", "\x00", "GMT+3", "{", "@graph"]
)


@st.composite
def pages(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(TAGS)
        text = " ".join(draw(st.lists(WORDS, max_size=12)))
        parts.append(f"<{tag} class='{draw(st.sampled_from(['date', 'author', 'related', 'x']))}'>{text}</{tag}>")
    return "<html><body>" + "".join(parts) + "</body></html>"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_extract_never_raises_anything_else(page: str) -> None:
    try:
        record = extract(page, "https://example.com/a")
    except ExtractionError:
        return
    assert record.body


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_extract_on_random_bytes(data: bytes) -> None:
    with contextlib.suppress(ExtractionError):
        extract(data, "https://example.com/a")


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS | st.integers(0, 99999).map(str), max_size=10).map(" ".join))
def test_parse_date_never_raises(text: str) -> None:
    found = parse_date(text)
    assert found is None or found.tzinfo is not None
