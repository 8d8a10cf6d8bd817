"""Akhbar (أخبار): crawl Arabic news sites into one deduplicated SQLite archive.

The package holds the Scrapy project (settings, spider, pipelines, middlewares) and, in plain Python
with no Scrapy imports, the stages it drives: ``registry`` (the site list), ``extraction``, ``text``
(Arabic normalization, canonical URLs) and ``storage`` (the SQLite archive).
"""

from __future__ import annotations

__version__ = "0.1.0"
