"""Akhbar's extraction layer: one HTML page in, one ``Extracted`` record out. No Scrapy imports here.

Stages, one module each: ``encoding`` (bytes to text), ``structured`` (JSON-LD, OpenGraph, meta),
``selectors`` (registry rules), ``body`` (site selector or trafilatura), ``boilerplate`` (Arabic
boilerplate knowledge), ``credits`` (datelines and agency credits), ``authors``, ``title``, ``dates``,
``language``, ``sanitize``; ``core`` orchestrates them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extraction.core import extract
    from crawler.extraction.dates import parse_date
    from crawler.extraction.encoding import decode_html
    from crawler.extraction.model import Extracted, ExtractionError
    from crawler.extraction.sanitize import sanitize_html

__all__ = ["Extracted", "ExtractionError", "decode_html", "extract", "parse_date", "sanitize_html"]

# Imported on first use, so that a module of the package that needs none of them (``template``, ``textutil``,
# used by the archive) does not load trafilatura and lxml's HTML stack with it.
_HOMES = {
    "extract": "core",
    "parse_date": "dates",
    "decode_html": "encoding",
    "Extracted": "model",
    "ExtractionError": "model",
    "sanitize_html": "sanitize",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"crawler.extraction.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'crawler.extraction' has no attribute {name!r}")
