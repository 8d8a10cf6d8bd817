"""Turning page bytes into text: the charset from the BOM, the HTTP header, the meta tag, then detection.

A declared charset is trusted unless the bytes contradict it: a page declared Latin-1, ASCII or
windows-1252 whose bytes are valid UTF-8 carrying non-ASCII text is UTF-8 (servers default to Latin-1 when
nobody configured them). Detection tells UTF-8, windows-1256 and ISO-8859-6 apart: the two single-byte
Arabic code pages put the letter lam on different bytes, so the article ال is frequent in the right
decoding and nearly absent from the wrong one.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that servers and CMSs emit by default, which the bytes may contradict.
_WEAK_LABELS = {"latin-1", "iso8859-1", "ascii", "cp1252", "iso8859-15"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_ARTICLE = "ال"


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    # WHATWG maps these labels to windows-1252 / windows-1256 supersets; browsers do the same.
    label = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "x-user-defined": "cp1252"}.get(
        label, label
    )
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _try_declared(data: bytes, label: str | None) -> tuple[str, str] | None:
    codec = _codec_name(label)
    if codec is None:
        return None
    if codec in _WEAK_LABELS and not data.isascii():
        as_utf8 = _strict(data, "utf-8")
        if as_utf8 is not None:
            return as_utf8, "utf-8"
    text = _strict(data, codec)
    return (text, codec) if text is not None else None


def _meta_label(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def _detect(data: bytes) -> tuple[str, str]:
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    arabic: list[tuple[int, str, str]] = []
    for codec in ("cp1256", "iso8859-6"):
        decoded = _strict(data, codec)
        if decoded is not None:
            arabic.append((decoded.count(_ARTICLE), codec, decoded))
    best = max(arabic, default=None)
    if best is not None and best[0] >= 3:
        name = "windows-1256" if best[1] == "cp1256" else "iso-8859-6"
        return best[2], name
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding:
        return str(guess), guess.encoding
    return data.decode("cp1252", errors="replace"), "windows-1252"


def decode_html(data: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns ``(text, encoding used)``.

    Order: byte-order mark; ``header_charset`` (the HTTP header) unless the bytes contradict it; the
    ``<meta charset>`` tag; detection (UTF-8, windows-1256, ISO-8859-6, then charset-normalizer).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec.replace("-le", "").replace("-be", "")
    for label in (header_charset, _meta_label(data)):
        found = _try_declared(data, label)
        if found is not None:
            text, codec = found
            return text, _display_name(codec)
    return _detect(data)


def _display_name(codec: str) -> str:
    return {"cp1256": "windows-1256", "iso8859-6": "iso-8859-6", "cp1252": "windows-1252"}.get(codec, codec)
