"""Language from the text itself, never from the markup alone.

Two steps. First the script: when letters of the Arabic script make up a third or more of the letters, the text
is in one of the languages written with it; otherwise it is Latin-script text, told apart by its commonest
words. Then, in the Arabic script, Arabic (``ar``) is told from Persian (``fa``), Urdu (``ur``), Pashto (``ps``),
Central Kurdish / Sorani (``ckb``, which has no ISO 639-1 code) and Uyghur (``ug``) word by word:

- a function word of one of them (في، على، التي / است، را، در / کے، ہے، میں / د، په، چې / لە، بۆ، دەکات /
  ۋە، بىلەن، ئۈچۈن) is one vote for its language (split when two languages share it);
- otherwise a letter only some of them write: Urdu ٹ ڈ ڑ ں ہ ے, Pashto ټ ډ ړ ږ ښ ځ څ ۍ ڼ ګ, Sorani ڕ ڵ ێ,
  Uyghur ۇ ۈ ۋ ڭ (and a ى inside a word), or one they share (ې Pashto and Uyghur; ە ۆ and an opening ئ Sorani
  and Uyghur; ھ Urdu, Sorani and Uyghur): one vote for the language(s) writing all of the word's letters;
- otherwise Arabic's own marks (the article ال and its prefixed forms، ة، an opening أ or إ): one vote for
  Arabic;
- otherwise پ چ ژ گ are half a vote and the Persian forms ی (U+06CC) and ک (U+06A9) a fifth of a vote for
  Persian, the language that has no letter of its own: Arabic sites' CMSs and keyboards often type ی and ک
  for ي and ك, and a Persian name in an Arabic article brings a پ or a گ, so these letters alone can never
  outvote Arabic's function words and articles.

Function words are matched with ي/ى/ی and ك/ک folded together, so an Arabic في typed فی is still Arabic. The
language with the most votes wins unless it is a near-tie with the *default*: the page's declared ``lang``
when it names one of these languages, else the site's ``prior`` (its registry language), else Arabic. Leaving
the default takes 1.25 times its votes plus 1.5 — per thousand words, a rate 1.25 times the default's plus
1,500 / words — so a long text is decided by proportions (an Arabic article quoting a Persian sentence stays
Arabic) and a headline of a few words never flips on one letter.

Only the first ``SAMPLE_CHARS`` characters are read, and in them the first ``SAMPLE_WORDS`` Arabic-script
words are weighed: linear time, bounded per page. When Arabic is the default and the sample holds no letter
Arabic does not write and no function word Arabic does not share (one regular-expression search, most pages),
no other language can win and the votes are not counted.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from crawler.registry import primary_language

SAMPLE_CHARS = 6000
"""Characters of the text that are read at all."""
SAMPLE_WORDS = 600
"""Arabic-script words weighed: enough for stable rates, few enough to keep the word loop cheap."""
NEAR_TIE = 1.25
"""The winner needs this many times the default language's votes, plus ``MIN_VOTES``."""
MIN_VOTES = 1.5
"""Votes a language needs over the default's (times ``NEAR_TIE``) to replace it: more than one word's worth."""
ARABIC_SCRIPT_LANGUAGES = ("ar", "fa", "ur", "ps", "ckb", "ug")
"""What :func:`detect_language` returns for Arabic-script text."""

_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "on", "with", "was", "said", "it", "as", "by"},
    "fr": {"le", "la", "les", "des", "et", "est", "une", "dans", "que", "pour", "du", "qui", "sur", "pas", "au"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "den", "von", "zu", "sich", "auf", "ein", "eine"},
    "es": {"el", "la", "los", "las", "y", "de", "que", "en", "por", "con", "para", "una", "del", "se", "su"},
    "tr": {"ve", "bir", "bu", "da", "de", "ile", "için", "olarak", "olan", "daha", "çok", "gibi", "ise", "ki"},
    "it": {"il", "di", "che", "e", "la", "per", "un", "del", "della", "non", "sono", "con", "gli", "nel"},
    "pt": {"o", "a", "de", "que", "e", "do", "da", "em", "um", "para", "com", "não", "os", "uma", "no"},
}
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_RUN = re.compile("[A-Za-z\u00c0-\u024f]+")
# Letters of the Arabic script, wider than textutil.ARABIC_LETTER: ە (U+06D5), ۮ ۯ, the Arabic Supplement and
# Extended-A blocks. Harakat and the superscript alef belong to a word without being letters of it.
_SCRIPT_LETTERS = "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff" \
    "\u0750-\u077f\u08a0-\u08c9"  # fmt: skip
_ARABIC_SCRIPT_WORD = re.compile(f"[{_SCRIPT_LETTERS}]+")
# Presentation forms (ﻻ، ﮐﮯ): some sites, and text converted from old Urdu typesetting, print letters this way.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")

# Which languages write a letter: exclusive ones (one language) and shared ones (two or three).
_EXCLUSIVE: dict[str, str] = {
    "ur": "ٹڈڑںہۂۃےۓ",
    "ps": "ټډړږښځڅۍڼګ",
    "ckb": "ڕڵێ",
    "ug": "ۇۈۋڭ",
    "fa": "ۀ",
}
_SHARED: dict[str, tuple[str, ...]] = {"ې": ("ps", "ug"), "ە": ("ckb", "ug"), "ۆ": ("ckb", "ug"),
                                       "ھ": ("ur", "ckb", "ug")}  # fmt: skip
_LETTER_LANGUAGES: dict[str, frozenset[str]] = {
    **{ch: frozenset({lang}) for lang, letters in _EXCLUSIVE.items() for ch in letters},
    **{ch: frozenset(langs) for ch, langs in _SHARED.items()},
}
_NON_ARABIC = frozenset("پچژگ")
_PERSIAN_FORMS = frozenset("یک")
_MARKED = frozenset(_LETTER_LANGUAGES) | _NON_ARABIC | _PERSIAN_FORMS | {"ة"}
_ARTICLE_PREFIXES = ("ال", "وال", "بال", "فال", "كال", "کال", "لل", "ولل")
_NON_ARABIC_WEIGHT = 0.5
_PERSIAN_FORM_WEIGHT = 0.2
_DIACRITICS = re.compile("[\u0640\u064b-\u065f\u0670]")
_FOLD_Y_K = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})

_FUNCTION_WORDS_BY_LANGUAGE: dict[str, str] = {
    "ar": "في من على إلى الى أن إن عن مع هذا هذه التي الذي الذين كان كانت قال وقال وأضاف قد لا ما أو حيث كما"
    " بعد بين خلال منذ ذلك وفي لم لن إنه أنه ضد عند وهو وهي ثم حتى لدى"
    " فيما عليه عليها إليه إلا و له هم",
    "fa": "است این آن که را می های ها برای از با به یک شد کرد در و هم نیز خود شده کرده بود اند بر"
    " باید شود می‌شود خواهد گفت ای ی او تا بین",
    "ur": "کے کی کا ہے میں اور نے کو سے یہ ہیں تھا تھی تھے گیا گئی گئے کیا پر بھی جو وہ ہو لیے لئے کہا کہ"
    " ایک رہے ساتھ والے",
    "ps": "د په او چې دا له سره کې وي ته دې یې څخه شوی شوې شوي وو کړي پر هم یو ترمنځ لپاره",
    "ckb": "لە و بە کە ئەم بۆ دەکات لەگەڵ ی ئەو لەسەر بوو دوای هەروەها کرد دەڵێت ئەوەی بەڵام لەنێوان تا",
    "ug": "ۋە بىلەن بۇ ئۈچۈن دەپ بولۇپ ئىدى قىلدى ھەم يەنە ئۇ بولغان قىلىپ ئارقىلىق دېدى كېيىن يىلى بىر"
    " ئۇنىڭ بولسا",
}


def _fold(word: str) -> str:
    """The matching key of a word (harakat and tatweel already dropped): the yeh and kaf forms folded together."""
    return word.translate(_FOLD_Y_K)


def _function_words() -> dict[str, tuple[str, ...]]:
    """Folded function word → the languages it is a function word of."""
    owners: dict[str, list[str]] = {}
    for lang, words in _FUNCTION_WORDS_BY_LANGUAGE.items():
        for word in words.split():
            for part in word.split("\u200c"):  # a ZWNJ separates words for the tokenizer (می‌شود is می + شود)
                if part:
                    langs = owners.setdefault(_fold(_DIACRITICS.sub("", part)), [])
                    if lang not in langs:
                        langs.append(lang)
    return {word: tuple(langs) for word, langs in owners.items()}


_FUNCTION_WORDS = _function_words()


def _other_evidence() -> tuple[re.Pattern[str], frozenset[str]]:
    """What any vote for a language other than Arabic needs: a letter Arabic does not write, or a function word
    Arabic does not share (every spelling of it: ی/ي/ى, ک/ك). A text with neither can only come out Arabic when
    Arabic is the default."""
    letters = re.compile("[" + re.escape("".join(sorted(_MARKED - {"ة"}))) + "]")
    spellings = {"ی": "یيى", "ک": "کك"}
    words: set[str] = set()
    for word, langs in _FUNCTION_WORDS.items():
        if "ar" in langs:
            continue
        forms = [""]
        for ch in word:
            forms = [f + alt for f in forms for alt in spellings.get(ch, ch)]
        words.update(forms)
    return letters, frozenset(words)


_OTHER_LETTERS, _OTHER_WORDS = _other_evidence()


def _sample(text: str) -> tuple[str, list[str]]:
    """The bounded sample of ``text`` (presentation forms mapped to letters) and its Arabic-script words."""
    sample = text[:SAMPLE_CHARS]
    if _PRESENTATION_FORMS.search(sample):
        sample = unicodedata.normalize("NFKC", sample)
    # Harakat and tatweel would split words: they go first (no letter test needs them).
    return sample, _ARABIC_SCRIPT_WORD.findall(_DIACRITICS.sub("", sample))


def detect_language(text: str, declared: str | None = None, prior: str | None = None) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in (``ckb`` for Sorani), or None.

    ``declared`` is what the page says (``<html lang>``), ``prior`` what the registry says of the site
    (``site.language``). Neither overrides the text: they only break near-ties, the declared language before
    the prior, and without letters at all the declared language is returned.
    """
    sample, words = _sample(text)
    declared_primary = primary_language(declared)
    prior_primary = primary_language(prior)
    latin = sum(map(len, _LATIN_RUN.findall(sample)))
    if words:
        arabic = sum(map(len, words))
        if arabic >= 0.33 * (arabic + latin):
            # Most pages: Arabic by default, and nothing in the sample could vote otherwise.
            arabic_default = declared_primary in (None, "ar") and prior_primary in (None, "ar")
            sampled = words[:SAMPLE_WORDS]
            if arabic_default and _OTHER_WORDS.isdisjoint(sampled) and not _OTHER_LETTERS.search(sample):
                return "ar"
            return _arabic_script_language(words[:SAMPLE_WORDS], declared_primary, prior_primary)
    elif not latin:
        return declared_primary
    return _latin_script_language(sample, declared_primary, prior_primary)


def _arabic_script_language(words: list[str], declared: str | None, prior: str | None) -> str:
    """The language with most votes, unless it is a near-tie with the default (declared, else prior, else ar)."""
    votes = _votes(words)
    default = next((lang for lang in (declared, prior) if lang in votes), "ar")
    best = max(votes, key=lambda lang: votes[lang])
    if best != default and votes[best] >= NEAR_TIE * votes[default] + MIN_VOTES:
        return best
    return default


def arabic_script_votes(text: str) -> dict[str, float]:
    """Votes of each Arabic-script language in the sample of ``text`` that :func:`detect_language` weighs."""
    return _votes(_sample(text)[1][:SAMPLE_WORDS])


def _votes(words: list[str]) -> dict[str, float]:
    """The votes of ``words``: each distinct word is weighed once and counts as often as it occurs."""
    votes = dict.fromkeys(ARABIC_SCRIPT_LANGUAGES, 0.0)
    for word, count in Counter(words).items():
        for lang, weight in _word_votes(word):
            votes[lang] += count * weight
    return votes


@lru_cache(maxsize=65536)  # news vocabulary repeats from page to page: most words are weighed once per process
def _word_votes(word: str) -> tuple[tuple[str, float], ...]:
    """One word's vote, at most one in all, as (language, share) pairs (see the module doc)."""
    owners = _FUNCTION_WORDS.get(_fold(word))
    if owners:
        return tuple((lang, 1 / len(owners)) for lang in owners)
    marks = _MARKED.intersection(word)
    langs = _letter_languages(word, marks)
    if langs:
        return tuple((lang, 1 / len(langs)) for lang in sorted(langs))
    if marks & _NON_ARABIC:
        return (("fa", _NON_ARABIC_WEIGHT),)
    if "ة" in marks or (word.startswith(_ARTICLE_PREFIXES) and len(word) > 3) or word[0] in "أإ":
        return (("ar", 1.0),)
    if marks & _PERSIAN_FORMS:
        return (("fa", _PERSIAN_FORM_WEIGHT),)
    return ()


def _letter_languages(word: str, marks: frozenset[str]) -> frozenset[str]:
    """The languages that write every marked letter of ``word``; the union when no language writes them all."""
    found = [_LETTER_LANGUAGES[ch] for ch in marks if ch in _LETTER_LANGUAGES]
    if word[0] == "ئ":  # Sorani and Uyghur write it before every opening vowel; no Arabic word opens with it
        found.append(frozenset({"ckb", "ug"}))
    if "ى" in word[:-1]:  # Uyghur's i; Arabic writes ى only at the end of a word
        found.append(frozenset({"ug"}))
    if not found:
        return frozenset()
    exclusive = [langs for langs in found if len(langs) == 1]
    common = frozenset.intersection(*(exclusive or found))
    return common or frozenset.union(*(exclusive or found))


def _latin_script_language(sample: str, declared: str | None, prior: str | None) -> str | None:
    """The best stop-word match; the declared language (else the prior) wins within 80% of the best."""
    words = [w.lower() for w in _WORD.findall(sample)]
    scores = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    tie_breaker = declared if declared in scores else prior if prior in scores else None
    if tie_breaker is not None and scores[tie_breaker] >= 0.8 * scores[best]:
        return tie_breaker
    return best if scores[best] > 0 else declared
