"""Small text helpers shared by the extraction stages: display-text cleanup and a matching fold.

``clean`` is for display text (NFC, white space collapsed, invisible marks removed); ``fold`` is for
matching only (Arabic letter variants, harakat, Arabic-Indic digits), never for output. ``alternation`` builds
the long word-list patterns the stages match with.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
# Bidi controls and zero-width characters: invisible, but they break regular expressions and equality.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")
_SPACES = re.compile(r"\s+")
# What ``clean`` removes or rewrites other than runs of plain spaces: invisible marks and every white-space
# character ``str.split`` splits on except U+0020.
_UNCLEAN = re.compile(
    "["
    + _INVISIBLE.pattern[1:-1]
    + "".join(f"\\u{i:04x}" for i in range(0x10000) if chr(i).isspace() and chr(i) != " ")
    + "]"
)
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
    if _UNCLEAN.search(text) is None and "  " not in text and text[0] != " " and text[-1] != " ":
        return text  # most text is clean already, and one scan for what would change it is cheaper
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def fold(text: str, *, keep_case: bool = False) -> str:
    """Matching key: clean text with harakat, tatweel, alef/ya variants and digit scripts folded, lower-cased
    unless ``keep_case`` (Latin acronyms such as "AP" must not match the word "ap")."""
    return _fold_keep_case(text) if keep_case else _fold_lower(text)


# A page's paragraphs are folded by several stages (boilerplate, credits, title matching): the caches make
# every fold after the first a lookup. Sized for a few pages' worth of distinct strings.
@lru_cache(maxsize=2048)
def _fold_keep_case(text: str) -> str:
    text = _DIACRITICS.sub("", clean(text))
    for old, new in _FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


@lru_cache(maxsize=2048)
def _fold_lower(text: str) -> str:
    return _fold_keep_case(text).casefold()


def ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII, nothing else changed."""
    return text.translate(_DIGITS)


@lru_cache(maxsize=2048)
def alnum_key(text: str) -> str:
    """Letters and digits only (folded): compares headlines that differ in quotes and punctuation."""
    return _NOT_ALNUM.sub("", _fold_lower(text))


_SPECIAL = set("\\.^$*+?{}[]()|")
_QUANTIFIERS = set("*+?{")


def alternation(patterns: Iterable[str]) -> str:
    """``a|b|c`` of regular expressions, with the same matches, but fast on long word lists: duplicates are
    dropped and alternatives opening with the same literal character share one branch, so that the engine
    tries at each position only the few alternatives that can start there instead of every one.

    Grouping keeps the order in which alternatives are tried (alternatives opening with different literals
    never both match at one position), so it is done only when every alternative opens with a plain literal
    character and none holds a ``|`` of its own; otherwise the alternation is returned flat. Not for patterns
    compiled with ``re.IGNORECASE``.
    """
    unique = list(dict.fromkeys(patterns))
    groups: dict[str, list[str]] = {}
    for pattern in unique:
        if not pattern or pattern[0] in _SPECIAL or pattern[1:2] in _QUANTIFIERS or "|" in pattern:
            return "|".join(unique)
        groups.setdefault(pattern[0], []).append(pattern[1:])
    return "|".join(
        first + rests[0] if len(rests) == 1 else f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()
    )
