"""MinHash signatures and LSH band keys over normalized word shingles, for grouping wire copies into stories.

Signatures follow datasketch's ``affine32`` scheme (seeded affine permutations of a MurmurHash3-mixed 32-bit
hash) and are equal to what ``datasketch.MinHash`` computes, which tests/test_fingerprint.py checks; the
arithmetic is done here on one numpy array because importing datasketch pulls in scipy, 60 MB and 0.4 s in
every process that fingerprints pages. The LSH index lives in SQLite (``lsh_bands``), so candidate lookup is
an indexed query and the process keeps nothing per article in memory.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from crawler.text.arabic import fingerprint_tokens

NUM_PERM = 64
# BANDS, ROWS, THRESHOLD and HOT_BAND are the defaults of the AKHBAR_STORY_* settings (crawler/storage/stories.py).
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
"""Names everything a stored signature depends on; change any of it and stored signatures are rebuilt. The banding
named here is the default one: band keys made with other AKHBAR_STORY_BANDS/ROWS are recorded apart
(``archive_meta.lsh_banding``) and rebuilt from the signatures alone."""


def _affine_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` permutations: odd multipliers ``a`` and offsets ``b``, modulo 2³²."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


_A, _B = _affine_permutations(NUM_PERM, _SEED)


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
    hv = _fmix32(np.fromiter(map(zlib.crc32, grams), dtype=np.uint32, count=len(grams)))
    return (hv[:, None] * _A + _B).min(axis=0).astype(np.uint64)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (uint32 multiplication wraps, as intended)."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u8")


def band_keys(sig: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """One signed 63-bit key per band of ``rows`` values (band index mixed in), as SQLite stores integers."""
    keys = []
    for band in range(bands):
        chunk = sig[band * rows : (band + 1) * rows].astype("<u8").tobytes()
        digest = hashlib.blake2b(struct.pack("<H", band) + chunk, digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def best_match(
    sig: np.ndarray, candidates: Sequence[tuple[int, bytes]], threshold: float = THRESHOLD
) -> tuple[int, float] | None:
    """The candidate (article id, similarity) most similar to ``sig`` at ``threshold`` or above, if any; of equally
    similar ones, the first."""
    best: tuple[int, float] | None = None
    for article_id, blob in candidates:
        score = similarity(sig, from_blob(blob))
        if score >= threshold and (best is None or score > best[1]):
            best = (article_id, score)
    return best
