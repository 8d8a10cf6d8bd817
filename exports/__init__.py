"""Feed export: RSS 2.0, Atom 1.0, JSON Feed 1.1 and OPML written from the SQLite archive.

Plain Python with no Scrapy imports, so the feeds can be rebuilt from an archive alone.
"""

from __future__ import annotations
