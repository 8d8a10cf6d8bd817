"""The bundled demo sites as served over HTTP: discovery files, article pages, HTTP semantics, fixtures."""

from __future__ import annotations

import gzip
import html
import http.client
import json
import re
import socket
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest

from crawler.agencies import AGENCIES
from crawler.demo.server import DEMO_ROOT, DemoServer
from crawler.registry import RegistryError, parse_registry
from tools.demo.build import differences

pytestmark = pytest.mark.slow  # serves the demo sites for the module (three data checks ride along)

FIXTURES = Path(__file__).parent / "fixtures" / "demo"
SEED = FIXTURES / "demo-humanvoice_seed_article.txt"  # the sample article, visible text as a reader sees it
SITE_IDS = ("demo-humanvoice", "demo-qabas", "demo-sharq")
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
KEYS = ["path", "canonical_path", "title", "body", "dateline", "published", "modified", "authors", "category",
        "tags", "image", "agencies", "story"]


def expected(site: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / f"{site}.json").read_text(encoding="utf-8"))


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None,
          raw_path: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request with http.client (no redirects, no 304-as-error, paths sent exactly as given)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        target = raw_path if raw_path is not None else (parts.path or "/")
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


def get(demo: DemoServer, site: str, path: str, **kw: Any) -> tuple[int, dict[str, str], bytes]:
    return fetch(demo.base_urls[site] + path, **kw)


def local_paths(demo: DemoServer, site: str, urls: list[str]) -> list[str]:
    base = demo.base_urls[site]
    assert all(u.startswith(base + "/") for u in urls), urls
    return [u[len(base):] for u in urls]


def test_sites_get_their_own_loopback_addresses_in_id_order(demo: DemoServer) -> None:
    assert list(demo.base_urls) == list(SITE_IDS)
    hosts = [urlsplit(url).hostname for url in demo.base_urls.values()]
    assert hosts == ["127.0.0.11", "127.0.0.12", "127.0.0.13"]
    assert not any(url.endswith("/") for url in demo.base_urls.values())


def test_registry_entries_parse_with_served_urls(demo: DemoServer, tmp_path: Path) -> None:
    registry = parse_registry(demo.write_registry(tmp_path / "sites.toml").read_text(encoding="utf-8"))
    assert sorted(registry.sites) == sorted(SITE_IDS)
    for site in registry:
        assert site.url == demo.base_urls[site.id] + "/"
        for source in (*site.feeds, *site.sitemaps):
            assert source.startswith(demo.base_urls[site.id] + "/")
            assert get(demo, site.id, urlsplit(source).path)[0] == 200
    assert registry.sites["demo-sharq"].feeds == ()
    assert [urlsplit(u).path for u in registry.sites["demo-sharq"].sitemaps] == ["/sitemap_index.xml",
                                                                                   "/news-sitemap.xml"]
    assert registry.sites["demo-humanvoice"].tz.key == "Europe/Istanbul"
    # Each site.toml is a registry of its own once the placeholder is filled, for the demo only (demo- ids).
    for site_id in SITE_IDS:
        text = (DEMO_ROOT / site_id / "site.toml").read_text(encoding="utf-8").replace("__BASE__", "http://127.0.0.1:9")
        assert list(parse_registry(text, allow_demo=True).sites) == [site_id]
        with pytest.raises(RegistryError, match="reserved for the bundled demo"):
            parse_registry(text)


def test_fixtures_are_complete_and_use_known_agencies() -> None:
    minimum = {"demo-humanvoice": 5, "demo-qabas": 5, "demo-sharq": 6}
    for site in SITE_IDS:
        records = expected(site)
        assert len(records) >= minimum[site]
        for record in records:
            assert list(record) == KEYS
            assert record["published"].startswith("2024-05-")
            assert re.search(r"[+-]\d\d:\d\d$", record["published"])
            assert record["body"].count("\n") >= 3, record["path"]
            assert record["body"] == record["body"].strip()
            assert unicodedata.is_normalized("NFC", record["body"] + record["title"])
            assert all(a in AGENCIES for a in record["agencies"])
            assert not any(a.startswith("كتب") for a in record["authors"])


def test_one_wire_story_is_carried_by_two_sites_with_different_spelling() -> None:
    copies = [(site, r) for site in SITE_IDS for r in expected(site) if r["story"] == "wire-1"]
    assert sorted(site for site, _ in copies) == ["demo-qabas", "demo-sharq"]
    (_, a), (_, b) = copies
    assert a["agencies"] == b["agencies"] == ["afp"]
    assert a["body"] != b["body"] and a["dateline"] != b["dateline"]
    assert "الأمم المتحدة" in b["body"] and "الامم المتحدة" in a["body"]  # demo-qabas drops the hamza
    assert "ـ" in a["body"] and "حذّرت" in b["body"]  # tatweel in one copy, shadda in the other
    other = [r["story"] for site in SITE_IDS for r in expected(site) if r["story"] not in (None, "wire-1")]
    assert other == []


def test_humanvoice_feed_lists_exactly_the_articles(demo: DemoServer) -> None:
    status, headers, body = get(demo, "demo-humanvoice", "/feed/")
    assert status == 200 and headers["content-type"] == "application/rss+xml"
    channel = ET.fromstring(body).find("channel")
    assert channel is not None
    links = [item.findtext("link") or "" for item in channel.iter("item")]
    records = expected("demo-humanvoice")
    assert sorted(local_paths(demo, "demo-humanvoice", links)) == sorted(r["path"] for r in records)
    titles = {item.findtext("title") for item in channel.iter("item")}
    assert titles == {r["title"] for r in records}
    assert all(item.findtext(f"{{{NS['content']}}}encoded") for item in channel.iter("item"))


def test_qabas_feed_is_windows_1256_and_lists_exactly_the_articles(demo: DemoServer) -> None:
    status, headers, body = get(demo, "demo-qabas", "/rss.xml")
    assert status == 200 and headers["content-type"] == "application/rss+xml"
    assert body.startswith(b'<?xml version="1.0" encoding="windows-1256"?>')
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    channel = ET.fromstring(body).find("channel")
    assert channel is not None
    items = list(channel.iter("item"))
    records = expected("demo-qabas")
    links = [i.findtext("link") or "" for i in items]
    assert sorted(local_paths(demo, "demo-qabas", links)) == sorted(r["path"] for r in records)
    assert {i.findtext("title") for i in items} == {r["title"] for r in records}
    assert all(i.findtext("pubDate") for i in items)


def test_sharq_is_discovered_through_robots_and_sitemaps(demo: DemoServer) -> None:
    paths = sorted(r["path"] for r in expected("demo-sharq"))
    status, headers, robots = get(demo, "demo-sharq", "/robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    listed = re.findall(r"^Sitemap: (\S+)$", robots.decode(), re.M)
    assert local_paths(demo, "demo-sharq", listed) == ["/sitemap_index.xml", "/news-sitemap.xml"]

    index = ET.fromstring(get(demo, "demo-sharq", "/sitemap_index.xml")[2])
    monthly = [loc.text or "" for loc in index.iterfind("sm:sitemap/sm:loc", NS)]
    assert local_paths(demo, "demo-sharq", monthly) == ["/sitemaps/2024-05.xml.gz"]
    assert index.findtext("sm:sitemap/sm:lastmod", namespaces=NS)
    status, headers, packed = get(demo, "demo-sharq", "/sitemaps/2024-05.xml.gz")
    assert status == 200 and headers["content-type"] == "application/x-gzip"
    urlset = ET.fromstring(gzip.decompress(packed))
    locs = [u.findtext("sm:loc", namespaces=NS) or "" for u in urlset.iterfind("sm:url", NS)]
    assert sorted(local_paths(demo, "demo-sharq", locs)) == paths
    assert all(u.findtext("sm:lastmod", namespaces=NS) for u in urlset.iterfind("sm:url", NS))

    news = ET.fromstring(get(demo, "demo-sharq", "/news-sitemap.xml")[2])
    urls = list(news.iterfind("sm:url", NS))
    locs = [u.findtext("sm:loc", namespaces=NS) or "" for u in urls]
    assert sorted(local_paths(demo, "demo-sharq", locs)) == paths
    for url in urls:
        assert url.findtext("news:news/news:publication/news:language", namespaces=NS) == "ar"
        assert url.findtext("news:news/news:publication/news:name", namespaces=NS) == "الشرق اليوم"
        assert url.findtext("news:news/news:publication_date", namespaces=NS)
    titles = {u.findtext("news:news/news:title", namespaces=NS) for u in urls}
    assert titles == {r["title"] for r in expected("demo-sharq")}


@pytest.mark.parametrize("site", SITE_IDS)
def test_every_article_page_is_served_with_its_text(demo: DemoServer, site: str) -> None:
    for record in expected(site):
        for path in {record["path"], record["canonical_path"]}:
            status, headers, body = get(demo, site, path)
            assert status == 200, path
            charset = "windows-1256" if site == "demo-qabas" else "utf-8"
            page = html.unescape(body.decode(charset))
            assert record["title"] in page
            for paragraph in record["body"].split("\n"):
                assert paragraph in page, (path, paragraph)
            assert "__BASE__" not in page
            if site != "demo-qabas":
                canonical = f'<link rel="canonical" href="{demo.base_urls[site]}{record["canonical_path"]}"'
                assert canonical in page
                assert f'content="{record["published"]}"' in page  # article:published_time
        if record["image"]:
            status, headers, image = get(demo, site, record["image"])
            assert status == 200 and headers["content-type"] == "image/jpeg"
            assert image.startswith(b"\xff\xd8") and image.endswith(b"\xff\xd9")


def test_humanvoice_carries_the_seed_article_with_its_boilerplate(demo: DemoServer) -> None:
    seed_lines = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    record = next(r for r in expected("demo-humanvoice") if r["title"] == seed_lines[1])
    assert record["category"] == seed_lines[0] == "سياسة"
    start, end = seed_lines.index("هيومن فويس") + 1, seed_lines.index("الأناضول")
    assert record["body"] == "\n".join(seed_lines[start:end])
    assert record["agencies"] == ["anadolu"]
    assert record["path"].startswith("/2024/05/%d8%a7%d9%84")  # WordPress' lowercase-encoded Arabic slug
    page = get(demo, "demo-humanvoice", record["path"])[2].decode("utf-8")
    # The visible order of the seed: body, agency line, related articles (3 cards), comment form notice.
    positions = [page.index(s) for s in (seed_lines[end - 1], "<p>الأناضول</p>", "مقالات ذات صلة",
                                         "اترك تعليقاً", "لن يتم نشر عنوان بريدك الإلكتروني.")]
    assert positions == sorted(positions)
    assert page.count('class="related-item') == 3
    assert 'rel="category tag">سياسة</a>' in page
    assert '<h1 class="post-title entry-title">' in page
    assert "NewsArticle" not in page
    # The same page answers an upper-case percent-encoding of the path (decoded before lookup).
    assert get(demo, "demo-humanvoice", quote(unquote(record["path"])))[0] == 200


def test_humanvoice_archive_pages_are_not_articles(demo: DemoServer) -> None:
    category = "/category/%d8%b3%d9%8a%d8%a7%d8%b3%d8%a9/"  # /category/سياسة/
    tag = "/tag/%d8%a3%d8%b3%d8%aa%d8%a7%d9%86%d8%a9/"  # /tag/أستانة/
    for path in (category, tag, "/author/ahmad-alali/"):
        status, _, body = get(demo, "demo-humanvoice", path)
        assert status == 200, path
        page = body.decode("utf-8")
        assert "article:published_time" not in page and "entry-content" not in page
        assert 'og:type" content="website"' in page


def test_sharq_pages_carry_newsarticle_json_ld_and_a_suffixed_title(demo: DemoServer) -> None:
    graphs = 0
    for record in expected("demo-sharq"):
        page = get(demo, "demo-sharq", record["path"])[2].decode("utf-8")
        blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]
        nodes = [n for b in blocks for n in b.get("@graph", [b])]
        graphs += any("@graph" in b for b in blocks)
        article = next(n for n in nodes if n["@type"] == "NewsArticle")
        assert article["headline"] == record["title"]
        assert article["datePublished"] == record["published"]
        assert article.get("dateModified") == record["modified"]
        assert article["articleSection"] == record["category"]
        authors = article["author"] if isinstance(article["author"], list) else [article["author"]]
        assert [a["name"] for a in authors if a["@type"] == "Person"] == record["authors"]
        assert f"<title>{html.escape(record['title'], quote=False)} | الشرق اليوم</title>" in page
        assert re.search(r"<h1[^>]*>" + re.escape(html.escape(record["title"], quote=False)) + "</h1>", page)
        assert f'<time class="article__date" datetime="{record["published"]}">' in page
        for link in sorted(set(re.findall(r'href="[^"]*?(/(?:video|tag)/[^"]+)"', page))):
            status, _, linked = get(demo, "demo-sharq", link)
            assert status == 200, link
            assert b'"NewsArticle"' not in linked and b"article:published_time" not in linked
    assert graphs >= 1


def test_qabas_page_is_windows_1256_declared_only_in_markup(demo: DemoServer) -> None:
    record = expected("demo-qabas")[0]
    status, headers, body = get(demo, "demo-qabas", record["path"])
    assert status == 200
    assert headers["content-type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        body.decode("iso-8859-6")  # « » and … exist in windows-1256 only: the other Arabic charset is no guess
    page = body.decode("cp1256")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">' in page
    assert record["title"] in page
    assert "أيار/مايو 2024" in page
    assert "application/ld+json" not in page and "og:" not in page


def test_utf8_html_declares_its_charset(demo: DemoServer) -> None:
    assert get(demo, "demo-sharq", "/")[1]["content-type"] == "text/html; charset=utf-8"
    assert get(demo, "demo-humanvoice", "/")[1]["content-type"] == "text/html; charset=utf-8"


def test_conditional_requests_get_304(demo: DemoServer) -> None:
    path = expected("demo-sharq")[0]["path"]
    status, headers, _ = get(demo, "demo-sharq", path)
    assert status == 200 and headers["etag"] and headers["last-modified"]
    status, again, body304 = get(demo, "demo-sharq", path, headers={"If-None-Match": headers["etag"]})
    assert (status, body304, again["etag"]) == (304, b"", headers["etag"])
    assert get(demo, "demo-sharq", path, headers={"If-None-Match": '"other"'})[0] == 200
    assert get(demo, "demo-sharq", path, headers={"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert get(demo, "demo-sharq", path, headers={"If-Modified-Since": "Wed, 01 May 2024 00:00:00 GMT"})[0] == 200
    # The ETag follows the served bytes: the same file on another port would differ (base URL inside).
    assert get(demo, "demo-sharq", "/news-sitemap.xml")[1]["etag"] != headers["etag"]


def test_head_sends_headers_only(demo: DemoServer) -> None:
    _, got, body = get(demo, "demo-humanvoice", "/feed/")
    status, headers, empty = get(demo, "demo-humanvoice", "/feed/", method="HEAD")
    assert (status, empty) == (200, b"")
    assert headers["content-length"] == str(len(body)) and headers["etag"] == got["etag"]


@pytest.mark.parametrize("raw_path", ["/../site.toml", "/%2e%2e/site.toml", "/archive/..%2f..%2fsite.toml",
                                      "/../../demo-qabas/site.toml", "/lastmod.json", "/no-such-page.html",
                                      "/%ff%fe"])
def test_unknown_and_escaping_paths_get_404(demo: DemoServer, raw_path: str) -> None:
    status, _, body = get(demo, "demo-qabas", "", raw_path=raw_path)
    assert status == 404
    assert b"[[sites]]" not in body


def test_requests_are_recorded(demo: DemoServer) -> None:
    before = len(demo.requests)
    get(demo, "demo-qabas", "/rss.xml", headers={"X-Probe": "1"})
    get(demo, "demo-sharq", "/missing")
    get(demo, "demo-humanvoice", "/feed/", method="HEAD")
    new = demo.requests[before:]
    assert [(r.site, r.method, r.path, r.status) for r in new] == [
        ("demo-qabas", "GET", "/rss.xml", 200),
        ("demo-sharq", "GET", "/missing", 404),
        ("demo-humanvoice", "HEAD", "/feed/", 200),
    ]
    assert new[0].headers["X-Probe"] == "1"


def test_stop_frees_the_ports() -> None:
    server = DemoServer(host_base=31)
    server.start()
    addresses = [(urlsplit(u).hostname or "", urlsplit(u).port or 0) for u in server.base_urls.values()]
    assert fetch(server.base_urls["demo-sharq"] + "/robots.txt")[0] == 200
    host, port = addresses[0]
    kept_alive = http.client.HTTPConnection(host, port, timeout=10)
    kept_alive.request("GET", "/feed/")
    assert kept_alive.getresponse().read()
    server.stop()
    with pytest.raises((ConnectionError, http.client.HTTPException)):  # stop() ended the idle connection
        kept_alive.request("GET", "/feed/")
        kept_alive.getresponse()
    kept_alive.close()
    for address in addresses:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(address, timeout=5).close()
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)  # what a restarted server does: fails while anything still listens there


def test_committed_demo_files_match_their_sources() -> None:
    assert differences(fixtures=FIXTURES) == []
