"""The store stage's write rate against a plain ``executemany`` of the same rows, and where the store's time goes.

Prepares N normalized Article items (generated Arabic text, 300–1,500 words, 4% lightly edited re-runs of an
earlier story on another site so that story grouping does real work), each with the fingerprint the extraction
worker computes in a crawl (content hash, normalized search text, MinHash signature and band keys: timed here
apart). Then, each into a fresh archive with the real schema, in the same run:

- ``executemany of the same rows`` (the baseline): every row the store writes for these articles (articles,
  full-text index and its vocabulary, MinHash signatures, LSH band keys, stories), inserted with one
  ``executemany`` per table per batch of 100 in a transaction;
- ``executemany of the articles rows only``: the ``articles`` columns alone, for reference;
- ``Archive.store``: the store pipeline's call with the worker's fingerprints, batches of 100, one transaction
  each: the crawl's store stage. Unlike the baseline it also looks up each URL, same-text twin and LSH
  candidate before writing;
- ``Archive.store, computing fingerprints``: what ``akhbar ingest`` and a crawl without extraction workers do;
- the store again with its parts timed by wrapping the archive's functions from outside (adds a little).

Reports rows per second of each and the ratios to the baseline. Writes the ``store`` section of
``docs/benchmarks.md``.

    python benchmarks/store.py --rows 5000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crawler.storage.archive as archive_module
from benchmarks.corpus_text import edit_words
from benchmarks.report import update_section
from benchmarks.sitegen import Writer
from crawler.items import Article
from crawler.registry import Site
from crawler.storage import minhash
from crawler.storage.archive import Archive, utcnow
from crawler.storage.db import open_db
from crawler.storage.fingerprint import Fingerprint, fingerprint
from crawler.text.arabic import content_hash

BATCH = 100
SITES = [f"site{i:02d}" for i in range(10)]
TARGET = 0.70


def article_text(writer: Writer, recent: Sequence[Article]) -> tuple[str, str, str]:
    """Site, title and body of the next generated article: 4% are an edited copy of one of ``recent`` carried by
    another site (a wire story), the rest new text of 300–1,500 words."""
    rng = writer.random
    site = rng.choice(SITES)
    if recent and rng.random() < 0.04:
        source = rng.choice(recent)
        body = "\n".join(edit_words(p, 0.05, rng, writer.words) for p in source.body.split("\n"))
        return rng.choice([s for s in SITES if s != source.site]), source.title or "", body
    body = "\n".join(writer.body(rng.randint(300, 1500)))
    return site, writer.title(), body


def articles(n: int, seed: int = 3) -> list[Article]:
    """``n`` normalized items as the store pipeline receives them."""
    writer = Writer(seed)
    rng = writer.random
    made: list[Article] = []
    for i in range(n):
        site, title, body = article_text(writer, made[-300:])
        url = f"https://{site}.example/news/2026/11/{i}.html"
        item = Article(
            url=url, canonical_url=url, site=site, title=title, body=body, body_html="",
            summary=writer.sentence(), published=f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00+03:00",
            authors=[rng.choice(("محمد العلي", "سارة الخطيب"))], category="سياسة", tags=["سوريا", "لبنان"],
            image=f"https://{site}.example/img/{i}.jpg", language="ar",
        )  # fmt: skip
        item.content_hash = content_hash(item.title, item.body)
        made.append(item)
    return made


def fresh_archive(tmp: Path, name: str) -> Archive:
    archive = Archive(open_db(tmp / f"{name}.db"))
    archive.sync_sites(Site(s, s, s, f"https://{s}.example/", "SY") for s in SITES)
    return archive


def batches(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def article_rows(archive: Archive, items: list[Article]) -> tuple[list[str], list[list[Any]]]:
    now = utcnow()
    rows = []
    names: list[str] = []
    for a in items:
        cols = archive._columns(a, a.content_hash or "") | {"uid": str(uuid.uuid4()), "first_seen": now,
                                                             "last_seen": now}  # fmt: skip
        names = list(cols)
        rows.append(list(cols.values()))
    return names, rows


def fingerprints(items: list[Article]) -> tuple[list[Fingerprint], float]:
    """What the extraction worker hands on with each page, and its CPU seconds."""
    start = time.process_time()
    made = [fingerprint(a.title, a.body) for a in items]
    return made, time.process_time() - start


def run_articles_only(tmp: Path, items: list[Article]) -> float:
    archive = fresh_archive(tmp, "executemany")
    names, rows = article_rows(archive, items)
    sql = f"INSERT INTO articles ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    start = time.perf_counter()
    for chunk in batches(rows):
        with archive.transaction():
            archive.conn.executemany(sql, chunk)
    elapsed = time.perf_counter() - start
    archive.db.conn.close()
    return elapsed


def run_same_rows(tmp: Path, items: list[Article], fps: list[Fingerprint]) -> float:
    """Every table the store writes, values computed beforehand, one executemany per table per batch."""
    archive = fresh_archive(tmp, "bulk")
    names, rows = article_rows(archive, items)
    fts = [(fp.search_title, fp.search_body, fp.stem_title, fp.stem_body) for fp in fps]
    seen_terms: set[str] = set()  # the vocabulary rows the store writes: each term once
    sigs = [fp.signature_array() for fp in fps]
    now = utcnow()
    sql = f"INSERT INTO articles ({', '.join(names)}, story_id) VALUES ({', '.join('?' * (len(names) + 1))})"
    start = time.perf_counter()
    next_id = 1
    for lo in range(0, len(items), BATCH):
        ids = list(range(next_id, next_id + len(rows[lo : lo + BATCH])))
        next_id += len(ids)
        with archive.transaction():
            archive.conn.executemany(
                "INSERT INTO stories (id, first_article_id, first_site, first_published, agencies, article_count,"
                " created) VALUES (?, ?, ?, ?, '[]', 1, ?)",
                [(i, i, items[i - 1].site, items[i - 1].published, now) for i in ids],
            )
            archive.conn.executemany(sql, [[*rows[i - 1], i] for i in ids])
            archive.conn.executemany("INSERT INTO articles_fts (rowid, title, body, title_stems, body_stems)"
                                     " VALUES (?, ?, ?, ?, ?)", [(i, *fts[i - 1]) for i in ids])  # fmt: skip
            terms = {t for i in ids for t in fps[i - 1].terms} - seen_terms
            seen_terms |= terms
            archive.conn.executemany("INSERT INTO search_terms (term) VALUES (?)", [(t,) for t in terms])
            sig_rows = [(i, sig) for i in ids if (sig := sigs[i - 1]) is not None]
            archive.conn.executemany("INSERT INTO minhashes (article_id, signature) VALUES (?, ?)",
                                     [(i, minhash.to_blob(s)) for i, s in sig_rows])  # fmt: skip
            archive.conn.executemany("INSERT INTO lsh_bands (band_key, article_id) VALUES (?, ?)",
                                     [(k, i) for i, s in sig_rows for k in minhash.band_keys(s)])  # fmt: skip
    elapsed = time.perf_counter() - start
    archive.db.conn.close()
    return elapsed


def run_store(
    tmp: Path, items: list[Article], fps: list[Fingerprint] | None, name: str = "store"
) -> tuple[float, dict[str, int]]:
    archive = fresh_archive(tmp, name)
    actions: dict[str, int] = defaultdict(int)
    given: list[Fingerprint | None] = list(fps) if fps is not None else [None] * len(items)
    start = time.perf_counter()
    for lo in range(0, len(items), BATCH):
        for outcome in archive.store(items[lo : lo + BATCH], given[lo : lo + BATCH]):
            actions[outcome.action] += 1
    elapsed = time.perf_counter() - start
    archive.db.conn.close()
    return elapsed, dict(actions)


class Timers:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start

        return timed


def run_store_timed(tmp: Path, items: list[Article], fps: list[Fingerprint]) -> tuple[float, dict[str, float]]:
    """``Archive.store`` with its parts timed by wrappers (instance methods and the module functions it calls)."""
    archive = fresh_archive(tmp, "timed")
    timers = Timers()
    saved = (archive_module.fingerprint, minhash.best_match)
    archive_module.fingerprint = timers.wrap("fingerprint", fingerprint)  # type: ignore[assignment]
    minhash.best_match = timers.wrap("lsh_best_match", minhash.best_match)
    methods = ("find", "_store_one", "_insert", "_index_text", "_matching_story", "_new_story", "_save_signature",
               "_refresh_story")  # fmt: skip
    for method in methods:
        setattr(archive, method, timers.wrap(method, getattr(archive, method)))
    try:
        start = time.perf_counter()
        for lo in range(0, len(items), BATCH):
            archive.store(items[lo : lo + BATCH], fps[lo : lo + BATCH])
        elapsed = time.perf_counter() - start
    finally:
        (archive_module.fingerprint, minhash.best_match) = saved
        archive.db.conn.close()
    s = timers.seconds
    parts = {
        "URL lookup (find) and same-text twin lookup": s["_store_one"] - s["_insert"],
        "fingerprint computed by the store (none: all came from the worker)": s["fingerprint"],
        "LSH candidates query + best match": s["_matching_story"],
        "articles INSERT (row building included)": s["_insert"] - s["fingerprint"] - s["_matching_story"]
        - s["_new_story"] - s["_index_text"] - s["_save_signature"] - s["_refresh_story"],
        "FTS INSERT": s["_index_text"],
        "MinHash and LSH band INSERTs": s["_save_signature"],
        "story INSERT (a new story)": s["_new_story"],
        "story refresh (a copy joining a story)": s["_refresh_story"],
        "transaction BEGIN/COMMIT and loop": elapsed - s["_store_one"],
    }
    return elapsed, parts


BASELINE = "executemany of the same rows"
STORE = "Archive.store, fingerprints from the worker (the crawl)"


def markdown(n: int, results: dict[str, float], actions: dict[str, int], parts: dict[str, float],
             timed_total: float, fingerprint_seconds: float) -> str:  # fmt: skip
    base = n / results[BASELINE]
    lines = [
        f"## Store: `Archive.store` against a plain `executemany` of the same rows (`benchmarks/store.py`, {n:,} rows)",
        "",
        f"{n:,} prepared, normalized articles (300–1,500 Arabic words; 4% edited re-runs on another site), in",
        f"batches of {BATCH}, one transaction each, each method into a fresh archive with the real schema (WAL,",
        "`synchronous=NORMAL`). Each article comes with the fingerprint the extraction worker computes in a crawl",
        "(content hash, normalized search text, MinHash signature and LSH band keys), so the store stage is the",
        "writes. The baseline, `executemany of the same rows`, inserts every row the store writes (articles,",
        "full-text index, signatures, band keys, stories) with one `executemany` per table per batch; the store",
        "also looks up each URL, same-text twin and LSH candidates, and writes row by row.",
        "",
        "| method | rows / s | × baseline |",
        "|---|---:|---:|",
    ]
    for name, seconds in results.items():
        rate = n / seconds
        lines.append(f"| {name} | {rate:,.0f} | {rate / base:.3f} |")
    store_ratio = (n / results[STORE]) / base
    lines += [
        "",
        f"Target: the store stage at ≥ {TARGET:.0%} of `executemany` of the same rows:"
        f" {'yes' if store_ratio >= TARGET else '**no**'} ({store_ratio:.1%}). Store outcomes: {json.dumps(actions)}.",
        f"Fingerprinting, done in the extraction worker during a crawl, took {fingerprint_seconds / n * 1000:.2f} ms"
        " of CPU per article here; `Archive.store` computes it itself when an article comes without one",
        "(`akhbar ingest`, or a crawl with `AKHBAR_EXTRACT_WORKERS=0`): the last row.",
        "",
        "Where the store stage's time goes (a separate timed pass of the same rows; the wrappers add a little):",
        "",
        "| part | share | ms / row |",
        "|---|---:|---:|",
    ]
    for name, seconds in parts.items():
        lines.append(f"| {name} | {seconds / timed_total:.1%} | {seconds / n * 1000:.3f} |")
    lines.append(f"| **total** | 100% | {timed_total / n * 1000:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    items = articles(args.rows)
    fps, fingerprint_seconds = fingerprints(items)
    random.seed(0)
    with tempfile.TemporaryDirectory(prefix="akhbar-store-bench-") as tmp_name:
        tmp = Path(tmp_name)
        results = {BASELINE: run_same_rows(tmp, items, fps), "executemany of the articles rows only": 0.0}
        results["executemany of the articles rows only"] = run_articles_only(tmp, items)
        results[STORE], actions = run_store(tmp, items, fps)
        results["Archive.store, computing fingerprints itself"], _ = run_store(tmp, items, None, "store-computing")
        timed_total, parts = run_store_timed(tmp, items, fps)
    for name, seconds in results.items():
        print(f"{name:>58}: {args.rows / seconds:10,.0f} rows/s  ({seconds:.2f} s)")
    text = markdown(args.rows, results, actions, parts, timed_total, fingerprint_seconds)
    print(text)
    if not args.no_write:
        update_section("store", text)


if __name__ == "__main__":
    main()
