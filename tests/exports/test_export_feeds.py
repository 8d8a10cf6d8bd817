"""End-to-end: an archive on disk exported to a directory of feeds, checked as a subscriber would."""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import feedparser
import pytest
from conftest import FeedArchive
from feedrules import check_feed_directory
from lxml import etree

from exports.formats import FORMATS
from exports.writer import STATE_FILE, export_feeds

BASE = "http://127.0.0.1:8080/"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


def feed_dirs(out: Path) -> list[Path]:
    return sorted(p.parent for p in out.rglob("rss.xml"))


def url_of(out: Path, path: Path) -> str:
    from urllib.parse import quote

    return BASE + quote(path.relative_to(out).as_posix())


def assert_valid(out: Path) -> None:
    for directory in feed_dirs(out):
        assert check_feed_directory(directory, url_of(out, directory) + "/") == [], directory


@pytest.fixture
def syndicated(feed_archive: FeedArchive) -> dict[str, dict]:
    """One Anadolu story carried by two sites, plus an article of a third site, with real-world mess."""
    feed_archive.add_site("enab", "عنب بلدي", "https://enab.example/")
    story = feed_archive.add_story("humanvoice", ("anadolu",))
    first = feed_archive.add_article(
        "humanvoice",
        story_id=story,
        title="الخارجية الكازخية “متفائلة” بنتائج ملموسة لأستانة8",
        agencies=["anadolu"],
        authors=["حيدر بك"],
        image="https://humanvoice.example/wp-content/uploads/صورة الخبر.jpg",
        body_html='<p>أعرب رئيس <a href="/tag/كازاخستان">قسم</a> الشؤون.</p><p onclick="x()">جاء ذلك.</p>',
        published="2024-05-02T10:00:00+03:00",
        category="سياسة",
    )
    copy = feed_archive.add_article(
        "aljazeera",
        story_id=story,
        title="كازاخستان متفائلة بأستانة 8",
        agencies=["anadolu"],
        published="2024-05-02T11:00:00+03:00",
        first_seen="2024-05-02T08:30:00+00:00",
        category="سياسة",
    )
    other = feed_archive.add_article(
        "enab", title="خبر محلي", published="2024-05-02T12:00:00+03:00", category="محليات", body="نص.\x0bخبر"
    )
    return {"first": first, "copy": copy, "other": other}


def test_layout_every_feed_in_every_format_plus_opml_and_index(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = export_feeds(feed_archive.path, out)
    relative = sorted(d.relative_to(out).as_posix() for d in feed_dirs(out))
    assert relative == sorted(
        ["all", "sites/humanvoice", "sites/aljazeera", "sites/enab", "categories/سياسة", "categories/محليات",
         "agencies/anadolu"]
    )  # fmt: skip
    for directory in feed_dirs(out):
        assert sorted(p.name for p in directory.iterdir()) == sorted(f.file_name for f in FORMATS)
    assert report.feeds_written == 7 and report.feeds_unchanged == 0
    opml = etree.parse(str(out / "index.opml")).getroot()
    assert opml.get("version") == "2.0"
    xml_urls = {o.get("xmlUrl") for o in opml.iter("outline") if o.get("xmlUrl")}
    assert xml_urls == {url_of(out, d / "rss.xml") for d in feed_dirs(out)}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in index
    assert "عنب بلدي" in index and "https://enab.example/" in index


def test_every_feed_passes_the_validator_rules_and_feedparser(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    export_feeds(feed_archive.path, tmp_path / "out")
    assert_valid(tmp_path / "out")


def test_self_links_follow_base_url(feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out, base_url="https://feeds.example.org/akhbar")
    rss = etree.parse(str(out / "categories" / "سياسة" / "rss.xml"))
    self_link = rss.find(f"channel/{ATOM}link[@rel='self']")
    assert self_link is not None
    assert self_link.get("href") == "https://feeds.example.org/akhbar/categories/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/rss.xml"


def test_entry_carries_id_link_dates_attribution_and_image(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    first = syndicated["first"]
    parsed = feedparser.parse((out / "sites" / "humanvoice" / "atom.xml").read_bytes())
    entry = parsed.entries[0]
    assert entry.id == f"urn:uuid:{first['uid']}"
    assert entry.link == first["canonical_url"]
    assert entry.published == "2024-05-02T10:00:00+03:00"
    assert entry.author == "حيدر بك"
    assert entry.source.title == "هيومن فويس"
    assert {t.label for t in entry.tags} >= {"سياسة", "الأناضول"}
    content = entry.content[0].value
    assert content.startswith('<div dir="rtl" lang="ar">')
    assert 'href="https://humanvoice.example/tag/%D9%83%D8%A7%D8%B2%D8%A7%D8%AE%D8%B3%D8%AA%D8%A7%D9%86"' in content
    assert "onclick" not in content
    assert "الأناضول" in content  # the credit line names the agency
    rss = feedparser.parse((out / "sites" / "humanvoice" / "rss.xml").read_bytes())
    item = rss.entries[0]
    assert item.id == f"urn:uuid:{first['uid']}" and item.guidislink is False
    assert item.published == "Thu, 02 May 2024 10:00:00 +0300"
    assert [e.href for e in item.enclosures] == [
        "https://humanvoice.example/wp-content/uploads/%D8%B5%D9%88%D8%B1%D8%A9%20%D8%A7%D9%84%D8%AE%D8%A8%D8%B1.jpg"
    ]
    # RSS 2.0: <source url> is the feed of the original site, as its registry entry lists it.
    assert item.source == {"href": "https://humanvoice.example/feed/", "title": "هيومن فويس"}
    assert item.author == "حيدر بك"  # dc:creator


def test_rss_source_is_the_original_sites_feed_else_its_homepage(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    feed_archive.add_site("arabic", "عربي", "https://arabic.example/", feeds=("https://arabic.example/أخبار/rss",
                                                                            "https://arabic.example/atom"))  # fmt: skip
    feed_archive.add_site("broken", "معطوب", "https://broken.example/", feeds=("not a url",))
    feed_archive.add_article("arabic")
    feed_archive.add_article("broken")
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)

    def sources(feed: str) -> set[tuple[str | None, str | None]]:
        items = etree.parse(str(out / feed / "rss.xml")).iterfind("channel/item/source")
        return {(s.get("url"), s.text) for s in items}

    assert sources("sites/humanvoice") == {("https://humanvoice.example/feed/", "هيومن فويس")}
    assert sources("sites/aljazeera") == {("https://aljazeera.example/", "الجزيرة نت")}  # no feed: the homepage
    assert sources("sites/arabic") == {("https://arabic.example/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/rss", "عربي")}
    assert sources("sites/broken") == {("https://broken.example/", "معطوب")}
    # The combined feed credits each entry's own site; Atom keeps the homepage as the source's alternate link.
    assert ("https://humanvoice.example/feed/", "هيومن فويس") in sources("all")
    atom = etree.parse(str(out / "sites" / "humanvoice" / "atom.xml"))
    links = atom.findall(f"{ATOM}entry/{ATOM}source/{ATOM}link[@rel='alternate']")
    assert links and {link.get("href") for link in links} == {"https://humanvoice.example/"}
    assert_valid(out)


def test_an_archive_without_site_feeds_still_exports_with_homepages(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    # As an archive migrated before 004_site_feeds is, until a crawl opens it (the export only reads).
    feed_archive.conn.execute("ALTER TABLE sites DROP COLUMN feeds")
    feed_archive.conn.commit()
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    items = etree.parse(str(out / "sites" / "humanvoice" / "rss.xml")).iterfind("channel/item/source")
    assert {s.get("url") for s in items} == {"https://humanvoice.example/"}


def test_a_registry_feed_change_rewrites_the_sites_feeds(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    feed_archive.conn.execute("UPDATE sites SET feeds = ? WHERE id = 'aljazeera'", ('["https://aljazeera.example/rss"]',))
    feed_archive.conn.commit()
    report = export_feeds(feed_archive.path, out)
    assert "sites/aljazeera/" in report.changed and "sites/humanvoice/" not in report.changed
    assert b'<source url="https://aljazeera.example/rss">' in (out / "sites" / "aljazeera" / "rss.xml").read_bytes()


def test_combined_feed_shows_a_syndicated_story_once_with_every_carrier(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    atom = feedparser.parse((out / "all" / "atom.xml").read_bytes())
    ids = [e.id for e in atom.entries]
    assert f"urn:uuid:{syndicated['first']['uid']}" in ids
    assert f"urn:uuid:{syndicated['copy']['uid']}" not in ids
    assert len(ids) == 2
    story = next(e for e in atom.entries if e.id == f"urn:uuid:{syndicated['first']['uid']}")
    related = [link for link in story.links if link.rel == "related"]
    assert [(link.href, link.title) for link in related] == [(syndicated["copy"]["canonical_url"], "الجزيرة نت")]
    assert "الجزيرة نت" in story.content[0].value and syndicated["copy"]["canonical_url"] in story.content[0].value
    # The entry counts as updated when the copy appeared (08:30 UTC), after its publication (07:00 UTC).
    assert story.updated == "2024-05-02T08:30:00+00:00"
    listing = json.loads((out / "all" / "feed.json").read_bytes())
    item = next(i for i in listing["items"] if i["id"] == story.id)
    assert item["_akhbar"]["carried_by"] == [{"name": "الجزيرة نت", "url": syndicated["copy"]["canonical_url"]}]
    # Site feeds keep every site's own copy.
    site = feedparser.parse((out / "sites" / "aljazeera" / "rss.xml").read_bytes())
    assert [e.id for e in site.entries] == [f"urn:uuid:{syndicated['copy']['uid']}"]


def test_ids_are_stable_across_exports_and_edits(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    before = [e.id for e in feedparser.parse((out / "all" / "rss.xml").read_bytes()).entries]
    feed_archive.update_article(
        syndicated["other"]["id"], title="عنوان جديد تماماً", body="نص معدل", modified="2024-05-03T09:00:00+03:00"
    )
    report = export_feeds(feed_archive.path, out)
    after = feedparser.parse((out / "all" / "rss.xml").read_bytes()).entries
    assert [e.id for e in after] == before
    assert after[0].title == "عنوان جديد تماماً"
    assert "all/" in report.changed and "sites/enab/" in report.changed


def test_unchanged_feeds_are_not_rewritten(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    stamps = {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    again = export_feeds(feed_archive.path, out)
    assert again.feeds_written == 0 and again.files_written == 0 and again.feeds_unchanged == 7
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in files} == stamps
    # A new article of one site rewrites that site's feeds and the feeds it belongs to, nothing else.
    feed_archive.add_article("enab", category="محليات", published="2024-05-03T12:00:00+03:00")
    third = export_feeds(feed_archive.path, out)
    assert sorted(third.changed) == sorted(["all/", "sites/enab/", "categories/محليات/"])
    untouched = out / "sites" / "humanvoice" / "rss.xml"
    assert (untouched.stat().st_ino, untouched.stat().st_mtime_ns) == stamps[untouched][:2]


def test_unchanged_feed_is_byte_identical_even_without_the_state_file(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    before = {p: p.read_bytes() for p in out.rglob("*.xml")}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    (out / STATE_FILE).unlink()
    report = export_feeds(feed_archive.path, out)
    assert report.files_written == 0
    assert {p: p.read_bytes() for p in before} == before
    assert {p: p.stat().st_mtime_ns for p in before} == mtimes


def test_feed_dates_come_from_the_newest_entry(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    rss = etree.parse(str(out / "sites" / "enab" / "rss.xml"))
    assert rss.findtext("channel/lastBuildDate") == "Thu, 02 May 2024 12:00:00 +0300"
    atom = etree.parse(str(out / "sites" / "enab" / "atom.xml"))
    assert atom.findtext(f"{ATOM}updated") == "2024-05-02T12:00:00+03:00"


def test_limit_keeps_the_newest_entries_in_order(feed_archive: FeedArchive, tmp_path: Path) -> None:
    # Offsets differ, so text order of the stored dates is not time order.
    feed_archive.add_article("aljazeera", title="أ", published="2024-05-01T10:00:00+03:00")  # 07:00Z
    feed_archive.add_article("aljazeera", title="ب", published="2024-05-01T08:00:00+00:00")  # 08:00Z
    feed_archive.add_article("aljazeera", title="ج", published="2024-05-01T06:30:00-03:00")  # 09:30Z
    feed_archive.add_article("aljazeera", title="د", published=None, first_seen="2024-05-01T05:00:00+00:00")
    export_feeds(feed_archive.path, tmp_path / "out", limit=2)
    titles = [
        e.title for e in feedparser.parse((tmp_path / "out" / "sites" / "aljazeera" / "rss.xml").read_bytes()).entries
    ]
    assert titles == ["ج", "ب"]


@pytest.mark.parametrize("how", ["flag", "registry"])
def test_summary_only_feeds_never_carry_the_body(feed_archive: FeedArchive, tmp_path: Path, how: str) -> None:
    feed_archive.add_site(
        "licensed", "موقع مرخص", "https://licensed.example/", feed_content="summary" if how == "registry" else "full"
    )
    body = "هذا نص الخبر الكامل الذي لا يجوز نشره"
    row = feed_archive.add_article("licensed", summary="ملخص قصير", body=body, body_html=f"<p>{body}</p>")
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out, summary_only=how == "flag")
    for path in (out / "sites" / "licensed").iterdir():
        data = path.read_bytes().decode("utf-8")
        assert body not in data and "ملخص قصير" in data and row["canonical_url"] in data
    rss = etree.parse(str(out / "sites" / "licensed" / "rss.xml"))
    assert rss.find(f"channel/item/{CONTENT}encoded") is None
    assert_valid(out)


def test_one_bad_article_does_not_break_a_feed(feed_archive: FeedArchive, tmp_path: Path) -> None:
    feed_archive.add_article(
        "aljazeera",
        uid="not-a-uuid",
        title="\x00\x01عنوان\x1b <script>alert(1)</script> &amp;amp; &#0; \ufffe",
        summary="<b>ملخص</b>\x0c",
        body_html='<p style="color:red">نص<iframe src="https://evil.example/"></iframe></p>'
        '<a href="javascript:alert(1)">x</a><img src="data:image/png;base64,AAAA"><img src="rel.png">\x08',
        authors=["", "  ", "<i>\x07</i>"],
        image="not a url",
        canonical_url="https://aljazeera.example/أخبار/مقال جديد?س=ع#ف",
        published="not a date",
        first_seen="also not a date",
        agencies=["../../etc", "afp"],
        category="../../../etc/passwd\x00",
        tags=["<b>", "وسم"],
    )
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    assert_valid(out)
    for directory in feed_dirs(out):
        assert out.resolve() in directory.resolve().parents
    atom = feedparser.parse((out / "sites" / "aljazeera" / "atom.xml").read_bytes())
    assert atom.entries[0].link.startswith("https://aljazeera.example/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/")
    # Relative to the page it was fetched from (https://aljazeera.example/news/<n>?utm_source=x).
    assert 'src="https://aljazeera.example/news/rel.png"' in atom.entries[0].content[0].value


def test_hub_link_and_publish_ping(feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path) -> None:
    pings: list[dict[str, list[str]]] = []

    class Hub(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            pings.append(parse_qs(self.rfile.read(length).decode("ascii")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        hub = f"http://127.0.0.1:{server.server_port}/hub"
        out = tmp_path / "out"
        report = export_feeds(feed_archive.path, out, hub_url=hub)
        assert report.ping_errors == [] and report.pinged == 21
        assert {p["hub.mode"][0] for p in pings} == {"publish"}
        assert BASE + "all/atom.xml" in {p["hub.url"][0] for p in pings}
        atom = etree.parse(str(out / "all" / "atom.xml"))
        assert atom.find(f"{ATOM}link[@rel='hub']").get("href") == hub  # type: ignore[union-attr]
        rss = etree.parse(str(out / "all" / "rss.xml"))
        assert rss.find(f"channel/{ATOM}link[@rel='hub']").get("href") == hub  # type: ignore[union-attr]
        assert json.loads((out / "all" / "feed.json").read_bytes())["hubs"] == [{"type": "WebSub", "url": hub}]
        assert_valid(out)
        pings.clear()
        assert export_feeds(feed_archive.path, out, hub_url=hub).pinged == 0 and pings == []
    finally:
        server.shutdown()
        server.server_close()


def test_no_hub_by_default(feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path) -> None:
    export_feeds(feed_archive.path, tmp_path / "out")
    assert b'rel="hub"' not in (tmp_path / "out" / "all" / "atom.xml").read_bytes()


def test_temporary_files_do_not_remain(feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    assert [p for p in out.rglob("*.tmp")] == []
    assert all(os.access(p, os.R_OK) for p in out.rglob("*.xml"))


def test_missing_archive_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        export_feeds(tmp_path / "nope.db", tmp_path / "out")
    assert not (tmp_path / "nope.db").exists()


def test_export_runs_while_a_crawl_holds_a_write_transaction(
    feed_archive: FeedArchive, syndicated: dict[str, dict], tmp_path: Path
) -> None:
    import sqlite3

    writer = sqlite3.connect(feed_archive.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO articles (uid, url, canonical_url, site, title, body, first_seen, last_seen, content_hash)"
        " VALUES ('a2c1f9e8-1111-4222-8333-944455556666', 'https://enab.example/x', 'https://enab.example/x',"
        " 'enab', 'لم يكتمل بعد', 'نص', '2024-06-01T00:00:00+00:00', '2024-06-01T00:00:00+00:00', 'h')"
    )
    try:
        report = export_feeds(feed_archive.path, tmp_path / "out")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert report.feeds_written == 7
    assert "لم يكتمل بعد" not in (tmp_path / "out" / "all" / "rss.xml").read_text(encoding="utf-8")


def test_every_feed_holds_its_newest_entries_however_small_the_entry_cache(
    feed_archive: FeedArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Articles appear in several feeds; entries built for one feed are reused by the next from a bounded cache.
    monkeypatch.setattr("exports.writer._CACHE_SIZE", 3)
    for n in range(12):
        feed_archive.add_article(
            "humanvoice" if n % 2 else "aljazeera",
            category="سياسة" if n % 3 else "رياضة",
            agencies=["afp"] if n % 4 else [],
            published=f"2024-05-01T{n:02d}:00:00+00:00",
        )
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out, limit=5)
    expected = {"all": 5, "sites/humanvoice": 5, "sites/aljazeera": 5, "categories/سياسة": 5, "categories/رياضة": 4,
                "agencies/afp": 5}  # fmt: skip
    counts = {
        d.relative_to(out).as_posix(): len(feedparser.parse((d / "atom.xml").read_bytes()).entries)
        for d in feed_dirs(out)
    }
    assert counts == expected


def test_invalid_utf8_and_mistyped_columns_do_not_stop_the_export(feed_archive: FeedArchive, tmp_path: Path) -> None:
    row = feed_archive.add_article("aljazeera", title="سليم")
    # What a buggy writer could leave behind: bytes that are not UTF-8 in a text column, numbers in others.
    # Undecodable bytes are dropped (U+FFFD is what the W3C validator reports as BadCharacters).
    feed_archive.conn.execute(
        "UPDATE articles SET title = CAST(x'd8b9d8ff41' AS TEXT), body = CAST(x'ff0041' AS TEXT), summary = 42,"
        " published = 20240501, authors = '[1, \"كاتب\"]' WHERE id = ?",
        (row["id"],),
    )
    feed_archive.conn.commit()
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    assert_valid(out)
    entry = feedparser.parse((out / "sites" / "aljazeera" / "atom.xml").read_bytes()).entries[0]
    assert entry.title == "عA" and entry.author == "كاتب"


test_hub_link_and_publish_ping = pytest.mark.slow(test_hub_link_and_publish_ping)  # starts a loopback HTTP server
