"""Arabic text for matching and for display: the one normalizer, and the display cleaning beside it.

Every comparison of text in Akhbar (dedupe keys, full-text search, boilerplate and credit patterns, titles,
site names, places) goes through one folding of Arabic spelling variants, ``fold_letters``: harakat and
tatweel removed, alef and hamza forms, ى/ي, ئ/ي, ؤ/و, ة/ه and the Persian letter forms folded, the hamza
dropped, Arabic-Indic and Persian digits made ASCII. On top of it:
- ``match_key`` is the key extraction compares with (display-cleaned, invisible marks gone, lower-cased unless
  asked not to); ``fold_pattern`` folds a regular expression's source or a word list the same way, so that a
  pattern written as the words are printed ("الإشراف العام", "وكالة الأنباء الجزائرية") matches folded text;
- ``normalize_for_search`` is the key of the full-text index and of content hashes: the same folding, after
  NFKC (presentation forms), with Arabic punctuation made Latin and white space collapsed;
- ``fingerprint_tokens`` splits normalized text into word tokens for hashing and shingling.

Display text is never folded: ``clean_line`` (one-line display text for the extraction stages) and the
``clean_display_*`` functions (what is stored) only remove what must not be shown or stored.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from crawler.text.invisible import INVISIBLE_FORMAT_CHARACTERS, strip_invisible

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic annotation marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_TATWEEL = "\u0640"
# For matching, ZWNJ and ZWJ go too: "می\u200cشود" and "میشود" are one word to compare.
_INVISIBLE = re.compile(f"[{INVISIBLE_FORMAT_CHARACTERS}\u200c\u200d]")
_LETTERS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ئ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ک": "ك",
    "ی": "ي",
    "ە": "ه",
    "ء": "",
    # Arabic-Indic and Persian digits to ASCII.
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}
# Arabic punctuation to its Latin twin, so tokenizers treat it as punctuation (search keys only: in a regular
# expression "؟" would become a quantifier).
_PUNCTUATION = {"،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".", "٬": ",", "«": '"', "»": '"'}
# A chain of str.replace calls, skipped when the character is absent, runs in C and is about 40 times faster
# on a news article than str.translate, which looks every character up in a Python dict.
_LETTER_PAIRS = tuple(_LETTERS.items())
_PUNCTUATION_PAIRS = tuple(_PUNCTUATION.items())
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # category Cc without \t and \n
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# What ``clean_line`` removes or rewrites other than runs of plain spaces: invisible marks and every white-space
# character ``str.split`` splits on except U+0020.
_UNCLEAN = re.compile(
    f"[{INVISIBLE_FORMAT_CHARACTERS}"
    + "".join(f"\\u{i:04x}" for i in range(0x10000) if chr(i).isspace() and chr(i) != " ")
    + "]"
)


def _replace(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def strip_diacritics(text: str) -> str:
    """Remove harakat and tatweel only: the lightest fold, safe for comparisons of display text."""
    return _DIACRITICS.sub("", text).replace(_TATWEEL, "")


def fold_letters(text: str) -> str:
    """The one folding of Arabic spelling variants (see the module docstring); nothing else changes, so it
    applies as well to a regular expression's source as to text."""
    return _replace(strip_diacritics(text), _LETTER_PAIRS)


def fold_pattern(source: str) -> str:
    """A regular expression's source, or a word, folded as ``match_key`` folds the text it is matched with."""
    return fold_letters(source)


def clean_line(text: str | None) -> str:
    """One-line display text: NFC, invisible format marks removed (ZWNJ and ZWJ kept), white space collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if _UNCLEAN.search(text) is None and "  " not in text and text[0] != " " and text[-1] != " ":
        return text  # most text is clean already, and one scan for what would change it is cheaper
    return " ".join(strip_invisible(text).split())


def match_key(text: str, *, keep_case: bool = False) -> str:
    """The key extraction compares text with: ``clean_line``, invisible marks gone, ``fold_letters``, and
    lower-cased unless ``keep_case`` (Latin acronyms such as "AP" must not match the word "ap")."""
    return _match_keep_case(text) if keep_case else _match_lower(text)


# A page's paragraphs are compared by several stages (boilerplate, credits, title matching): the caches make
# every key after the first a lookup. Sized for a few pages' worth of distinct strings.
@lru_cache(maxsize=2048)
def _match_keep_case(text: str) -> str:
    line = clean_line(text)
    if "\u200c" in line or "\u200d" in line:
        line = _INVISIBLE.sub("", line)
    return fold_letters(line)


@lru_cache(maxsize=2048)
def _match_lower(text: str) -> str:
    return _match_keep_case(text).casefold()


@lru_cache(maxsize=64)
def normalize_for_search(text: str) -> str:
    """Fold Arabic spelling variants and digits; lower-case Latin text; collapse white space.

    Idempotent: ``normalize_for_search(normalize_for_search(t)) == normalize_for_search(t)``. An article's body
    is normalized once, by ``crawler.storage.fingerprint``; the small cache serves repeated short texts (titles,
    search queries) without holding whole bodies.
    """
    if not text:
        return ""
    # NFKC turns presentation forms (ﻻ, ﷲ …) into letters; it runs before folding so its output is folded too.
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _replace(fold_letters(text), _PUNCTUATION_PAIRS)
    folded = text.casefold()
    # casefold can produce combining marks (e.g. from "İ"); a second NFKC + strip keeps the result a fixed point.
    # When casefold changed nothing and the text is NFKC already, that second pass would change nothing.
    if folded != text or not unicodedata.is_normalized("NFKC", text):
        text = _replace(fold_letters(unicodedata.normalize("NFKC", folded)), _PUNCTUATION_PAIRS)
    # str.split() and re's \s agree on what white space is (both use Py_UNICODE_ISSPACE); split is 3x faster.
    return " ".join(text.split())


def fingerprint_tokens(text: str) -> list[str]:
    """Word tokens of the normalized text, punctuation removed (Arabic comma and quotes included)."""
    return normalized_words(normalize_for_search(text))


def normalized_words(normalized: str) -> list[str]:
    """``fingerprint_tokens`` of text that is ``normalize_for_search``'s output already."""
    return [t for t in _NON_WORD.split(normalized.replace("_", " ")) if t]


def content_hash(title: str | None, body: str) -> str:
    """A stable hash of an article's normalized words: equal for copies differing only in spelling variants."""
    return hash_words(fingerprint_tokens(body) or fingerprint_tokens(title or ""))


def hash_words(words: list[str]) -> str:
    """The content hash of already tokenized words (``fingerprint_tokens``)."""
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).hexdigest()


def clean_display_text(text: str | None) -> str | None:
    """Display text made safe to store: NUL and other control characters removed, NFC, spaces collapsed per line.

    Harakat, tatweel and letters are kept exactly as published.
    """
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def clean_display_body(text: str | None) -> str:
    """``clean_display_text`` for an article body, which is never None: empty is ``""``."""
    return clean_display_text(text) or ""


def clean_display_line(text: str | None) -> str | None:
    """``clean_display_text`` for one-line fields (title, summary …): line breaks become spaces; empty is None."""
    value = clean_display_text(text)
    return value.replace("\n", " ") if value else None
