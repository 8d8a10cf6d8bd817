"""The site template learner: what counts as a site's boilerplate line, and how its memory stays bounded."""

from __future__ import annotations

from crawler.extraction import template
from crawler.extraction.template import SiteTemplate, kept_lines, line_key, line_keys, strip_lines

IMPRINT = "تصدر هذه الصحيفة عن مؤسسة الأمل للصحافة والنشر"


def test_spelling_variants_are_one_line() -> None:
    assert line_key("تَصدُرُ هذه الصحيفة عن مؤسسة الأمل للصحافة والنشر.") == line_key(IMPRINT)
    assert line_key("تصدر هذه الصحيفة عن مؤسسة الامل للصحافة والنشر") == line_key(IMPRINT)
    assert line_key("تصدر هذه الصحيفة عن مؤسسة النور للصحافة والنشر") != line_key(IMPRINT)
    assert line_key("نعم") is None  # too short to learn from
    assert 0 <= (line_key(IMPRINT) or -1) < 2**63  # fits SQLite's INTEGER


def test_a_line_on_most_pages_is_boilerplate_and_one_on_two_pages_is_not() -> None:
    site = SiteTemplate()
    imprint, quote = line_key(IMPRINT), line_key("وقال الخبير إن الأسواق تحتاج إلى سنوات")
    assert imprint is not None and quote is not None
    for n in range(30):
        own = [n * 1000 + i for i in range(5)]
        site.observe([*own, imprint, *([quote] if n in (3, 7) else [])])
        if n < template.MIN_PAGES - 1:
            assert imprint not in site.boilerplate()  # too few pages to tell yet
    assert imprint in site.boilerplate()
    assert quote not in site.boilerplate()
    assert not any(n * 1000 in site.boilerplate() for n in range(30))


def test_a_line_on_fewer_than_half_the_pages_is_not_boilerplate() -> None:
    site = SiteTemplate()
    for n in range(40):
        site.observe([n, *([99] if n % 3 == 0 else [])])  # on 14 of 40 pages
    assert 99 not in site.boilerplate()


def test_counts_stay_bounded_and_a_new_template_line_is_learned_in_the_window() -> None:
    site = SiteTemplate()
    for n in range(3 * template.WINDOW):
        site.observe(range(n * 50, n * 50 + 50))  # 50 lines no other page has
        assert len(site.counts) <= template.MAX_LINES
    assert site.pages < template.WINDOW
    for _n in range(template.WINDOW // 2):
        site.observe([1, 2, 3, 10**12])
    assert 10**12 in site.boilerplate()


def test_line_keys_are_distinct_and_capped() -> None:
    lines = [f"سطر رقم {n} من نص المقال الطويل" for n in range(1000)]
    keys = line_keys([*lines[:3], lines[0], *lines])
    assert len(keys) == template.MAX_LINES_PER_PAGE and len(set(keys)) == len(keys)


def test_strip_lines_takes_the_line_out_of_the_text_and_the_html() -> None:
    body = "الفقرة الأولى من الخبر عن افتتاح المعرض\n" + IMPRINT + "\nالفقرة الثانية من الخبر عن زوار المعرض"
    html = (
        "<p>الفقرة الأولى من الخبر عن افتتاح المعرض</p>"
        f"<p><strong>{IMPRINT}</strong></p><p>الفقرة الثانية من الخبر عن زوار المعرض</p>"
    )
    key = line_key(IMPRINT)
    assert key is not None
    new_body, new_html = strip_lines(body, html, frozenset({key}))
    assert IMPRINT not in new_body and IMPRINT not in new_html
    assert new_body.count("\n") == 1 and new_html.count("<p>") == 2
    assert strip_lines(body, html, frozenset()) == (body, html)


def test_template_lines_never_take_most_of_an_article() -> None:
    """Daily bulletins share most of their sentences: that is their text, not the site's boilerplate."""
    shared = ["سعر غرام الذهب عيار 21 في السوق المحلية اليوم", "سعر غرام الذهب عيار 18 في السوق المحلية اليوم"]
    lines = [*shared, "ارتفع السعر قليلا"]
    keys = frozenset(k for k in map(line_key, shared) if k is not None)
    assert kept_lines(lines, keys) == [True, True, True]
    body = "\n".join(lines)
    assert strip_lines(body, "", keys) == (body, "")
