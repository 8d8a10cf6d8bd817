"""Every `Example:` line of every command's help runs as written.

Each example runs in bash, in a folder of its own that holds what the examples name: an archive at
data/akhbar.db and data/demo.db (a demo run's), its feeds in feeds/, a saved page at saved/story.html. No
AKHBAR_* variable is set, so the examples' relative paths and the defaults point there. Only the examples
that need the internet (or a Redis of their own) are skipped, each listed below with the reason.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
import pytest

from crawler.cli import main
from crawler.registry import load_registry

FIXTURES = Path(__file__).parent / "fixtures"
BIN = Path(sys.executable).parent
NEEDS_NETWORK = {
    "crawl": "crawls aljazeera and bbc_arabic on the internet",
    "run": "crawls every registry site on the internet",
    "doctor": "checks aljazeera and hespress live",
    "ingest": "waits on the Redis at 10.0.0.5",
}
"""Commands whose example cannot run offline, and why."""
LONG_RUNNING = {"serve": "index.opml", "browse": ""}
"""Commands whose example serves until stopped, and the page under the URL they print that must answer: each
is started, asked for that page, then stopped."""


def examples() -> list[tuple[str, str]]:
    """(command, example) for every `Example:` line of the group's and each command's help."""
    found = []
    assert isinstance(main, click.Group)
    for name, command in [("akhbar", main), *sorted(main.commands.items())]:
        for line in (command.help or "").splitlines():
            if line.strip().startswith("Example:"):
                found.append((name, line.split("Example:", 1)[1].strip()))
    return found


EXAMPLES = examples()


def test_every_command_has_an_example_and_every_example_is_collected() -> None:
    assert isinstance(main, click.Group)
    commands = {name for name, _ in EXAMPLES}
    assert set(main.commands) <= commands, set(main.commands) - commands
    assert len(EXAMPLES) > len(main.commands) // 2


def test_every_site_an_example_names_exists() -> None:
    demo_ids = {p.name for p in (Path(__file__).parent.parent / "crawler" / "demo" / "sites").iterdir()}
    ids = {site.id for site in load_registry()} | demo_ids
    for name, example in EXAMPLES:
        words = shlex.split(example)
        named = [words[i + 1] for i, word in enumerate(words[:-1]) if word == "--site"]
        for site in named:
            assert site in ids, f"`akhbar {name}` example names no site: --site {site}"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo run's archive and feeds, copied into each example's folder."""
    place = tmp_path_factory.mktemp("demo-run")
    done = subprocess.run(
        [str(BIN / "akhbar"), "demo", "--port", "0", "--db", str(place / "demo.db"), "--out", str(place / "feeds")],
        capture_output=True, text=True, timeout=300, env=_environment(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return place


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKHBAR_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _folder(tmp_path: Path, demo_run: Path) -> Path:
    (tmp_path / "data").mkdir()
    for name in ("akhbar.db", "demo.db"):
        shutil.copy2(demo_run / "demo.db", tmp_path / "data" / name)
    shutil.copytree(demo_run / "feeds", tmp_path / "feeds")
    (tmp_path / "saved").mkdir()
    shutil.copy2(FIXTURES / "pages" / "youm7-budget.html", tmp_path / "saved" / "story.html")
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize(("name", "example"), EXAMPLES, ids=[f"{n}: {e}" for n, e in EXAMPLES])
def test_the_example_runs_as_written(name: str, example: str, tmp_path: Path, demo_run: Path) -> None:
    if name in NEEDS_NETWORK:
        pytest.skip(f"needs the network: {NEEDS_NETWORK[name]}")
    assert example.startswith("akhbar "), example
    folder = _folder(tmp_path, demo_run)
    if name in LONG_RUNNING:
        _serve(example, folder, LONG_RUNNING[name])
        return
    done = subprocess.run(["bash", "-c", example], cwd=folder, env=_environment(), capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, f"`{example}` exited {done.returncode}:\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]


def _serve(example: str, folder: Path, page: str) -> None:
    process = subprocess.Popen(["bash", "-c", f"exec {example}"], cwd=folder, env=_environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    seen: list[str] = []
    try:
        assert process.stdout is not None
        while not (match := re.search(r"(http://[^\s/]+/\S*)", seen[-1] if seen else "")):
            line = process.stdout.readline()
            if not line:
                output = "".join(seen)
                if "already in use" in output:
                    pytest.skip(f"`{example}`: its port is taken on this machine ({output.strip()})")
                pytest.fail(f"`{example}` exited {process.wait()} before serving: {output}")
            seen.append(line)
        url = match.group(1) if not page else re.sub(r"/[^/]*$", "/", match.group(1)) + page
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    assert answer.status == 200, (url, answer.status)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        process.terminate()
        rest, _ = process.communicate(timeout=30)
    assert "Traceback" not in "".join(seen) + rest, "".join(seen) + rest
