"""MinHash signatures and LSH band keys over normalized word shingles, for grouping wire copies into stories.

Signatures come from datasketch; the LSH index lives in SQLite (``lsh_bands``), so candidate lookup is an
indexed query and the process keeps nothing per article in memory.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from datasketch import MinHash

from crawler.text.arabic import fingerprint_tokens

NUM_PERM = 64
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 2
# Jaccard similarity of word 2-shingles above which two copies are one story. Chosen with benchmarks/dedupe.py:
# copies with 20% of their words edited, spelling drift and another lead paragraph still score above it, while a
# different story on the same event that quotes one shared paragraph scores far below it. 32 bands of 2 rows
# make a pair at similarity 0.3 a candidate with probability 0.95, at 0.1 with 0.27.
THRESHOLD = 0.3
_SEED = 1
# A band key shared by more stored articles than this is not used to look up candidates (see
# Archive._matching_story). A wire story runs on a few dozen sites at most; a key held by more articles than that
# comes from a phrase common to many stories, and comparing with all of them is what made storing slow down as
# the archive grew.
HOT_BAND = 64
SCHEME = f"crc32/affine32/perm{NUM_PERM}/bands{BANDS}x{ROWS}/shingle{SHINGLE}/seed{_SEED}"
"""Names everything a stored signature depends on; change any of it and stored signatures are rebuilt."""
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED)
_PERMUTATIONS = _TEMPLATE.permutations
_SCHEME = _TEMPLATE.scheme


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    return shingles_of(fingerprint_tokens(text), size)


def shingles_of(tokens: Sequence[str], size: int = SHINGLE) -> set[bytes]:
    """Word ``size``-grams of already tokenized text, as UTF-8 bytes joined by one space."""
    if len(tokens) < size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    if size == 2:  # the scheme's case: the same bytes as below, without a slice and a join per shingle
        words = [t.encode("utf-8") for t in tokens]
        return set(map(b" ".join, pairwise(words)))
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of ``text`` (uint64 array of NUM_PERM values), or None when it has no words."""
    return signature_of(fingerprint_tokens(text))


def signature_of(tokens: Sequence[str]) -> np.ndarray | None:
    """The MinHash signature of tokenized text (``fingerprint_tokens``), or None when there are no tokens.

    Shingles are hashed with CRC-32 (in C) rather than datasketch's default SHA-1: a third of the time, and the
    random affine permutations on top make the grouping as good (benchmarks/dedupe.py measured both).
    """
    grams = shingles_of(tokens)
    if not grams:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_PERMUTATIONS, scheme=_SCHEME, hashfunc=zlib.crc32)
    mh.update_batch(list(grams))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u8")


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 63-bit key per band (band index mixed in), as SQLite stores integers."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        digest = hashlib.blake2b(struct.pack("<H", band) + chunk, digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def best_match(sig: np.ndarray, candidates: Sequence[tuple[int, bytes]]) -> tuple[int, float] | None:
    """The candidate (article id, similarity) most similar to ``sig`` above THRESHOLD, if any."""
    best: tuple[int, float] | None = None
    for article_id, blob in candidates:
        score = similarity(sig, from_blob(blob))
        if score >= THRESHOLD and (best is None or score > best[1]):
            best = (article_id, score)
    return best
