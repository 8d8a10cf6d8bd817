"""A fault-injecting news site on loopback: good articles beside every kind of bad answer a publisher's server
gives. Each path's behaviour is a function (``__BASE__`` in a body becomes the server's own base URL); every
request is recorded with its time, so tests can check how the crawler treated each fault (retried, waited,
gave up, never followed)."""

from __future__ import annotations

import gzip
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawler.demo.server import LoopbackServer

PARAGRAPHS = [
    "أعلنت وزارة الصحة في بيان رسمي، اليوم الثلاثاء، عن إطلاق حملة وطنية للتطعيم تستهدف الأطفال دون سن الخامسة في "
    "جميع المحافظات، بمشاركة آلاف الفرق الطبية المتنقلة.",
    "وقال وزير الصحة في مؤتمر صحفي إن الحملة تستمر أسبوعين، وإن الوزارة وفرت كميات كافية من اللقاحات بالتعاون مع "
    "منظمة الصحة العالمية ومنظمة الأمم المتحدة للطفولة.",
    "ودعا الوزير الأهالي إلى التعاون مع الفرق الصحية، مؤكدا أن اللقاحات آمنة ومجانية، وأن الفرق ستزور المنازل في "
    "المناطق النائية التي يصعب على سكانها الوصول إلى المراكز الصحية.",
]


def article_html(title: str, paragraphs: list[str], *, charset: str | None = "utf-8", extra: str = "") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head>{meta}<title>{title} | موقع الاختبار</title>'
        '<meta property="article:published_time" content="2024-05-14T10:00:00+03:00"></head><body>'
        '<header><nav><a href="/">الرئيسية</a> <a href="/category/health">صحة</a></nav></header>'
        f'<main><article><h1>{title}</h1><time datetime="2024-05-14T10:00:00+03:00">14 مايو 2024</time>'
        f'<div class="entry-content">{body}</div>{extra}</article></main>'
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    )


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    cut_to: int | None = None
    """Send only this many bytes of the body (with the full Content-Length), then close."""


@dataclass(frozen=True)
class Hit:
    host: str
    path: str
    status: int
    at: float


Behaviour = Callable[[int], Reply]
"""Called with how many times the path was asked for before (0 the first time)."""


class FaultServer:
    """Serves ``routes`` (path → behaviour) on ``host``; counts requests per path."""

    def __init__(self, routes: dict[str, Behaviour], host: str = "127.0.0.21") -> None:
        self.routes = routes
        self.host = host
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = unquote(urlsplit(self.path).path)
                with server._lock:
                    seen = sum(1 for h in server.hits if h.path == path and h.host == server.host)
                behaviour = server.routes.get(path)
                reply = behaviour(seen) if behaviour else Reply(404, b"not found")
                reply.body = reply.body.replace(b"__BASE__", server.base.encode())
                with server._lock:
                    server.hits.append(Hit(server.host, path, reply.status, time.monotonic()))
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    if reply.cut_to is not None:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(reply.body if reply.cut_to is None else reply.body[: reply.cut_to])
                    if reply.cut_to is not None:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = LoopbackServer((host, 0), Handler)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.drop_connections()
        self.httpd.server_close()

    def requests_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]


def html(text: str, status: int = 200, charset: str | None = "utf-8", **headers: str) -> Behaviour:
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    encoded = text.encode(charset or "utf-8") if charset not in (None, "iso-8859-1") else text.encode("utf-8")
    return lambda _n: Reply(status, encoded, {"Content-Type": content_type, **headers})


def raw(body: bytes, content_type: str, status: int = 200) -> Behaviour:
    return lambda _n: Reply(status, body, {"Content-Type": content_type})


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"<html><body>" + b" " * size + b"</body></html>", compresslevel=9)


def rss_listing(paths: list[str]) -> Behaviour:
    """An RSS feed listing ``paths`` of the server it is served from, undated."""
    items = "".join(f"<item><title>t</title><link>__BASE__{path}</link></item>" for path in paths)
    return raw(f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(), "application/rss+xml")


def write_one_site_registry(path: Path, site_id: str, name: str, server: FaultServer, country: str, tz: str) -> Path:
    """A registry of one site on ``server``, discovered through its ``/feed.xml``."""
    path.write_text(
        f'[[sites]]\nid = "{site_id}"\nname = "{name}"\nname_en = "{site_id.title()}"\nurl = "{server.base}/"\n'
        f'country = "{country}"\ntimezone = "{tz}"\nfeeds = ["{server.base}/feed.xml"]\n',
        encoding="utf-8",
    )
    return path


def last_run_stats(db: Path) -> dict[str, object]:
    """The stats the last run recorded in the archive at ``db``."""
    conn = sqlite3.connect(db)
    try:
        return dict(json.loads(conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]))
    finally:
        conn.close()
