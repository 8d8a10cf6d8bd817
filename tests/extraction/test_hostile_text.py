"""Text a hostile or broken publisher can put in a page: bidi overrides in the body, an endless headline."""

from __future__ import annotations

from crawler.extraction import extract
from crawler.extraction.title import MAX_TITLE, cap_title
from crawler.text.invisible import INVISIBLE_FORMAT_CHARACTERS, strip_invisible

PARAGRAPHS = [
    "أقر مجلس الوزراء في جلسته الأسبوعية خطة شاملة لإعادة تأهيل شبكات المياه في المحافظات الشرقية، بكلفة"
    " تقديرية تتجاوز مئتي مليون دولار على مدى ثلاث سنوات.",
    "وقال وزير الموارد المائية في مؤتمر صحفي عقب الجلسة إن الخطة تبدأ بالأحياء الأكثر تضرراً، وإن فرق"
    " الصيانة ستعمل على مدار الساعة لتقليل الفاقد الذي يصل إلى أربعين في المئة.",
    "وأضاف أن الحكومة وقعت اتفاقاً مع مصرف التنمية لتمويل المرحلة الأولى، على أن تطرح مناقصات المرحلة"
    " الثانية مطلع العام المقبل أمام الشركات المحلية والأجنبية.",
]
URL = "https://news.example/2024/05/12/water-plan"


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"></head>'
        f"<body><main><article><h1>{title}</h1>{body}</article></main></body></html>"
    ).encode()


def test_a_right_to_left_override_in_the_body_is_not_stored() -> None:
    spoofed = [PARAGRAPHS[0].replace("خطة", "\u202eخطة\u202c", 1), PARAGRAPHS[1] + "&#x202E;", PARAGRAPHS[2]]
    record = extract(page("مجلس الوزراء يقر خطة لإعادة تأهيل شبكات المياه", spoofed), URL)
    assert record.body_html and "خطة" in record.body_html
    assert "\u202e" not in record.body_html and "\u202c" not in record.body_html
    assert "\u202e" not in record.body


def test_a_headline_longer_than_the_cap_is_cut_at_a_word() -> None:
    words = " ".join(f"كلمة{i}" for i in range(200))
    record = extract(page(words, PARAGRAPHS), URL)
    assert record.title is not None
    assert len(record.title) <= MAX_TITLE and record.title.endswith("…")
    assert words.startswith(record.title[:-1]) and words[len(record.title) - 1] == " "


def test_cap_title_keeps_short_titles_and_cuts_long_ones() -> None:
    assert cap_title("عنوان قصير") == "عنوان قصير"
    assert cap_title("ا" * MAX_TITLE) == "ا" * MAX_TITLE
    capped = cap_title("كلمة، " * 200)
    assert len(capped) <= MAX_TITLE and capped.endswith("كلمة…")
    assert cap_title("x" * 2000) == "x" * (MAX_TITLE - 1) + "…"


def test_the_invisible_set_keeps_zwnj_and_zwj() -> None:
    assert "\u200c" not in INVISIBLE_FORMAT_CHARACTERS and "\u200d" not in INVISIBLE_FORMAT_CHARACTERS
    assert strip_invisible("a\u202eb\u2067c\u200ed\u200ce\u200df") == "abcd\u200ce\u200df"
