"""Arabic word analysis for the full-text index and its queries: a light stemmer that strips only what leaves a word.

Every word goes through ``normalize_for_search`` first (harakat, hamza forms, ة/ه and ى/ي folded). Then:

- **Index side** (``index_form``, vocabulary-free, computed in the extraction worker): the article and the
  prefixes that carry it (ال وال فال بال كال لل ولل فلل وبال فبال وكال فكال) are taken off, so that والمعتقلين,
  بالعاصمة and للأمم are indexed as معتقلين, عاصمه and امم beside their surface form. What follows ال is left
  alone when it is a function word or one of the few words whose ال is a root letter (الله, إلهام …).
- **Query side** (``analyze``, with the archive's vocabulary): a query word stands for its bases (the word
  itself, and what is left after one single-letter proclitic و ف ب ك ل or one suffix, but only when that
  remainder is a word of the archive), and each base for its inflections: plural, dual and feminine endings
  (ون ين ان ات ة), pronoun suffixes (ه ها هم هن هما كم كما نا, after ة as ت: عاصمتها), the construct ي of a
  sound plural (معتقلي) and a proclitic in front. Only inflections the archive holds are searched, and one
  with a proclitic only when the rest of it stands as a word in the archive too. A nisba is another word
  (اجتماعي is not اجتماع), and so are the tens (ثلاثين is not ثلاث).

Words that must not be split are protected: the place names of ``crawler.text.places`` and ``PROTECTED_WORDS``
(words whose first letter looks like a proclitic, or whose ending like a suffix, while the remainder is another
word: وزارة is not و + زار + ة, البحرين not بحر + ين, لجنة not ل + جنة). A protected word and its inflections are
never decomposed, and no other word's inflection may turn into one. Function words (``FUNCTION_WORDS``) are never
a base. Words in other scripts pass through unchanged.

Everything is linear in the length of the word and bounded: at most ``MAX_BASES`` bases and a fixed set of
affixes per base, whatever the archive holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from crawler.text.arabic import normalize_for_search
from crawler.text.places import place_names

Lexicon = Callable[[Collection[str]], Collection[str]]
"""Given candidate index forms, those the archive holds (``crawler.storage.search_index.lexicon``)."""

MIN_STEM = 3
"""Letters a remainder keeps after a proclitic or a suffix is taken off (after ال: 2, الاب is اب)."""
MAX_BASES = 6
"""Bases one query word can stand for: the word, and what one proclitic or one suffix leaves."""

ARTICLE_PROCLITICS = ("وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
"""The article and the prefixes that carry it, longest first: taken off at indexing time."""
LAM_LAM = ("ولل", "فلل", "لل")
"""ل + ال in front of a word that begins with ل is written with two lams (للجنة = ل + اللجنة)."""
PROCLITICS = ("وب", "وك", "ول", "فب", "فك", "فل", "و", "ف", "ب", "ك", "ل")
"""Single-letter proclitics (and their pairs) without an article, longest first: judged with the vocabulary."""
PRONOUNS = ("هما", "كما", "ها", "هم", "هن", "كم", "كن", "نا", "ه")
"""Pronoun suffixes (ه also stands for ة, which the normalizer folds into it)."""
NUMBER = ("ون", "ين", "ان", "ات")
"""Sound plural and dual endings."""
CONSTRUCT = ("ي", *("ي" + p for p in ("ه", "ها", "هم", "هن", "نا", "كم")))
"""The sound plural or dual before a noun or a pronoun (معتقلي الرأي, معتقليهم). A word ending in ي is as often
a nisba, another word (اجتماعي is not اجتماع): these endings join a base only where the archive also holds
its sound plural (``base + ين`` or ``base + ون``)."""
SUFFIXES = tuple(sorted({*PRONOUNS, *NUMBER, *CONSTRUCT, *("ات" + p for p in PRONOUNS)}, key=len, reverse=True))
"""Every ending a base may carry, longest first (مجوهراتها: ات + ها)."""
_SIBLINGS = ("ون", "ين", "ان")
"""Sound plural and dual endings that stand for each other (المعتقلون, المعتقلين) without the bare form."""

FUNCTION_WORDS = frozenset(
    normalize_for_search(w)
    for w in (
        "في", "من", "إلى", "على", "عن", "مع", "بين", "بعد", "قبل", "حتى", "منذ", "عند", "لدى", "أن", "إن", "أو",
        "أم", "ما", "ماذا", "لا", "لم", "لن", "ليس", "هل", "قد", "كان", "كانت", "يكون", "تكون", "هذا", "هذه",
        "هذان", "هاتان", "هؤلاء", "ذلك", "تلك", "أولئك", "هو", "هي", "هم", "هن", "هما", "نحن", "أنا", "أنت",
        "أنتم", "الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان", "اللاتي", "اللواتي", "كل", "بعض",
        "غير", "سوى", "ثم", "إذا", "إذ", "أي", "أيضا", "كما", "حيث", "لكن", "بل", "أما", "إلا", "له", "لها",
        "لهم", "به", "بها", "بهم", "فيه", "فيها", "فيهم", "منه", "منها", "منهم", "عنه", "عنها", "عليه", "عليها",
        "إليه", "إليها", "كذلك", "لذلك", "هناك", "هنا", "الآن", "عندما", "بينما", "مثل", "دون", "خلال", "نحو",
        "حول", "ضد", "عبر", "لدي", "كي", "لكي", "إنه", "أنه", "إنها", "أنها", "ولا", "وما", "وقد", "وفي", "ومن",
        "وأن", "وإن", "وهو", "وهي", "يا", "لو", "لولا", "أين", "متى", "كيف", "لماذا", "كم",
    )
)  # fmt: skip
"""Never a base of expansion: a query for في or من matches those words as written, nothing more."""

_ARTICLE_WORDS = frozenset(
    normalize_for_search(w)
    for w in ("الله", "إله", "إلهام", "التقى", "التقت", "ألبوم", "الذي", "التي", "الذين", "اللذين", "اللتين",
              "اللذان", "اللتان", "اللاتي", "اللواتي", "اللائي", "الآن", "ألمانيا", "ألماني", "ألمانية")
)  # fmt: skip
"""Words whose ال is not the article (or whose rest is a function word): indexed as written."""

PROTECTED_WORDS = tuple(
    (
        # Root-initial و ف ب ك ل whose remainder is another word (وزارة is not و + زارة).
        "وزارة وزارات وزير وزيرة وزراء وزاري وزارية ولاية ولايات والي والد والدة والدين وكالة وكالات وكيل وطن وطني "
        "وطنية وفاة وفيات وجود وحدة وحدات واحد واحدة وادي واقع واقعة وافق واصل وثيقة وثائق وسيلة وسائل وظيفة وظائف "
        "ورقة ورقات وقود وسام ورشة وارد واردات واجب واجهة وريث ولادة وحيد وسيط ولاء وفير وصية وجبة وليد وكر "
        "فريق فرصة فترة فكرة فصل فرع فندق فيلم فوز فقر فلاح فيروس فصيل فعالية فائدة فوائد فائز فتح فجر فحص فراغ "
        "فساد فصائل فضاء فضل فقدان فهم فوق فوضى فيضان فنان فرض فرق فرحة فرار فاتورة فقه فلول فارس فتاة فتيات "
        "بيان بيانات بلد بلاد بلدان بنك بنوك بحث بحوث بحر بحار بحرية برنامج برامج برلمان بطولة بطل بعد بين بيت بيوت "
        "بيع بناء بنية بئر بريد برد بقاء بقية بلدية بلديات بند بنود بوابة بورصة بيئة بحيرة بداية بديل براءة بركة "
        "بضائع بطاقة بطالة بعثة بلاغ بشر بشرية بصر بعض بقي بنت برج بيض باب بارز باقي باحث بائع بلوغ بناية بكر "
        "كتاب كتب كتابة كبير كبار كرة كرسي كلمة كلمات كلام كأس كمية كهرباء كلية كنيسة كارثة كافة كامل كاتب كشف "
        "كفاءة كيان كلفة كمين كوارث كوادر كبرى كثير كريم كرامة كتلة كمال كفاح كنز "
        "لجنة لجان لقاء لقاءات لعب لاعب لاعبين لغة لحم لحوم لحظة لون ليل ليلة لواء لوحة لائحة لاجئ لاجئين لقب "
        "لهجة لياقة لقاح لحن لازم لجوء لعبة لمس "
        # Endings that look like a suffix where the remainder is another word (زيتون is not زيت + ون).
        "زيتون كانون مليون ملايين سلطان طيران بركان ميدان إنسان شيطان مسكين تموين تعيين يقين ياسمين عنوان ديوان "
        "حيوان مدني مدنية مدنيين جنين ريحان رمان بقية "
        "وعود "
        # Names that end as a plural or dual does (سلمان is not سلم + ان, عرفات not عرف + ات).
        "سلمان سليمان عثمان رمضان عدنان مروان سفيان عمران حمدان شعبان لقمان غسان حسان نعمان قحطان شاهين ياسين "
        "عرفات "
        # The tens are not the units with a plural ending (ثلاثين is not ثلاث + ين).
        "عشرين عشرون ثلاثين ثلاثون أربعين أربعون خمسين خمسون ستين ستون سبعين سبعون ثمانين ثمانون تسعين تسعون"
    ).split()
)
"""Words never split by a proclitic or a suffix, beside the place names (general Arabic, not corpus words)."""


@lru_cache(maxsize=1)
def _protected() -> frozenset[str]:
    """The protected words and places, with and without ال, and the ت and ات forms of those ending in ة."""
    names = {normalize_for_search(w) for w in PROTECTED_WORDS}
    names |= {n for n in place_names() if " " not in n}
    out: set[str] = set()
    for name in names:
        bare = index_form(name)
        if len(bare) <= MIN_STEM:
            continue  # three letters with a one-letter proclitic leave two, which is never split off
        for form in (name, bare, "ال" + bare):
            out.add(form)
            if form.endswith("ه"):
                out |= {form[:-1] + "ت", form[:-1] + "ات"}
    return frozenset(out)


_ARABIC = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def is_arabic(word: str) -> bool:
    return _ARABIC.search(word) is not None


def words(normalized: str) -> list[str]:
    """Word tokens of normalized text, as the index's tokenizer splits it (underscore splits too)."""
    return _WORD.findall(normalized)


def index_form(word: str) -> str:
    """The word as the index's stem columns hold it: without the article and the prefixes that carry it.

    ``word`` is normalized (``normalize_for_search``) and one token. An Arabic word only loses a prefix of
    ``ARTICLE_PROCLITICS`` that leaves two letters or more; what follows is kept with its ال when that is a
    function word or a word whose ال belongs to it (``والآن`` is indexed as الان, not ان).
    """
    if len(word) < 4 or word in _ARTICLE_WORDS or word[0] not in "والفبكل":
        return word
    for prefix in ARTICLE_PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest = word[len(prefix) :]
            with_article = "ال" + rest
            if rest in FUNCTION_WORDS or with_article in _ARTICLE_WORDS or with_article in FUNCTION_WORDS:
                return with_article
            return rest
    return word


# A word that may begin with the article or a prefix carrying it: the only words whose index form can differ.
_ARTICLE_WORD = re.compile(r"(?<![^\W_])(?:[وف]?[بك]?ال|[وف]?لل)[^\W_]{2,}")


def stem_text(normalized: str) -> str:
    """The stem column of normalized text: the index form of every word whose index form is not the word itself
    (والمعتقلين → معتقلين), in order, one space between. The other words are in the surface column already."""
    out = []
    for match in _ARTICLE_WORD.finditer(normalized):
        word = match.group()
        form = index_form(word)
        if form != word:
            out.append(form)
    return " ".join(out)


def lexicon_terms(tokens: Iterable[str], stems: str) -> frozenset[str]:
    """What the archive's vocabulary records of one text, given its word tokens (normalized) and ``stem_text``:
    every word as written and as the stem column holds it, of three letters or more (the analysis asks for
    none shorter)."""
    return frozenset(t for t in {*tokens, *stems.split()} if len(t) >= MIN_STEM)


def _blocked(word: str, start: int) -> bool:
    """Whether a protected word begins ``word`` with at least ``start`` letters: then ``word`` is (an inflection
    of) that protected word, and splitting it there would be wrong."""
    protected = _protected()
    return any(word[:k] in protected for k in range(max(start, MIN_STEM), len(word) + 1))


@dataclass(frozen=True)
class WordAnalysis:
    """What one query word matches in the index."""

    word: str
    """The word as typed, normalized: matched in the surface columns (an exact-form match ranks first)."""
    forms: frozenset[str]
    """Forms matched in every column: the word's index form and those of its inflections the archive holds."""

    def matches(self, word: str) -> bool:
        """Whether a normalized word of a text is one this query word finds."""
        return word == self.word or word in self.forms or index_form(word) in self.forms


def _reductions(word: str) -> list[tuple[str, tuple[str, ...]]]:
    """What one proclitic or one suffix taken off ``word`` (an index form) leaves, each with the terms of which
    the archive must hold one besides it (none: the remainder alone): candidates for bases. A split that cuts
    into a protected word is not made."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for prefix in PROCLITICS:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= MIN_STEM and not _blocked(word, len(prefix) + 1):
            out.append((rest, ()))
    for suffix in SUFFIXES:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < MIN_STEM or _blocked(word, len(stem) + 1):
            continue
        out.append((stem, (stem + "ين", stem + "ون") if suffix in CONSTRUCT else ()))
        if suffix in PRONOUNS and stem.endswith("ت") and len(stem) > MIN_STEM:
            out.append((stem[:-1] + "ه", ()))  # عاصمتها → عاصمه
        if suffix.startswith("ات"):
            out.append((stem + "ه", ()))  # وزارات → وزاره
    return [(r, need) for r, need in out if r not in FUNCTION_WORDS and not _function_with_proclitic(r)]


def _construct(form: str, base: str) -> bool:
    """Whether ``form`` is ``base`` with a ``CONSTRUCT`` ending."""
    return form.startswith(base) and form[len(base) :] in CONSTRUCT


def _function_with_proclitic(word: str) -> bool:
    return word[:1] in "وفبكل" and word[1:] in FUNCTION_WORDS


def inflections(base: str) -> list[str]:
    """The base with each ending it may carry (``SUFFIXES``; after ة, the ت forms and ات), protected words and
    their inflections left out unless the base is one. ``CONSTRUCT`` forms are still to be checked against the
    archive (``analyze``)."""
    forms = [base]
    if len(base) < MIN_STEM:
        return forms
    forms += [base + s for s in SUFFIXES]
    if base.endswith("ه"):
        t = base[:-1] + "ت"
        forms += [t + p for p in PRONOUNS] + [t + "ي", t + "ين", t + "ان", base[:-1] + "ات"]
        forms += [base[:-1] + "ات" + p for p in PRONOUNS]
    if base.endswith(_SIBLINGS) and len(base) - 2 >= MIN_STEM:
        forms += [base[:-2] + s for s in _SIBLINGS]
    if base in _protected():
        return list(dict.fromkeys(forms))  # a protected word's own inflections
    return [f for f in dict.fromkeys(forms) if f == base or not _blocked(f, len(base) + 1)]


def analyze(word: str, lexicon: Lexicon | None = None) -> WordAnalysis:
    """What the normalized query ``word`` matches: itself as written, its index form, and, with the archive's
    ``lexicon``, the bases and inflections the archive holds (see the module docstring).

    Without a lexicon only the word and its index form are matched.
    """
    own = index_form(word)
    if not is_arabic(word) or lexicon is None or own in FUNCTION_WORDS or len(own) < MIN_STEM:
        return WordAnalysis(word, frozenset({own}))
    reduced = [(r, need) for r, need in _reductions(own) if r != own]
    asked = {r for r, _ in reduced} | {t for _, need in reduced for t in need}
    held = set(lexicon(asked)) if asked else set()
    found = [r for r, need in reduced if r in held and (not need or any(t in held for t in need))]
    # An ال that a hamza wrote (إلغاء, آليات) was taken off the index form too: the word as written is a base.
    written = [word] if own != word and word.startswith("ال") else []
    bases = list(dict.fromkeys([own, *written, *found]))[:MAX_BASES]

    forms: dict[str, str] = {}  # inflection → the base it inflects
    for base in bases:
        for form in inflections(base):
            forms.setdefault(form, base)
    prefixed: dict[str, str] = {}  # proclitic + inflection → the inflection
    for form in forms:
        for prefix in PROCLITICS:
            joined = prefix + form
            if joined not in forms and not _blocked(joined, len(prefix) + 1):
                prefixed.setdefault(joined, form)
    lam_lam: dict[str, str] = {}  # للجنة for لجنة: the stem column holds جنة, the surface column the word
    for form, base in forms.items():
        if base.startswith("ل"):
            for prefix in ("ل", "ول", "فل"):
                lam_lam.setdefault(prefix + form, form)
    held = set(lexicon({*forms, *prefixed, *lam_lam}))

    def inflected(form: str) -> bool:
        """A form the archive holds, and for a construct ending, one whose base has a sound plural there."""
        base = forms[form]
        if form == base:
            return True
        if form not in held:
            return False
        return not _construct(form, base) or base + "ين" in held or base + "ون" in held

    def stands(rest: str) -> bool:
        """Whether what follows a proclitic is a word: a base (typed or found in the archive), an inflection the
        archive holds, or a base with a plural, dual, feminine or pronoun ending (ودعمه: و + دعم + ه)."""
        base = forms[rest]
        return rest == base or inflected(rest) or not _construct(rest, base)

    found_forms = {own} | {f for f in forms if inflected(f)}
    found_forms |= {c for table in (prefixed, lam_lam) for c, rest in table.items() if c in held and stands(rest)}
    return WordAnalysis(word, frozenset(found_forms))
