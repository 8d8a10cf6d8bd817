"""Shared helpers of the extraction tests: fixture pages with their expected JSON and registry entries."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.extraction.credits import agencies_in
from crawler.registry import DEFAULT_REGISTRY, Registry, Site, load_registry

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@dataclass
class Fixture:
    id: str
    html: bytes
    expected: dict[str, Any]
    site: Site | None

    @property
    def url(self) -> str:
        return str(self.expected.get("url") or "http://example.com/article")

    @property
    def written_here(self) -> bool:
        return "written_for" in self.expected


def fixture_registry() -> Registry:
    """The product's registry: fixture pages are extracted with the selectors the crawl uses."""
    return load_registry(DEFAULT_REGISTRY)


def load_fixtures() -> list[Fixture]:
    registry = fixture_registry()
    out = []
    for html_path in sorted(PAGES.glob("*.html")):
        expected = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        site_id = expected.get("site_id")
        out.append(
            Fixture(html_path.stem, html_path.read_bytes(), expected, registry.get(site_id) if site_id else None)
        )
    return out


def norm(text: str | None) -> str:
    """The corpus README's comparison: NFC, every run of white space (NBSP too) to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")).strip()


def word_line(text: str | None) -> str:
    """Words only, in order: a snippet check that ignores punctuation such as a dateline's "--"."""
    return " ".join(re.findall(r"\w+", norm(text)))


def expected_agencies(expected: dict[str, Any]) -> set[str]:
    if isinstance(expected.get("agencies"), list):
        return set(expected["agencies"])
    credited = expected.get("credited_agency")
    return set(agencies_in(str(credited))) if credited else set()
