"""``akhbar doctor`` against a small local HTTP server standing in for news sites; never a real site."""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from crawler import doctor
from crawler.cli.doctor import doctor_command
from crawler.doctor import OfflineError, Response, SiteReport, check_online, is_bot_challenge, run_doctor
from crawler.fetch_policy import user_agent
from crawler.registry import Site, parse_registry

ARTICLE_1 = "/news/2024/01/15/وزير-المالية-يعلن-الموازنة-الجديدة"
ARTICLE_2 = "/news/2024/01/16/افتتاح-معرض-الكتاب-في-القاهرة"


def article_page(title: str, published: str, paragraph: str) -> bytes:
    body = "\n".join(f"<p>{paragraph} الفقرة رقم {i}.</p>" for i in range(1, 7))
    return f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} | موقع الاختبار</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="موقع الاختبار">
<meta property="article:published_time" content="{published}">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}",
  "datePublished": "{published}", "author": {{"@type": "Person", "name": "أحمد علي"}}}}
</script></head>
<body><article><h1>{title}</h1><time datetime="{published}">{published}</time>
{body}
</article></body></html>""".encode()


def rss(*paths: str, base: str) -> bytes:
    items = "".join(
        f"<item><title>خبر {i}</title><link>{base}{path}</link>"
        f"<pubDate>Mon, 15 Jan 2024 1{i}:00:00 +0200</pubDate></item>"
        for i, path in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>اختبار</title>'
        f"{items}</channel></rss>"
    ).encode()


def urlset(*paths: str, base: str) -> bytes:
    urls = "".join(f"<url><loc>{base}{path}</loc><lastmod>2024-01-16</lastmod></url>" for path in paths)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


CHALLENGE = b"""<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div id="cf-challenge-running"></div><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8">
</script><form id="challenge-form" action="/?__cf_chl_f_tk=abc"></form></body></html>"""


@dataclass
class Server:
    base: str
    user_agents: list[str]
    paths: list[str]
    guarded: str = ""
    """Base URL of the same routes on a second loopback address: each site of a registry has its own host."""
    auto: str = ""


def routes(base: str) -> dict[str, tuple[int, str, bytes]]:
    a1, a2 = quote(ARTICLE_1), quote(ARTICLE_2)
    return {
        "/robots.txt": (200, "text/plain", f"User-agent: *\nDisallow: /private/\nSitemap: {base}/index.xml\n".encode()),
        "/": (200, "text/html; charset=utf-8", b"<html><body>home</body></html>"),
        "/feed.xml": (200, "application/rss+xml", rss(a1, a2, base=base)),
        "/index.xml": (
            200,
            "application/xml",
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{base}/news-1.xml.gz'
            "</loc><lastmod>2024-01-16</lastmod></sitemap></sitemapindex>".encode(),
        ),
        "/news-1.xml.gz": (200, "application/gzip", gzip.compress(urlset(a1, a2, "/tag/gaza", base=base))),
        a1: (200, "text/html; charset=utf-8", article_page("وزير المالية يعلن الموازنة الجديدة",
                                                           "2024-01-15T10:00:00+02:00",
                                                           "أعلن وزير المالية اليوم تفاصيل الموازنة العامة")),
        a2: (200, "text/html; charset=utf-8", article_page("افتتاح معرض الكتاب في القاهرة",
                                                           "2024-01-16T09:30:00+02:00",
                                                           "افتتح معرض القاهرة الدولي للكتاب أبوابه للزوار")),
        "/guarded/feed": (403, "text/html", CHALLENGE),
        "/empty.xml": (200, "application/rss+xml", rss(base=base)),
        "/gone.xml": (404, "text/html", b"<html>not found</html>"),
        "/private/feed.xml": (200, "application/rss+xml", rss(a1, base=base)),
        "/auto/": (
            200,
            "text/html; charset=utf-8",
            b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>',
        ),
    }  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    user_agents: list[str] = []
    paths: list[str] = []
    table: dict[str, tuple[int, str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            user_agents.append(self.headers.get("User-Agent", ""))
            paths.append(self.path)
            status, content_type, body = table.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    servers = [ThreadingHTTPServer((host, 0), Handler) for host in ("127.0.0.1", "127.0.0.2", "127.0.0.3")]
    base, guarded, auto = (f"http://{s.server_address[0]}:{s.server_address[1]}" for s in servers)
    table.update(routes(base))
    for httpd in servers:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield Server(base, user_agents, paths, guarded, auto)
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def registry_text(base: str, guarded: str, auto: str) -> str:
    return f"""
[[sites]]
id = "local"
name = "موقع الاختبار"
name_en = "Local Test"
url = "{base}/"
country = "EG"
timezone = "Africa/Cairo"
feeds = ["{base}/feed.xml"]
sitemaps = ["{base}/index.xml"]

[[sites]]
id = "guarded"
name = "موقع محمي"
name_en = "Guarded"
url = "{guarded}/guarded/"
country = "LB"
feeds = ["{guarded}/guarded/feed", "{guarded}/empty.xml", "{guarded}/gone.xml", "{guarded}/private/feed.xml"]

[[sites]]
id = "auto"
name = "موقع بلا مصادر"
name_en = "Autodiscovered"
url = "{auto}/auto/"
country = "JO"
notes = "relies on autodiscovery"
"""


@dataclass
class FakeExtracted:
    title: str | None
    body: str
    published: str | None


def fake_extract(html: str, url: str, *, site: Site) -> FakeExtracted:
    """Stands in for crawler.extraction.extract: the <h1> and the <time datetime> of the page."""
    tree = lxml_html.fromstring(html)
    time = tree.find(".//time")
    published = time.get("datetime") if time is not None else None
    body = "\n".join(p.text_content() for p in tree.iter("p") if isinstance(p, lxml_html.HtmlElement))
    return FakeExtracted(tree.findtext(".//h1"), body, published)


def no_network_probe(url: str, timeout: float) -> None:
    """The local server is always reachable."""


@pytest.fixture(scope="module")
def reports(server: Server) -> dict[str, SiteReport]:
    sites = list(parse_registry(registry_text(server.base, server.guarded, server.auto)).sites.values())
    done = run_doctor(sites, timeout=5, articles_per_site=3, probe=no_network_probe, extractor=fake_extract)
    return {r.site.id: r for r in done}


def test_working_site_counts_sources_entries_and_articles(reports: dict[str, SiteReport]) -> None:
    report = reports["local"]
    assert (report.sources_ok, report.sources_total) == (2, 2)
    feed, index = report.sources
    assert (feed.format, feed.entries) == ("rss", 2)
    # The index is followed one level down into its gzipped child, which lists two articles and a tag page.
    assert (index.format, index.entries) == ("sitemapindex", 3)
    assert report.article_urls == 2
    assert (len(report.articles), report.extracted, report.dated) == (2, 2, 2)
    assert report.articles[0].title == "وزير المالية يعلن الموازنة الجديدة"
    assert report.ok and report.problems == []


def test_challenge_empty_missing_and_disallowed_sources_are_reported(
    reports: dict[str, SiteReport], server: Server
) -> None:
    report = reports["guarded"]
    assert (report.sources_ok, report.sources_total) == (0, 4)
    problems = dict(p.split(": ", 1) for p in report.problems if p.startswith("http"))
    assert problems[f"{server.guarded}/guarded/feed"] == "bot challenge (HTTP 403)"
    assert problems[f"{server.guarded}/empty.xml"] == "empty (no entries)"
    assert problems[f"{server.guarded}/gone.xml"] == "HTTP 404"
    assert problems[f"{server.guarded}/private/feed.xml"] == "disallowed by robots.txt"
    assert report.challenged and not report.ok
    assert "/private/feed.xml" not in server.paths


def test_site_without_sources_uses_homepage_links_and_robots_sitemaps(reports: dict[str, SiteReport]) -> None:
    report = reports["auto"]
    assert [(s.kind, s.format) for s in report.sources] == [
        ("discovered feed", "rss"),
        ("discovered sitemap", "sitemapindex"),
    ]
    assert report.extracted == 2 and report.ok


def test_requests_carry_an_honest_user_agent(reports: dict[str, SiteReport], server: Server) -> None:
    assert server.user_agents
    assert set(server.user_agents) == {user_agent()}  # the crawl's and extract's (tests/crawl/test_fetch_callers.py)


def test_without_extraction_layer_pages_are_fetched_but_not_blamed(server: Server) -> None:
    site = parse_registry(registry_text(server.base, server.guarded, server.auto)).sites["local"]
    (report,) = run_doctor([site], timeout=5, probe=no_network_probe, extractor=None)
    assert len(report.articles) == 2 and report.extracted == 0
    assert report.ok and report.notes


def test_extraction_failures_and_missing_dates_are_problems(server: Server) -> None:
    site = parse_registry(registry_text(server.base, server.guarded, server.auto)).sites["local"]

    def undated(html: str, url: str, *, site: Site) -> FakeExtracted:
        return FakeExtracted("عنوان", "نص", None)

    (report,) = run_doctor([site], timeout=5, articles_per_site=1, probe=no_network_probe, extractor=undated)
    assert report.dated == 0 and report.problems[-1].endswith("no publication date found")

    def broken(html: str, url: str, *, site: Site) -> FakeExtracted:
        raise ValueError("no article text")

    (report,) = run_doctor([site], timeout=5, articles_per_site=1, probe=no_network_probe, extractor=broken)
    assert report.extracted == 0 and report.problems[-1].endswith("extraction failed: no article text")


def test_real_extraction_layer_reads_the_sample_articles(server: Server) -> None:
    extractor = doctor.load_extractor()
    if extractor is None:
        pytest.skip("crawler.extraction.extract is not available yet")
    site = parse_registry(registry_text(server.base, server.guarded, server.auto)).sites["local"]
    (report,) = run_doctor([site], timeout=5, probe=no_network_probe, extractor=extractor)
    assert (report.extracted, report.dated) == (2, 2), report.problems


def test_challenge_needs_a_blocking_status_and_a_marker() -> None:
    assert is_bot_challenge(Response("u", 403, CHALLENGE))
    assert is_bot_challenge(Response("u", 503, b"<html>Please complete the CAPTCHA</html>"))
    assert is_bot_challenge(Response("u", 200, b"", {"cf-mitigated": "challenge"}))
    assert not is_bot_challenge(Response("u", 403, b"<html>Forbidden</html>"))
    assert not is_bot_challenge(Response("u", 200, b"<p>challenge cup final</p>"))


def test_connection_refused_means_offline() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port any more.
    with pytest.raises(OfflineError, match="no internet"):
        check_online(f"http://127.0.0.1:{port}/", timeout=2)


def write_registry(tmp_path: Path, text: str) -> str:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_exits_4_with_a_clear_message_when_offline(tmp_path: Path) -> None:
    sites = write_registry(
        tmp_path,
        '[[sites]]\nid = "offline"\nname = "غير متصل"\nname_en = "Offline"\n'
        'url = "https://akhbar-doctor-offline.invalid/"\ncountry = "SY"\nfeeds = ["https://akhbar-doctor-offline.invalid/feed/"]\n',
    )
    result = CliRunner().invoke(doctor_command, ["--sites", sites])
    assert result.exit_code == 4  # as `akhbar run` says an outage; 2 is a usage or configuration error
    assert "no internet: doctor needs network access to reach the sites" in result.output


def test_cli_prints_a_row_per_site_and_exits_1_on_problems(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctor, "load_extractor", lambda: fake_extract)
    sites = write_registry(tmp_path, registry_text(server.base, server.guarded, server.auto))
    result = CliRunner().invoke(doctor_command, ["--sites", sites, "--site", "local", "--site", "guarded"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    local = next(line for line in lines if line.startswith("local "))
    assert local.split()[1:6] == ["2/2", "5", "2/2", "2/2", "ok"]
    assert local.endswith("موقع الاختبار")
    guarded = next(line for line in lines if line.startswith("guarded "))
    assert "CHALLENGE" in guarded and guarded.endswith("موقع محمي")
    assert any("bot challenge (HTTP 403)" in line for line in lines)
    assert "1 with problems: guarded" in result.output


def test_cli_rejects_an_unknown_site_id(tmp_path: Path) -> None:
    sites = write_registry(tmp_path, registry_text("http://127.0.0.1:9", "http://127.0.0.2:9", "http://127.0.0.3:9"))
    result = CliRunner().invoke(doctor_command, ["--sites", sites, "--site", "nope"])
    assert result.exit_code == 2 and "unknown site id 'nope'" in result.output


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(doctor_command, ["--help"])
    assert result.exit_code == 0 and "Example:" in result.output


pytestmark = pytest.mark.slow  # starts a server or a process
