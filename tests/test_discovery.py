"""Discovery parsers: every feed and sitemap form a news site serves, and the junk some serve instead."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from crawler.discovery import DiscoveryError, feed_links, parse_feed, parse_sitemap, robots_sitemaps

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>هيومن فويس</title><link>https://example.com/</link>
<item><title>خبر أول</title><link>https://example.com/2024/05/first/</link>
<pubDate>Thu, 09 May 2024 10:15:00 +0300</pubDate></item>
<item><title>خبر ثان</title><guid>https://example.com/?p=2</guid></item>
<item><title>بلا رابط</title><guid isPermaLink="false">urn:x</guid></item>
</channel></rss>"""

RSS091 = """<rss version="0.91"><channel><title>t</title>
<item><title>قديم</title><link>/old/1.html</link></item></channel></rss>"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.com/"><title>t</title></channel>
<item rdf:about="https://example.com/a/1"><title>أ</title><link>https://example.com/a/1</link>
<dc:date>2024-05-09T07:00:00Z</dc:date></item></rdf:RDF>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>الشرق</title>
<entry><title>عنوان</title><link rel="enclosure" href="https://example.com/a.jpg"/>
<link rel="alternate" href="https://example.com/news/1"/>
<published>2024-05-09T10:00:00+04:00</published><updated>2024-05-10T08:00:00+04:00</updated></entry>
</feed>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://example.com/news/1</loc><lastmod>2024-05-09</lastmod></url>
<url><loc>https://example.com/news/2</loc></url></urlset>"""

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.com/sitemaps/2024-05.xml.gz</loc><lastmod>2024-05-10T00:00:00+00:00</lastmod></sitemap>
</sitemapindex>"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://example.com/news/3</loc><news:news><news:publication><news:name>الشرق</news:name>
<news:language>ar</news:language></news:publication>
<news:publication_date>2024-05-11T09:30:00+04:00</news:publication_date>
<news:title>عنوان الخبر</news:title></news:news></url></urlset>"""


def test_rss2_items_with_links_guids_and_dates() -> None:
    result = parse_feed(RSS2.encode(), "https://example.com/feed/")
    assert result.kind == "rss"
    assert [link.url for link in result.links] == ["https://example.com/2024/05/first/", "https://example.com/?p=2"]
    assert result.links[0].published == datetime(2024, 5, 9, 7, 15, tzinfo=UTC)
    assert result.links[0].title == "خبر أول"


def test_rss091_relative_links_are_made_absolute() -> None:
    result = parse_feed(RSS091.encode(), "https://example.com/rss.xml")
    assert [link.url for link in result.links] == ["https://example.com/old/1.html"]


def test_rss1_rdf() -> None:
    result = parse_feed(RDF.encode(), "https://example.com/index.rdf")
    assert result.kind == "rdf"
    assert result.links[0].url == "https://example.com/a/1"
    assert result.links[0].published == datetime(2024, 5, 9, 7, tzinfo=UTC)


def test_atom_uses_the_alternate_link_and_updated_date() -> None:
    result = parse_feed(ATOM.encode(), "https://example.com/atom")
    assert result.kind == "atom"
    (link,) = result.links
    assert link.url == "https://example.com/news/1"
    assert link.updated is not None and link.updated.isoformat() == "2024-05-10T08:00:00+04:00"
    assert link.newest == link.updated


def test_windows_1256_feed_is_decoded_from_its_declaration() -> None:
    text = '<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>القبس</title>'
    text += "<item><title>وزير الخارجية</title><link>http://example.com/n/1</link></item></channel></rss>"
    result = parse_feed(text.encode("cp1256"), "http://example.com/rss.xml")
    assert result.title == "القبس"
    assert result.links[0].title == "وزير الخارجية"


def test_feed_with_undefined_entities_still_yields_its_items() -> None:
    text = RSS2.replace("خبر أول", "خبر &nbsp; أول &hellip;")
    result = parse_feed(text.encode(), "https://example.com/feed/")
    assert len(result.links) == 2


def test_sitemap_urlset_and_index_and_gzip() -> None:
    urlset = parse_sitemap(URLSET.encode(), "https://example.com/sitemap.xml")
    assert [link.url for link in urlset.links] == ["https://example.com/news/1", "https://example.com/news/2"]
    assert urlset.links[0].updated == datetime(2024, 5, 9, tzinfo=UTC)
    index = parse_sitemap(gzip.compress(INDEX.encode()), "https://example.com/sitemap_index.xml")
    assert index.kind == "sitemapindex"
    assert [c.url for c in index.children] == ["https://example.com/sitemaps/2024-05.xml.gz"]


def test_google_news_sitemap_gives_publication_date_and_title() -> None:
    (link,) = parse_sitemap(NEWS.encode(), "https://example.com/news-sitemap.xml").links
    assert link.title == "عنوان الخبر"
    assert link.published is not None and link.published.isoformat() == "2024-05-11T09:30:00+04:00"
    assert link.news  # the source says it is news: discovery takes it unless its shape leaves no doubt
    assert not any(entry.news for entry in parse_sitemap(URLSET.encode(), "https://example.com/s.xml").links)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"Just a moment...", "not XML"),
        (b"<!DOCTYPE html><html><body>Checking your browser cf-chl</body></html>", "not a"),
        (gzip.compress(b"\0" * 10)[:-4], "gzip"),
    ],
)
def test_junk_served_as_a_feed_or_sitemap_is_a_discovery_error(body: bytes, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        parse_sitemap(body, "https://example.com/sitemap.xml")
    with pytest.raises(DiscoveryError):
        parse_feed(body, "https://example.com/feed")


def test_gzip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import crawler.discovery.model as model

    monkeypatch.setattr(model, "MAX_DECOMPRESSED", 1024 * 1024)
    bomb = gzip.compress(b"<urlset>" + b" " * (8 * 1024 * 1024) + b"</urlset>")
    with pytest.raises(DiscoveryError, match="gzip bomb"):
        parse_sitemap(bomb, "https://example.com/sitemap.xml.gz")


def test_homepage_autodiscovery_and_robots_sitemaps() -> None:
    page = """<html><head>
    <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed/">
    <link rel="alternate" type="application/atom+xml" href="https://example.com/atom.xml">
    <link rel="alternate" hreflang="en" href="https://example.com/en/">
    <link rel="stylesheet" href="/style.css"></head><body></body></html>"""
    assert feed_links(page, "https://example.com/") == ["https://example.com/feed/", "https://example.com/atom.xml"]
    robots = "User-agent: *\nDisallow: /search\nSitemap: https://example.com/sitemap_index.xml\nsitemap: /news.xml\n"
    assert robots_sitemaps(robots, "https://example.com/robots.txt") == [
        "https://example.com/sitemap_index.xml",
        "https://example.com/news.xml",
    ]
