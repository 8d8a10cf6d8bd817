"""Arabic (and common Latin) boilerplate knowledge applied to body blocks.

Markers such as "اقرأ أيضا", "مقالات ذات صلة", "الموضوعات المتعلقة", "اترك تعليقاً", share and follow
prompts, newsletter forms, tag lists and related-story cards must never reach ``body``. A *section
marker* ("مقالات ذات صلة") starts a block of links: it is dropped with the short link lines after it, and
with everything after it when it comes late in the article. A *line marker* ("اقرأ أيضا: …") drops its
own line and the headline card that follows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from crawler.extraction.textutil import alnum_key, alternation, fold, fold_pattern


@dataclass
class Block:
    """One paragraph-level unit of the body."""

    tag: str
    """HTML tag to render it with (p, h2, h3, h4, li, blockquote)."""
    text: str
    """Display text."""
    html: str
    """Inner HTML (unsanitized)."""
    link_ratio: float = 0.0
    """Share of the text that sits inside links: a card or a link list scores near 1."""


def _re(words: list[str]) -> re.Pattern[str]:
    return re.compile(alternation(fold(w).replace(" ", r"\s*") for w in words))


def _anchors(words: list[str]) -> tuple[str, ...]:
    """The longest word of each phrase: a text that holds none of them cannot match the phrases, and a few
    substring tests are much cheaper than the regular expression's scan of a long paragraph."""
    phrases = [fold(w).split(" ") for w in words]
    if any(re.escape(word) != word for phrase in phrases for word in phrase):
        return ("",)  # a phrase with regular-expression syntax: no shortcut
    return tuple(dict.fromkeys(max(phrase, key=len) for phrase in phrases))


# Headings that open a list of other articles or the comment area; everything under them is not the story.
_SECTION = _re(
    [
        "مقالات ذات صلة",
        "مقالات ذات علاقة",
        "مواضيع ذات صلة",
        "موضوعات ذات صلة",
        "اخبار ذات صلة",
        "أخبار متعلقة",
        "الموضوعات المتعلقة",
        "مواضيع متعلقة",
        "مقالات متعلقة",
        "المزيد من الأخبار",
        "اخترنا لك",
        "اخترنا لكم",
        "الأكثر قراءة",
        "الأكثر تصفحا",
        "الأكثر مشاهدة",
        "الاكثر تداولا",
        "اقرأ المزيد",
        "شاهد المزيد",
        "اترك تعليقا",
        "اترك تعليقاً",
        "اترك تعليقك",
        "أضف تعليقا",
        "أضف تعليق",
        "إضافة تعليق",
        "التعليقات",
        "تعليقات الفيسبوك",
        "شارك برأيك",
        "آراء القراء",
        "قد يعجبك أيضا",
        "قد يهمك أيضا",
        "ننصحك بقراءة",
        "related articles",
        "related stories",
        "more stories",
        "read more",
        "leave a comment",
        "comments",
        "you may also like",
        "most read",
        "recommended",
    ]
)
# Lines that are prompts, not text: share/follow/subscribe calls, tag lists, read-also cards.
_LINE = _re(
    [
        "اقرأ أيضا",
        "اقرأ أيضاً",
        "إقرأ أيضا",
        "اقرا ايضا",
        "اقرأ كذلك",
        "طالع أيضا",
        "طالع ايضا",
        "شاهد أيضا",
        "شاهد ايضا",
        "شاهد أيضاً",
        "يهمك أيضا",
        "اقرأ ايضا",
        "للمزيد اقرأ",
        "اقرأ أيضًا",
        "اقرأ المزيد",
        "شارك الخبر",
        "شارك المقال",
        "شارك هذا المقال",
        "شارك هذا الخبر",
        "شاركها",
        "مشاركة الخبر",
        "انسخ الرابط",
        "نسخ الرابط",
        "تابعونا على",
        "تابعونا عبر",
        "تابعنا على",
        "تابعوا آخر",
        "تابعوا أخبار",
        "تابعوا قناة",
        "تابعوا صفحة",
        "تابعوا حساب",
        "تابع آخر الأخبار",
        "لمتابعة آخر الأخبار",
        "لمتابعة أهم الأخبار",
        "انضم الى ملايين المتابعين",
        "انضم إلى ملايين المتابعين",
        "انضم إلى قناة",
        "اشترك في النشرة",
        "اشترك في نشرتنا",
        "اشترك الآن",
        "اشترك في قناتنا",
        "النشرة البريدية",
        "سجل بريدك",
        "أدخل بريدك الإلكتروني",
        "بريدك الإلكتروني",
        "لن يتم نشر عنوان بريدك",
        "الحقول الإلزامية",
        "حمل تطبيق",
        "حمّل تطبيق",
        "لتحميل تطبيق",
        "كلمات مفتاحية",
        "الكلمات المفتاحية",
        "الكلمات الدالة",
        "الوسوم",
        "وسوم",
        "كلمات البحث",
        "مواضيع:",
        "هاشتاج",
        "share this",
        "follow us",
        "sign up",
        "subscribe to",
        "tags:",
        "newsletter",
        "all rights reserved",
        "جميع الحقوق محفوظة",
        "مشاهدات عالية",
    ]
)
# Comment-policy and legal notices: boilerplate wherever they sit in a short paragraph.
_ANYWHERE_PHRASES = [
    "الآراء الواردة",
    "لا تعبر عن رأي",
    "ننصحك بمراجعة إرشادات",
    "إرشادات الاستخدام",
    "بالنقاش الحيوي",
    "شروط استخدام الموقع",
    "سياسة الخصوصية",
    "لن يتم نشر عنوان بريدك",
    "جميع الحقوق محفوظة",
    "يمنع نسخ",
    "يرجى الالتزام بآداب الحوار",
    "all rights reserved",
    "we use cookies",
    "uses cookies",
    "ملفات تعريف الارتباط",
]
_ANYWHERE = _re(_ANYWHERE_PHRASES)
_ANYWHERE_ANCHORS = _anchors(_ANYWHERE_PHRASES)
_LINE_START_ONLY = 80
_PROMPT_LINE = 220


# A longer line is never a prompt line: a prompt found in its first _LINE_START_ONLY characters would make
# neither of the two conditions in _is_boilerplate_key true.
_LONGEST_PROMPT = max(_PROMPT_LINE, 2 * _LINE_START_ONLY + 20)


def is_section_marker(text: str) -> bool:
    return _is_section_key(fold(text))


def _is_section_key(key: str) -> bool:
    key = key.strip(" :：.-–—»«\"'")
    return len(key) <= 40 and bool(_SECTION.fullmatch(key) or (_SECTION.match(key) and len(key) < 30))


def is_boilerplate_line(text: str) -> bool:
    return _is_boilerplate_key(fold(text))


# A newspaper's masthead credits ("الإشراف العام: … رئيس التحرير: …") and contact lines, printed in the page's
# footer or, on some templates, inside the article container. Matched on folded text (hamza, tatweel gone).
_ROLE = re.compile(
    fold_pattern(
        r"(?:الاشراف العام|المشرف العام|نائب رئيس التحرير|رئيس التحرير التنفيذي|رئيس التحرير|رئيسة التحرير|مدير التحرير"
        r"|سكرتير التحرير|رئيس مجلس الادارة|المدير العام|المدير المسؤول|مدير النشر|المؤسس|صاحب الامتياز"
        r"|editor[- ]in[- ]chief|managing editor|publisher|founder)\s*[:：\-–—]"
    )
)
_CONTACT = re.compile(
    fold_pattern(
        r"^(?:البريد الالكتروني|البريد|الهاتف|هاتف|تلفون|فاكس|الفاكس|العنوان|ص\s*\.?\s*ب|tel|phone|fax|e-?mail)\s*[:：]"
    )
)
_MASTHEAD_MAX = 400
# Every role label holds one of these: a text with none of them is no masthead, without running the pattern.
_ROLE_ANCHORS = tuple(
    fold_pattern(w)
    for w in ("رئيس", "مدير", "الاشراف", "المشرف", "المؤسس", "صاحب", "سكرتير", "editor", "publisher", "founder")
)


def is_masthead(text: str) -> bool:
    """Masthead credits or a contact line: two "role: name" pairs, or a short line opening with one."""
    key = fold(text)
    if len(key) > _MASTHEAD_MAX:
        return False
    roles = _ROLE.findall(key)
    return len(roles) >= 2 or (len(key) < 100 and (_ROLE.match(key) is not None or _CONTACT.match(key) is not None))


def _is_boilerplate_key(key: str) -> bool:
    if len(key) <= _MASTHEAD_MAX and (any(a in key for a in _ROLE_ANCHORS) or _CONTACT.match(key)) and is_masthead(key):
        return True
    if len(key) < 600 and any(a in key for a in _ANYWHERE_ANCHORS) and _ANYWHERE.search(key):
        return True
    if len(key) >= _LONGEST_PROMPT:
        return False
    m = _LINE.search(key[:_LINE_START_ONLY])
    if not m:
        return False
    # A prompt opens a short line ("اقرأ أيضا: …", "تابعونا على …") or is most of the line.
    return (m.start() <= 3 and len(key) < _PROMPT_LINE) or len(key) < 2 * (m.end() - m.start()) + 20


def filter_blocks(blocks: list[Block], title: str | None = None) -> list[Block]:
    """Blocks without boilerplate; the title repeated at the top is dropped too."""
    title_key = alnum_key(title or "")
    total = sum(len(b.text) for b in blocks) or 1
    kept: list[Block] = []
    seen_chars = 0
    skip_cards = False
    for block in blocks:
        text = block.text
        seen_chars += len(text)
        if not text:
            continue
        if not kept and title_key and alnum_key(text) == title_key:
            continue
        key = fold(text)
        if _is_section_key(key):
            if seen_chars / total > 0.5 and kept:
                break
            skip_cards = True
            continue
        if _is_boilerplate_key(key):
            skip_cards = True
            continue
        if skip_cards and (block.link_ratio > 0.6 or (len(text) < 120 and block.tag in ("li", "h3", "h4"))):
            continue
        skip_cards = False
        if block.link_ratio > 0.8 and len(text) < 150:
            # A related-story card inside the body: a headline that is all link.
            continue
        kept.append(block)
    return kept


_READING_TIME = re.compile(
    fold_pattern(
        r"^(?:\d+\s*(?:min|mins|minutes?|دقيقة|دقائق|دقيقتان|د)\.?(?:\s*(?:read|قراءة|للقراءة))?"
        r"|(?:مدة|وقت)\s+القراءة\s*[:：]?\s*\d+\s*(?:دقيقة|دقائق|د)?|دقيقتان?\s+(?:قراءة|للقراءة)|reading time.*)$"
    ),
    re.I,
)
_HEADINGS = {"h2", "h3", "h4"}
_RUNNING = 60


def _is_running(block: Block) -> bool:
    return len(block.text) >= _RUNNING and block.link_ratio < 0.5


def trim_furniture(blocks: list[Block], known: list[str], keep: Callable[[str], bool] = lambda _: False) -> list[Block]:
    """The page furniture an extractor leaves around the article, recognised by what it says, not where it sits
    in the markup. In the head of the body (up to its second running paragraph, since a stand-first often comes
    before the byline): lines that repeat what the page gave as another field (``known``: the headline, the
    section, the byline, the site's names), reading-time stamps, and lone one- or two-word labels (a dateline
    city on a line of its own, a kicker). After the last running paragraph: headings that head nothing
    ("Related topics" above a list the extractor dropped). A line ``keep`` says is something else (a dateline
    such as "دمشق-سانا") stays."""
    keys = {alnum_key(k) for k in known if k}
    keys.discard("")
    out: list[Block] = []
    running_seen = 0
    for block in blocks:
        if running_seen < 2:
            if alnum_key(block.text) in keys or _READING_TIME.match(fold(block.text)):
                continue
            if not _is_running(block) and _is_label(block.text) and not keep(block.text):
                continue
        running_seen += _is_running(block)
        out.append(block)
    while out and out[-1].tag in _HEADINGS and not _is_running(out[-1]):
        out.pop()
    return out


def _is_label(text: str) -> bool:
    return len(text.split()) <= 2 and len(text) <= 24 and not any(c.isdigit() for c in text)
