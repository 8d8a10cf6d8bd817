"""The bundled site registry is usable as shipped, and the loader reports every problem of a broken file, one line
each naming the file, the site and the field; the CLI prints them and exits 2."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.registry import Registry, RegistryError, Site, load_registry, parse_registry

ARAB_LEAGUE = {
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR",
    "MA", "OM", "PS", "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE",
}  # fmt: skip
# Home countries of international broadcasters and agencies with an Arabic service.
BROADCASTERS = {"GB", "FR", "DE", "RU", "TR", "US", "CN", "IR", "ES", "IT", "NL", "JP", "KR", "IL"}
AUTODISCOVERY_NOTE = "autodiscovery"
LOCALE_RE = re.compile(r"ar(-[A-Z]{2})?")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def sites(registry: Registry) -> list[Site]:
    return list(registry.sites.values())


def test_bundled_registry_loads_with_enough_sites_and_countries(sites: list[Site]) -> None:
    assert len(sites) >= 40
    assert len({site.country for site in sites}) >= 14


def test_ids_are_unique(registry: Registry) -> None:
    text = registry.path.read_text(encoding="utf-8") if registry.path else ""
    ids = re.findall(r'^id\s*=\s*"([^"]+)"', text, flags=re.MULTILINE)
    assert len(ids) == len(registry)
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_every_site_is_fully_described(sites: list[Site]) -> None:
    for site in sites:
        assert urlsplit(site.url).scheme == "https", site.id
        assert site.country in ARAB_LEAGUE | BROADCASTERS, site.id
        assert site.language == "ar", site.id
        assert ZoneInfo(site.timezone), site.id
        assert site.timezone != "UTC", f"{site.id}: say where the newsroom is"
        assert site.locale is not None and LOCALE_RE.fullmatch(site.locale), site.id
        assert re.search(r"[\u0600-\u06ff]", site.name), f"{site.id}: name should be the Arabic name"
        assert site.name_en.isascii(), site.id


def test_every_site_has_a_discovery_source_or_says_it_relies_on_autodiscovery(sites: list[Site]) -> None:
    for site in sites:
        has_source = bool(site.feeds or site.sitemaps)
        assert has_source or AUTODISCOVERY_NOTE in (site.notes or ""), site.id


def test_sources_are_absolute_https_and_unique_across_the_registry(sites: list[Site]) -> None:
    sources = [url for site in sites for url in (*site.feeds, *site.sitemaps)]
    for url in sources:
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname, url
    assert [u for u, n in Counter(sources).items() if n > 1] == []


def test_hosts_are_unique_across_sites(sites: list[Site]) -> None:
    hosts = [host for site in sites for host in site.allowed_hosts]
    assert [h for h, n in Counter(hosts).items() if n > 1] == []


def test_every_host_resolves_to_its_own_site(registry: Registry, sites: list[Site]) -> None:
    for site in sites:
        found = registry.site_for_host(site.host)
        assert found is not None and found.id == site.id, site.id


def test_sensitive_sites_are_throttled(sites: list[Site]) -> None:
    # Government news agencies get one request at a time.
    for site in sites:
        if ".gov." in site.host or site.id in {"wam", "qna", "kuna", "wafa", "sana"}:
            assert site.concurrency == 1 and site.delay is not None and site.delay >= 1, site.id


MINIMAL = """
[[sites]]
id = "one"
name = "واحد"
name_en = "One"
url = "https://one.example/"
country = "EG"
"""
SECOND = """
[[sites]]
id = "two"
name = "اثنان"
name_en = "Two"
url = "https://two.example/"
country = "LB"
"""


def problems(text: str, **kwargs: Any) -> tuple[str, ...]:
    with pytest.raises(RegistryError) as info:
        parse_registry(text, **kwargs)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def test_a_minimal_entry_gets_the_documented_defaults() -> None:
    site = parse_registry(MINIMAL).sites["one"]
    defaults = (site.language, site.timezone, site.feeds, site.sitemaps, site.feed_content)
    assert defaults == ("ar", "UTC", (), (), "full")


def test_languages_default_to_the_site_language_and_may_add_others() -> None:
    assert parse_registry(MINIMAL).sites["one"].languages == ("ar",)
    assert parse_registry(MINIMAL + 'language = "fa-IR"\n').sites["one"].languages == ("fa",)
    site = parse_registry(MINIMAL + 'languages = ["ar", "en", "ckb", "en"]\n').sites["one"]
    assert site.languages == ("ar", "en", "ckb")
    # Built in code, a Site gets the same default.
    assert Site("x", "س", "X", "https://x.example/", "EG").languages == ("ar",)


def test_a_full_entry_within_every_rule_loads() -> None:
    text = MINIMAL + "\n".join([
        'language = "ar-EG"', 'languages = ["ar", "en"]', 'timezone = "Africa/Cairo"', 'locale = "ar-EG"',
        'feeds = ["https://one.example/feed/"]', 'sitemaps = ["http://one.example:8080/news.xml"]',
        'domains = ["amp.one.example", "m.one.example"]', 'feed_content = "summary"', "concurrency = 64",
        "delay = 600", 'notes = """two lines\nof notes"""', "[sites.selectors]", 'title = "h1.entry-title"',
        'body = "//div[@class=\'entry\']"', 'date = "(//time)[1]/@datetime"', 'remove = [".share", "./aside"]',
    ]) + "\n" + SECOND  # fmt: skip
    registry = parse_registry(text)
    site = registry.sites["one"]
    assert site.selectors is not None and site.selectors.remove == (".share", "./aside")
    assert (site.concurrency, site.delay, site.domains) == (64, 600.0, ("amp.one.example", "m.one.example"))
    assert registry.site_for_host("amp.one.example") is site
    assert registry.sites["two"].delay is None


# One rule each: the line that breaks it, the field the message names, and what the message says.
RULES = [
    ('id = "evil\\n"', "entry 1: id", "is not a site id"),
    ('id = "One"', "entry 1: id", "is not a site id"),
    ('id = "-one"', "entry 1: id", "is not a site id"),
    ("id = 7", "entry 1: id", "must be a string, not an integer"),
    ('id = "demo-one"', "site 'demo-one': id", "reserved for the bundled demo"),
    ("delay = inf", "delay", "inf is not a finite number"),
    ("delay = nan", "delay", "nan is not a finite number"),
    ("delay = -1", "delay", "out of range"),
    ("delay = 601", "delay", "out of range: a number from 0 to 600"),
    ("delay = true", "delay", "not a boolean"),
    ('delay = "2"', "delay", "not a string"),
    ("concurrency = 0", "concurrency", "0 is out of range: an integer from 1 to 64"),
    ("concurrency = 65", "concurrency", "out of range"),
    ("concurrency = 1.5", "concurrency", "must be an integer"),
    ("concurrency = true", "concurrency", "not a boolean"),
    ('domains = ["http://x.example"]', "domains", "is not a host name (write 'x.example'"),
    ('domains = ["one.example/amp"]', "domains", "is not a host name"),
    ('domains = ["under_score..example"]', "domains", "is not a host name"),
    ('domains = ["مصر.example"]', "domains", "ASCII form 'xn--"),
    ('domains = "amp.one.example"', "domains", "must be an array of strings"),
    ('feeds = ["/feed/"]', "feeds", "is not an absolute http(s) URL"),
    ('feeds = ["ftp://one.example/feed"]', "feeds", "is not an absolute http(s) URL"),
    ('feeds = ["https:///feed"]', "feeds", "is not an absolute http(s) URL"),
    ('feeds = ["https://one.example:99999/feed"]', "feeds", "port"),
    ('feeds = ["https://other.example\\\\@one.example/"]', "feeds", "backslash"),
    ('feeds = ["https://one.example/a feed"]', "feeds", "whitespace"),
    ('feeds = "https://one.example/feed"', "feeds", "must be an array of strings"),
    ('sitemaps = ["https://one.example/s.xml", 3]', "sitemaps", "strings only, not an integer"),
    ('language = "klingon!!"', "language", "'klingon!!' is not a language tag"),
    ('language = "xx"', "language", "is not a language tag"),
    ('languages = ["ar", "xx"]', "languages", "'xx' is not an ISO 639-1 code"),
    ('languages = ["ar", "EN"]', "languages", "(write 'en')"),
    ('languages = ["ar", "en-GB"]', "languages", "(write 'en')"),
    ('languages = ["ar", 1]', "languages", "must hold language codes, not an integer"),
    ('languages = "ar"', "languages", "must be a non-empty array"),
    ("languages = []", "languages", "must be a non-empty array"),
    ('languages = ["en", "fr"]', "languages", "must include the site's language 'ar'"),
    ('locale = "ar_EG!"', "locale", "is not a language tag"),
    ('timezone = "Cairo/Egypt"', "timezone", "unknown time zone 'Cairo/Egypt'"),
    ('timezone = "Asia/Damascas"', "timezone", "(did you mean 'Asia/Damascus'?)"),
    ('timezone = "../../etc/passwd"', "timezone", "unknown time zone"),
    ("timezone = 3", "timezone", "must be a string"),
    ('name = "واحد\\u202e"', "name", "control or bidi"),
    ("name_en = 5", "name_en", "must be a string, not an integer"),
    ('country = "Egypt"', "country", "is not an ISO 3166-1 alpha-2 code"),
    ('feed_content = "all"', "feed_content", "is not one of 'full', 'summary'"),
    ('notes = ["a"]', "notes", "must be a string, not an array"),
    ('colour = "red"', "colour", "unknown key (did you mean 'country'?)"),
    ('selectors = "h1"', "selectors", "must be a table"),
    ('[sites.selectors]\nbody = "//div["', "selectors.body", "'//div[' is not valid XPath"),
    ('[sites.selectors]\ndate = "//x:time"', "selectors.date", "is not valid XPath: Undefined namespace prefix"),
    ('[sites.selectors]\ntitle = "string(//h1)"', "selectors.title", "is not valid CSS"),
    ('[sites.selectors]\nbody = "div..entry"', "selectors.body", "'div..entry' is not valid CSS"),
    ('[sites.selectors]\nbody = "p::text"', "selectors.body", "is not valid CSS"),
    ('[sites.selectors]\nremove = [".share", "//aside["]', "selectors.remove", "is not valid XPath"),
    ('[sites.selectors]\nbody = ""', "selectors.body", "is empty"),
    ('[sites.selectors]\ntittle = "h1"', "selectors.tittle", "unknown key (did you mean 'title'?)"),
    ("article_urls = ['^/news/(\\d+']", "article_urls", "is not a valid regular expression: missing ), "),
    ("article_urls = '^/p/'", "article_urls", "must be an array of strings such as ['^/news/\\d+']"),
    ('article_urls = [""]', "article_urls", "holds an empty pattern"),
    (f"article_urls = ['{'a' * 301}']", "article_urls", "is 301 characters long (at most 300)"),
    ("article_urls = [" + ", ".join(["'x'"] * 51) + "]", "article_urls", "holds 51 patterns (at most 50)"),
    ("ignore_urls = ['[live']", "ignore_urls", "is not a valid regular expression: unterminated character set"),
    ("ignore_urls = ['.*']", "ignore_urls", "matches every URL: it would ignore the whole site"),
    ("ignore_urls = [3]", "ignore_urls", "must hold strings only, not an integer"),
    ("article_url = ['^/p/']", "article_url", "unknown key (did you mean 'article_urls'?)"),
]


@pytest.mark.parametrize(("line", "field", "reason"), RULES)
def test_each_rule_gives_one_line_naming_the_site_and_the_field(line: str, field: str, reason: str) -> None:
    key = line.split(" =")[0]
    lines = [ln for ln in MINIMAL.splitlines() if not ln.startswith(f"{key} =")]
    (found,) = problems("\n".join(lines) + "\n" + line + "\n")
    label = field if field.startswith(("entry ", "site '")) else f"site 'one': {field}"
    assert found.startswith(f"{label}: ") and reason in found, found


def test_article_and_ignore_patterns_load_as_written() -> None:
    site = parse_registry(MINIMAL + "article_urls = ['^/p/', '^/العراق']\nignore_urls = ['/live/']\n").sites["one"]
    assert (site.article_urls, site.ignore_urls) == (("^/p/", "^/العراق"), ("/live/",))
    assert parse_registry(MINIMAL).sites["one"].article_urls == ()


def test_a_missing_field_is_reported_with_the_site_id() -> None:
    assert problems(MINIMAL.replace('name = "واحد"\n', "")) == (
        "site 'one': name: missing (the site's name in Arabic)",
    )


def test_credentials_in_a_url_are_an_error_that_does_not_print_them() -> None:
    (found,) = problems(MINIMAL + 'feeds = ["https://editor:hunter2@one.example/feed"]\n')
    assert found.startswith("site 'one': feeds: ") and "credentials" in found
    assert "hunter2" not in found and "editor" not in found


def test_long_values_are_cut_in_messages() -> None:
    (found,) = problems(MINIMAL + f'language = "{"x" * 5000}"\n')
    assert len(found) < 200


def test_demo_ids_belong_to_the_demo_registry_only() -> None:
    demo = MINIMAL.replace('id = "one"', 'id = "demo-one"')
    assert problems(demo) == (
        "site 'demo-one': id: ids starting with 'demo-' are reserved for the bundled demo's sites",
    )
    assert list(parse_registry(demo, allow_demo=True).sites) == ["demo-one"]
    # The registry `akhbar demo` writes says what it is.
    assert list(parse_registry("demo = true\n" + demo).sites) == ["demo-one"]
    assert problems('demo = "yes"\n' + MINIMAL) == ("demo: must be true or false, not a string",)


@pytest.mark.slow
def test_the_demo_registry_loads_as_the_demo_writes_it(tmp_path: Path) -> None:
    from crawler.demo.server import DemoServer

    with DemoServer(port=0) as server:
        path = server.write_registry(tmp_path / "demo-sites.toml")
        registry = load_registry(path)
    assert len(registry) == len(server.sites) >= 3


def test_duplicate_ids_are_rejected() -> None:
    found = problems(MINIMAL + MINIMAL.replace("one.example", "three.example"))
    assert found == ("site 'one': id: duplicate site id 'one' (first at line 2)",)


@pytest.mark.parametrize(
    ("second", "field", "reason"),
    [
        ('url = "https://one.example/other/"', "url", "host 'one.example' already belongs to site 'one'"),
        ('url = "http://www.one.example:8080/"', "url", "host 'www.one.example' already belongs to site 'one'"),
        ('domains = ["one.example"]', "domains", "host 'one.example' already belongs to site 'one'"),
        ('domains = ["news.one.example"]', "domains", "is under 'one.example', a host of site 'one'"),
        ('url = "https://example/"', "url", "host 'example' is a parent of 'one.example', a host of site 'one'"),
    ],
)  # fmt: skip
def test_two_sites_never_share_a_host(second: str, field: str, reason: str) -> None:
    key = second.split(" =")[0]
    entry = "\n".join(ln for ln in SECOND.splitlines() if not ln.startswith(f"{key} =")) + "\n" + second + "\n"
    (found,) = problems(MINIMAL + entry)
    assert found.startswith(f"site 'two': {field}: ") and reason in found and found.endswith("one host per site")


def test_two_sites_never_share_a_source() -> None:
    shared = 'feeds = ["https://feeds.example/one.xml"]\n'
    (found,) = problems(MINIMAL + shared + SECOND + shared)
    assert found == (
        "site 'two': feeds: 'https://feeds.example/one.xml' is also listed by site 'one': a source belongs to one site"
    )


def test_every_problem_of_a_file_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    bad_first = MINIMAL + 'delay = inf\nlanguage = "klingon!!"\n'
    bad_second = SECOND.replace('id = "two"', 'id = "evil\\n"') + 'timezone = "Mars/Olympus"\n'
    path.write_text("# my sites\n" + bad_first + bad_second + SECOND.replace("two", "three"), encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    language = "'klingon!!' is not a language tag such as 'ar' or 'ar-EG' (an ISO 639-1 code first)"
    delay = "inf is not a finite number: a number from 0 to 600 (seconds between requests)"
    site_id = (
        "'evil\\n' is not a site id: lowercase ASCII letters, digits, '-' or '_', starting with a letter or a digit"
    )
    assert info.value.problems == (
        f"{path}:3: site 'one': language: {language}",
        f"{path}:3: site 'one': delay: {delay}",
        f"{path}:12: entry 2: id: {site_id}",
        f"{path}:12: entry 2: timezone: unknown time zone 'Mars/Olympus'",
    )


def test_a_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    text = MINIMAL + 'notes = "café"\n'
    path.write_bytes(text.encode("utf-8")[: -len('é"\n'.encode())] + 'é"\n'.encode("latin-1"))
    offset = len(text.encode()) - len('é"\n'.encode())
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    assert info.value.problems == (f"{path}:8: not UTF-8 text (byte 0xe9 at offset {offset}); save it as UTF-8",)


def test_a_toml_syntax_error_is_one_line_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(MINIMAL + "delay = \n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    (found,) = info.value.problems
    assert found.startswith(f"{path}: not valid TOML: ") and "line 8" in found


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n" + MINIMAL, "nested too deeply"),
        ("x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n" + MINIMAL, "nested too deeply"),
        ("x = " + "9" * 5000 + "\n" + MINIMAL, "not valid TOML"),
        ("\ufeff" + MINIMAL + "\x00", "not valid TOML"),
    ],
    ids=["arrays", "inline-tables", "huge-integer", "nul"],
)
def test_files_tomllib_chokes_on_are_one_line_errors(text: str, reason: str) -> None:
    (found,) = problems(text)
    assert reason in found and "\n" not in found


def test_a_deep_table_of_dotted_keys_is_reported_without_printing_it() -> None:
    (found,) = problems(MINIMAL + "notes." + ".".join(["a"] * 5000) + " = 1\n")
    assert found == "site 'one': notes: must be a string, not a table"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sites = [1, 2]\n", ("entry 1: must be a table ([[sites]]), not an integer",
                              "entry 2: must be a table ([[sites]]), not an integer")),
        ('sites = "all"\n', ("sites: must be an array of tables ([[sites]]), not a string",)),
        ("[sites]\nid = 'one'\n", ("sites: must be an array of tables ([[sites]]), not a table",)),
        ("sites = []\n", ("no [[sites]] entries",)),
        ("# nothing\n", ("no [[sites]] entries",)),
        ("[selectors]\nbody = 'p'\n" + MINIMAL, ("selectors: unknown top-level key (a registry holds [[sites]] tables; "
                                                 "their keys go under them)",)),
        ("site = 1\n" + MINIMAL, ("site: unknown top-level key (did you mean 'sites'?)",)),
    ],
)  # fmt: skip
def test_a_file_of_the_wrong_shape_says_what_is_wrong(text: str, expected: tuple[str, ...]) -> None:
    assert problems(text) == expected


def test_an_unknown_site_id_is_named_with_a_suggestion() -> None:
    with pytest.raises(RegistryError, match=r"unknown site id 'ones' \(did you mean 'one'\?\)"):
        parse_registry(MINIMAL).select(["ones"])


def test_the_test_fixture_registry_loads() -> None:
    assert list(load_registry(Path(__file__).parent / "fixtures" / "test_sites.toml").sites) == [
        "alpha",
        "beta",
        "gamma",
    ]


BROKEN = MINIMAL + 'delay = inf\nlanguage = "klingon!!"\n' + SECOND + 'domains = ["http://x"]\n'


@pytest.mark.slow
def test_cli_prints_every_problem_on_its_own_line_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(BROKEN, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "crawler", "sites", "--sites", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"Error: {path}:") for line in lines)
    expected = ["site 'one': language: 'klingon!!'", "site 'one': delay: inf", "site 'two': domains: 'http://x'"]
    assert all(part in line for part, line in zip(expected, lines, strict=True)), lines


@pytest.mark.parametrize("command", ["crawl", "run", "doctor", "sites"])
def test_every_command_that_reads_the_registry_stops_before_any_work(tmp_path: Path, command: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(BROKEN, encoding="utf-8")
    db = tmp_path / "akhbar.db"
    extra = ["--db", str(db)] if command in ("crawl", "run") else []
    result = CliRunner().invoke(main, [command, "--sites", str(path), *extra])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines() == [f"Error: {line}" for line in load_problems(path)]
    assert not db.exists()


def test_extract_and_date_report_a_broken_registry_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(BROKEN, encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>عنوان</h1><p>نص</p></body></html>", encoding="utf-8")
    monkeypatch.setenv("AKHBAR_SITES", str(path))
    for args in (["extract", str(page), "--url", "https://one.example/a"], ["date", "أمس", "--site", "one"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.splitlines() == [f"Error: {line}" for line in load_problems(path)]


def test_sites_check_says_the_registry_is_good() -> None:
    result = CliRunner().invoke(main, ["sites", "--check"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{load_registry().path}: {len(load_registry())} sites, no problems\n"


def load_problems(path: Path) -> tuple[str, ...]:
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    return info.value.problems


def test_every_site_is_in_the_documentation_table(sites: list[Site]) -> None:
    docs = (Path(__file__).parent.parent / "docs" / "sites.md").read_text(encoding="utf-8")
    assert [site.id for site in sites if f"| `{site.id}` |" not in docs] == []
