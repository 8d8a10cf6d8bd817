"""Language from the text itself: Arabic script wins over markup (``lang="en"`` on an Arabic page is Arabic);
Latin-script text is told apart by its commonest words, with the markup's ``lang`` as a tie-breaker.
"""

from __future__ import annotations

import re

from crawler.extraction.textutil import ARABIC_LETTER, LATIN_LETTER

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
# Runs of letters: one match a word instead of one a letter.
_ARABIC_RUN = re.compile(ARABIC_LETTER.pattern + "+")
_LATIN_RUN = re.compile(LATIN_LETTER.pattern + "+")


def detect_language(text: str, declared: str | None = None) -> str | None:
    """``ar`` when Arabic letters make up a third or more of the letters; else the best stop-word match."""
    sample = text[:20000]
    latin = sum(map(len, _LATIN_RUN.findall(sample)))
    # Without Latin letters only whether there is any Arabic one matters (the test below is then arabic > 0).
    arabic = sum(map(len, _ARABIC_RUN.findall(sample))) if latin else int(ARABIC_LETTER.search(sample) is not None)
    declared_primary = (declared or "").split("-")[0].split("_")[0].lower() or None
    if arabic + latin == 0:
        return declared_primary
    if arabic >= 0.33 * (arabic + latin):
        return "ar"
    words = [w.lower() for w in _WORD.findall(sample)]
    scores = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    if declared_primary in scores and scores[declared_primary] >= 0.8 * scores[best]:
        return declared_primary
    return best if scores[best] > 0 else declared_primary
