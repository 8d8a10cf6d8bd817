"""Test news sites served on 127.0.0.x: generated article pages, feeds and sitemaps, with per-path behaviour.

Each :class:`TestSite` listens on its own loopback address (as real sites have their own hosts) and counts
what the crawler does to it: every request with its arrival time, the status it got, and the most requests it
ever had in flight at once. Documents are built from the site's articles when they are requested, so a test
can add an article between two crawls and the feeds change (with a new ETag) while the sitemaps may not.

Per-path behaviour: ``site.script(path, Reply(...), ...)`` queues replies served before the normal content
(a 429 with Retry-After, then the article), ``site.pages[path] = Reply(...)`` replaces a path for good.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.demo.server import LoopbackServer

NOW = datetime.now(UTC).replace(microsecond=0)
LAST_MODIFIED = NOW - timedelta(days=1)
PARAGRAPH = (
    "أعلنت وزارة الاقتصاد اليوم عن حزمة جديدة من الإجراءات لدعم المشاريع الصغيرة والمتوسطة في المحافظات،"
    " وقال المتحدث باسم الوزارة إن البرنامج يشمل قروضا ميسرة وإعفاءات ضريبية لمدة عامين."
)


@dataclass(frozen=True)
class Article:
    """One generated news article."""

    slug: str
    title: str
    published: datetime
    updated: datetime | None = None
    at: str | None = None
    """A path of its own (a tag or video page listed in a feed); the dated article path otherwise."""

    @property
    def path(self) -> str:
        return self.at or f"/{self.published:%Y/%m/%d}/{self.slug}"

    @property
    def newest(self) -> datetime:
        return self.updated or self.published


def make_articles(prefix: str, count: int, start: int = 0) -> list[Article]:
    """``count`` articles published in the last hours, newest first, with slugs the URL classifier accepts."""
    return [
        Article(
            slug=f"{prefix}-story-{n:04d}-economy-support-plan",
            title=f"الحكومة تعلن خطة دعم جديدة رقم {n} للمشاريع الصغيرة في {prefix}",
            published=NOW - timedelta(hours=2, minutes=n),
        )
        for n in range(start, start + count)
    ]


@dataclass(frozen=True)
class Reply:
    """A canned answer for one path."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: Callable[[], str] | None = None
    """Called when the reply is sent, for a Retry-After computed at that moment (an HTTP-date)."""


@dataclass(frozen=True)
class Hit:
    """One request a test site answered."""

    path: str
    status: int
    arrived: float
    """``time.monotonic()`` when the request line was read."""
    arrived_wall: float
    """``time.time()`` at the same moment, to compare with an HTTP-date."""
    answered: float
    """``time.monotonic()`` just before the response was written."""
    headers: dict[str, str]


@dataclass(frozen=True)
class Doc:
    body: bytes
    content_type: str
    gzip: bool = False


def _x(text: str) -> str:
    return escape(text, quote=True)


def _rfc822(when: datetime) -> str:
    return format_datetime(when, usegmt=True)


class TestSite:
    """One site: its articles, which documents it serves, and what it saw."""

    __test__ = False  # not a pytest class

    def __init__(self, site_id: str, host: str, articles: Iterable[Article] = (), *, hold: float = 0.0) -> None:
        self.id = site_id
        self.host = host
        self.articles: list[Article] = list(articles)
        self.hold = hold
        """Seconds every response is held before it is written (to make requests overlap)."""
        self.base_url = ""
        self.docs: dict[str, Callable[[], Doc]] = {}
        self.pages: dict[str, Reply] = {}
        self.broken_articles = False
        """Serve article pages with no article in them (every extraction fails)."""
        self.robots_lines: list[str] = ["User-agent: *", "Disallow: /private/"]
        self.hits: list[Hit] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._scripts: dict[str, deque[Reply]] = {}
        self._lock = threading.Lock()

    # -- what the site serves --------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    def script(self, path: str, *replies: Reply) -> None:
        """Serve these replies, one per request, before ``path`` behaves normally again."""
        self._scripts.setdefault(path, deque()).extend(replies)

    def feed(self, path: str, kind: str = "rss2", articles: Callable[[], list[Article]] | None = None) -> str:
        """Serve a feed (``rss2``, ``rss091``, ``rdf`` or ``atom``) of the site's articles at ``path``."""
        pick = articles or (lambda: self.articles)
        build = {"rss2": rss2, "rss091": rss091, "rdf": rdf, "atom": atom}[kind]
        ctype = {"atom": "application/atom+xml", "rdf": "application/rdf+xml"}.get(kind, "application/rss+xml")
        self.docs[path] = lambda: Doc(build(self, pick()).encode(), ctype)
        return path

    def sitemap(self, path: str, articles: Callable[[], list[Article]] | None = None, *, news: bool = False,
                gzipped: bool = False) -> str:  # fmt: skip
        """Serve a urlset (a Google News sitemap when ``news``), gzip-compressed bytes when ``gzipped``."""
        pick = articles or (lambda: self.articles)
        self.docs[path] = lambda: Doc(urlset(self, pick(), news=news).encode(), "application/xml", gzipped)
        return path

    def sitemap_index(self, path: str, children: list[str]) -> str:
        self.docs[path] = lambda: Doc(sitemapindex(self, children).encode(), "application/xml")
        return path

    def homepage(self, feeds: list[str]) -> None:
        """A homepage declaring ``feeds`` with ``<link rel="alternate">``, linking the articles too."""
        self.docs["/"] = lambda: Doc(homepage(self, feeds).encode(), "text/html; charset=utf-8")

    def robots_sitemaps(self, paths: list[str]) -> None:
        self.robots_lines += [f"Sitemap: {self.url(p)}" for p in paths]

    def article_paths(self) -> set[str]:
        return {a.path for a in self.articles}

    def _document(self, path: str) -> Doc | None:
        if path == "/robots.txt":
            return Doc(("\n".join(self.robots_lines) + "\n").encode(), "text/plain; charset=utf-8")
        if path in self.docs:
            return self.docs[path]()
        for article in self.articles:
            if article.path == path:
                page = broken_page(article) if self.broken_articles else article_page(self, article)
                return Doc(page.encode(), "text/html; charset=utf-8")
        return None

    # -- what the site saw -----------------------------------------------------------------------------

    def paths(self, status: int | None = None) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits if status is None or h.status == status]

    def reset(self) -> None:
        with self._lock:
            self.hits.clear()
            self.max_in_flight = 0

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self, hit: Hit) -> None:
        with self._lock:
            self._in_flight -= 1
            self.hits.append(hit)

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Status, response headers and body for a GET of ``path``."""
        with self._lock:
            queue = self._scripts.get(path)
            scripted = queue.popleft() if queue else None
        reply = scripted or self.pages.get(path)
        if reply is not None:
            extra = dict(reply.headers)
            if reply.retry_after is not None:
                extra["Retry-After"] = reply.retry_after()
            return reply.status, {"Content-Type": reply.content_type, **extra}, reply.body
        doc = self._document(path)
        if doc is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<!doctype html><title>404</title>"
        body = gzip.compress(doc.body, mtime=0) if doc.gzip else doc.body
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        validators = {"ETag": etag, "Last-Modified": _rfc822(LAST_MODIFIED)}
        if headers.get("if-none-match") == etag:
            return 304, validators, b""
        ctype = "application/x-gzip" if doc.gzip else doc.content_type
        return 200, {"Content-Type": ctype, **validators}, body


# -- documents ----------------------------------------------------------------------------------------------


def rss2(site: TestSite, articles: list[Article]) -> str:
    items = "".join(
        f"<item><title>{_x(a.title)}</title><link>{_x(site.url(a.path))}</link>"
        f"<guid>{_x(site.url(a.path))}</guid><pubDate>{_rfc822(a.newest)}</pubDate></item>"
        for a in articles
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{site.id}</title>'
            f"<link>{site.url('/')}</link>{items}</channel></rss>")  # fmt: skip


def rss091(site: TestSite, articles: list[Article]) -> str:
    items = "".join(f"<item><title>{_x(a.title)}</title><link>{_x(site.url(a.path))}</link></item>" for a in articles)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="0.91"><channel><title>{site.id}</title>'
            f"<link>{site.url('/')}</link><language>ar</language>{items}</channel></rss>")  # fmt: skip


def rdf(site: TestSite, articles: list[Article]) -> str:
    items = "".join(
        f'<item rdf:about="{_x(site.url(a.path))}"><title>{_x(a.title)}</title><link>{_x(site.url(a.path))}</link>'
        f"<dc:date>{a.newest.isoformat()}</dc:date></item>"
        for a in articles
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="{site.url("/")}"><title>{site.id}</title></channel>{items}</rdf:RDF>')  # fmt: skip


def atom(site: TestSite, articles: list[Article]) -> str:
    entries = "".join(
        f'<entry><title>{_x(a.title)}</title><link rel="alternate" href="{_x(site.url(a.path))}"/>'
        f"<id>{_x(site.url(a.path))}</id><published>{a.published.isoformat()}</published>"
        f"<updated>{a.newest.isoformat()}</updated></entry>"
        for a in articles
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{site.id}</title><updated>{NOW.isoformat()}</updated>{entries}</feed>")  # fmt: skip


def urlset(site: TestSite, articles: list[Article], *, news: bool = False) -> str:
    def entry(a: Article) -> str:
        extra = ""
        if news:
            extra = (f"<news:news><news:publication><news:name>{site.id}</news:name><news:language>ar"
                     f"</news:language></news:publication><news:publication_date>{a.published.isoformat()}"
                     f"</news:publication_date><news:title>{_x(a.title)}</news:title></news:news>")  # fmt: skip
        else:
            extra = f"<lastmod>{a.newest.isoformat()}</lastmod>"
        return f"<url><loc>{_x(site.url(a.path))}</loc>{extra}</url>"

    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>'
            + "".join(entry(a) for a in articles) + "</urlset>")  # fmt: skip


def sitemapindex(site: TestSite, children: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{_x(site.url(c))}</loc><lastmod>{NOW.isoformat()}</lastmod></sitemap>"
                    for c in children)  # fmt: skip
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{items}</sitemapindex>")  # fmt: skip


def homepage(site: TestSite, feeds: list[str]) -> str:
    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="{_x(f)}">' for f in feeds)
    items = "".join(f'<li><a href="{_x(a.path)}">{_x(a.title)}</a></li>' for a in site.articles)
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{site.id}</title>{links}'
            f'</head><body><ul>{items}</ul><a href="/tag/economy">اقتصاد</a></body></html>')  # fmt: skip


def article_page(site: TestSite, a: Article) -> str:
    # Every article needs text of its own: the archive folds identical bodies into one row.
    body = "".join(f"<p>{_x(a.title)}. {PARAGRAPH} ({n})</p>" for n in range(1, 5))
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{_x(a.title)}</title>'
            f'<meta property="og:title" content="{_x(a.title)}"><meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{a.published.isoformat()}">'
            f'<link rel="canonical" href="{_x(site.url(a.path))}"></head><body><article><h1>{_x(a.title)}</h1>'
            f'<time datetime="{a.published.isoformat()}">{a.published:%Y-%m-%d}</time>{body}</article>'
            "</body></html>")  # fmt: skip


def broken_page(a: Article) -> str:
    """A page with no article in it: what a site serves when its templates changed or a paywall went up."""
    return f'<!doctype html><html><head><meta charset="utf-8"><title>{_x(a.title)}</title></head><body></body></html>'


CHALLENGE_PAGE = (
    b"<!doctype html><html><head><title>Just a moment...</title></head><body>"
    b'<div id="cf-chl-widget">Checking your browser before accessing the site.</div></body></html>'
)


# -- serving ------------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10

    def do_GET(self) -> None:
        site = self.server.site
        arrived, arrived_wall = time.monotonic(), time.time()
        site._enter()
        status = 500
        try:
            path = unquote(urlsplit(self.path).path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, out, body = site.answer(path, headers)
            if site.hold:
                time.sleep(site.hold)
        finally:
            # Leave before writing: once the client has the last byte it may start its next request, and that one
            # must not find this one still counted.
            site._leave(Hit(path, status, arrived, arrived_wall, time.monotonic(), headers))
        self.send_response(status)
        for name, value in out.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are recorded in ``TestSite.hits``."""


class _Server(LoopbackServer):
    def __init__(self, address: tuple[str, int], site: TestSite) -> None:
        self.site = site
        super().__init__(address, _Handler)


@dataclass
class Entry:
    """How a site appears in the registry file."""

    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    concurrency: int | None = None
    delay: float | None = None
    article_urls: list[str] = field(default_factory=list)
    ignore_urls: list[str] = field(default_factory=list)


class SiteServer:
    """Serves several test sites, each on its own ``127.0.0.N`` and a free port; a context manager."""

    def __init__(self, host_base: int = 40) -> None:
        self.host_base = host_base
        self.sites: dict[str, TestSite] = {}
        self.entries: dict[str, Entry] = {}
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    def add(self, site_id: str, articles: Iterable[Article] = (), *, hold: float = 0.0) -> TestSite:
        """A new site; call before ``start()``."""
        host = f"127.0.0.{self.host_base + len(self.sites)}"
        site = TestSite(site_id, host, articles, hold=hold)
        self.sites[site_id] = site
        self.entries[site_id] = Entry()
        return site

    def entry(self, site_id: str) -> Entry:
        return self.entries[site_id]

    def start(self) -> None:
        for site in self.sites.values():
            server = _Server((site.host, 0), site)
            site.base_url = f"http://{site.host}:{server.server_address[1]}"
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
        for server in self._servers:
            server.drop_connections()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> SiteServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        for site in self.sites.values():
            site.reset()

    def total_requests(self) -> int:
        return sum(len(site.hits) for site in self.sites.values())

    def write_registry(self, path: Path) -> Path:
        """A registry TOML with one entry per site (feeds and sitemaps as absolute URLs)."""
        chunks = []
        for site_id, site in self.sites.items():
            entry = self.entries[site_id]
            lines = ["[[sites]]", f'id = "{site_id}"', f'name = "موقع {site_id}"', f'name_en = "Test {site_id}"',
                     f'url = "{site.url("/")}"', 'country = "LB"']  # fmt: skip
            if entry.feeds:
                lines.append("feeds = [" + ", ".join(f'"{site.url(p)}"' for p in entry.feeds) + "]")
            if entry.sitemaps:
                lines.append("sitemaps = [" + ", ".join(f'"{site.url(p)}"' for p in entry.sitemaps) + "]")
            if entry.concurrency is not None:
                lines.append(f"concurrency = {entry.concurrency}")
            if entry.delay is not None:
                lines.append(f"delay = {entry.delay}")
            for key in ("article_urls", "ignore_urls"):
                if getattr(entry, key):  # JSON strings are TOML basic strings
                    lines.append(f"{key} = {json.dumps(getattr(entry, key), ensure_ascii=False)}")
            chunks.append("\n".join(lines))
        path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")
        return path
