"""The full Akhbar crawl against a bare Scrapy spider, on a generated Arabic news site served on 127.0.0.1.

Generates a site of ``--pages`` article pages (``benchmarks/sitegen.py``: realistic Arabic pages with
boilerplate, JSON-LD on about half, og: meta, an image; a sitemap and an RSS feed of the latest 100), serves it
from a separate process with a threaded server, and in the same run crawls it

(a) with a bare Scrapy ``SitemapSpider`` that follows the sitemap and yields each page's URL, and
(b) with the full Akhbar crawl (``news`` spider, extraction, normalize, validate, dedupe, store) into a fresh
    SQLite archive,

each in its own process, with the same concurrency settings and politeness delays off, for ``--rounds`` rounds
(3; which crawl goes first alternates, and the median run of each kind is compared: a shared machine's speed
moves between runs). Prints pages per second
of both (article pages over the spider's own elapsed time, so interpreter start-up is not counted), their ratio,
CPU seconds per page and the peak resident memory of each process. ``--scaling 1000,5000,20000`` repeats it
at each size to show pages per second and memory as the site grows. Writes the ``crawl`` section of
``docs/benchmarks.md``.

    python benchmarks/crawl.py --pages 5000
    python benchmarks/crawl.py --scaling 1000,5000,20000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import update_section  # noqa: E402 - after the sys.path line
from benchmarks.sitegen import SITE_VERSION, generate, registry_toml, start_server  # noqa: E402

TARGET_RATIO = 0.60
TARGET_PEAK_MB = 400
TARGET_GROWTH = 0.50


def network_settings(concurrency: int, robots: bool) -> dict[str, str]:
    """What both crawls share: concurrency, no politeness delays, the product's network choices."""
    return {
        "CONCURRENT_REQUESTS": str(concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(concurrency),
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "ROBOTSTXT_OBEY": str(robots),
        "COOKIES_ENABLED": "False",
        "TELNETCONSOLE_ENABLED": "False",
        "LOG_LEVEL": "WARNING",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    }


# -- the two crawls, each run in a child process -------------------------------------------------------------------


def child_bare(args: argparse.Namespace, overrides: dict[str, str]) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class BareSpider(SitemapSpider):
        name = "bare"
        sitemap_urls = [f"{args.base}/sitemap.xml"]  # noqa: RUF012 - Scrapy's attribute

        def parse(self, response: Any) -> Any:
            yield {"url": response.url}

    process = CrawlerProcess(overrides)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    cpu = time.process_time()
    process.start()
    cpu = time.process_time() - cpu
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    return {"stats": stats, "pages": int(stats.get("item_scraped_count", 0)), "cpu": cpu}


def child_full(args: argparse.Namespace, overrides: dict[str, str]) -> dict[str, Any]:
    from crawler.runner import crawl_settings, run_crawl

    # The per-run bound on a site's articles is a policy, not a cost: the benchmark fetches every page.
    overrides = {"AKHBAR_MAX_ARTICLES_PER_SITE": str(10**9), **overrides, **dict(p.split("=", 1) for p in args.set)}
    settings = crawl_settings(db=args.db, sites_file=args.registry, since_days=0, overrides=overrides,
                              log_level="WARNING")  # fmt: skip
    cpu = time.process_time()
    result = run_crawl(settings)
    cpu = time.process_time() - cpu
    stats = result.stats
    pages = int(stats.get("item_scraped_count", 0)) + int(stats.get("item_dropped_count", 0))
    return {"stats": stats, "pages": pages, "finish_reason": result.finish_reason, "cpu": cpu}


def child_main(args: argparse.Namespace) -> None:
    overrides = network_settings(args.concurrency, args.robots)
    started = time.perf_counter()
    run = child_bare if args.child == "bare" else child_full
    out = run(args, overrides)
    out["wall"] = time.perf_counter() - started
    # Extraction worker processes the crawl started (and reaped): their CPU time.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["children_cpu"] = children.ru_utime + children.ru_stime
    Path(args.out).write_text(json.dumps(out, default=str), encoding="utf-8")


# -- the parent ----------------------------------------------------------------------------------------------------


@dataclass
class Run:
    kind: str
    pages: int
    elapsed: float
    wall: float
    cpu: float
    peak_mb: float
    stats: dict[str, Any]
    server_cpu: float = 0.0
    workers_cpu: float = 0.0
    workers_peak_mb: float = 0.0
    tree_peak_mb: float = 0.0

    @property
    def rate(self) -> float:
        return self.pages / self.elapsed if self.elapsed else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return self.cpu / self.pages * 1000 if self.pages else 0.0

    @property
    def workers_ms_per_page(self) -> float:
        return self.workers_cpu / self.pages * 1000 if self.pages else 0.0

    @property
    def server_ms_per_page(self) -> float:
        return self.server_cpu / self.pages * 1000 if self.pages else 0.0


def _descendants(root: int) -> list[int]:
    """The process ids below ``root``, from the parent ids in /proc/*/stat."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples a process tree every ``interval`` s: the largest sum of resident sets, and each child's VmHWM.

    ``wait4``'s maximum RSS is exact for the crawl process, but a child started by fork + exec inherits its
    parent's high-water mark in that figure, so the extraction workers are measured from /proc instead.
    """

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_total_kib = 0
        self.children_hwm_kib: dict[int, int] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            children = _descendants(self.pid) if sys.platform == "linux" else []
            total = _status_kib(self.pid, "VmRSS")
            for child in children:
                total += _status_kib(child, "VmRSS")
                hwm = _status_kib(child, "VmHWM")
                if hwm:
                    self.children_hwm_kib[child] = max(self.children_hwm_kib.get(child, 0), hwm)
            self.peak_total_kib = max(self.peak_total_kib, total)


def run_child(kind: str, work: Path, base: str, registry: Path, concurrency: int, robots: bool,
              extra: list[str]) -> Run:  # fmt: skip
    out = work / f"{kind}.json"
    db = work / f"{kind}.db"
    command = [sys.executable, __file__, "--child", kind, "--base", base, "--registry", str(registry), "--db", str(db),
               "--out", str(out), "--concurrency", str(concurrency)] + (["--robots"] if robots else [])  # fmt: skip
    command += [arg for pair in extra for arg in ("--set", pair)]
    with open(work / f"{kind}.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        # wait4 gives this child's own rusage, so each crawl's peak RSS is its own (RUSAGE_CHILDREN is a max).
        _, status, usage = os.wait4(process.pid, 0)
        sampler.stopping.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or not out.exists():
        tail = (work / f"{kind}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{kind} crawl failed (exit {process.returncode}):\n{tail}")
    data = json.loads(out.read_text(encoding="utf-8"))
    stats = data["stats"]
    elapsed = float(stats.get("elapsed_time_seconds") or data["wall"])
    if kind == "full":
        with sqlite3.connect(db) as conn:
            stats["archive_articles"] = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            stats["archive_aliases"] = conn.execute("SELECT COUNT(*) FROM aliases").fetchone()[0]
        db.unlink(missing_ok=True)
    peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
    return Run(kind, int(data["pages"]), elapsed, float(data["wall"]), float(data["cpu"]), peak_mb, stats,
               workers_cpu=float(data.get("children_cpu", 0.0)),
               workers_peak_mb=max(sampler.children_hwm_kib.values(), default=0) / 1024,
               tree_peak_mb=sampler.peak_total_kib / 1024)  # fmt: skip


def median_run(runs: list[Run]) -> Run:
    """The run with the median pages per second (the lower middle one for an even count)."""
    return sorted(runs, key=lambda r: r.rate)[(len(runs) - 1) // 2]


def peak(runs: list[Run]) -> Run:
    """The run whose crawl and workers together held the most memory: memory is reported at its worst."""
    return max(runs, key=total_mb)


def measure(pages: int, concurrency: int, robots: bool, seed: int, keep: Path | None,
            extra_settings: list[str], rounds: int = 3) -> dict[str, Any]:  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="akhbar-crawl-bench-") as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        site_dir = work / f"site-{pages}-{seed}-v{SITE_VERSION}"
        started = time.perf_counter()
        info = generate(site_dir, pages, seed) if not (site_dir / "site.json").exists() else json.loads(
            (site_dir / "site.json").read_text()
        )
        generated = time.perf_counter() - started
        registry = work / "sites.toml"
        runs: dict[str, list[Run]] = {"bare": [], "full": []}
        # Rounds alternate which crawl goes first, so that a machine slowing down or speeding up during the
        # benchmark (other jobs on shared cores) weighs on both alike; the median of each is compared.
        for round_ in range(rounds):
            order = [("bare", []), ("full", extra_settings)]
            for kind, extra in order if round_ % 2 == 0 else order[::-1]:
                # A fresh server for each crawl, so that its CPU time (wait4 on exit) is that crawl's alone.
                server, base = start_server(site_dir, backlog=max(128, concurrency * 8))
                try:
                    registry.write_text(registry_toml(base), encoding="utf-8")
                    run = run_child(kind, work, base, registry, concurrency, robots, extra)
                finally:
                    server.terminate()
                    _, _, usage = os.wait4(server.pid, 0)
                    server.returncode = -15
                run.server_cpu = usage.ru_utime + usage.ru_stime
                runs[kind].append(run)
            print(f"{pages:>6} pages, round {round_ + 1}: bare {runs['bare'][-1].rate:.1f} p/s, full"
                  f" {runs['full'][-1].rate:.1f} p/s ({runs['full'][-1].rate / runs['bare'][-1].rate:.2f})",
                  flush=True)  # fmt: skip
        bare, full = median_run(runs["bare"]), median_run(runs["full"])
    result = {
        "pages": pages,
        "site": info,
        "generate_s": generated,
        "bare": bare,
        "full": full,
        "bare_runs": runs["bare"],
        "full_runs": runs["full"],
        "ratio": full.rate / bare.rate if bare.rate else 0.0,
    }
    print(
        f"{pages:>6} pages | bare {bare.rate:7.1f} p/s, {bare.peak_mb:5.0f} MB, {bare.cpu_ms_per_page:5.2f} ms CPU/page"
        f" (server {bare.server_ms_per_page:.2f}) | full {full.rate:7.1f} p/s, {full.peak_mb:5.0f} MB"
        f" + worker {full.workers_peak_mb:.0f} MB (tree {full.tree_peak_mb:.0f}), {full.cpu_ms_per_page:5.2f} + workers"
        f" {full.workers_ms_per_page:.2f} ms CPU/page (server {full.server_ms_per_page:.2f})"
        f" | ratio of medians {result['ratio']:.2f}",
        flush=True,
    )
    return result


def total_mb(run: Run) -> float:
    """Peak memory of a crawl with its worker processes: the sampled tree sum, never below the exact own peak."""
    return max(run.tree_peak_mb, run.peak_mb)


def _ok(flag: bool) -> str:
    return "yes" if flag else "**no**"


def markdown(results: list[dict[str, Any]], concurrency: int, robots: bool) -> str:
    main = next((r for r in results if r["pages"] == 5000), results[-1])
    lines = [
        "## Crawl: full Akhbar pipeline against a bare Scrapy spider (`benchmarks/crawl.py`)",
        "",
        "A generated Arabic news site (`benchmarks/sitegen.py`: 300–1,500 words a page, header/nav/footer, related",
        "articles, share bar, og: meta and an image on every page, JSON-LD `NewsArticle` on half, 4% re-runs of",
        "an earlier story; one sitemap and an RSS feed of the latest 100) served from its own process by a",
        "threaded server on 127.0.0.1. Both crawls run in their own process with the same settings:",
        f"`CONCURRENT_REQUESTS={concurrency}`, `CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}`, `DOWNLOAD_DELAY=0`,",
        f"AutoThrottle off, `ROBOTSTXT_OBEY={robots}`. The bare spider is a `SitemapSpider` that yields the URL;",
        "the full crawl is `news` with every pipeline, into a fresh archive (with its extraction worker processes,",
        "`AKHBAR_EXTRACT_WORKERS`, at their default unless set). Pages per second are article pages over the spider's",
        "own elapsed time; CPU is user+system time per page of the crawl process, and of its extraction workers; peak",
        "RSS is the crawl process's maximum resident set (`wait4`) and the largest worker's (VmHWM), and the largest",
        "sum of the tree's resident sets, sampled every 0.5 s. The server (a fresh one for each crawl) shares the",
        "same cores; its CPU per page is shown too. Each size runs several rounds of both crawls, alternating which",
        "goes first; pages per second and CPU are those of the median run of each kind, \"full / bare\" is the",
        "ratio of the medians (each round's own ratio in brackets), and memory is the largest of any round.",
        "",
        "| pages | bare p/s | full p/s | full / bare | bare CPU ms/page | full CPU ms/page (crawl + workers)"
        " | server CPU ms/page (bare / full) | bare peak RSS MB | full peak RSS MB: crawl + largest worker"
        " | full: peak of the process tree's summed RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        bare, full = r["bare"], r["full"]
        bare_mem, full_mem = peak(r["bare_runs"]), peak(r["full_runs"])
        rounds = ", ".join(f"{f.rate / b.rate:.2f}" for b, f in zip(r["bare_runs"], r["full_runs"], strict=True))
        lines.append(
            f"| {r['pages']:,} | {bare.rate:.1f} | {full.rate:.1f} | **{r['ratio']:.2f}** ({rounds})"
            f" | {bare.cpu_ms_per_page:.2f} | {full.cpu_ms_per_page:.2f} + {full.workers_ms_per_page:.2f}"
            f" | {bare.server_ms_per_page:.2f} / {full.server_ms_per_page:.2f} | {bare_mem.peak_mb:.0f}"
            f" | {full_mem.peak_mb:.0f} + {full_mem.workers_peak_mb:.0f} | {total_mb(full_mem):.0f} |"
        )
    full = peak(main["full_runs"])
    lines += [
        "",
        f"Targets at {main['pages']:,} pages: full ≥ {TARGET_RATIO:.0%} of the bare spider's pages per second: "
        f"{_ok(main['ratio'] >= TARGET_RATIO)} ({main['ratio']:.0%}); full peak RSS under {TARGET_PEAK_MB} MB: "
        f"{_ok(total_mb(full) < TARGET_PEAK_MB)} ({total_mb(full):.0f} MB for the crawl and its workers together;"
        f" {full.peak_mb:.0f} MB the crawl process alone). Full crawl stored "
        f"{full.stats.get('archive_articles', '?'):,} articles and {full.stats.get('archive_aliases', '?'):,} aliases.",
    ]
    if len(results) > 1:
        small, large = results[0], results[-1]
        small_mem, large_mem = total_mb(peak(small["full_runs"])), total_mb(peak(large["full_runs"]))
        growth = large_mem / small_mem - 1
        rate_change = large["full"].rate / small["full"].rate - 1
        lines += [
            "",
            f"Scaling {small['pages']:,} → {large['pages']:,} pages: full-crawl pages per second "
            f"{rate_change:+.0%}, peak RSS of the crawl with its workers {growth:+.0%} (target under"
            f" +{TARGET_GROWTH:.0%}: "
            f"{_ok(growth < TARGET_GROWTH)}; {small_mem:.0f} → {large_mem:.0f} MB); bare spider peak RSS"
            f" {peak(large['bare_runs']).peak_mb / peak(small['bare_runs']).peak_mb - 1:+.0%}.",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--scaling", default="", help="comma-separated page counts, e.g. 1000,5000,20000")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--robots", action=argparse.BooleanOptionalAction, default=True, help="ROBOTSTXT_OBEY")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both crawls per size (median reported)")
    parser.add_argument("--keep", type=Path, help="keep the generated sites and logs in this directory")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the full crawl only (to try a product setting)")  # fmt: skip
    parser.add_argument("--child", choices=("bare", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--registry", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args)
        return
    sizes = [int(s) for s in args.scaling.split(",") if s.strip()] or [args.pages]
    results = [measure(n, args.concurrency, args.robots, args.seed, args.keep, args.set, args.rounds) for n in sizes]
    text = markdown(results, args.concurrency, args.robots)
    print(text)
    print(f"parent peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if not args.no_write:
        update_section("crawl", text)


if __name__ == "__main__":
    main()
