"""Invisible format characters that republished text must not carry: one definition for extraction and feeds.

Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the directional marks (LRM, RLM,
ALM) and the zero-width and invisible operators (U+200B, U+2060–U+2064, BOM, soft hyphen, …) show nothing
but reorder or hide what a reader sees: a headline or a link text can be made to read differently from
what it says (Trojan Source, CVE-2021-42574). Removing them costs Arabic text nothing, since the Unicode
bidi algorithm lays it out without them.

Kept on purpose: ZWNJ (U+200C), which Persian, Urdu and Kurdish spelling needs, and ZWJ (U+200D), which
joins emoji sequences; and the tag characters (U+E0020–U+E007F), which spell subdivision flags.
"""

from __future__ import annotations

import re

INVISIBLE_FORMAT_CHARACTERS = (
    "\u00ad"  # soft hyphen
    "\u061c"  # Arabic letter mark
    "\u180e"  # Mongolian vowel separator (a zero-width space in older Unicode)
    "\u200b"  # zero-width space
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner and the invisible math operators
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u206a\u206b\u206c\u206d\u206e\u206f"  # deprecated shaping and digit controls
    "\ufeff"  # byte order mark, zero-width no-break space
    "\ufff9\ufffa\ufffb"  # interlinear annotation
)
"""Every character ``strip_invisible`` removes."""

_INVISIBLE = re.compile(f"[{INVISIBLE_FORMAT_CHARACTERS}]")


def strip_invisible(text: str) -> str:
    """``text`` without the invisible format characters (ZWNJ and ZWJ stay)."""
    return _INVISIBLE.sub("", text)
