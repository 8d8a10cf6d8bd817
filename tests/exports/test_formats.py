"""The table of formats (``exports.formats.FORMATS``): every format checked, documented, versioned with its output.

A format's version must move whenever its renderer writes other bytes for the same entries, or an export would
leave every unchanged feed in the old output. ``RECORDED`` holds, for each format, its version and the digest of
what it renders from fixed entries; the test fails when the digest moves and says which version to raise. The
entries are built here, not from an archive, so that the digest moves with the renderer alone: a change in how
entries are built changes their fingerprint, and the feeds are rendered again without any version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FeedArchive
from feedrules import CHECKS

from exports import formats
from exports.feeds import FeedSpec
from exports.formats import FORMATS, JSON_FEED, Format
from exports.model import Category, Credit, Entry, Source
from exports.writer import export_feeds

DOC = Path(__file__).resolve().parents[2] / "docs" / "feeds.md"
BASE = "https://feeds.example.org/akhbar/"
RECORDED = {
    "rss": (2, "3b2df87d3c2d70df415cb6e438725970b8a05c1434a674774df3323017d8eda5"),
    "atom": (1, "ffd2cc02ec6391f0ebe508b3af55ccdac05d7be4dc815a757c9cf6cd97516800"),
    "json": (1, "1d631b3b69116c4e97a2ce4871fd07cb1d85776f489ca5bfae4bb75a532eb08d"),
}
"""Each format's version and the SHA-256 of ``rendered(format)`` at that version."""

FULL = Entry(
    id="urn:uuid:0b7e4a52-3f57-4b8e-9a57-2d0c7a1f2b3c",
    published=datetime(2024, 5, 2, 7, 0, tzinfo=UTC),
    updated=datetime(2024, 5, 2, 9, 30, tzinfo=UTC),
    title="الخارجية الكازخية “متفائلة” بنتائج ملموسة لأستانة8",
    link="https://humanvoice.example/news/%D8%AE%D8%A8%D8%B1",
    summary="ملخص الخبر & ما بعده <كما كُتب>",
    body_html='<p>نص <a href="https://humanvoice.example/tag/x">الخبر</a></p><img src="https://humanvoice.example/a.jpg">',
    authors=("حيدر بك", "Jane Doe"),
    categories=(
        Category("سياسة", "سياسة", BASE + "categories/"),
        Category("anadolu", "الأناضول", BASE + "agencies/"),
        Category("غزة", "غزة"),
    ),
    image="https://humanvoice.example/a.jpg",
    image_type="image/jpeg",
    source=Source(
        id="urn:uuid:9e1f4a0e-0a44-5d4e-8c3e-7b0f7c2d1a55",
        title="هيومن فويس",
        url="https://humanvoice.example/",
        feed_url=BASE + "sites/humanvoice/atom.xml",
        feed_type="application/atom+xml",
        updated=datetime(2024, 5, 2, 9, 30, tzinfo=UTC),
        origin_feed_url="https://humanvoice.example/feed/",
    ),
    agencies=(Credit("الأناضول", "https://www.aa.com.tr/ar"),),
    carriers=(Credit("الجزيرة نت", "https://aljazeera.example/news/9"), Credit("عنب بلدي", "https://enab.example/1")),
    language="ar",
)
SUMMARY_ONLY = dataclasses.replace(
    FULL,
    id="urn:uuid:5d2c8e7a-1b3f-4c6d-9e0a-8f7b6c5d4e3a",
    title="An English headline",
    body_html=None,
    published=datetime(2024, 5, 1, 22, 0, tzinfo=UTC),
    updated=datetime(2024, 5, 1, 22, 0, tzinfo=UTC),
    authors=("English Site",),
    categories=(),
    image=None,
    image_type=None,
    agencies=(),
    carriers=(),
    language="en",
)
COMBINED = FeedSpec("all", "all/", "أخبار: كل المواقع", "آخر الأخبار", BASE, BASE, hub_url="https://hub.example/")
SITE = FeedSpec("site", "sites/humanvoice/", "هيومن فويس", "آخر أخبار هيومن فويس", "https://humanvoice.example/", BASE)


def rendered(fmt: Format) -> str:
    """The digest of ``fmt``'s documents of the fixed entries: a combined feed with a hub, a site feed, an empty one."""
    documents = (fmt.render(COMBINED, [FULL, SUMMARY_ONLY]), fmt.render(SITE, [SUMMARY_ONLY]), fmt.render(SITE, []))
    return hashlib.sha256(b"\0".join(documents)).hexdigest()


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_a_formats_output_changes_only_with_its_version(fmt: Format) -> None:
    digest = rendered(fmt)
    record = f"record {fmt.name!r}: ({{version}}, {digest!r}) in RECORDED (tests/exports/test_formats.py)"
    version, recorded = RECORDED.get(fmt.name, (None, None))
    if version is None:
        pytest.fail(f"no digest is recorded for the format {fmt.name!r}: " + record.format(version=fmt.version))
    if version == fmt.version:
        assert digest == recorded, (
            f"the {fmt.standard} renderer writes other bytes for the same entries: raise the version of "
            f"{fmt.name!r} in exports/formats.py to {fmt.version + 1}, so that every feed is rendered again, and "
            + record.format(version=fmt.version + 1)
        )
    else:
        assert digest != recorded, f"{fmt.name!r} writes what version {version} wrote: keep that version"
        pytest.fail(f"{fmt.name!r} is now version {fmt.version}: " + record.format(version=fmt.version))


def test_a_raised_version_renders_that_format_again_in_every_feed_and_only_it(
    feed_archive: FeedArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_archive.add_article("humanvoice", agencies=["anadolu"])
    feed_archive.add_article("aljazeera")
    out = tmp_path / "out"
    first = export_feeds(feed_archive.path, out)
    files = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for f in FORMATS for p in out.rglob(f.file_name)}

    def render_json(spec: FeedSpec, entries: Sequence[Entry], *, url: str, media_type: str) -> bytes:
        return JSON_FEED.renderer(spec, entries, url=url, media_type=media_type) + b"\n"

    changed = dataclasses.replace(JSON_FEED, renderer=render_json)
    monkeypatch.setattr("exports.writer.FORMATS", tuple(changed if f is JSON_FEED else f for f in FORMATS))
    # A renderer changed without its version: the feeds whose entries did not change keep the old output.
    assert export_feeds(feed_archive.path, out).files_written == 0
    bumped = dataclasses.replace(changed, version=JSON_FEED.version + 1)
    monkeypatch.setattr("exports.writer.FORMATS", tuple(bumped if f is JSON_FEED else f for f in FORMATS))
    again = export_feeds(feed_archive.path, out)
    assert again.feeds_written == len(first.feeds) and again.files_written == len(first.feeds)
    rewritten = {p for p, stamp in files.items() if (p.stat().st_ino, p.stat().st_mtime_ns) != stamp}
    assert rewritten == {p for p in files if p.name == JSON_FEED.file_name}
    assert export_feeds(feed_archive.path, out).files_written == 0  # recorded: once only


def test_every_format_has_validator_rules() -> None:
    assert sorted(CHECKS) == sorted(f.name for f in FORMATS)


def test_two_formats_cannot_share_a_name_or_a_file() -> None:
    with pytest.raises(ValueError, match=r"file_name: rss\.xml"):
        formats._reject_duplicates([*FORMATS, dataclasses.replace(JSON_FEED, name="rss2", file_name="rss.xml")])


def section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def table_rows(text: str) -> list[list[str]]:
    """The cells of a Markdown table's rows in ``text``, header included, separator left out."""
    rows = [[c.strip().strip("`") for c in line.strip().strip("|").split("|")] for line in text.splitlines()
            if line.startswith("|") and not re.fullmatch(r"[|\s:-]+", line)]  # fmt: skip
    return rows


def test_docs_list_the_formats_of_the_table() -> None:
    rows = table_rows(section("Formats"))
    assert rows[0] == ["format", "standard", "file", "media type"]
    assert rows[1:] == [[f.name, f.standard, f.file_name, f.media_type] for f in FORMATS]
    layout = next(line for line in section("Layout").splitlines() if "(in each feed directory)" in line)
    assert layout.split("(")[0].split() == [f.file_name for f in FORMATS]
    entries_header = table_rows(section("Entries"))[0]
    assert entries_header[1:] == [f.standard for f in FORMATS]
