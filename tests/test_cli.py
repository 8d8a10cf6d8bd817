"""The akhbar command line: every command documented with an example, clear errors instead of tracebacks."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.items import Article
from crawler.storage.archive import Archive
from crawler.text.arabic import content_hash

CONTRACT = {
    "crawl": ["--sites", "--site", "--db", "-s"],
    "export": ["--db", "--out", "--base-url", "--limit"],
    "run": ["--sites", "--site", "--db", "-s", "--out"],
    "extract": ["--url"],
    "search": ["--db", "--json"],
    "sites": ["--sites"],
    "stats": ["--db"],
    "demo": ["--db", "--out"],
    "browse": ["--db", "--host", "--port"],
}


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    assert isinstance(main, click.Group)
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Example:" in result.output, f"`akhbar {name} --help` has no example"


def declared_options(command: click.Command) -> set[str]:
    """Every spelling of every visible option of ``command`` (``-s`` and ``--set`` …), exactly as declared."""
    return {
        name
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for name in (*param.opts, *param.secondary_opts)
    }


@pytest.mark.parametrize(("command", "options"), sorted(CONTRACT.items()))
def test_commands_and_options_of_the_contract_exist(command: str, options: list[str]) -> None:
    # Compared by name, not looked for in the help text, where "--sites" or "--since" would pass for "-s".
    assert isinstance(main, click.Group)
    found = main.get_command(click.Context(main), command)
    assert found is not None, f"akhbar has no {command} command"
    missing = sorted(set(options) - declared_options(found))
    assert not missing, f"akhbar {command} lacks {', '.join(missing)}"


def test_environment_variables_set_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_DB", str(tmp_path / "nowhere.db"))
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 1
    assert "nowhere.db" in result.output and "Traceback" not in result.output


def test_sites_lists_the_bundled_registry() -> None:
    result = CliRunner().invoke(main, ["sites"])
    assert result.exit_code == 0, result.output
    assert "aljazeera" in result.output and "الجزيرة" in result.output


def test_bad_setting_override_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["crawl", "--db", str(tmp_path / "a.db"), "-s", "LOG_LEVEL"])
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_unknown_site_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["crawl", "--db", str(tmp_path / "a.db"), "--site", "no-such-site"])
    assert result.exit_code == 2 and "no-such-site" in result.output


def test_search_and_stats_read_the_archive(tmp_path: Path, archive: Archive) -> None:
    db_path = archive.db.conn.execute("PRAGMA database_list").fetchone()[2]
    body = "كَتَبَ أحمد تقريراً عن اجتماع الأمم المتحدة في جنيف حول المساعدات الإنسانية للمدنيين في غزة."
    url = "https://alpha.example/n/1"
    item = Article(url=url, canonical_url=url, site="alpha", title="الأمم المتحدة تجتمع", body=body,
                   agencies=["anadolu"], published="2024-05-09T10:00:00+03:00")  # fmt: skip
    item.content_hash = content_hash(item.title, item.body)
    archive.store([item])
    runner = CliRunner()
    result = runner.invoke(main, ["search", "الامم", "--db", db_path, "--json"])
    assert result.exit_code == 0, result.output
    assert '"title": "الأمم المتحدة تجتمع"' in result.output  # UTF-8, not ASCII-escaped
    result = runner.invoke(main, ["search", 'الامم AND "', "--db", db_path])
    assert result.exit_code == 0 and "الأمم المتحدة تجتمع" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["search", "؟!", "--db", db_path])
    assert result.exit_code == 2 and "no words" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["stats", "--db", db_path])
    assert result.exit_code == 0 and "1 articles" in result.output and "anadolu" in result.output
