"""The cleaning every entry field goes through: HTML sanitizing, plain text, URLs, slugs, dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import etree

from exports.dates import FALLBACK_DATE, modification_date, parse_date, publication_date, rfc822, rfc3339
from exports.html import paragraphs_html, plain_text, sanitize_html, wrap_dir, xml_safe
from exports.slugs import MAX_SLUG, safe_id, slugify
from exports.urls import normalize_base_url, to_uri


@pytest.mark.parametrize(
    ("dirty", "gone"),
    [
        ("<script>alert(1)</script><p>نص</p>", "alert"),
        ("<style>p{color:red}</style><p>نص</p>", "color"),
        ('<iframe src="https://evil.example/"></iframe><p>نص</p>', "evil"),
        ('<p onclick="steal()">نص</p>', "steal"),
        ('<a href="javascript:steal()">نص</a>', "javascript"),
        ('<img src="data:image/png;base64,AAAA"><p>نص</p>', "data:"),
        ('<p style="position:fixed">نص</p>', "position"),
        ("<p>نص<!-- تعليق --></p>", "تعليق"),
        ("<object data='x.swf'></object><p>نص</p>", "swf"),
    ],
)
def test_sanitize_removes_dangerous_content(dirty: str, gone: str) -> None:
    clean = sanitize_html(dirty, "https://site.example/a/")
    assert gone not in clean
    assert "نص" in clean


def test_sanitize_keeps_direction_and_makes_urls_absolute() -> None:
    clean = sanitize_html(
        '<p dir="rtl" lang="ar">نص <a href="../وسم/سياسة">رابط</a> <img src="/صور/1.jpg" alt="صورة"></p>',
        "https://site.example/news/item",
    )
    assert '<p dir="rtl" lang="ar">' in clean
    assert 'href="https://site.example/%D9%88%D8%B3%D9%85/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9"' in clean
    assert 'src="https://site.example/%D8%B5%D9%88%D8%B1/1.jpg"' in clean


def test_sanitize_output_is_always_xml_safe() -> None:
    clean = sanitize_html("<p>a&#1;b\x0b\ufffec&#xFFFF;</p>")
    assert clean == "<p>abc</p>"
    etree.fromstring(f"<x>{clean}</x>".encode())


def test_xml_safe_drops_only_forbidden_characters() -> None:
    assert xml_safe("a\x00b\x1fc\td\ne\rf\x85g\ufffeh\U0001f600ي") == "abc\td\ne\rfgh\U0001f600ي"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("A &amp;amp; B", "A & B"),
        ("<b>عاجل</b>: خبر", "عاجل: خبر"),
        ("&lt;b&gt;عاجل&lt;/b&gt;", "عاجل"),
        ("سطر\nآخر\t ونهاية ", "سطر آخر ونهاية"),
        ("x &#xZZ; y", "x & #xZZ; y"),
        ("5 < 6 > 4", "5 < 6 > 4"),
        # Text shaped like markup that is no HTML tag stays text: the feed writers escape it.
        ("<![CDATA[ و ]]>", "<![CDATA[ و ]]>"),
        ("a < b > c", "a < b > c"),
        ("x <b and y> z", "x <b and y> z"),
        ("&lt;Tom&gt; &amp; <Jerry>", "<Tom> & <Jerry>"),
        # Tags that removing others brings together are tags too.
        ("<<b>b>عاجل<</b>/b>", "عاجل"),
        ('<span class="x" dir=rtl>عاجل</span><br/>', "عاجل"),
        ("عنوان \u202eمعكوس\u202c", "عنوان معكوس"),
    ],
)
def test_plain_text_has_no_markup_and_no_entities(raw: str, expected: str) -> None:
    assert plain_text(raw) == expected


def test_paragraphs_are_escaped_and_wrapped_right_to_left() -> None:
    html = wrap_dir(paragraphs_html("الأولى <b>\n\nالثانية & الأخيرة"))
    assert html == '<div dir="rtl" lang="ar"><p>الأولى &lt;b&gt;</p><p>الثانية &amp; الأخيرة</p></div>'
    assert wrap_dir("<p>x</p>", "en-GB") == '<div dir="ltr" lang="en-GB"><p>x</p></div>'
    assert wrap_dir("<p>x</p>", '"><script>') == '<div dir="rtl" lang="ar"><p>x</p></div>'


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://example.com/أخبار/1", "https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1"),
        ("https://example.com/a b?q=ع ر#ف", "https://example.com/a%20b?q=%D8%B9%20%D8%B1#%D9%81"),
        ("https://example.com/%D8%A3?x=%zz", "https://example.com/%D8%A3?x=%25zz"),
        ("HTTPS://Example.COM", "https://example.com/"),
        ("https://مثال.إختبار/", "https://xn--mgbh0fb.xn--kgbechtv/"),
        ("https://user:pw@example.com:8443/x", "https://example.com:8443/x"),
        ("  https://example.com/x\n", "https://example.com/x"),
    ],
)
def test_urls_become_percent_encoded_uris(raw: str, expected: str) -> None:
    assert to_uri(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "not a url", "javascript:alert(1)", "data:text/html,x", "ftp://x.example/", "https://", "http://[::1"]
)
def test_unusable_urls_are_refused(raw: str) -> None:
    assert to_uri(raw) is None


def test_relative_urls_resolve_against_base() -> None:
    assert to_uri("../x.jpg", "https://site.example/a/b/c") == "https://site.example/a/x.jpg"
    assert to_uri("//cdn.example/x.jpg", "https://site.example/") == "https://cdn.example/x.jpg"


def test_base_url_is_normalized_or_refused() -> None:
    assert normalize_base_url(None) == "http://127.0.0.1:8080/"
    assert normalize_base_url("https://feeds.example/akhbar") == "https://feeds.example/akhbar/"
    with pytest.raises(ValueError):
        normalize_base_url("/relative/path")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/", "..", ".", "a/b", "a\x00b", "ـــ", "!!!", "x" * 500, "سياسة" * 40, "\\..\\"]
)
def test_slugs_are_safe_directory_names(name: str) -> None:
    slug = slugify(name)
    assert slug and slug not in (".", "..")
    assert "/" not in slug and "\\" not in slug and "\x00" not in slug and not slug.startswith(".")
    assert len(slug) <= MAX_SLUG
    assert slugify(name) == slug  # stable


def test_slugs_keep_arabic_and_fold_spelling_noise() -> None:
    assert slugify("سياسة") == "سياسة"
    assert slugify("سِيَاسَة") == slugify("سياســة") == slugify(" سياسة! ") == "سياسة"
    assert slugify("شؤون دولية") == "شؤون-دولية"
    assert slugify("World News") == "world-news"
    assert slugify("x" * 500) != slugify("x" * 499)


def test_safe_id_keeps_registry_ids_and_slugs_the_rest() -> None:
    assert safe_id("aljazeera") == "aljazeera"
    assert safe_id("al_arabiya-2") == "al_arabiya-2"
    assert safe_id("../../etc") == "etc"
    assert safe_id("Reuters") == "reuters"


def test_dates_parse_to_whole_seconds_with_offsets() -> None:
    assert parse_date("2024-05-02T10:00:00.123+03:00") == datetime(2024, 5, 2, 10, tzinfo=timezone(timedelta(hours=3)))
    assert parse_date("2024-05-02T07:00:00Z") == datetime(2024, 5, 2, 7, tzinfo=UTC)
    assert parse_date("2024-05-02 07:00:00") == datetime(2024, 5, 2, 7, tzinfo=UTC)
    assert parse_date("الخميس") is None and parse_date(None) is None
    odd = parse_date("2024-05-02T10:00:00+03:00:30")
    assert odd is not None and odd.utcoffset() == timedelta(0)


def test_date_formats_match_each_spec() -> None:
    moment = datetime(2024, 5, 2, 10, 0, tzinfo=timezone(timedelta(hours=-3, minutes=-30)))
    assert rfc822(moment) == "Thu, 02 May 2024 10:00:00 -0330"
    assert rfc3339(moment) == "2024-05-02T10:00:00-03:30"


def test_publication_date_is_bounded_by_the_crawl_not_the_clock() -> None:
    seen = "2024-05-02T07:05:00+00:00"
    # A site printing local time as UTC puts its article hours after we first saw it.
    assert publication_date("2024-05-02T10:00:00+00:00", seen) == datetime(2024, 5, 2, 7, 5, tzinfo=UTC)
    assert publication_date("2024-05-02T10:00:00+03:00", seen) == datetime(2024, 5, 2, 7, 0, tzinfo=UTC)
    # A broken template's epoch, or no date at all: the crawl's first sight stands in.
    assert publication_date("1970-01-01T00:00:00+00:00", seen) == datetime(2024, 5, 2, 7, 5, tzinfo=UTC)
    assert publication_date(None, seen) == datetime(2024, 5, 2, 7, 5, tzinfo=UTC)
    assert publication_date(None, "garbage") == FALLBACK_DATE


def test_modification_date_lies_between_publication_and_last_crawl() -> None:
    published = datetime(2024, 5, 2, 7, tzinfo=UTC)
    last_seen = "2024-05-03T00:00:00+00:00"
    assert modification_date("2024-05-02T12:00:00+00:00", last_seen, published) == datetime(2024, 5, 2, 12, tzinfo=UTC)
    assert modification_date("2031-01-01T00:00:00+00:00", last_seen, published) == datetime(2024, 5, 3, tzinfo=UTC)
    assert modification_date("2024-05-01T00:00:00+00:00", last_seen, published) == published
    assert modification_date(None, last_seen, published) == published
