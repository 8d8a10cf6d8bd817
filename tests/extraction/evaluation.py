"""Extraction quality on real pages and on rewrites of them, scored the same way for every tool.

The pages are the shared corpus's (copied byte for byte into ``tests/fixtures/pages``; those whose JSON carries
``source_repo``); pages written for the project are regression tests and never scored here. Each page is read
as it is and in the four rewrites of ``rewrites.py`` (plus, for the benchmark, the stress rewrites). Tools are
run as a new user would run them, with no site selectors: akhbar with the registry entry only where one exists
(the entries of these sites hold no selectors), trafilatura with metadata, readability-lxml.

Scores per (tool, variant): body word-level precision, recall and F1 averaged over pages; lost articles (F1
below 0.5); related headlines leaked (in the related-block rewrite) and boilerplate snippets leaked; titles
exact; dates right (as days); author precision and recall (an expected author that is the site or an agency
counts as "no person", and reporting none is then right); categories right where the JSON gives one;
languages right. ``tests/extraction/test_quality_gate.py`` pins floors on them; ``benchmarks/extraction.py``
prints them with timings.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.extraction import extract
from crawler.extraction.credits import agencies_in
from crawler.registry import Site, load_registry

from .rewrites import REWRITES, STRESS_REWRITES, related_headlines

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
LOST_BELOW = 0.5


@dataclass
class Page:
    id: str
    html: bytes
    expected: dict[str, Any]
    site: Site | None

    @property
    def url(self) -> str:
        return str(self.expected.get("url") or "http://example.com/article")

    @property
    def is_article(self) -> bool:
        return self.expected.get("kind") == "article"


@dataclass
class Output:
    title: str | None = None
    text: str = ""
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    category: str | None = None
    language: str | None = None


def real_pages() -> list[Page]:
    """The shared corpus's pages, with the registry entry of their site (no selectors: see the module doc)."""
    registry = load_registry()
    out = []
    for html_path in sorted(PAGES.glob("*.html")):
        expected = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        if "source_repo" not in expected:
            continue
        site_id = expected.get("site_id")
        site = registry.get(site_id) if isinstance(site_id, str) else None
        if site is not None and site.selectors is not None:
            site = None  # a site with selectors would not be a site nobody tuned for
        out.append(Page(html_path.stem, html_path.read_bytes(), expected, site))
    return out


def variants(*, stress: bool = False) -> dict[str, Callable[[bytes, dict[str, Any]], bytes]]:
    """The page as it is, then each rewrite of it."""
    out: dict[str, Callable[[bytes, dict[str, Any]], bytes]] = {"as published": lambda html, _: html}
    out.update(REWRITES)
    if stress:
        out.update(STRESS_REWRITES)
    return out


# ---- the tools, each used as its documentation shows ----------------------------------------------------


def run_akhbar(page: Page, html: bytes) -> Output:
    e = extract(html, page.url, site=page.site, header_charset=page.expected.get("header_charset"))
    text = f"{e.dateline} {e.body}" if e.dateline else e.body  # the dateline is moved out of the text, not lost
    return Output(e.title, text, (e.published or "")[:10] or None, e.authors, e.category, e.language)


def run_trafilatura(page: Page, html: bytes) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=page.url, with_metadata=True, include_comments=False)
    if doc is None or isinstance(doc, dict):
        return Output()
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    categories = [c.strip() for c in (doc.categories or []) if c.strip()] if isinstance(doc.categories, list) else []
    return Output(doc.title, doc.text or "", (doc.date or "")[:10] or None, authors,
                  categories[0] if categories else None, doc.language)  # fmt: skip


def run_readability(page: Page, html: bytes) -> Output:
    from lxml.html import fromstring
    from readability import Document

    doc = Document(html, url=page.url)
    summary = fromstring(doc.summary(html_partial=True))
    tags = ("p", "h2", "h3", "h4", "li", "blockquote")
    blocks = ["".join(str(t) for t in b.itertext()).strip() for b in summary.iter(*tags)]
    text = "\n".join(b for b in blocks if b) or "".join(str(t) for t in summary.itertext())
    return Output(doc.short_title() or None, text)


TOOLS: dict[str, Callable[[Page, bytes], Output]] = {
    "akhbar": run_akhbar,
    "trafilatura": run_trafilatura,
    "readability-lxml": run_readability,
}
FIELDS_OF = {
    "akhbar": {"date", "author", "category", "language"},
    "trafilatura": {"date", "author", "category", "language"},
    "readability-lxml": set(),
}
"""The fields a tool extracts at all (readability-lxml gives a title and a body only)."""


# ---- scoring -------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def norm(text: str | None) -> str:
    """The corpus README's comparison: NFC, every run of white space (NBSP too) to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")).strip()


def words(text: str) -> Counter[str]:
    return Counter(w.casefold() for w in _WORD.findall(norm(text)))


def prf(got: str, want: str) -> tuple[float, float, float]:
    g, w = words(got), words(want)
    overlap = sum((g & w).values())
    p = overlap / sum(g.values()) if g else 0.0
    r = overlap / sum(w.values()) if w else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def expected_people(expected: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(the people the article credits, names that are not people: the site or an agency given as author)."""
    author = expected.get("author")
    if not author:
        return set(), set()
    names = {norm(a).casefold() for a in str(author).split(";") if a.strip()}
    site = norm(str(expected.get("site", ""))).casefold()
    not_people = {n for n in names if agencies_in(n) or n in site}
    return names - not_people, not_people


@dataclass
class Score:
    pages: int = 0
    p: list[float] = field(default_factory=list)
    r: list[float] = field(default_factory=list)
    f: list[float] = field(default_factory=list)
    lost: int = 0
    related_leaked: int = 0
    boilerplate_leaked: int = 0
    titles: int = 0
    titles_n: int = 0
    dates: int = 0
    dates_n: int = 0
    dates_wrong: int = 0
    """Dates reported that are not the page's (a wrong date is worse than none)."""
    authors_right: int = 0
    authors_reported: int = 0
    authors_expected: int = 0
    categories: int = 0
    categories_n: int = 0
    languages: int = 0
    languages_n: int = 0
    crashes: int = 0

    def mean(self, values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    @property
    def f1(self) -> float:
        return self.mean(self.f)

    @property
    def author_precision(self) -> float:
        return self.authors_right / self.authors_reported if self.authors_reported else 1.0

    @property
    def author_recall(self) -> float:
        return self.authors_right / self.authors_expected if self.authors_expected else 1.0


def score(s: Score, out: Output | None, page: Page, variant: str) -> None:
    exp = page.expected
    out = out or Output()
    s.pages += 1
    p, r, f = prf(out.text, str(exp.get("body_text") or ""))
    s.p.append(p)
    s.r.append(r)
    s.f.append(f)
    s.lost += int(f < LOST_BELOW)
    text = norm(out.text)
    if variant == "related_block":
        s.related_leaked += sum(1 for h in related_headlines(exp) if norm(h) in text)
    s.boilerplate_leaked += sum(1 for b in exp.get("boilerplate_snippets") or [] if norm(str(b)) in text)
    if page.is_article:
        s.titles_n += 1
        s.titles += int(norm(out.title) == norm(str(exp.get("title") or "")))
    if exp.get("date"):
        s.dates_n += 1
        right = out.date in {exp["date"], *(exp.get("date_alternatives") or [])}
        s.dates += int(right)
        s.dates_wrong += int(out.date is not None and not right)
    people, not_people = expected_people(exp)
    reported = {norm(a).casefold() for a in out.authors} - not_people
    s.authors_reported += len(reported)
    s.authors_expected += len(people)
    s.authors_right += len(reported & people)
    if exp.get("category"):
        s.categories_n += 1
        s.categories += int(norm(out.category) == norm(str(exp["category"])))
    if exp.get("language") and page.is_article:
        s.languages_n += 1
        s.languages += int((out.language or "").split("-")[0] == exp["language"])


def quiet() -> contextlib.AbstractContextManager[None]:
    """The tools log and warn about pages they dislike; the evaluation only wants their output."""

    @contextlib.contextmanager
    def silenced() -> Iterator[None]:
        previous = logging.root.manager.disable
        logging.disable(logging.CRITICAL)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield
        finally:
            logging.disable(previous)

    return silenced()


def evaluate(tools: dict[str, Callable[[Page, bytes], Output]] | None = None, *, stress: bool = False
             ) -> dict[str, dict[str, Score]]:  # fmt: skip
    """``{variant: {tool: Score}}`` over the real pages."""
    tools = tools or TOOLS
    pages = real_pages()
    results: dict[str, dict[str, Score]] = {}
    with quiet():
        for variant, rewrite in variants(stress=stress).items():
            results[variant] = {name: Score() for name in tools}
            for page in pages:
                html = rewrite(page.html, page.expected)
                for name, tool in tools.items():
                    try:
                        out: Output | None = tool(page, html)
                    except Exception:
                        out = None
                        results[variant][name].crashes += 1
                    score(results[variant][name], out, page, variant)
    return results
