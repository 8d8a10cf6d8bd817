"""Property-based: whatever Unicode an article carries, every feed stays well-formed and valid."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from conftest import new_archive
from feedrules import CHECKS, check_feed_directory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports.archive import ArticleRow, Carrier, SiteRow
from exports.entries import EntryContext, build_entry
from exports.feeds import FeedSpec
from exports.formats import FORMATS
from exports.writer import export_feeds

BASE = "http://127.0.0.1:8080/"
TRICKY = [
    "<b>", "</p>", "&amp;", "&lt;script&gt;", "&#1;", "&#xZZ;", "]]>", "<![CDATA[", "\x00", "\x0b", "\x1b",
    "\x85", "\ufffe", "\ud7ff", "\U0010ffff", "\u202b", "\u0640", "javascript:alert(1)", "<script>x</script>",
    '" onmouseover="x', "%", "%zz", "../", "?", "#", " ", "\n", "\t", "سياسة", "ٌّ", "—",
]  # fmt: skip
# Arbitrary Unicode (every category but lone surrogates, which Python strings from SQLite never hold),
# interleaved with fragments that break naive feed writers.
text = st.lists(st.one_of(st.text(st.characters(exclude_categories=["Cs"])), st.sampled_from(TRICKY)), max_size=6).map(
    "".join
)
maybe_text = st.one_of(st.none(), text)
urls = st.one_of(
    text,
    st.builds(lambda path: "https://site.example/" + path, text),
    st.builds(lambda host, path: f"http://{host}/{path}", text, text),
)
dates = st.one_of(st.none(), text, st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()))
crawl_times = st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2025, 1, 1), timezones=st.just(UTC)).map(
    lambda d: d.isoformat()
)
SITE = SiteRow("site", "موقع", "Site", "https://site.example/", "ar", "full")
OTHER = SiteRow("other", "آخر", "Other", "https://other.example/", "ar", "full")
SPEC = FeedSpec("site", "sites/site/", "موقع", "آخر الأخبار", "https://site.example/", BASE)


@st.composite
def articles(draw: st.DrawFn) -> ArticleRow:
    return ArticleRow(
        id=1,
        uid=draw(st.one_of(st.uuids().map(str), text)),
        url=draw(urls),
        canonical_url=draw(urls),
        site="site",
        title=draw(text),
        subtitle=draw(maybe_text),
        summary=draw(maybe_text),
        body=draw(text),
        body_html=draw(maybe_text),
        published=draw(dates),
        modified=draw(dates),
        # Crawl times come from the crawler's clock, not from the site: plausible by construction.
        first_seen=draw(crawl_times),
        last_seen=draw(crawl_times),
        authors=tuple(draw(st.lists(text, max_size=3))),
        category=draw(maybe_text),
        tags=tuple(draw(st.lists(text, max_size=3))),
        image=draw(st.one_of(st.none(), urls)),
        agencies=tuple(draw(st.lists(st.one_of(st.sampled_from(["afp", "anadolu"]), text), max_size=2))),
        language=draw(st.one_of(st.none(), st.sampled_from(["ar", "en", "fr-FR"]), text)),
        story_id=1,
        content_hash="h",
    )


@settings(max_examples=150, deadline=None)
@given(article=articles(), carrier_url=urls, summary_only=st.booleans())
def test_any_article_yields_valid_feeds(article: ArticleRow, carrier_url: str, summary_only: bool) -> None:
    carriers = ((OTHER, Carrier(2, "other", carrier_url, "2024-05-03T00:00:00+00:00")),)
    entry = build_entry(article, SITE, EntryContext(BASE, summary_only), carriers)
    for fmt in FORMATS:
        assert CHECKS[fmt.name](fmt.render(SPEC, [entry]), SPEC.url(fmt.file_name)) == [], fmt.name
    if summary_only:
        assert entry.body_html is None
    try:
        assert entry.id == uuid.UUID(article.uid.strip()).urn
    except ValueError:
        assert entry.id.startswith("urn:uuid:")  # a stable stand-in, never derived from the title


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(category=text, agency=text, title=text, author=text)
def test_any_names_yield_safe_paths_and_valid_feeds(
    tmp_path_factory: object, category: str, agency: str, title: str, author: str
) -> None:
    root = Path(tmp_path_factory.mktemp("prop"))  # type: ignore[attr-defined]
    archive = new_archive(root / "a.db")
    try:
        archive.add_site("site", "موقع", "https://site.example/")
        archive.add_article("site", category=category, agencies=[agency], title=title, authors=[author])
        out = root / "out"
        export_feeds(archive.path, out)
    finally:
        archive.conn.close()
    for path in out.rglob("*"):
        assert out.resolve() in path.resolve().parents
    from urllib.parse import quote

    for directory in sorted(p.parent for p in out.rglob("rss.xml")):
        assert check_feed_directory(directory, BASE + quote(directory.relative_to(out).as_posix()) + "/") == []
