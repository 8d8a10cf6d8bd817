"""The operations commands: each has help with an example (as every akhbar command must)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from crawler.cli.ops import backup_command, ingest_command, runs_command


@pytest.mark.parametrize("command", [backup_command, ingest_command, runs_command])
def test_help_has_an_example(command: click.Command) -> None:
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


def test_ingest_needs_redis() -> None:
    result = CliRunner().invoke(ingest_command, ["--redis-url", "redis://127.0.0.1:1/0", "--once"])
    assert result.exit_code == 1 and "cannot reach Redis" in result.output
