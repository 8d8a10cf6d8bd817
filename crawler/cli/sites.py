"""``akhbar sites``: the registry as a table."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from crawler.cli.options import sites_option
from crawler.ops.table import render_table
from crawler.registry import RegistryError, load_registry


@click.command("sites")
@sites_option
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def sites_command(sites_file: str | None, as_json: bool) -> None:
    """List the registry: id, country, discovery sources, English and Arabic names.

    Example: akhbar sites --sites my-sites.toml
    """
    try:
        registry = load_registry(sites_file)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
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
