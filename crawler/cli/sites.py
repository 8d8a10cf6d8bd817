"""``akhbar sites``: the registry as a table."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from crawler.cli.options import registry_errors, sites_option
from crawler.ops.table import render_table
from crawler.registry import load_registry


@click.command("sites")
@sites_option
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@click.option("--check", is_flag=True, help="Only check the registry: one line when it is good, else every problem.")
def sites_command(sites_file: str | None, as_json: bool, check: bool) -> None:
    """List the registry: id, country, discovery sources, English and Arabic names.

    The whole file is checked first (the rules are in docs/sites.md): each problem is printed on a line of its
    own, naming the file, the site and the field, and the command exits 2.

    Example: akhbar sites --check
    """
    with registry_errors():
        registry = load_registry(sites_file)
    if check:
        click.echo(f"{registry.path}: {len(registry)} sites, no problems")
        return
    if as_json:
        click.echo(json.dumps([asdict(s) for s in registry], ensure_ascii=False, indent=2))
        return
    rows = [
        {
            "id": s.id,
            "country": s.country,
            "sources": f"{len(s.feeds)} feeds, {len(s.sitemaps)} sitemaps"
            if s.feeds or s.sitemaps
            else "autodiscovery",
            "name_en": s.name_en,
            "name": s.name,
        }
        for s in registry
    ]
    click.echo(render_table(rows, [("id", "id"), ("country", "cc"), ("sources", "discovery"),
                                   ("name_en", "name"), ("name", "الاسم")]))  # fmt: skip
    click.echo(f"\n{len(rows)} sites in {registry.path}")
