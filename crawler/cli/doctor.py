"""``akhbar doctor``: check registry sites live and print one line per site, problems underneath."""

from __future__ import annotations

import click

from crawler.cli.options import registry_errors, sites_option
from crawler.doctor import OfflineError, SiteReport, run_doctor
from crawler.ops.table import display_width
from crawler.registry import load_registry

EXIT_PROBLEMS = 1
EXIT_OFFLINE = 4

# Fixed widths so rows can be printed as each site finishes; the Arabic name goes last on the line, where
# the terminal's right-to-left reordering cannot displace the other columns.
COLUMNS = (("site", 22), ("sources", 8), ("entries", 8), ("articles", 9), ("dates", 6), ("status", 10))


def _line(values: list[str], name: str) -> str:
    cells = [v + " " * max(1, width - display_width(v)) for v, (_, width) in zip(values, COLUMNS, strict=True)]
    return ("".join(cells) + name).rstrip()


def header() -> str:
    """The column titles and a rule."""
    titles = _line([title for title, _ in COLUMNS], "name")
    return titles + "\n" + "-" * display_width(titles)


def format_report(report: SiteReport) -> str:
    """One row for the site, then its problems and notes indented below it."""
    tried = len(report.articles)
    status = "ok" if report.ok else ("CHALLENGE" if report.challenged else "PROBLEMS")
    row = _line(
        [
            report.site.id,
            f"{report.sources_ok}/{report.sources_total}",
            str(report.entries),
            f"{report.extracted}/{tried}",
            f"{report.dated}/{tried}",
            status,
        ],
        f"{report.site.name_en} — {report.site.name}",
    )
    lines = [row]
    lines += [f"    ! {problem}" for problem in report.problems]
    lines += [f"    · {note}" for note in report.notes]
    return "\n".join(lines)


@click.command("doctor")
@click.option("--site", "site_ids", multiple=True, metavar="ID", help="Check only this site (repeatable).")
@sites_option
@click.option(
    "--articles",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Article pages fetched and extracted per site.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.5),
    default=15.0,
    show_default=True,
    help="Seconds to wait for each request.",
)
def doctor_command(site_ids: tuple[str, ...], sites_file: str | None, articles: int, timeout: float) -> None:
    """Check sites live: feeds and sitemaps, article extraction, dates, bot challenges.

    Needs internet access. Fetches each site's feeds and sitemaps (or, for a site that lists none, those its
    homepage and robots.txt declare), counts their entries, then fetches a few articles and extracts them.
    Exits 1 when any site has a problem and 4 when the machine is offline (as `akhbar run` does).

    \b
    Example: akhbar doctor --site aljazeera --site hespress --articles 5
    """
    with registry_errors():
        sites = load_registry(sites_file).select(site_ids)
    click.echo(header())
    try:
        reports = run_doctor(
            sites,
            timeout=timeout,
            articles_per_site=articles,
            on_report=lambda report: click.echo(format_report(report)),
        )
    except OfflineError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_OFFLINE) from exc
    failing = [r.site.id for r in reports if not r.ok]
    summary = f"\n{len(reports)} sites checked, {len(failing)} with problems"
    click.echo(summary + (f": {', '.join(failing)}" if failing else ""))
    if failing:
        raise SystemExit(EXIT_PROBLEMS)
