"""Feed export: RSS 2.0, Atom 1.0, JSON Feed 1.1 and OPML written from the SQLite archive.

Plain Python with no Scrapy imports, so the feeds can be rebuilt from an archive alone. Modules follow
the stages of the work:
- ``archive``: reads the archive (which articles each feed holds, their rows);
- ``urls``, ``html``, ``dates``, ``slugs``: cleaning values for feeds and paths;
- ``model``, ``entries``, ``feeds``: format-neutral entries (the data, and building it from rows) and feeds;
- ``entry_html`` (an entry's HTML and attribution lines), ``xmlfeeds`` (RSS and Atom with feedgen, and its
  workarounds), ``jsonfeed``: the renderers; ``formats``: the table of formats, each with its file, media type,
  renderer and version; ``opml``, ``index_page``: the lists of feeds;
- ``files`` (atomic change-only writes), ``websub`` (hub pings);
- ``writer``: ``export_feeds`` orchestrates; ``serve``: ``make_server`` serves the result.
"""

from __future__ import annotations
