"""Akhbar's extraction layer: one HTML page in, one ``Extracted`` record out. No Scrapy imports here.

Stages, one module each: ``encoding`` (bytes to text), ``structured`` (JSON-LD, OpenGraph, meta),
``selectors`` (registry rules), ``body`` (site selector or trafilatura), ``boilerplate`` (Arabic
boilerplate knowledge), ``credits`` (datelines and agency credits), ``authors``, ``title``, ``dates``,
``language``, ``sanitize``; ``core`` orchestrates them.
"""

from __future__ import annotations

from crawler.extraction.core import extract
from crawler.extraction.dates import parse_date
from crawler.extraction.encoding import decode_html
from crawler.extraction.model import Extracted, ExtractionError
from crawler.extraction.sanitize import sanitize_html

__all__ = ["Extracted", "ExtractionError", "decode_html", "extract", "parse_date", "sanitize_html"]
