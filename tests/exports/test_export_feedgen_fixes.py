"""Each feedgen 1.0 fault the exporter works around: shown on plain feedgen, then absent from our output.

The first test of each pair documents the fault; when a feedgen release fixes it, that test fails and
tells us the workaround in ``exports/xmlfeeds.py`` can go.
"""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from feedrules import check_atom, check_rss
from lxml import etree

from exports.archive import ArticleRow, Carrier, SiteRow
from exports.entries import EntryContext, build_entry
from exports.feeds import FeedSpec
from exports.formats import ATOM_FEED, RSS_FEED

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
BASE = "http://127.0.0.1:8080/"
WHEN = datetime(2024, 5, 2, 7, 0, tzinfo=UTC)
SITE = SiteRow("humanvoice", "هيومن فويس", "Human Voice", "https://humanvoice.example/", "ar", "full",
               ("https://humanvoice.example/feed/",))
OTHER = SiteRow("aljazeera", "الجزيرة نت", "Al Jazeera", "https://aljazeera.example/", "ar", "full")
SPEC = FeedSpec("site", "sites/humanvoice/", "هيومن فويس", "آخر الأخبار", "https://humanvoice.example/", BASE)


def article(**fields: object) -> ArticleRow:
    values: dict[str, object] = {
        "id": 1,
        "uid": "0b7e4a52-3f57-4b8e-9a57-2d0c7a1f2b3c",
        "url": "https://humanvoice.example/news/1",
        "canonical_url": "https://humanvoice.example/news/1",
        "site": "humanvoice",
        "title": "عنوان",
        "subtitle": None,
        "summary": "ملخص",
        "body": "نص الخبر",
        "body_html": "<p>نص <b>الخبر</b></p>",
        "published": "2024-05-02T10:00:00+03:00",
        "modified": None,
        "first_seen": "2024-05-02T07:05:00+00:00",
        "last_seen": "2024-05-02T09:00:00+00:00",
        "authors": (),
        "category": "سياسة",
        "tags": (),
        "image": "https://humanvoice.example/a.jpg",
        "agencies": ("anadolu",),
        "language": "ar",
        "story_id": 7,
        "content_hash": "h",
    }
    values.update(fields)
    return ArticleRow(**values)  # type: ignore[arg-type]


def our_feeds() -> tuple[etree._Element, etree._Element]:
    carrier = (OTHER, Carrier(2, "aljazeera", "https://aljazeera.example/news/9", "2024-05-02T08:00:00+00:00"))
    entry = build_entry(article(), SITE, EntryContext(BASE), (carrier,))
    return etree.fromstring(RSS_FEED.render(SPEC, [entry])), etree.fromstring(ATOM_FEED.render(SPEC, [entry]))


def plain_feedgen() -> FeedGenerator:
    fg = FeedGenerator()
    fg.id("urn:uuid:5b0f6c2e-8a53-4a55-9d51-2f1c7c1f3e11")
    fg.title("t")
    fg.description("d")
    fg.link(href="https://site.example/", rel="alternate")
    fg.link(href="https://feeds.example/rss.xml", rel="self")
    fe = fg.add_entry()
    fe.id("urn:uuid:0b7e4a52-3f57-4b8e-9a57-2d0c7a1f2b3c")
    fe.title("t")
    fe.link(href="https://site.example/1", rel="alternate", type="text/html")
    fe.link(href="https://other.example/1", rel="related", type="text/html")
    fe.source(url="https://site.example/", title="site")
    fe.content("<p>x</p>", type="CDATA")
    fe.updated(WHEN)
    return fg


def test_feedgen_fault_1_atom_entry_links_lose_rel_and_type() -> None:
    atom = etree.fromstring(plain_feedgen().atom_str())
    links = atom.findall(f"{ATOM}entry/{ATOM}link")
    assert [(link.get("rel"), link.get("type")) for link in links] == [(None, None), (None, None)]


def test_our_atom_entry_links_keep_rel_and_type() -> None:
    _, atom = our_feeds()
    links = atom.findall(f"{ATOM}entry/{ATOM}link")
    assert [(link.get("rel"), link.get("type"), link.get("href")) for link in links] == [
        ("alternate", "text/html", "https://humanvoice.example/news/1"),
        ("related", "text/html", "https://aljazeera.example/news/9"),
        ("enclosure", "image/jpeg", "https://humanvoice.example/a.jpg"),
    ]
    # Without the repair every link would read as rel="alternate": the validator's duplicate-alternate error.
    assert check_atom(etree.tostring(atom), BASE + "sites/humanvoice/atom.xml") == []


def test_feedgen_fault_2_rss_channel_link_is_the_last_link_added() -> None:
    rss = etree.fromstring(plain_feedgen().rss_str())
    assert rss.findtext("channel/link") == "https://feeds.example/rss.xml"


def test_our_rss_channel_link_is_the_home_page_although_self_is_added_last() -> None:
    rss, _ = our_feeds()
    assert rss.findtext("channel/link") == "https://humanvoice.example/"
    assert rss.find(f"channel/{ATOM}link[@rel='self']").get("href") == BASE + "sites/humanvoice/rss.xml"  # type: ignore[union-attr]
    assert check_rss(etree.tostring(rss), BASE + "sites/humanvoice/rss.xml") == []


def test_feedgen_fault_3_atom_source_has_no_id_or_updated() -> None:
    source = etree.fromstring(plain_feedgen().atom_str()).find(f"{ATOM}entry/{ATOM}source")
    assert source is not None
    assert source.find(f"{ATOM}id") is None and source.find(f"{ATOM}updated") is None


def test_our_atom_source_has_id_title_updated_and_links() -> None:
    _, atom = our_feeds()
    source = atom.find(f"{ATOM}entry/{ATOM}source")
    assert source is not None
    assert source.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
    assert source.findtext(f"{ATOM}title") == "هيومن فويس"
    assert source.findtext(f"{ATOM}updated") == "2024-05-02T08:00:00+00:00"
    assert [(link.get("rel"), link.get("href")) for link in source.findall(f"{ATOM}link")] == [
        ("alternate", "https://humanvoice.example/"),
        ("self", BASE + "sites/humanvoice/atom.xml"),
    ]
    rss, _ = our_feeds()
    rss_source = rss.find("channel/item/source")
    assert rss_source is not None
    # RSS 2.0's url is the source's feed ("the XMLization of the source"): the site's own, not its homepage.
    assert (rss_source.get("url"), rss_source.text) == ("https://humanvoice.example/feed/", "هيومن فويس")


def test_feedgen_fault_4_cdata_content_writes_an_invalid_atom_type() -> None:
    content = etree.fromstring(plain_feedgen().atom_str()).find(f"{ATOM}entry/{ATOM}content")
    assert content is not None and content.get("type") == "CDATA"


def test_our_content_is_typed_html_in_atom_and_escaped_in_rss() -> None:
    rss, atom = our_feeds()
    content = atom.find(f"{ATOM}entry/{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert content.text is not None and content.text.startswith('<div dir="rtl" lang="ar"><p>نص <b>الخبر</b></p>')
    encoded = rss.findtext(f"channel/item/{CONTENT}encoded")
    assert encoded == content.text
    assert b"CDATA" not in etree.tostring(rss) + etree.tostring(atom)
    item = [child.tag for child in rss.find("channel/item")]  # type: ignore[union-attr]
    assert item.index("description") < item.index(f"{CONTENT}encoded")


def test_feed_dates_never_come_from_the_clock() -> None:
    entry = build_entry(article(), SITE, EntryContext(BASE))
    first, second = ATOM_FEED.render(SPEC, [entry]), ATOM_FEED.render(SPEC, [entry])
    assert first == second
    assert b"<updated>2024-05-02T10:00:00+03:00</updated>" in first
    assert b"<lastBuildDate>Thu, 02 May 2024 10:00:00 +0300</lastBuildDate>" in RSS_FEED.render(SPEC, [entry])
