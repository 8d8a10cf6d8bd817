"""``export_feeds``: writes every feed of the archive, incrementally and atomically.

The export reads one consistent snapshot of the archive (a single read transaction), plans the feeds
(``all/``, one per site, category and agency), builds each feed's entries and compares a fingerprint of
them with the one recorded by the previous export in ``.akhbar-export.json``: a feed whose entries did
not change is neither rendered nor written, unless a format's version (``formats.FORMATS``) differs from the
one the state recorded: that format is then rendered again in every feed. A feed that did change is rendered in
every format, and each file is written only if its bytes differ (``files.write_if_changed``), through a
temporary file and a rename. With a hub configured, the URLs of changed feeds are then announced to it (WebSub
publish).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crawler.agencies import AGENCIES
from exports.archive import (
    ArticleRow,
    Carrier,
    Selection,
    SiteRow,
    fetch_articles,
    fetch_carriers,
    open_archive,
    select_feeds,
)
from exports.dates import FALLBACK_DATE
from exports.entries import EntryContext, build_entry, site_credit
from exports.feeds import INDEX_HTML, INDEX_OPML, FeedSpec
from exports.files import export_lock, remove_stale_temporaries, write_if_changed
from exports.formats import FORMATS, Format
from exports.html import plain_text
from exports.index_page import render_index
from exports.model import Entry
from exports.opml import render_opml
from exports.slugs import safe_id
from exports.urls import normalize_base_url, to_uri
from exports.websub import ping_hub
from exports.xmlfeeds import newest

STATE_FILE = ".akhbar-export.json"
_CACHE_SIZE = 2000


@dataclass
class ExportReport:
    """What one export did."""

    out_dir: Path
    feeds_written: int = 0
    """Feeds with at least one file rewritten."""
    feeds_unchanged: int = 0
    """Feeds left as they were."""
    entries: int = 0
    """Entries across all feeds (a story in several feeds counts once per feed)."""
    files_written: int = 0
    """Files actually written, feeds, OPML and index included."""
    feeds: list[str] = field(default_factory=list)
    """Every feed directory, relative to ``out_dir``."""
    changed: list[str] = field(default_factory=list)
    """The feed directories rewritten by this export."""
    removed: list[str] = field(default_factory=list)
    """Feeds the previous export wrote that no longer exist (every article of a site or agency pruned): their
    files were deleted, so that nothing under ``out_dir`` links to what the archive no longer holds."""
    pinged: int = 0
    ping_errors: list[str] = field(default_factory=list)


def plan_feeds(selection: Selection, base_url: str, hub_url: str | None = None) -> list[tuple[FeedSpec, list[int]]]:
    """Every feed of the export, with the ids of the articles it holds, newest first."""

    def spec(kind: str, relpath: str, title: str, description: str, home: str | None, count: int) -> FeedSpec:
        return FeedSpec(kind, relpath, title, description, home or base_url, base_url, hub_url, count)

    total = sum(selection.site_counts.values())
    plan = [
        (
            spec("all", "all/", "أخبار: كل المواقع", "آخر الأخبار من كل المواقع، الخبر المتكرر مرة واحدة", None, total),
            selection.all_ids,
        )
    ]
    for site_id, ids in selection.site_ids.items():
        site = selection.sites[site_id]
        credit = site_credit(site, base_url)
        relpath = f"sites/{safe_id(site_id)}/"
        description = f"آخر أخبار {credit.name}، مع رابط كل خبر في موقعه الأصلي"
        plan.append((spec("site", relpath, credit.name, description, credit.url, selection.site_counts[site_id]), ids))
    for slug, ids in selection.category_ids.items():
        name = plain_text(selection.category_names[slug]) or slug
        feed = spec("category", f"categories/{slug}/", f"تصنيف: {name}", f"آخر أخبار تصنيف {name} من كل المواقع",
                    None, selection.category_counts[slug])  # fmt: skip
        plan.append((feed, ids))
    for agency_dir, ids in selection.agency_ids.items():
        raw = selection.agency_raw[agency_dir]
        agency = AGENCIES.get(raw)
        name = plain_text(agency.name) if agency else plain_text(raw) or agency_dir
        home = to_uri(agency.url) if agency else None
        feed = spec("agency", f"agencies/{agency_dir}/", f"وكالة: {name}", f"أخبار منسوبة إلى {name}",
                    home, selection.agency_counts[agency_dir])  # fmt: skip
        plan.append((feed, ids))
    return plan


class _Entries:
    """Builds entries from rows on demand; keeps recent ones, since an article appears in several feeds."""

    def __init__(self, conn: sqlite3.Connection, sites: dict[str, SiteRow], ctx: EntryContext) -> None:
        self.conn = conn
        self.size = _CACHE_SIZE
        self.sites = sites
        self.ctx = ctx
        self.cache: OrderedDict[tuple[int, bool], Entry] = OrderedDict()

    def get(self, ids: list[int], combined: bool) -> list[Entry]:
        found: dict[int, Entry] = {}
        for article_id in ids:
            entry = self.cache.get((article_id, combined))
            if entry is not None:
                self.cache.move_to_end((article_id, combined))
                found[article_id] = entry
        missing = [i for i in ids if i not in found]
        rows = fetch_articles(self.conn, missing)
        carriers = fetch_carriers(self.conn, [r.story_id for r in rows.values() if r.story_id]) if combined else {}
        for article_id in missing:
            row = rows.get(article_id)
            if row is not None:
                found[article_id] = self._put((article_id, combined), self._build(row, carriers))
        # The result is built from ``found``, not from the cache, which may have evicted some of them by now.
        return [found[i] for i in ids if i in found]

    def _build(self, row: ArticleRow, carriers: dict[int, list[Carrier]]) -> Entry:
        others = []
        seen = {row.site}
        for carrier in carriers.get(row.story_id or -1, []):
            if carrier.site in seen or carrier.site not in self.sites:
                continue
            seen.add(carrier.site)
            others.append((self.sites[carrier.site], carrier))
        return build_entry(row, self.sites[row.site], self.ctx, tuple(others))

    def _put(self, key: tuple[int, bool], entry: Entry) -> Entry:
        self.cache[key] = entry
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        return entry


def _fingerprint(spec: FeedSpec, entries: Sequence[Entry]) -> str:
    # The count is shown in the index only; it does not change the feed documents.
    material = repr((dataclasses.replace(spec, count=0), tuple(entries)))
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class _State:
    """What the previous export recorded: each feed's fingerprint, and the version of each format it wrote."""

    feeds: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    def current(self, relpath: str, fingerprint: str, fmt: Format, directory: Path) -> bool:
        """Whether ``fmt``'s file of feed ``relpath`` (in ``directory``) is still what a render would write."""
        same = self.feeds.get(relpath) == fingerprint and self.versions.get(fmt.name) == fmt.version
        return same and (directory / fmt.file_name).is_file()


def _load_state(path: Path) -> _State:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _State()
    if not isinstance(state, dict):
        return _State()
    feeds, versions = state.get("feeds"), state.get("formats")
    return _State(
        {k: v for k, v in feeds.items() if isinstance(v, str)} if isinstance(feeds, dict) else {},
        {k: v for k, v in versions.items() if isinstance(v, int)} if isinstance(versions, dict) else {},
    )


def _inside(root: Path, relpath: str) -> Path:
    target = (root / relpath).resolve()
    if root.resolve() not in target.parents and target != root.resolve():
        raise ValueError(f"feed path {relpath!r} escapes the export directory")
    return target


def _remove_feed(out: Path, relpath: str) -> bool:
    """Delete the files of a feed the previous export wrote (only those), and its directory once empty."""
    try:
        directory = _inside(out, relpath)
    except ValueError:
        return False  # a state file edited by hand: never delete outside the export directory
    removed = False
    for fmt in FORMATS:
        with contextlib.suppress(FileNotFoundError):
            (directory / fmt.file_name).unlink()
            removed = True
    with contextlib.suppress(OSError):
        directory.rmdir()  # only when empty: whatever else someone put there stays
    return removed


def export_feeds(
    db_path: str | Path,
    out_dir: str | Path,
    *,
    base_url: str | None = None,
    limit: int = 100,
    summary_only: bool = False,
    hub_url: str | None = None,
) -> ExportReport:
    """Write every feed of the archive at ``db_path`` under ``out_dir``; see the module docstring.

    ``base_url`` is the public URL ``out_dir`` is served under (default ``http://127.0.0.1:8080/``);
    ``limit`` the number of entries per feed; ``summary_only`` leaves article bodies out of every feed;
    ``hub_url`` a WebSub hub to link from every feed and to ping with the feeds that changed. One export at a
    time writes a directory; it first clears what a killed export left half-written.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    base = normalize_base_url(base_url)
    hub = to_uri(hub_url) if hub_url else None
    if hub_url and hub is None:
        raise ValueError(f"hub URL {hub_url!r} is not an absolute http(s) URL")
    out = Path(out_dir)
    with export_lock(out):  # creates ``out``
        remove_stale_temporaries(out)
        report = ExportReport(out_dir=out)
        state_path = out / STATE_FILE
        previous = _load_state(state_path)
        state: dict[str, str] = {}
        specs: list[FeedSpec] = []
        updated = FALLBACK_DATE
        conn = open_archive(db_path)
        try:
            conn.execute("BEGIN")  # one snapshot of the archive for the whole export, while a crawl may write
            selection = select_feeds(conn, limit)
            entries_of = _Entries(conn, selection.sites, EntryContext(base, summary_only))
            for spec, ids in plan_feeds(selection, base, hub):
                entries = entries_of.get(ids, combined=spec.kind == "all")
                specs.append(spec)
                report.feeds.append(spec.relpath)
                report.entries += len(entries)
                updated = max(updated, newest(entries))
                directory = _inside(out, spec.relpath)
                fingerprint = _fingerprint(spec, entries)
                state[spec.relpath] = fingerprint
                stale = [f for f in FORMATS if not previous.current(spec.relpath, fingerprint, f, directory)]
                if not stale:
                    report.feeds_unchanged += 1
                    continue
                written = sum(write_if_changed(directory / f.file_name, f.render(spec, entries)) for f in stale)
                report.files_written += written
                if written:
                    report.feeds_written += 1
                    report.changed.append(spec.relpath)
                else:
                    report.feeds_unchanged += 1
        finally:
            conn.rollback()
            conn.close()
        for relpath in sorted(set(previous.feeds) - set(state)):
            if _remove_feed(out, relpath):
                report.removed.append(relpath)
        report.files_written += write_if_changed(out / INDEX_OPML, render_opml(specs, updated, base))
        report.files_written += write_if_changed(out / INDEX_HTML, render_index(specs, base))
        versions = {f.name: f.version for f in FORMATS}
        state_bytes = json.dumps({"formats": versions, "base_url": base, "feeds": state}, indent=1, sort_keys=True)
        write_if_changed(state_path, state_bytes.encode("utf-8"))
        if hub and report.changed:
            urls = [spec.url(f.file_name) for spec in specs if spec.relpath in report.changed for f in FORMATS]
            report.ping_errors = ping_hub(hub, urls)
            report.pinged = len(urls) - len(report.ping_errors)
        return report
