"""The run history: per-site crawl health read back from the runs table, with problem sites flagged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from crawler.cli.ops import runs_command
from crawler.ops.history import flagged_sites, render_history, run_history
from crawler.pipelines.store import per_site_figures
from crawler.storage.archive import Archive


def record(archive: Archive, stats: dict[str, Any]) -> int:
    run_id = archive.start_run(["alpha", "beta"])
    archive.finish_run(run_id, "finished", stats, per_site_figures(stats))
    return run_id


def good(site: str, stored: int) -> dict[str, Any]:
    return {
        f"akhbar/site/{site}/requests": 10,
        f"akhbar/site/{site}/responses": 10,
        f"akhbar/site/{site}/status/200": 10,
        f"akhbar/site/{site}/articles_found": stored,
        f"akhbar/site/{site}/stored": stored,
    }


def test_yield_falling_to_zero_and_blocking_are_flagged(archive: Archive) -> None:
    record(archive, {**good("alpha", 5), **good("beta", 4)})
    record(archive, {**good("alpha", 3), **good("beta", 2)})
    last = record(archive, {
        **good("alpha", 0),
        "akhbar/site/beta/requests": 8, "akhbar/site/beta/responses": 8, "akhbar/site/beta/status/403": 8,
    })  # fmt: skip
    rows = run_history(archive.conn, runs=10)
    assert [r.run_id for r in rows][:2] == [last, last]
    latest = {r.site: r for r in rows if r.run_id == last}
    assert latest["alpha"].flags == ["yield_zero"]
    assert latest["beta"].flags == ["yield_zero", "blocked"]
    assert latest["beta"].statuses == {"403": 8}
    assert all(not r.flags for r in rows if r.run_id != last)
    assert flagged_sites(rows) == {"alpha": ["yield_zero"], "beta": ["yield_zero", "blocked"]}
    table = render_history(rows)
    assert "yield_zero,blocked" in table and "403:8" in table


def test_a_site_that_never_yielded_is_not_flagged_as_falling(archive: Archive) -> None:
    record(archive, good("alpha", 0))
    record(archive, good("alpha", 0))
    assert all(not r.flags for r in run_history(archive.conn))


def test_runs_command(archive: Archive, tmp_path: Path) -> None:
    record(archive, good("alpha", 5))
    record(archive, good("alpha", 0))
    db = archive.db.conn.execute("PRAGMA database_list").fetchone()[2]
    runner = CliRunner()
    result = runner.invoke(runs_command, ["--db", db])
    assert result.exit_code == 0, result.output
    assert "yield_zero" in result.output and "attention: alpha: yield_zero" in result.output
    as_json = runner.invoke(runs_command, ["--db", db, "--json", "--last", "1"])
    rows = json.loads(as_json.output)
    assert len(rows) == 1 and rows[0]["flags"] == ["yield_zero"]
    empty = runner.invoke(runs_command, ["--db", str(tmp_path / "none.db")])
    assert empty.exit_code == 1 and "Traceback" not in empty.output


def test_challenge_pages_flag_the_site_once(archive: Archive) -> None:
    record(archive, {**good("alpha", 0), "akhbar/site/alpha/blocked": 2})
    (row,) = run_history(archive.conn)
    assert row.blocked == 2 and row.flags.count("blocked") == 1
