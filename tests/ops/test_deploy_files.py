"""The deployment files in deploy/ are valid: systemd units (``systemd-analyze verify`` where available, and
always our own parser), the crontab, and the logrotate config. Every ``akhbar`` command line in them names
an existing command with existing options, so a renamed option cannot silently break the schedule.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from crawler.cli import main
from crawler.cli.ops import backup_command, ingest_command, runs_command

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted(p for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))
AKHBAR_BIN = "/opt/akhbar/.venv/bin/akhbar"
COMMANDS: dict[str, click.Command] = {
    **main.commands,  # type: ignore[attr-defined]
    "backup": backup_command,
    "ingest": ingest_command,
    "runs": runs_command,
}
CRON_FIELDS = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit file as {section: [(key, value), …]}; keys may repeat, as systemd allows."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if match := re.fullmatch(r"\[([A-Za-z]+)\]", line):
            current = sections.setdefault(match[1], [])
            continue
        key, sep, value = line.partition("=")
        assert current is not None and sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", key), f"{path.name}:{number}"
        current.append((key, value))
    return sections


def check_akhbar_command(argv: list[str]) -> None:
    """``argv`` (after the akhbar binary) names a command and only options that command has."""
    assert argv, "akhbar without a command"
    command = COMMANDS.get(argv[0])
    assert command is not None, f"no akhbar command {argv[0]!r}"
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for word in argv[1:]:
        if word.startswith("-"):
            assert word.split("=", 1)[0] in options, f"akhbar {argv[0]} has no option {word}"


def akhbar_lines(text: str) -> list[list[str]]:
    """Every akhbar invocation in a command line (also inside ``sh -c '…'``)."""
    found = []
    for match in re.finditer(re.escape(AKHBAR_BIN) + r"((?:\s+(?:\"[^\"]*\"|[^\s'&|;>\"]+))*)", text):
        found.append(shlex.split(match[1]))
    return found


def test_there_are_units_and_a_timer_for_each_schedule() -> None:
    names = {p.name for p in UNITS}
    assert {"akhbar.service", "akhbar.timer", "akhbar-backup.service", "akhbar-backup.timer"} <= names
    assert "akhbar-ingest.service" in names


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_unit_files_parse_and_point_at_real_commands(path: Path) -> None:
    unit = parse_unit(path)
    assert "Unit" in unit and dict(unit["Unit"]).get("Description")
    if path.suffix == ".timer":
        timer = dict(unit["Timer"])
        assert (DEPLOY / timer["Unit"]).is_file()
        assert "OnCalendar" in timer and dict(unit["Install"])["WantedBy"] == "timers.target"
    else:
        service = unit["Service"]
        commands = [value for key, value in service if key.startswith("Exec")]
        assert commands and any(AKHBAR_BIN in c for c in commands)
        for value in commands:
            for argv in akhbar_lines(value.replace("%%", "%")):
                check_akhbar_command(argv)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart binaries exist: point them at this checkout's akhbar.
    akhbar = Path(sys.executable).with_name("akhbar")
    if not akhbar.exists():
        pytest.skip("akhbar is not installed in this virtualenv")
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text(encoding="utf-8").replace(AKHBAR_BIN, str(akhbar)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if str(tmp_path) in line or "Unit" in line]  # fmt: skip
    assert result.returncode == 0 and not problems, result.stdout + result.stderr
    for unit in UNITS:
        for key, value in parse_unit(unit).get("Timer", []):
            if key == "OnCalendar":
                calendar = subprocess.run(["systemd-analyze", "calendar", value], capture_output=True, text=True,
                                          timeout=60, check=False)  # fmt: skip
                assert calendar.returncode == 0, calendar.stderr


def cron_field_ok(field: str, low: int, high: int) -> bool:
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and not (step.isdigit() and int(step) > 0):
            return False
        if base == "*":
            continue
        start, _, end = base.partition("-")
        values = [start, end] if end else [start]
        if not all(v.isdigit() and low <= int(v) <= high for v in values):
            return False
    return True


def test_crontab_syntax() -> None:
    entries = 0
    for line in (DEPLOY / "crontab").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.fullmatch(r"[A-Z_]+=\S*", line):
            continue
        fields = line.split(None, 6)
        assert len(fields) == 7, f"want 5 time fields, a user and a command: {line}"
        for value, (low, high) in zip(fields[:5], CRON_FIELDS, strict=True):
            assert cron_field_ok(value, low, high), f"bad cron field {value!r} in: {line}"
        assert fields[5] == "akhbar"
        command = fields[6]
        assert not re.search(r"(?<!\\)%", command), "an unescaped % in a cron command becomes a newline"
        invocations = akhbar_lines(command.replace("\\%", "%"))
        assert invocations
        for argv in invocations:
            check_akhbar_command(argv)
        entries += 1
    assert entries == 2


def test_logrotate_config(tmp_path: Path) -> None:
    text = (DEPLOY / "logrotate").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    match = re.fullmatch(r"\s*(/var/log/akhbar/\*\.log)\s*\{([^{}]*)\}\s*", body)
    assert match, "one block for /var/log/akhbar/*.log"
    directives = {line.split()[0] for line in match[2].splitlines() if line.strip()}
    assert {"rotate", "missingok", "compress", "create"} <= directives
    logrotate = shutil.which("logrotate")
    if logrotate:
        config = tmp_path / "akhbar"
        local = text.replace("/var/log/akhbar", str(tmp_path)).replace("su akhbar akhbar", "")
        config.write_text(local.replace("create 0640 akhbar akhbar", "create 0640"))  # no such user here
        result = subprocess.run([logrotate, "-d", "-s", str(tmp_path / "state"), str(config)],
                                capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        assert result.returncode == 0 and "error:" not in result.stderr, result.stderr
