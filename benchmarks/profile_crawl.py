"""Where the full crawl's CPU time goes, per stage, from cProfile on an unmodified crawl process.

Generates the benchmark site (``benchmarks/sitegen.py``), serves it from its own process, and runs
``python -m cProfile -o crawl.prof -m crawler crawl …`` on it with politeness delays off, into a fresh archive.
The profile is then attributed with pstats, by cumulative time of the stage entry points:

- extraction: ``crawler.extraction.core.extract``;
- normalization: ``NormalizePipeline.process_item`` (display text, dates, canonical URL) and the text
  normalization and content hash of ``crawler.storage.fingerprint.fingerprint``, without its MinHash;
- MinHash: ``crawler.storage.minhash.signature_of`` and ``band_keys``;
- SQLite writes: ``Archive.store`` (dedupe lookups, LSH candidate query, article, FTS, signature and story rows,
  commit); it is handed each article's fingerprint, so it computes none (the script checks);
- everything else: the total minus the above (Scrapy, Twisted, HTTP, discovery, validate/dedupe stages).

With ``AKHBAR_EXTRACT_WORKERS`` at its default, extraction and the fingerprint (normalization's text part and
MinHash) run in the worker processes; the crawl process keeps the rest.

The total is the reactor's run (the crawl proper); start-up (imports, settings, opening the archive) and
shutdown are reported apart, as they do not grow with the number of pages.

The stage functions do not call one another, so the cumulative times add up without double counting. Shares
are of the process's total profiled time (CPU-bound: the crawl keeps one core busy). The top functions by own
time inside each stage are printed too. Writes the ``profile`` section of ``docs/benchmarks.md``.

    python benchmarks/profile_crawl.py --pages 3000
    python benchmarks/profile_crawl.py --pages 3000 --repo /tmp/scratch   # profile a modified copy
"""

from __future__ import annotations

import argparse
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import update_section  # noqa: E402 - after the sys.path line
from benchmarks.sitegen import SITE_VERSION, generate, registry_toml, start_server  # noqa: E402

# (stage, [(file suffix, function name)]) whose cumulative times are summed.
STAGES: list[tuple[str, list[tuple[str, str]]]] = [
    ("extraction", [("crawler/extraction/core.py", "extract")]),
    ("normalization", [("crawler/pipelines/normalize.py", "process_item"),
                       ("crawler/storage/fingerprint.py", "fingerprint")]),
    ("MinHash", [("crawler/storage/minhash.py", "signature_of"), ("crawler/storage/minhash.py", "band_keys")]),
    ("SQLite writes", [("crawler/storage/archive.py", "store")]),
]
ALSO = [
    ("parse_article (spider callback, includes extraction)", "crawler/spiders/news.py", "parse_article"),
    ("validate", "crawler/pipelines/validate.py", "process_item"),
    ("dedupe (in-run)", "crawler/pipelines/dedupe.py", "process_item"),
    ("fingerprint: search text, content hash and MinHash", "crawler/storage/fingerprint.py", "fingerprint"),
    ("search text normalization (normalize_for_search)", "crawler/text/arabic.py", "normalize_for_search"),
    ("LSH candidate query (_matching_story)", "crawler/storage/archive.py", "_matching_story"),
    ("story refresh (_refresh_story)", "crawler/storage/archive.py", "_refresh_story"),
    ("find (URL lookup)", "crawler/storage/archive.py", "find"),
    ("trafilatura (fast + fallback)", "crawler/extraction/body.py", "blocks_from_trafilatura"),
    ("HTML parse (_parse)", "crawler/extraction/core.py", "_parse"),
    ("sanitize_html", "crawler/extraction/sanitize.py", "sanitize_html"),
    ("language detection", "crawler/extraction/language.py", "detect_language"),
    ("sitemap parsing", "crawler/discovery/sitemaps.py", "parse_sitemap"),
    ("Scrapy: CONCURRENT_ITEMS worker tasks made per callback", "scrapy/utils/asyncio.py", "<listcomp>"),
]


CHANGES = """What was changed because of these profiles (details and measured gains in `docs/performance.md`), in
profiled ms per page of extraction / normalization / MinHash / SQLite writes / everything else:

| code | extraction | normalization | MinHash | SQLite writes | everything else |
|---|---:|---:|---:|---:|---:|
| before any change (7cbae71) | 11.28 | 3.35 | 2.69 | 2.10 | 6.08 |
| end of the first session (18898cf) | 8.19 | 0.88 | 1.02 | 1.65 | 3.73 |
{current}

- First session: `normalize_for_search` and `clean_display_text` lost their per-character Python loops, the
  body is normalized once, shingles are hashed with CRC-32, `CONCURRENT_ITEMS=1` stops Scrapy from making 100
  asyncio tasks per page, and extraction moved to worker processes.
- Extraction (−24% profiled, −33% unprofiled): trafilatura asked for XML so that it skips rendering text we do
  not read; phrase and agency alternations grouped by first letter; bounded caches for the folds a page repeats;
  `scan` caches what a class/id pair means; structured-data reads walk lxml's iterator instead of XPath.
- Normalization and MinHash: one `Fingerprint` per article (search text, content hash, signature, band keys),
  computed once, in the extraction worker when there is one; white space collapsed with `str.split`
  (`normalize_for_search` 0.23 → 0.15 ms per body); MinHash arithmetic on one array without datasketch's object.
- SQLite writes: the article row is written once, with its story already known (updating `story_id` rewrote
  the whole row), and band keys shared by more than 64 articles are left out of the LSH lookup (at 20,000
  articles each new one was compared with 1,026 others on average; now 11.5)."""


def cumulative(stats: pstats.Stats, suffix: str, name: str) -> tuple[float, int]:
    """Cumulative seconds and primitive call count of the function(s) ``name`` defined in a file ending ``suffix``."""
    total = 0.0
    calls = 0
    for (filename, _line, func), (cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if func == name and filename.replace(os.sep, "/").endswith(suffix):
            total += ct
            calls += cc
    return total, calls


def total_time(stats: pstats.Stats) -> float:
    return float(stats.total_tt)  # type: ignore[attr-defined]


def attribute(prof: Path) -> dict[str, object]:
    stats = pstats.Stats(str(prof))
    # The crawl proper is the reactor's run; imports, settings and shutdown before and after it are start-up.
    process_total = total_time(stats)
    total = cumulative(stats, "twisted/internet/asyncioreactor.py", "run")[0] or process_total
    seconds: dict[str, float] = {}
    calls: dict[str, int] = {}
    for stage, functions in STAGES:
        found = [cumulative(stats, suffix, name) for suffix, name in functions]
        seconds[stage] = sum(s for s, _ in found)
        calls[stage] = max((c for _, c in found), default=0)
    # MinHash runs inside the fingerprint, counted under normalization above: taken out of it.
    seconds["normalization"] -= seconds["MinHash"]
    seconds["everything else"] = total - sum(seconds.values())
    also = {label: cumulative(stats, suffix, name) for label, suffix, name in ALSO}
    by_store = 0  # fingerprints the store had to compute itself (should be none: the items carry theirs)
    for (filename, _line, func), value in stats.stats.items():  # type: ignore[attr-defined]
        if func == "fingerprint" and filename.replace(os.sep, "/").endswith("crawler/storage/fingerprint.py"):
            callers = value[4]
            by_store += sum(c[0] for (f, _l, _n), c in callers.items() if f.endswith("storage/archive.py"))
    return {"total": total, "seconds": seconds, "calls": calls, "also": also, "startup": process_total - total,
            "fingerprints_by_store": by_store}  # fmt: skip


def top_own(prof: Path, limit: int = 25) -> list[tuple[float, int, str]]:
    stats = pstats.Stats(str(prof))
    rows = []
    for (filename, line, func), (_cc, nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tt, nc, f"{Path(filename).name}:{line}:{func}"))
    rows.sort(reverse=True)
    return rows[:limit]


def run(pages: int, concurrency: int, seed: int, repo: Path, work: Path) -> tuple[Path, float, int]:
    site = work / f"site-{pages}-{seed}-v{SITE_VERSION}"
    if not (site / "site.json").exists():
        generate(site, pages, seed)
    server, base = start_server(site, backlog=max(128, concurrency * 8))
    try:
        registry = work / "sites.toml"
        registry.write_text(registry_toml(base), encoding="utf-8")
        prof = work / "crawl.prof"
        db = work / "profile.db"
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            path.unlink(missing_ok=True)
        command = [
            sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "crawler", "crawl", "--sites", str(registry),
            "--db", str(db), "--since", "0", "--quiet",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"CONCURRENT_REQUESTS={concurrency}",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "-s", "ROBOTSTXT_OBEY=True",
            # Extraction in the crawl process, so that cProfile sees every stage (workers would hide it).
            "-s", "AKHBAR_EXTRACT_WORKERS=0",
        ]  # fmt: skip
        started = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(repo)}
        done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if not prof.exists():
            raise RuntimeError(f"the profiled crawl failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
        import sqlite3

        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        server.terminate()
        server.wait()
    return prof, wall, stored


def markdown(result: dict[str, object], pages: int, stored: int, wall: float, concurrency: int) -> str:
    total = float(result["total"])  # type: ignore[arg-type]
    seconds: dict[str, float] = result["seconds"]  # type: ignore[assignment]
    also: dict[str, tuple[float, int]] = result["also"]  # type: ignore[assignment]
    lines = [
        f"## Profile: the full crawl per stage (`benchmarks/profile_crawl.py`, {pages:,} pages)",
        "",
        "cProfile on an unmodified `python -m crawler crawl` of the generated site of `benchmarks/crawl.py`",
        f"(`CONCURRENT_REQUESTS={concurrency}`, no delays, `AKHBAR_EXTRACT_WORKERS=0` so that extraction and the",
        "fingerprint run in the profiled process), attributed by cumulative time of each stage's entry",
        "point (see the script's docstring). Shares are of the profiled time of the crawl proper; cProfile",
        "inflates call-heavy code, so compare shares, not seconds, with the unprofiled benchmark.",
        "",
        "| stage | share | ms / page |",
        "|---|---:|---:|",
    ]
    for stage, value in seconds.items():
        lines.append(f"| {stage} | {value / total:.1%} | {value / max(stored, 1) * 1000:.2f} |")
    lines += [
        f"| **total** | 100% | {total / max(stored, 1) * 1000:.2f} |",
        "",
        "Inside those stages:",
        "",
        "| part | share | ms / page |",
        "|---|---:|---:|",
    ]
    for label, (value, _calls) in also.items():
        lines.append(f"| {label} | {value / total:.1%} | {value / max(stored, 1) * 1000:.2f} |")
    startup = float(result["startup"])  # type: ignore[arg-type]
    timing = f"; profiled wall time {wall:.0f} s" if wall else ""
    lines += ["", f"{stored:,} articles stored{timing}; start-up and shutdown outside the reactor took another"
              f" {startup:.1f} s ({startup / (total + startup):.0%} of the process), not counted above."
              f" Fingerprints computed: {also['fingerprint: search text, content hash and MinHash'][1]:,}, of which"
              f" {result['fingerprints_by_store']} by the store."]  # fmt: skip
    per_page = [seconds[stage] / max(stored, 1) * 1000 for stage in seconds]
    current = "| this profile | " + " | ".join(f"{v:.2f}" for v in per_page) + " |"
    return "\n".join([*lines, "", CHANGES.format(current=current)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose crawler is profiled")
    parser.add_argument("--keep", type=Path, help="keep the site, profile and archive in this directory")
    parser.add_argument("--prof", type=Path, help="attribute an existing profile instead of crawling")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="akhbar-profile-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.prof:
            prof, wall, stored = args.prof, 0.0, args.pages
        else:
            prof, wall, stored = run(args.pages, args.concurrency, args.seed, args.repo.resolve(), work)
        result = attribute(prof)
        for tt, nc, where in top_own(prof):
            print(f"{tt:8.2f}s own {nc:>10} calls  {where}")
    text = markdown(result, args.pages, stored, wall, args.concurrency)
    print(text)
    if not args.no_write:
        update_section("profile", text)


if __name__ == "__main__":
    main()
