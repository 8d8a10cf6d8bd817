"""Small text helpers shared by the extraction stages: display-text cleanup and a matching fold.

``clean`` is for display text (NFC, white space collapsed, invisible marks removed); ``fold`` is for
matching only (Arabic letter variants, harakat, Arabic-Indic digits), never for output.
"""

from __future__ import annotations

import re
import unicodedata

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
# Bidi controls and zero-width characters: invisible, but they break regular expressions and equality.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")
_SPACES = re.compile(r"\s+")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ـ": None,
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_FOLD_PAIRS = tuple((chr(old), new or "") for old, new in _FOLD.items())
_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() or "_", so this drops exactly the non-alphanumerics
_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)
ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


def clean(text: str | None) -> str:
    """Display text: NFC, invisible marks removed, all white space (NBSP included) collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def fold(text: str, *, keep_case: bool = False) -> str:
    """Matching key: clean text with harakat, tatweel, alef/ya variants and digit scripts folded, lower-cased
    unless ``keep_case`` (Latin acronyms such as "AP" must not match the word "ap")."""
    text = _DIACRITICS.sub("", clean(text))
    for old, new in _FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text if keep_case else text.casefold()


def ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII, nothing else changed."""
    return text.translate(_DIGITS)


def alnum_key(text: str) -> str:
    """Letters and digits only (folded): compares headlines that differ in quotes and punctuation."""
    return _NOT_ALNUM.sub("", fold(text))
