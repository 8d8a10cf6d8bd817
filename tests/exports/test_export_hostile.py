"""What a hostile or broken publisher can store, exported: nested entities, tag-shaped text, bidi overrides,
endless titles. Every feed must still be written, quickly, with text kept as text and nothing invisible."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FeedArchive
from feedrules import check_feed_directory
from lxml import etree

from crawler.extraction.title import MAX_TITLE
from exports.formats import FORMATS
from exports.html import paragraphs_html, plain_text, strip_tags
from exports.writer import export_feeds

BASE = "http://127.0.0.1:8080/"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
# About 750 KB of one paragraph whose entities decode to tags nested 84,000 deep.
HOSTILE = "&lt;a" * 84_000 + "&gt;" * 84_000 + " نص"


def titles(feed_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """The entry titles of the RSS, Atom and JSON feeds in ``feed_dir``, as a reader decodes them."""
    rss = etree.parse(str(feed_dir / "rss.xml"))
    atom = etree.parse(str(feed_dir / "atom.xml"))
    listing = json.loads((feed_dir / "feed.json").read_bytes())
    return (
        [t.text or "" for t in rss.iterfind("channel/item/title")],
        [t.text or "" for t in atom.iterfind(f"{ATOM}entry/{ATOM}title")],
        [i["title"] for i in listing["items"]],
    )


def documents(feed_dir: Path) -> dict[str, str]:
    return {f.file_name: (feed_dir / f.file_name).read_text("utf-8") for f in FORMATS}


def test_a_hostile_paragraph_is_linear_work_for_plain_text() -> None:
    assert len(HOSTILE) > 750_000
    assert plain_text(HOSTILE) == "نص"
    # Tags that removing others brings together go too, and so does the same nesting unescaped.
    assert strip_tags("<<b>b>x</b>") == "x"
    assert strip_tags("<a" * 200_000 + ">" * 200_000) == ""
    assert strip_tags("<b " * 200_000) == "<b " * 200_000


def test_a_hostile_paragraph_in_every_field_still_exports(feed_archive: FeedArchive, tmp_path: Path) -> None:
    feed_archive.add_article(
        "humanvoice",
        title=HOSTILE,
        summary=None,
        body=HOSTILE,
        body_html=f"<p>{HOSTILE}</p>",
        authors=[HOSTILE],
        tags=[HOSTILE],
    )
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    rss, atom, listing = titles(out / "sites" / "humanvoice")
    assert rss == atom == listing == ["نص"]


def test_tag_shaped_text_in_a_title_survives_as_text(feed_archive: FeedArchive, tmp_path: Path) -> None:
    title = "<![CDATA[ و ]]> إذا كان a < b > c فإن x <b and y> z"
    feed_archive.add_article("humanvoice", title=title)
    feed_archive.add_article("aljazeera", title="<b>عاجل</b>: &lt;i&gt;خبر&lt;/i&gt;")
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    for feed_dir, expected in ((out / "sites" / "humanvoice", title), (out / "sites" / "aljazeera", "عاجل: خبر")):
        rss, atom, listing = titles(feed_dir)
        assert rss == atom == listing == [expected]
        assert check_feed_directory(feed_dir, BASE + feed_dir.relative_to(out).as_posix() + "/") == []


def test_bidi_overrides_reach_no_feed(feed_archive: FeedArchive, tmp_path: Path) -> None:
    # Stored before extraction removed them: the exporter removes them again, from HTML and from text.
    feed_archive.add_article(
        "humanvoice",
        title="عنوان \u202eمعكوس\u202c",
        summary="ملخص\u2067 مخفي\u2069",
        body_html='<p title="\u202e">فقرة \u202eمعكوسة&#x202E;&#8238;\u200f</p>',
        authors=["كاتب\u202e"],
    )
    feed_archive.add_article("aljazeera", body="فقرة\u202e أولى\nفقرة\u2066 ثانية\u061c", summary=None)
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    for site in ("humanvoice", "aljazeera"):
        for name, text in documents(out / "sites" / site).items():
            for mark in ("\u202e", "\u202c", "\u2066", "\u2067", "\u2069", "\u200f", "\u061c"):
                assert mark not in text, (site, name, mark)
            lowered = text.lower()
            assert "&#x202e;" not in lowered and "&#8238;" not in lowered, (site, name)
    rss = etree.parse(str(out / "sites" / "humanvoice" / "rss.xml"))
    content = rss.findtext(f"channel/item/{CONTENT}encoded") or ""
    assert "فقرة معكوسة" in content
    assert paragraphs_html("می\u200cخواهم\u202e") == "<p>می\u200cخواهم</p>"  # ZWNJ is spelling, it stays


def test_titles_stored_longer_than_the_cap_are_cut_when_exported(feed_archive: FeedArchive, tmp_path: Path) -> None:
    long_title = " ".join(f"كلمة{i}" for i in range(150))
    assert len(long_title) > MAX_TITLE
    feed_archive.add_article("humanvoice", title=long_title)
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    for found in titles(out / "sites" / "humanvoice"):
        [title] = found
        assert len(title) <= MAX_TITLE and title.endswith("…")
        assert long_title.startswith(title[:-1]) and long_title[len(title) - 1] == " "
