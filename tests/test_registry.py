"""The bundled site registry is usable as shipped, and the parser rejects broken registry text by name."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

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


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('languages = "ar"', "list of lowercase codes"),
        ("languages = []", "list of lowercase codes"),
        ('languages = ["ar", "EN"]', "list of lowercase codes"),
        ('languages = ["ar", "en-GB"]', "list of lowercase codes"),
        ('languages = ["ar", 1]', "list of lowercase codes"),
        ('languages = ["ar", "en\\n"]', "list of lowercase codes"),
        ('languages = ["en", "fr"]', "must include the site's language 'ar'"),
    ],
)
def test_malformed_languages_are_rejected(line: str, reason: str) -> None:
    with pytest.raises(RegistryError) as info:
        parse_registry(MINIMAL + line + "\n")
    assert "'one'" in str(info.value) and reason in str(info.value)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(RegistryError, match="duplicate site id 'one'"):
        parse_registry(MINIMAL + MINIMAL.replace("one.example", "two.example"))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('country = "Egypt"', "ISO 3166"),
        ('timezone = "Cairo/Egypt"', "unknown timezone"),
        ('feeds = ["/feed/"]', "not an http"),
        ("concurrency = 0", "concurrency"),
        ('colour = "red"', "unknown keys"),
    ],
)
def test_malformed_entries_name_the_site(line: str, reason: str) -> None:
    text = MINIMAL.replace('country = "EG"', "") + line + "\n"
    if not line.startswith("country"):
        text += 'country = "EG"\n'
    with pytest.raises(RegistryError) as info:
        parse_registry(text)
    assert "'one'" in str(info.value) and reason in str(info.value)


def test_a_missing_name_is_reported_with_the_site_id() -> None:
    with pytest.raises(RegistryError, match=r"site 'one': missing name"):
        parse_registry(MINIMAL.replace('name = "واحد"\n', ""))


def test_every_site_is_in_the_documentation_table(sites: list[Site]) -> None:
    docs = (Path(__file__).parent.parent / "docs" / "sites.md").read_text(encoding="utf-8")
    assert [site.id for site in sites if f"| `{site.id}` |" not in docs] == []
