"""Directory names for feeds, made from site ids, agency ids and (Arabic) category names.

A name from the archive never becomes a path as it is: ``slugify`` keeps letters and digits of any script
(Arabic stays Arabic; it is percent-encoded in URLs), folds harakat, tatweel and case, joins words with
``-`` and caps the length, so ``../``, ``/``, NUL and overlong names cannot reach the file system. The slug
is a pure function of the name, hence stable from one export to the next; names that differ only in
harakat or punctuation share one slug and therefore one feed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG = 60
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_SEPARATORS = re.compile(r"[^\w]+|_+")


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def slugify(name: str) -> str:
    """A safe, stable directory name for ``name``; never empty, never ``.``/``..``, at most 60 chars."""
    folded = _MARKS.sub("", unicodedata.normalize("NFKC", name)).casefold()
    words = [w for w in _SEPARATORS.split(folded) if w]
    slug = "-".join(words)
    if len(slug) > MAX_SLUG:
        # Keep the start readable and the whole name distinguishable.
        slug = slug[: MAX_SLUG - 11].rstrip("-") + "-" + _digest(name)
    return slug or "x-" + _digest(name)


def safe_id(identifier: str) -> str:
    """``identifier`` when it is already a clean lowercase id (the registry's rule), else its slug."""
    return identifier if _ID_RE.match(identifier) else slugify(identifier)
