"""What the archive derives from an article's text before writing it, computed once and wherever it is cheapest.

A ``Fingerprint`` holds the content hash (same-text dedupe), the normalized title and body and their stem
columns (the full-text index, ``crawler.storage.search_index``), and the MinHash signature with its LSH band
keys (story grouping). All of it is CPU work that depends only on the display title and body, so the crawl
computes it in the extraction worker, beside the page's extraction, and the crawl process only writes it. A
fingerprint remembers the exact title and body it was made from; the archive uses it only when they are still
the article's, and recomputes it otherwise, so a stale or foreign fingerprint can never be stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crawler.storage import minhash
from crawler.text.arabic import fingerprint_tokens, hash_words, normalize_for_search, normalized_words
from crawler.text.stems import lexicon_terms, stem_text


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Derived, not displayed: everything the archive indexes about one version of an article's text."""

    title: str | None
    """The display title this was computed from."""
    body: str
    """The display body this was computed from."""
    content_hash: str
    """``crawler.text.arabic.content_hash`` of the title and body."""
    search_title: str
    """``normalize_for_search(title)``: the full-text index's title column."""
    search_body: str
    """``normalize_for_search(body)``: the full-text index's body column."""
    stem_title: str
    """``crawler.text.stems.stem_text(search_title)``: the index's ``title_stems`` column."""
    stem_body: str
    """``crawler.text.stems.stem_text(search_body)``: the index's ``body_stems`` column."""
    terms: frozenset[str]
    """The words of the title and body the archive's vocabulary records (``crawler.text.stems.lexicon_terms``)."""
    signature: str | None
    """The MinHash signature as hex (JSON-safe: items can pass through feed exporters), None without words."""
    band_keys: tuple[int, ...]
    """The signature's LSH band keys (empty without a signature)."""
    scheme: str = minhash.SCHEME
    """The MinHash scheme of ``signature``; a fingerprint of another scheme is recomputed."""

    def fits(self, title: str | None, body: str) -> bool:
        """True when this fingerprint was computed from exactly this title and body, with today's scheme."""
        return self.scheme == minhash.SCHEME and self.body == body and (self.title or "") == (title or "")

    def signature_array(self) -> np.ndarray | None:
        return None if self.signature is None else minhash.from_blob(bytes.fromhex(self.signature))


def fingerprint(title: str | None, body: str) -> Fingerprint:
    """Compute every derived field of one article text, normalizing and tokenizing the body once."""
    search_body = normalize_for_search(body)
    search_title = normalize_for_search(title or "")
    tokens = normalized_words(search_body)
    stem_title, stem_body = stem_text(search_title), stem_text(search_body)
    words = tokens or fingerprint_tokens(title or "")
    sig = minhash.signature_of(tokens)
    return Fingerprint(
        title=title,
        body=body,
        content_hash=hash_words(words),
        search_title=search_title,
        search_body=search_body,
        stem_title=stem_title,
        stem_body=stem_body,
        terms=lexicon_terms([*tokens, *normalized_words(search_title)], f"{stem_title} {stem_body}"),
        signature=None if sig is None else minhash.to_blob(sig).hex(),
        band_keys=() if sig is None else tuple(minhash.band_keys(sig)),
    )


def fingerprint_for(fp: Fingerprint | None, title: str | None, body: str) -> Fingerprint:
    """``fp`` when it fits this title and body, else a fresh fingerprint."""
    return fp if fp is not None and fp.fits(title, body) else fingerprint(title, body)
