"""The three callers of the fetch policy at one loopback site: the crawl, ``akhbar doctor`` and ``akhbar extract
URL`` send the same User-Agent (the one ``AKHBAR_CONTACT_URL`` names), and ``extract URL`` obeys robots.txt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from runs import Run, crawl
from sites import Doc, SiteServer, TestSite, article_page, make_articles

from crawler.cli.doctor import doctor_command
from crawler.cli.extract import extract_command
from crawler.fetch_policy import user_agent

pytestmark = pytest.mark.slow

CONTACT = "https://news-desk.example/contact-the-crawler"
PRIVATE = "/private/2024/05/14/hidden-story-economy-support-plan"


@dataclass
class Callers:
    site: TestSite
    agents: dict[str, set[str]]
    """The User-Agent headers the site saw, by caller."""
    run: Run
    doctor: Result
    extract: Result


def agents_since(site: TestSite, seen: int) -> set[str]:
    return {hit.headers.get("user-agent", "") for hit in site.hits[seen:]}


@pytest.fixture(scope="module")
def callers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callers]:
    tmp = tmp_path_factory.mktemp("callers")
    server = SiteServer(host_base=200)
    site = server.add("policy", make_articles("policy", 2))
    server.entry("policy").feeds = [site.feed("/feed/")]
    with pytest.MonkeyPatch.context() as env, server:
        env.setenv("AKHBAR_CONTACT_URL", CONTACT)  # read by the crawl's subprocess and by the tools in-process
        env.delenv("AKHBAR_SITES", raising=False)
        registry = server.write_registry(tmp / "sites.toml")
        agents: dict[str, set[str]] = {}
        run = crawl(registry, tmp / "akhbar.db")
        agents["crawl"] = agents_since(site, 0)
        seen = len(site.hits)
        doctor = CliRunner().invoke(doctor_command, ["--sites", str(registry), "--articles", "1"])
        agents["doctor"] = agents_since(site, seen)
        seen = len(site.hits)
        article = sorted(site.article_paths())[0]
        extract = CliRunner().invoke(extract_command, [site.url(article)])
        agents["extract"] = agents_since(site, seen)
        yield Callers(site, agents, run, doctor, extract)


def test_every_caller_fetched(callers: Callers) -> None:
    assert callers.run.stats.get("finish_reason") == "finished", callers.run.log[-3000:]
    assert callers.run.site("policy", "stored") == 2
    assert callers.doctor.exit_code == 0, callers.doctor.output
    assert callers.extract.exit_code == 0, callers.extract.stderr
    assert json.loads(callers.extract.stdout)["title"].startswith("الحكومة تعلن")


def test_the_crawl_doctor_and_extract_send_the_same_user_agent(callers: Callers) -> None:
    assert set(callers.agents) == {"crawl", "doctor", "extract"}
    expected = user_agent(CONTACT)
    for caller, agents in callers.agents.items():
        assert agents == {expected}, caller


def test_every_caller_reads_robots_txt(callers: Callers) -> None:
    assert callers.site.paths().count("/robots.txt") == 3


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[TestSite]:
    server = SiteServer(host_base=205)
    site = server.add("guarded", make_articles("guarded", 1))
    (story,) = site.articles
    # An article page at a path the site's robots.txt (Disallow: /private/) forbids.
    site.docs[PRIVATE] = lambda: Doc(article_page(site, story).encode(), "text/html; charset=utf-8")
    with pytest.MonkeyPatch.context() as env, server:
        env.delenv("AKHBAR_SITES", raising=False)
        yield site


def test_extract_refuses_a_url_robots_txt_disallows(guarded: TestSite) -> None:
    result = CliRunner().invoke(extract_command, [guarded.url(PRIVATE)])
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line == (f"akhbar extract: {guarded.url(PRIVATE)}: disallowed by robots.txt"
                    f" ({guarded.url('/robots.txt')}); --ignore-robots, for a site you run")  # fmt: skip
    assert guarded.paths() == ["/robots.txt"]


def test_extract_ignore_robots_fetches_it_anyway(guarded: TestSite) -> None:
    result = CliRunner().invoke(extract_command, [guarded.url(PRIVATE), "--ignore-robots"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["url"] == guarded.url(PRIVATE)
    assert guarded.paths() == [PRIVATE]
