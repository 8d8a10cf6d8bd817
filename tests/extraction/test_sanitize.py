"""The sanitizer shared with the feed exporter."""

from __future__ import annotations

from crawler.extraction import sanitize_html


def test_allow_list_and_absolute_urls() -> None:
    html = (
        '<p dir="rtl" lang="ar" class="x" onclick="steal()">نص <a href="/story/1" target="_blank">رابط</a></p>'
        '<script>alert(1)</script><style>p{}</style><iframe src="https://evil"></iframe>'
        '<h2>عنوان</h2><h1>عنوان كبير</h1><img src="img/a.jpg" alt="صورة" onerror="x()">'
        "<blockquote>اقتباس</blockquote><ul><li>بند</li></ul><figure><figcaption>تعليق</figcaption></figure>"
    )
    out = sanitize_html(html, "https://www.example.com/news/a.html")
    assert '<p dir="rtl" lang="ar">' in out
    assert '<a href="https://www.example.com/story/1" rel="noopener noreferrer">رابط</a>' in out
    assert '<img src="https://www.example.com/news/img/a.jpg" alt="صورة">' in out
    for bad in ("script", "alert", "style", "iframe", "onclick", "onerror", "class=", "target=", "<h1>"):
        assert bad not in out
    assert "<h2>عنوان</h2>" in out and "<blockquote>" in out and "<li>بند</li>" in out and "<figcaption>" in out


def test_dangerous_url_schemes_are_dropped() -> None:
    out = sanitize_html(
        '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a><a href="vbscript:x">c</a>'
        '<img src="data:image/png;base64,AAAA"><a href="mailto:news@example.com">d</a>'
    )
    assert "javascript" not in out.lower() and "vbscript" not in out and "data:" not in out
    assert 'href="mailto:news@example.com"' in out


def test_bidi_controls_and_invisible_marks_are_removed_but_zwnj_and_zwj_stay() -> None:
    out = sanitize_html(
        '<p title="\u202eمخفي">نص\u202e معكوس\u2066 و\u200b\u200f\u061c\ufeff\u00ad\u2060 آخر &#x202E;&#8207;</p>'
        "<p>می\u200cخواهم 👩\u200d💻</p>"
    )
    assert out == '<p title="مخفي">نص معكوس و آخر </p><p>می\u200cخواهم 👩\u200d💻</p>'
