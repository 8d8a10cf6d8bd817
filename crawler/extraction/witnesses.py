"""Choosing the body by agreement between independent witnesses.

Each way of finding the article (the site's selectors, trafilatura on the pruned tree, trafilatura on the
untouched tree, the densest container, JSON-LD ``articleBody``) is a *witness*: a list of blocks. A running
paragraph that two witnesses both hold is *agreed* article text; what only one holds may be its mistake. A
witness that drops running paragraphs the others agree on is wrong, however clean its output looks, and the
witness that best covers the agreed text without adding text nobody else has is chosen.

Paragraphs are compared by word trigrams of their folded text, so that witnesses that split, join or punctuate
paragraphs differently (``<br>`` lines against ``<p>``, a JSON-LD body in one piece) still agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from crawler.extraction.boilerplate import Block
from crawler.extraction.textutil import alnum_key, fold

_WORD = re.compile(r"\w+")
RUNNING_CHARS = 60
_HELD = 0.6
"""Share of a paragraph's trigrams another witness must hold for it to hold the paragraph."""
_GOOD_ENOUGH = 0.9
"""Share of the agreed text the first witness must cover to be kept without a vote."""
_TOO_MUCH = 2.5
_TOO_MUCH_SLACK = 300
"""A first witness holding more running text than this (times the agreed text, plus the slack) is doubted."""
_MAX_SHINGLES = 50_000


def shingles(text: str) -> set[int]:
    """Word trigrams of the folded text (word unigrams for a text of fewer than three words)."""
    words = _WORD.findall(fold(text))
    if len(words) < 3:
        return {hash(w) for w in words}
    return {hash((words[i], words[i + 1], words[i + 2])) for i in range(min(len(words) - 2, _MAX_SHINGLES))}


def _held(paragraph: set[int], by: set[int]) -> bool:
    return bool(paragraph) and len(paragraph & by) >= _HELD * len(paragraph)


class Witness:
    """One candidate body. Witnesses of one ``family`` (trafilatura on the pruned and on the untouched tree)
    share their mistakes, so they never count as agreeing with each other. Word trigrams are computed on first
    use: most pages never need them."""

    def __init__(self, name: str, blocks: list[Block], family: str = "") -> None:
        self.name = name
        self.blocks = blocks
        self.family = family or name

    def __repr__(self) -> str:
        return f"Witness({self.name!r}, {len(self.blocks)} blocks)"

    @cached_property
    def _grams(self) -> tuple[set[int], list[tuple[set[int], int]]]:
        every: set[int] = set()
        running: list[tuple[set[int], int]] = []
        for block in self.blocks:
            grams = shingles(block.text)
            every |= grams
            if _is_running(block):
                running.append((grams, len(block.text)))
        return every, running

    @property
    def _all(self) -> set[int]:
        return self._grams[0]

    @property
    def _running(self) -> list[tuple[set[int], int]]:
        return self._grams[1]

    @property
    def chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    @cached_property
    def running_chars(self) -> int:
        """Characters in running paragraphs: what a menu or a list of links does not add to."""
        return sum(len(b.text) for b in self.blocks if _is_running(b))

    @cached_property
    def _letters(self) -> str:
        return "\n".join(alnum_key(b.text) for b in self.blocks)

    def prints(self, text: str) -> bool:
        """Whether this witness prints the paragraph ``text`` letter for letter (the cheap test, right for text
        taken from the same page: spacing and punctuation aside)."""
        key = alnum_key(text)
        letters = self._letters
        return bool(key) and (key in letters or (len(key) > 80 and key[:40] in letters and key[-40:] in letters))

    def holds(self, text: str) -> bool:
        """Whether this witness holds the paragraph ``text``: verbatim, else most of its word trigrams."""
        return self.prints(text) or _held(shingles(text), self._all)


@dataclass
class Verdict:
    """The chosen witness, with the figures that chose it."""

    chosen: Witness
    agreed_chars: int
    recall: dict[str, float]
    """Share of the agreed running text each witness holds."""
    precision: dict[str, float]
    """Share of each witness's running text that is agreed."""


def choose(witnesses: list[Witness]) -> Verdict:
    """The first witness unless it misses agreed running text, or holds far more text than anyone agrees on;
    then the witness that best covers the agreed text (the order of the witnesses breaks ties).

    A running paragraph is agreed when a witness of another family holds it too.
    """
    first = witnesses[0]
    agreed: list[tuple[set[int], int]] = []
    agreed_grams: set[int] = set()
    for w in witnesses:
        for grams, size in w._running:
            if _held(grams, agreed_grams):
                continue  # already agreed, as another witness printed it
            if any(_held(grams, other._all) for other in witnesses if other.family != w.family):
                agreed.append((grams, size))
                agreed_grams |= grams
    total = sum(size for _, size in agreed)
    recall: dict[str, float] = {}
    precision: dict[str, float] = {}
    for w in witnesses:
        covered = sum(size for grams, size in agreed if _held(grams, w._all))
        recall[w.name] = covered / total if total else 1.0
        own = w.running_chars
        precision[w.name] = sum(size for grams, size in w._running if _held(grams, agreed_grams)) / own if own else 0.0
    verdict = Verdict(first, total, recall, precision)
    if not total:
        return verdict
    if recall[first.name] >= _GOOD_ENOUGH:
        if first.running_chars <= _TOO_MUCH * total + _TOO_MUCH_SLACK:
            return verdict
        # Most of what it holds is text no other witness has (a menu and the page around the article, printed
        # as paragraphs): a witness that holds the agreed text without it is better.
        for w in witnesses[1:]:
            if recall[w.name] >= _GOOD_ENOUGH and precision[w.name] >= max(0.5, 2 * precision[first.name]):
                verdict.chosen = w
                return verdict
        return verdict

    def f1(w: Witness) -> float:
        p, r = precision[w.name], recall[w.name]
        return 2 * p * r / (p + r) if p + r else 0.0

    for w in witnesses[1:]:
        if f1(w) > f1(verdict.chosen) + 0.02:
            verdict.chosen = w
    return verdict


def _is_running(block: Block) -> bool:
    return len(block.text) >= RUNNING_CHARS and block.link_ratio < 0.5


def fill_gaps(chosen: Witness, other: Witness) -> list[Block]:
    """``chosen``'s blocks, with the running paragraphs it lacks that ``other`` prints between two paragraphs
    both hold: a paragraph in the middle of agreed article text is article text (an extractor that lost it
    lost text nobody else would call boilerplate: loose text after an inserted block, an unusual wrapper)."""
    per_block = [shingles(b.text) for b in chosen.blocks]

    def anchor(grams: set[int]) -> int | None:
        if not _held(grams, chosen._all):
            return None
        overlaps = [len(grams & own) for own in per_block]
        return max(range(len(overlaps)), key=overlaps.__getitem__) if overlaps else None

    after: dict[int, list[Block]] = {}
    budget = chosen.running_chars
    last: int | None = None
    pending: list[Block] = []
    for block in other.blocks:
        grams = shingles(block.text)
        at = anchor(grams)
        if at is not None:
            if last is not None and pending and at > last:
                added = sum(len(b.text) for b in pending)
                if added <= budget:
                    after.setdefault(last, []).extend(pending)
                    budget -= added
            pending = []
            last = at
        elif last is not None and _is_running(block):
            pending.append(block)
    if not after:
        return chosen.blocks
    out: list[Block] = []
    for i, block in enumerate(chosen.blocks):
        out.append(block)
        out.extend(after.get(i, ()))
    return out
