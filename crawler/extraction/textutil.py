"""Small text helpers shared by the extraction stages.

``clean`` (display text) and ``fold`` (the matching key) are the project's one normalizer,
``crawler.text.arabic``, under the names the stages use; a pattern or word list matched against folded text
is folded with ``fold_pattern``. ``alternation`` builds the long word-list patterns the stages match with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from crawler.text.arabic import clean_line, fold_pattern, match_key

_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() or "_", so this drops exactly the non-alphanumerics
__all__ = ["ARABIC_LETTER", "LATIN_LETTER", "alnum_key", "alternation", "ascii_digits", "clean", "fold", "fold_pattern"]

_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)
ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


clean = clean_line
"""Display text: NFC, invisible marks removed (ZWNJ and ZWJ kept), all white space collapsed."""
fold = match_key
"""The matching key (``crawler.text.arabic.match_key``), never for output."""


def ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII, nothing else changed."""
    return text.translate(_DIGITS)


@lru_cache(maxsize=2048)
def alnum_key(text: str) -> str:
    """Letters and digits only (folded): compares headlines that differ in quotes and punctuation."""
    return _NOT_ALNUM.sub("", match_key(text))


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
