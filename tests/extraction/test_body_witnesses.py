"""The body's safety net: boilerplate pruned by evidence, witnesses asked when the first one may have lost the
article, gaps filled, page furniture dropped by what it says.

Pages here are written for the project as regression tests of one mechanism each; figures of quality come from
the real pages (tests/extraction/test_quality_gate.py).
"""

from __future__ import annotations

from lxml.html import document_fromstring, tostring

from crawler.extraction import extract
from crawler.extraction.boilerplate import Block, is_masthead, trim_furniture
from crawler.extraction.density import measure
from crawler.extraction.scan import Pruned, prune, scan
from crawler.extraction.witnesses import Witness, choose, fill_gaps

TITLE = "مجلس الوزراء يقر خطة لإعادة تأهيل شبكات المياه في المحافظات الشرقية"
PARAGRAPHS = [
    "أقر مجلس الوزراء في جلسته الأسبوعية خطة شاملة لإعادة تأهيل شبكات المياه في المحافظات الشرقية، بكلفة تقديرية"
    " تتجاوز مئتي مليون دولار على مدى ثلاث سنوات.",
    "وقال وزير الموارد المائية في مؤتمر صحفي عقب الجلسة إن الخطة تبدأ بالأحياء الأكثر تضرراً، وإن فرق الصيانة"
    " ستعمل على مدار الساعة لتقليل الفاقد الذي يصل إلى أربعين في المئة.",
    "وأضاف أن الحكومة وقعت اتفاقاً مع مصرف التنمية لتمويل المرحلة الأولى، على أن تطرح مناقصات المرحلة الثانية"
    " مطلع العام المقبل أمام الشركات المحلية والأجنبية.",
    "ويشكو سكان المنطقة منذ سنوات من انقطاع المياه لأيام متتالية في فصل الصيف، ما يضطرهم إلى شرائها من"
    " الصهاريج بأسعار مرتفعة تثقل كاهل الأسر.",
    "ورحب مجلس المحافظة بالقرار، مطالباً بإشراك المجالس المحلية في متابعة التنفيذ ونشر تقارير دورية عن سير"
    " العمل ونسب الإنجاز في كل حي.",
]
RELATED = (
    '<div class="related-card"><a href="/news/1"><img src="/i/1.jpg" alt="">'
    "<span>وزير الخارجية يبحث مع نظيره الفرنسي تطورات الأوضاع في المنطقة</span></a></div>"
)


def page(container: str, *, head: str = "") -> bytes:
    return (
        f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{TITLE}</title>{head}</head>'
        '<body><nav><a href="/">الرئيسية</a> <a href="/politics">سياسة</a> <a href="/economy">اقتصاد</a></nav>'
        f"<main><h1>{TITLE}</h1>{container}</main>"
        '<footer><p>جميع الحقوق محفوظة © 2024</p></footer></body></html>'
    ).encode()


def test_a_container_whose_class_says_related_but_holds_the_article_keeps_every_paragraph() -> None:
    """The reported failure: a related card sat inside the article container, whose class names sounded like
    boilerplate, and pruning by class removed the container with all but the first paragraph."""
    paragraphs = "".join(f"<div>{p}</div>" for p in PARAGRAPHS[1:])
    container = (
        f'<div class="entry-content share-wrapper"><p>{PARAGRAPHS[0]}</p>'
        f'<div class="post-body related-posts-wrap">{RELATED}{paragraphs}</div></div>'
    )
    record = extract(page(container), "https://news.example/2024/05/12/water-plan")
    for paragraph in PARAGRAPHS:
        assert paragraph in record.body
    assert "وزير الخارجية يبحث" not in record.body


def test_pruning_takes_out_boilerplate_whose_content_shows_it_and_undo_restores_the_tree() -> None:
    related = (
        '<div class="related-posts"><h3>اقرأ أيضاً</h3><ul>'
        + "".join(f'<li><a href="/n/{n}">عنوان خبر آخر رقم {n} عن موضوع مختلف تماما</a></li>' for n in range(4))
        + "</ul></div>"
    )
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    tree = document_fromstring(page(f'<div class="share-box article">{body}</div>{related}'))
    before = tostring(tree)
    density = measure(tree)
    pruned = prune(scan(tree).boilerplate, density)
    text = tree.text_content()
    assert "عنوان خبر آخر رقم" not in text  # a list of headlines: boilerplate by its content
    assert all(p in text for p in PARAGRAPHS)  # running paragraphs stay, whatever the class says
    assert len(pruned) == 1 and pruned.running_chars == 0
    pruned.undo()
    assert tostring(tree) == before
    assert isinstance(pruned, Pruned)


def test_the_densest_container_is_found_without_class_names() -> None:
    body = "".join(f"<div><div><div><p>{p}</p></div></div></div>" for p in PARAGRAPHS)
    sidebar = "<div>" + "".join(f'<p><a href="/n/{n}">خبر جانبي رقم {n} في الشريط</a></p>' for n in range(12))
    tree = document_fromstring(page(f"<div>{body}</div>{sidebar}</div>"))
    density = measure(tree)
    densest = density.densest()
    assert densest is not None
    held = [p.text for p in density.paragraphs_in(densest)]
    assert held == PARAGRAPHS


def blocks(*texts: str) -> list[Block]:
    return [Block("p", t, t) for t in texts]


def test_choose_keeps_the_first_witness_when_it_holds_the_agreed_text() -> None:
    first = Witness("pruned", blocks(*PARAGRAPHS), family="trafilatura")
    dense = Witness("density", blocks(*PARAGRAPHS, "نص إضافي طويل لا يوجد في أي شاهد آخر ويكفي ليكون فقرة جارية كاملة"))
    assert choose([first, dense]).chosen is first


def test_choose_drops_a_witness_that_lost_paragraphs_the_others_agree_on() -> None:
    first = Witness("pruned", blocks(PARAGRAPHS[0]), family="trafilatura")
    dense = Witness("density", blocks(*PARAGRAPHS))
    article_body = Witness("article_body", blocks(" ".join(PARAGRAPHS)))
    verdict = choose([first, dense, article_body])
    assert verdict.chosen is dense
    assert verdict.recall["pruned"] < 0.3 and verdict.recall["density"] == 1.0


def test_two_runs_of_one_extractor_never_agree_with_each_other() -> None:
    """trafilatura on the pruned and the untouched tree share their mistakes: their agreement is no evidence."""
    menu = " ".join(f"قسم {n} من أقسام الموقع في القائمة" for n in range(150))
    first = Witness("pruned", blocks(menu + " ".join(PARAGRAPHS)), family="trafilatura")
    untouched = Witness("untouched", blocks(menu + " ".join(PARAGRAPHS)), family="trafilatura")
    dense = Witness("density", blocks(*PARAGRAPHS))
    assert choose([first, untouched, dense]).chosen is dense


def test_fill_gaps_puts_back_a_paragraph_lost_between_two_agreed_ones() -> None:
    chosen = Witness("pruned", blocks(PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[3], PARAGRAPHS[4]))
    dense = Witness("density", blocks(*PARAGRAPHS))
    assert [b.text for b in fill_gaps(chosen, dense)] == PARAGRAPHS
    # Before the first or after the last agreed paragraph nothing is added: a stand-first or the next story's
    # teaser sit there.
    tail = Witness("pruned", blocks(*PARAGRAPHS[:4]))
    assert [b.text for b in fill_gaps(tail, dense)] == PARAGRAPHS[:4]


def test_loose_text_after_an_inserted_block_is_not_lost() -> None:
    lines = "<br>".join(PARAGRAPHS[:2])
    rest = "<br>".join(PARAGRAPHS[3:])
    container = (
        f'<div class="body"><p>{lines}<br></p><div><strong>اقرأ أيضاً:</strong> '
        f'<a href="/n/1">عنوان خبر آخر في الموقع عن موضوع مختلف</a></div>{PARAGRAPHS[2]}<br>{rest}</div>'
    )
    record = extract(page(container), "https://news.example/2024/05/12/water-plan")
    for paragraph in PARAGRAPHS:
        assert paragraph in record.body, paragraph
    assert "عنوان خبر آخر" not in record.body


def test_masthead_credits_and_contact_lines_are_boilerplate() -> None:
    assert is_masthead("الإشراف العام: محمد علي   رئيس التحرير: أحمد حسن")
    assert is_masthead("المـــؤســـس : الحــبـيـب شــيـخ روحه")
    assert is_masthead("البريد الإلكتروني : redaction@example.tn")
    assert not is_masthead("قال رئيس التحرير: إن الصحيفة ستواصل العمل رغم الصعوبات التي تواجهها في هذه المرحلة")
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p>رئيس التحرير: سامر الحسن — مدير التحرير: ليلى منصور</p>"
    record = extract(page(f"<div>{body}</div>"), "https://news.example/2024/05/12/water-plan")
    assert "رئيس التحرير" not in record.body


def test_furniture_in_the_head_of_the_body_goes_and_a_dateline_stays() -> None:
    got = trim_furniture(
        [
            Block("p", TITLE, TITLE),
            Block("p", "3 دقائق قراءة", ""),
            Block("p", "سامر الحسن", ""),
            Block("p", "القاهرة", ""),
            *blocks(*PARAGRAPHS),
            Block("h3", "مواضيع ذات علاقة", ""),
        ],
        [TITLE, "سامر الحسن"],
    )
    assert [b.text for b in got] == PARAGRAPHS
    kept = trim_furniture([Block("p", "دمشق-سانا", ""), *blocks(*PARAGRAPHS)], [], keep=lambda t: "سانا" in t)
    assert kept[0].text == "دمشق-سانا"


def test_a_caption_ending_in_its_photo_credit_is_not_article_text() -> None:
    caption = "وزير الموارد المائية خلال المؤتمر الصحفي في العاصمة (الصورة: وكالة الأنباء)"
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + f"<p>{caption}</p>" + f"<p>{PARAGRAPHS[2]}</p>"
    record = extract(page(f"<div>{body}</div>"), "https://news.example/2024/05/12/water-plan")
    assert caption not in record.body and PARAGRAPHS[2] in record.body
