"""A generated Arabic news site for the crawl benchmarks, and the threaded loopback server that serves it.

``generate(root, pages, seed)`` writes, deterministically from ``seed``, ``pages`` article pages that look like
a real Arabic news site's: header, navigation and breaking-news ticker, breadcrumb, headline, stand-first,
byline and date, a figure with an image and caption, 300–1,500 words of Arabic body with an inline "read also"
box, tags, share bar, related-articles cards, a most-read sidebar, a newsletter form and a long footer;
OpenGraph and article meta on every page and a JSON-LD ``NewsArticle`` on about half. About 4% of the pages
re-run an earlier story with light edits (wire copy republished), as real sites do. Next to the pages:
``sitemap.xml`` (one sitemap, or an index of sitemaps of at most 50,000 URLs each), ``feed.xml`` (RSS 2.0, the
latest 100) and ``robots.txt``.

``serve(root)`` serves the directory with a ``ThreadingHTTPServer`` (HTTP/1.1 keep-alive, daemon threads, no
request logging, a listen backlog of ``--backlog``); ``start_server`` runs it in a separate process so the
server never competes for the crawl's interpreter. By hand::

    python benchmarks/sitegen.py generate /tmp/site --pages 5000
    python benchmarks/sitegen.py serve /tmp/site --port 8000 --backlog 256
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus_text import TextGenerator, edit_words

SITE_VERSION = 2
"""Bumped whenever generated pages change, so that kept sites (``--keep``) are generated again."""
SITE_ID = "benchnews"
SITE_NAME = "أخبار المشرق اليوم"
SITE_NAME_EN = "Mashreq News Today"
SITEMAP_LIMIT = 50_000
FEED_ITEMS = 100
COPY_SHARE = 0.04
JSONLD_SHARE = 0.5
TZ = timezone(timedelta(hours=3))
START = datetime(2026, 1, 1, 6, 0, tzinfo=TZ)
SECTIONS = (
    ("politics", "سياسة"), ("economy", "اقتصاد"), ("world", "العالم"), ("sports", "رياضة"),
    ("culture", "ثقافة"), ("health", "صحة"), ("tech", "تكنولوجيا"), ("local", "محليات"),
)  # fmt: skip
NAV_EXTRA = (
    "الرئيسية", "آخر الأخبار", "تقارير", "حوارات", "مقالات الرأي", "منوعات", "فيديو", "صور", "إنفوغراف",
    "بودكاست", "الطقس", "أسعار العملات", "مواقيت الصلاة", "من نحن", "اتصل بنا", "أعلن معنا", "سياسة الخصوصية",
)  # fmt: skip
AUTHORS = (
    "محمد العلي", "سارة الخطيب", "أحمد منصور", "ليلى حداد", "يوسف الشامي", "رنا القاسم", "خالد عبد الله",
    "هبة النجار", "عمر الحسيني", "نور الهدى سليمان",
)  # fmt: skip
CITIES = ("دمشق", "بيروت", "عمّان", "القاهرة", "بغداد", "الرياض", "الدوحة", "تونس", "الرباط", "غزة")
AGENCIES = ("(رويترز)", "(أ ف ب)", "(الأناضول)", "(د ب أ)")


@dataclass
class Page:
    """One generated article and where it is served."""

    number: int
    path: str
    title: str
    description: str
    paragraphs: list[str]
    section: tuple[str, str]
    author: str
    published: datetime
    jsonld: bool
    tags: list[str]


class Writer:
    """Arabic text with TextGenerator's vocabulary and Zipf weights, drawn with cumulative weights (fast).

    The base vocabulary (about 2,000 words) is widened with the clitics and suffixes Arabic words carry
    (و، ب، ل، ال … ها، هم، ات، ين), about 80,000 forms in all: with the base words alone, two unrelated
    1,000-word articles share a fifth of their word pairs, far above real news (a few percent), which would
    make every article a near-duplicate candidate of every other in the store's MinHash/LSH index.
    """

    PREFIXES = ("", "و", "ب", "ل", "ف", "وال", "بال", "لل", "ك")
    SUFFIXES = ("", "ها", "هم", "ه", "ات", "ين", "ون", "ية", "كم")

    def __init__(self, seed: int) -> None:
        base = TextGenerator(seed)
        forms = [p + w + x for w in base.words for p in self.PREFIXES for x in self.SUFFIXES]
        random.Random(seed).shuffle(forms)
        self.words = list(dict.fromkeys(base.words[:300] + forms))
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) ** 1.0 for rank in range(len(self.words))))
        self.random = random.Random(seed)

    def sentence(self, low: int = 8, high: int = 22) -> str:
        count = self.random.randint(low, high)
        return " ".join(self.random.choices(self.words, cum_weights=self.cum, k=count)) + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.random.randint(2, 4)))

    def body(self, words: int) -> list[str]:
        paragraphs: list[str] = []
        total = 0
        while total < words:
            paragraphs.append(self.paragraph())
            total += paragraphs[-1].count(" ") + 1
        return paragraphs

    def title(self) -> str:
        return self.sentence(5, 10).rstrip(".")


def _pages(count: int, seed: int) -> Iterator[Page]:
    writer = Writer(seed)
    rng = writer.random
    originals: list[Page] = []
    for number in range(1, count + 1):
        published = START + timedelta(minutes=7 * number + rng.randint(0, 5))
        section = rng.choice(SECTIONS)
        path = f"/{section[0]}/{published:%Y/%m/%d}/{number}.html"
        if originals and rng.random() < COPY_SHARE:
            source = rng.choice(originals[-500:])
            paragraphs = [edit_words(p, 0.05, rng, writer.words) for p in source.paragraphs]
            title = source.title + " " + rng.choice(("(محدّث)", "- تفاصيل", "- بالصور"))
        else:
            paragraphs = writer.body(rng.randint(300, 1500))
            title = writer.title()
        if rng.random() < 0.3:
            paragraphs[0] = f"{rng.choice(CITIES)} {rng.choice(AGENCIES)} - {paragraphs[0]}"
        description = writer.sentence(18, 30)
        page = Page(
            number=number,
            path=path,
            title=title,
            description=description,
            paragraphs=paragraphs,
            section=section,
            author=rng.choice(AUTHORS),
            published=published,
            jsonld=rng.random() < JSONLD_SHARE,
            tags=[writer.sentence(1, 2).rstrip(".") for _ in range(rng.randint(2, 5))],
        )
        originals.append(page)
        if len(originals) > 1000:
            del originals[:500]
        yield page


# -- markup ------------------------------------------------------------------------------------------------------


def _nav(rng: random.Random) -> str:
    items = [f'<li class="menu-item"><a href="/{slug}/">{name}</a></li>' for slug, name in SECTIONS]
    items += [f'<li class="menu-item"><a href="/p/{i}/">{name}</a></li>' for i, name in enumerate(NAV_EXTRA)]
    ticker = "".join(
        f'<li><a href="/{rng.choice(SECTIONS)[0]}/latest/{rng.randint(1, 99999)}.html">{escape(t)}</a></li>'
        for t in ("عاجل: " + x for x in ("اجتماع طارئ لمجلس الوزراء", "ارتفاع أسعار الذهب", "انقطاع الكهرباء"))
    )
    return (
        '<header id="site-header" class="site-header"><div class="top-bar"><span class="date-today">'
        'الأحد 29 نوفمبر 2026</span><ul class="social-top"><li><a href="https://facebook.com/mashreq">فيسبوك'
        '</a></li><li><a href="https://x.com/mashreq">إكس</a></li><li><a href="https://t.me/mashreq">تيليغرام'
        '</a></li></ul></div><div class="logo"><a href="/" rel="home"><img src="/static/logo.svg" alt="'
        f'{SITE_NAME}" width="220" height="60"></a></div><nav class="main-nav" aria-label="القائمة الرئيسية">'
        f'<ul class="menu">{"".join(items)}</ul></nav><div class="breaking-news"><span class="breaking-title">'
        f'عاجل</span><ul class="ticker">{ticker}</ul></div><form class="search-form" action="/search/">'
        '<input type="search" name="q" placeholder="ابحث في الموقع"><button type="submit">بحث</button>'
        "</form></header>"
    )


def _related(rng: random.Random, writer_titles: list[str]) -> str:
    cards = "".join(
        f'<article class="card"><a href="/{rng.choice(SECTIONS)[0]}/2026/01/01/{rng.randint(1, 99999)}.html">'
        f'<img src="/static/thumbs/{rng.randint(1, 500)}.jpg" alt="" loading="lazy" width="300" height="170">'
        f'<h3 class="card-title">{escape(t)}</h3></a><span class="card-date">منذ {rng.randint(1, 23)} ساعة</span>'
        "</article>"
        for t in writer_titles[:6]
    )
    return f'<section class="related-posts"><h2 class="block-title">مقالات ذات صلة</h2>{cards}</section>'


def _sidebar(rng: random.Random, titles: list[str]) -> str:
    items = "".join(
        f'<li><span class="rank">{i + 1}</span><a href="/news/2026/01/01/{rng.randint(1, 99999)}.html">'
        f"{escape(t)}</a></li>"
        for i, t in enumerate(titles)
    )
    return (
        f'<aside class="sidebar"><div class="widget most-read"><h2 class="widget-title">الأكثر قراءة</h2>'
        f'<ol>{items}</ol></div><div class="widget newsletter"><h2 class="widget-title">النشرة البريدية</h2>'
        "<p>اشترك في نشرتنا البريدية ليصلك أهم الأخبار يوميا</p><form action=\"/newsletter/\" method=\"post\">"
        '<input type="email" name="email" placeholder="بريدك الإلكتروني"><button>اشترك</button></form></div>'
        '<div class="widget ad"><div class="ad-slot" id="div-gpt-ad-sidebar" data-size="300x250"></div></div></aside>'
    )


def _footer() -> str:
    columns = "".join(
        f'<div class="footer-col"><h4>{name}</h4><ul>'
        + "".join(f'<li><a href="/{slug}/{i}/">{name} {i}</a></li>' for i in range(1, 7))
        + "</ul></div>"
        for slug, name in SECTIONS
    )
    return (
        f'<footer id="footer" class="site-footer"><div class="footer-widgets">{columns}</div>'
        '<div class="footer-bottom"><ul class="footer-links"><li><a href="/about-us/">من نحن</a></li>'
        '<li><a href="/contact-us/">اتصل بنا</a></li><li><a href="/privacy-policy/">سياسة الخصوصية</a></li>'
        '<li><a href="/terms/">شروط الاستخدام</a></li></ul><p class="copyright">جميع الحقوق محفوظة © 2026 '
        f"{SITE_NAME}. يمنع نسخ أو إعادة نشر المحتوى دون إذن مسبق.</p></div></footer>"
    )


_SCRIPTS = (
    '<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag("js",new Date());'
    'gtag("config","G-XXXXXXX");</script>\n'
    '<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>\n'
    '<script>var siteConfig=' + json.dumps({"ads": {f"slot{i}": [300, 250] for i in range(40)}, "lang": "ar",
                                            "features": ["lazy", "amp", "dark"] * 20}) + ";</script>\n"
)


def render(page: Page, base: str, rng: random.Random, titles: list[str]) -> str:
    url = base + page.path
    image = f"{base}/uploads/{page.published:%Y/%m}/{page.number}.jpg"
    iso = page.published.isoformat()
    jsonld = ""
    if page.jsonld:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": page.title,
            "description": page.description,
            "image": {"@type": "ImageObject", "url": image, "width": 1200, "height": 675},
            "datePublished": iso,
            "dateModified": iso,
            "author": {"@type": "Person", "name": page.author},
            "publisher": {"@type": "Organization", "name": SITE_NAME,
                          "logo": {"@type": "ImageObject", "url": base + "/static/logo.png"}},
            "articleSection": page.section[1],
            "keywords": ", ".join(page.tags),
            "inLanguage": "ar",
        }
        jsonld = f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
    body = []
    read_also_at = len(page.paragraphs) // 2
    for i, text in enumerate(page.paragraphs):
        if i == read_also_at:
            body.append(
                f'<div class="read-also"><span>اقرأ أيضا:</span> <a href="/{page.section[0]}/2026/01/01/'
                f'{rng.randint(1, 99999)}.html">{escape(titles[-1])}</a></div>'
            )
        if i == 1 and rng.random() < 0.3:
            body.append(f"<h2>{escape(titles[-2])}</h2>")
        body.append(f"<p>{escape(text)}</p>")
    tags = "".join(f'<a href="/tag/{i}/" rel="tag">{escape(t)}</a>' for i, t in enumerate(page.tags))
    share = "".join(
        f'<a class="share-{name}" href="https://{name}.com/share?u={url}" rel="nofollow">{label}</a>'
        for name, label in (("facebook", "فيسبوك"), ("twitter", "تويتر"), ("whatsapp", "واتساب"),
                            ("telegram", "تيليغرام"))
    )
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(page.title)} | {SITE_NAME}</title>
<meta name="description" content="{escape(page.description)}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{escape(page.title)}">
<meta property="og:description" content="{escape(page.description)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{image}">
<meta property="article:published_time" content="{iso}">
<meta property="article:section" content="{page.section[1]}">
<meta name="twitter:card" content="summary_large_image">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="{base}/feed.xml">
<link rel="stylesheet" href="/static/css/main.min.css?v=4.2.1">
<link rel="stylesheet" href="/static/css/article-rtl.min.css?v=4.2.1">
<link rel="preload" href="/static/fonts/noto-naskh-arabic.woff2" as="font" crossorigin>
{jsonld}{_SCRIPTS}</head>
<body class="single single-post rtl">
{_nav(rng)}
<div class="container"><main id="main" class="site-main">
<nav class="breadcrumb" aria-label="breadcrumb"><a href="/">الرئيسية</a> &rsaquo; <a href="/{page.section[0]}/">\
{page.section[1]}</a></nav>
<article class="post-{page.number} post type-post">
<header class="entry-header"><span class="post-cat"><a href="/{page.section[0]}/">{page.section[1]}</a></span>
<h1 class="entry-title">{escape(page.title)}</h1>
<p class="standfirst">{escape(page.description)}</p>
<div class="entry-meta"><span class="byline">بقلم <a href="/author/{page.author.split()[0]}/">{page.author}</a></span>
<time class="published" datetime="{iso}">{page.published:%Y/%m/%d %H:%M}</time></div></header>
<figure class="featured-image"><img src="{image}" alt="{escape(page.title)}" width="1200" height="675">
<figcaption>{escape(titles[0])} (الصورة: رويترز)</figcaption></figure>
<div class="entry-content">
{chr(10).join(body)}
</div>
<div class="post-tags"><span>الوسوم:</span>{tags}</div>
<div class="share-bar"><span>شارك:</span>{share}<button class="copy-link">نسخ الرابط</button></div>
</article>
{_related(rng, titles)}
<section class="comments"><h2>التعليقات</h2><p>لا توجد تعليقات بعد. كن أول من يعلق.</p>
<form class="comment-form"><textarea name="comment"></textarea><button>أرسل</button></form></section>
</main>{_sidebar(rng, titles[6:])}</div>
{_footer()}
<script src="/static/js/main.min.js?v=4.2.1" defer></script>
</body>
</html>
"""


# -- the site ----------------------------------------------------------------------------------------------------


def _lastmod(moment: datetime) -> str:
    return moment.isoformat()


def generate(root: Path, pages: int, seed: int = 5, base: str = "") -> dict[str, Any]:
    """Write the site under ``root``; links are root-relative, absolute ones (canonical, sitemap) use ``base``.

    ``base`` is usually left empty and the server fills it in: it rewrites ``__BASE__`` in the files it serves.
    """
    base = base or "__BASE__"
    root.mkdir(parents=True, exist_ok=True)
    side = random.Random(seed + 1)
    titles_writer = Writer(seed + 2)
    entries: list[tuple[str, datetime, str, str]] = []
    total_bytes = 0
    words = 0
    for page in _pages(pages, seed):
        titles = [titles_writer.title() for _ in range(16)]
        html = render(page, base, side, titles)
        target = root / page.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        target.write_bytes(data)
        total_bytes += len(data)
        words += sum(p.count(" ") + 1 for p in page.paragraphs)
        entries.append((page.path, page.published, page.title, page.description))
    _write_sitemaps(root, base, entries)
    _write_feed(root, base, entries[-FEED_ITEMS:])
    (root / "robots.txt").write_text(f"User-agent: *\nDisallow: /search/\nSitemap: {base}/sitemap.xml\n")
    info = {"pages": pages, "seed": seed, "bytes": total_bytes, "words": words}
    (root / "site.json").write_text(json.dumps(info))
    return info


def _write_sitemaps(root: Path, base: str, entries: list[tuple[str, datetime, str, str]]) -> None:
    def urlset(chunk: list[tuple[str, datetime, str, str]]) -> str:
        urls = "".join(f"<url><loc>{base}{path}</loc><lastmod>{_lastmod(moment)}</lastmod></url>\n"
                       for path, moment, _, _ in chunk)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')

    if len(entries) <= SITEMAP_LIMIT:
        (root / "sitemap.xml").write_text(urlset(entries), encoding="utf-8")
        return
    children = []
    for n, start in enumerate(range(0, len(entries), SITEMAP_LIMIT), 1):
        chunk = entries[start : start + SITEMAP_LIMIT]
        (root / f"sitemap-{n}.xml").write_text(urlset(chunk), encoding="utf-8")
        children.append(f"<sitemap><loc>{base}/sitemap-{n}.xml</loc><lastmod>{_lastmod(chunk[-1][1])}</lastmod>"
                         "</sitemap>\n")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{''.join(children)}</sitemapindex>\n",
        encoding="utf-8",
    )


def _write_feed(root: Path, base: str, latest: list[tuple[str, datetime, str, str]]) -> None:
    from email.utils import format_datetime

    items = "".join(
        f"<item><title>{escape(title)}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>{format_datetime(moment.astimezone(UTC))}</pubDate><description>{escape(desc)}</description>"
        "</item>\n"
        for path, moment, title, desc in reversed(latest)
    )
    (root / "feed.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{SITE_NAME}</title><link>{base}/</link><description>آخر الأخبار</description><language>ar</language>\n"
        f"{items}</channel></rss>\n",
        encoding="utf-8",
    )


def registry_toml(base: str) -> str:
    """The registry entry of the generated site served at ``base``."""
    return (
        f'[[sites]]\nid = "{SITE_ID}"\nname = "{SITE_NAME}"\nname_en = "{SITE_NAME_EN}"\nurl = "{base}/"\n'
        f'country = "SY"\nlanguage = "ar"\ntimezone = "Asia/Damascus"\nfeeds = ["{base}/feed.xml"]\n'
        f'sitemaps = ["{base}/sitemap.xml"]\n'
    )


# -- the server --------------------------------------------------------------------------------------------------

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


def make_server(root: Path, port: int, backlog: int) -> ThreadingHTTPServer:
    """A threaded server of ``root`` on 127.0.0.1:``port`` (0: any free port) that fills in ``__BASE__``."""
    directory = str(root)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = backlog
        allow_reuse_address = True

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **_TYPES}  # noqa: RUF012 - the base's name

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=directory, **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = self.translate_path(self.path)
            if not os.path.isfile(path):
                self.send_error(404)
                return
            with open(path, "rb") as handle:
                data = handle.read().replace(b"__BASE__", base)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = Server(("127.0.0.1", port), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}".encode()
    return server


def serve(root: Path, port: int = 0, backlog: int = 1024) -> None:
    """Serve forever, after printing the base URL on stdout (how ``start_server`` learns the port)."""
    server = make_server(root, port, backlog)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def start_server(root: Path, backlog: int) -> tuple[subprocess.Popen[str], str]:
    """Start ``serve`` in a child process; returns the process and the base URL it serves."""
    process = subprocess.Popen(
        [sys.executable, __file__, "serve", str(root), "--backlog", str(backlog)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    base = process.stdout.readline().strip()
    if not base.startswith("http://"):
        process.kill()
        raise RuntimeError("the site server did not start")
    return process, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate")
    gen.add_argument("root", type=Path)
    gen.add_argument("--pages", type=int, default=5000)
    gen.add_argument("--seed", type=int, default=5)
    srv = commands.add_parser("serve")
    srv.add_argument("root", type=Path)
    srv.add_argument("--port", type=int, default=0)
    srv.add_argument("--backlog", type=int, default=1024)
    args = parser.parse_args()
    if args.command == "generate":
        print(json.dumps(generate(args.root, args.pages, args.seed)))
    else:
        serve(args.root, args.port, args.backlog)


if __name__ == "__main__":
    main()
