"""Write the demo sites' ``public/`` trees and expected-values fixtures from their ``articles.toml``.

The served files are committed and installed with the package (``crawler/demo/sites``); this module is how
they were made and how to remake them after editing a source, so that pages and expected values never drift
apart. It lives outside the package because only a checkout needs it. Run from the repository root::

    python -m tools.demo.build                      # rewrite crawler/demo/sites/*/public and the fixtures
    python -m tools.demo.build --check              # exit 1 when the committed files differ from a rebuild
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from crawler.demo.server import DEMO_ROOT, site_dirs
from tools.demo import render_qabas, render_sharq, render_wordpress
from tools.demo.assets import image_files
from tools.demo.source import SiteSource, load_source

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "demo"
LASTMOD_FILE = "lastmod.json"

Renderer = Callable[[SiteSource], dict[str, str]]
THEMES: dict[str, tuple[Renderer, str]] = {
    "wordpress": (render_wordpress.render, "utf-8"),
    "portal": (render_sharq.render, "utf-8"),
    "legacy": (render_qabas.render, render_qabas.ENCODING),
}


def render_site(src: SiteSource) -> dict[str, bytes]:
    """Every file of the site's ``public/`` tree as bytes, by decoded path relative to ``public/``."""
    render, encoding = THEMES[src.theme]
    texts = render(src)
    files = {path: text.encode(encoding) for path, text in texts.items()}
    files.update(image_files(texts))
    return dict(sorted(files.items()))


def page_file(path: str) -> str:
    """The file under ``public/`` that answers a decoded page path (``/a/b/`` and ``/a/b`` -> ``a/b/index.html``)."""
    name = path.strip("/")
    return name if name.endswith(".html") else f"{name}/index.html"


def lastmod_map(src: SiteSource) -> dict[str, object]:
    """``lastmod.json``: the Last-Modified time of each article page, and one for every other file."""
    pages = {
        page_file(path): article.last_changed
        for article in src.articles
        for path in (article.path, article.canonical_path)
        if path
    }
    return {"default": src.last_changed, "files": dict(sorted(pages.items()))}


def expected_records(src: SiteSource) -> list[dict[str, object]]:
    """The fixture: expected archive values of every article, oldest first."""
    return [a.expected() for a in sorted(src.articles, key=lambda a: a.published_dt)]


def fixture_text(src: SiteSource) -> str:
    return json.dumps(expected_records(src), ensure_ascii=False, indent=2) + "\n"


def lastmod_text(src: SiteSource) -> str:
    return json.dumps(lastmod_map(src), ensure_ascii=False, indent=2) + "\n"


def build(root: Path = DEMO_ROOT, fixtures: Path = DEFAULT_FIXTURES) -> list[Path]:
    """Rewrite every site's ``public/`` and ``lastmod.json`` and the fixtures; returns the site dirs."""
    dirs = site_dirs(root)
    fixtures.mkdir(parents=True, exist_ok=True)
    for site_dir in dirs:
        src = load_source(site_dir)
        public = site_dir / "public"
        if public.exists():
            shutil.rmtree(public)
        for rel, data in render_site(src).items():
            target = public / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (site_dir / LASTMOD_FILE).write_text(lastmod_text(src), encoding="utf-8")
        (fixtures / f"{src.id}.json").write_text(fixture_text(src), encoding="utf-8")
    return dirs


def differences(root: Path = DEMO_ROOT, fixtures: Path = DEFAULT_FIXTURES) -> list[str]:
    """Files whose committed content differs from a rebuild (missing, extra or changed)."""
    found: list[str] = []
    for site_dir in site_dirs(root):
        src = load_source(site_dir)
        public = site_dir / "public"
        wanted = render_site(src)
        present = {p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()}
        for rel in sorted(present - set(wanted)):
            found.append(f"{src.id}/public/{rel}: not made by the build")
        for rel, data in wanted.items():
            path = public / rel
            if not path.is_file() or path.read_bytes() != data:
                found.append(f"{src.id}/public/{rel}: differs from the build")
        checks = ((site_dir / LASTMOD_FILE, lastmod_text(src)), (fixtures / f"{src.id}.json", fixture_text(src)))
        for path, text in checks:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                found.append(f"{path}: differs from the build")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.demo.build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=DEMO_ROOT, help="directory of the demo sites")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="where to write <site>.json")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on any difference")
    args = parser.parse_args(argv)
    if args.check:
        diffs = differences(args.root, args.fixtures)
        for line in diffs:
            print(line)
        return 1 if diffs else 0
    for site_dir in build(args.root, args.fixtures):
        print(f"built {site_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
