"""Generated Arabic news text for benchmarks: realistic word statistics, reproducible from a seed.

The vocabulary comes from the real sample article in ``../shared/seed`` and the Arabic pages of
``../shared/corpus`` when they are there, and from a built-in list otherwise, so the benchmarks run anywhere.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

_SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
_FALLBACK = (
    "أعلنت وزارة الخارجية اليوم أن الجولة الثامنة من المحادثات ستبدأ غدا بمشاركة الدول الضامنة ووفود المعارضة "
    "والنظام وممثلين عن الأمم المتحدة والأردن والولايات المتحدة بصفة مراقبين وقال المتحدث باسم الوزارة في مؤتمر "
    "صحفي إن الاجتماعات ستتناول ملف المعتقلين وتبادل الأسرى ومناطق خفض التصعيد في محافظة إدلب وأضاف أن الحكومة "
    "تسعى إلى تحقيق نتائج ملموسة في الاقتصاد والتعليم والصحة والطاقة والنقل والزراعة والمياه والسياحة والاستثمار"
)
_WORD = re.compile(r"[\u0621-\u064a]{2,}")


def vocabulary() -> list[str]:
    texts = [_FALLBACK]
    seed = _SHARED / "seed" / "article.txt"
    if seed.exists():
        texts.append(seed.read_text(encoding="utf-8"))
    for page in sorted((_SHARED / "corpus" / "pages").glob("0*.html")):
        texts.append(page.read_bytes().decode("utf-8", "ignore"))
    words = sorted({w for text in texts for w in _WORD.findall(text)})
    return words


class TextGenerator:
    """Sentences drawn from the vocabulary with a Zipf-like word frequency, as news prose has."""

    def __init__(self, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.words = vocabulary()
        self.weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(self.words))]
        self.random.shuffle(self.words)

    def sentence(self, low: int = 8, high: int = 22) -> str:
        count = self.random.randint(low, high)
        return " ".join(self.random.choices(self.words, self.weights, k=count)) + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.random.randint(2, 4)))

    def article(self, paragraphs: tuple[int, int] = (4, 9)) -> list[str]:
        return [self.paragraph() for _ in range(self.random.randint(*paragraphs))]

    def title(self) -> str:
        return self.sentence(5, 10).rstrip(".")


_SPELLING = [("أ", "ا"), ("إ", "ا"), ("ة ", "ه "), ("ى", "ي")]


def respell(text: str, rng: random.Random) -> str:
    """The spelling drift between sites: hamza dropped, ta marbuta as ha, tatweel and harakat added."""
    for old, new in _SPELLING:
        if rng.random() < 0.5:
            text = text.replace(old, new)
    words = text.split(" ")
    for i in rng.sample(range(len(words)), k=max(1, len(words) // 40)):
        w = words[i]
        if len(w) > 3:
            words[i] = w[:2] + ("ـ" if rng.random() < 0.5 else "َ") + w[2:]
    return " ".join(words)


def edit_words(text: str, rate: float, rng: random.Random, vocab: list[str]) -> str:
    """Replace, drop or insert about ``rate`` of the words, as an editor rewriting a wire story does."""
    out: list[str] = []
    for word in text.split(" "):
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < 2 * rate / 3:
            out.append(rng.choice(vocab))
            continue
        out.append(word)
        if roll < rate:
            out.append(rng.choice(vocab))
    return " ".join(out)
