"""Canonical URLs: every variant of an article's address collapses to one key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.text.urls import UrlError, canonicalize, choose_canonical, same_site

CANONICAL = "https://example.com/2024/05/%D8%A3%D8%B3%D8%AA%D8%A7%D9%86%D8%A9-8"


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.com/2024/05/أستانة-8",
        "http://www.example.com/2024/05/أستانة-8/",
        "https://EXAMPLE.com:443/2024/05/%d8%a3%d8%b3%d8%aa%d8%a7%d9%86%d8%a9-8",
        "https://example.com/2024/05/أستانة-8?utm_source=twitter&utm_medium=social&fbclid=abc",
        "https://example.com/2024/05/أستانة-8/#comments",
        "https://example.com/2024/05/أستانة-8/amp/",
        "https://m.example.com/2024/05/أستانة-8",
        "https://amp.example.com/2024/05/أستانة-8?gclid=1",
    ],
)
def test_variants_collapse_to_one_canonical_url(variant: str) -> None:
    assert canonicalize(variant, site_hosts=["example.com"]) == CANONICAL


def test_meaningful_query_parameters_are_kept_in_a_stable_order() -> None:
    assert canonicalize("https://example.com/news.php?b=2&id=15&utm_campaign=x") == (
        "https://example.com/news.php?b=2&id=15"
    )
    assert canonicalize("https://example.com/news.php?id=15&b=2") == "https://example.com/news.php?b=2&id=15"


def test_http_only_sites_keep_their_scheme() -> None:
    assert canonicalize("https://127.0.0.11:8471/a/b/", scheme="http") == "http://127.0.0.11:8471/a/b"


def test_declared_canonical_is_trusted_only_on_the_same_site() -> None:
    hosts = ["example.com"]
    fetched = "https://example.com/p/123?utm_source=rss"
    assert choose_canonical(fetched, ["https://example.com/news/slug/"], hosts) == "https://example.com/news/slug"
    # A partner's URL, or the homepage, is not the page's canonical.
    assert choose_canonical(fetched, ["https://partner.org/news/slug"], hosts) == "https://example.com/p/123"
    assert choose_canonical(fetched, ["https://example.com/"], hosts) == "https://example.com/p/123"
    assert choose_canonical(fetched, ["not a url", None], hosts) == "https://example.com/p/123"


def test_non_http_urls_are_rejected_with_a_clear_error() -> None:
    with pytest.raises(UrlError, match="not an absolute http"):
        canonicalize("javascript:alert(1)")
    with pytest.raises(UrlError):
        canonicalize("/relative/path")


@given(st.text())
def test_canonicalizer_never_raises_anything_but_url_error(text: str) -> None:
    try:
        once = canonicalize(text)
    except UrlError:
        return
    assert canonicalize(once) == once


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080\\@news.example/admin",  # urlsplit sees news.example; Scrapy fetches 127.0.0.1
        "http://other.example\\@news.example/",
        "http://user:pass@news.example/",  # credentials: never the site's
        "http://news.example@other.example/",
        "http://news.example.other.example/",
        "http://evil-news.example/",
    ],
)
def test_same_site_reads_the_host_as_the_fetcher_does(url: str) -> None:
    assert not same_site(url, ["news.example"])


def test_same_site_accepts_the_site_and_its_subdomains() -> None:
    assert same_site("https://news.example/a", ["news.example"])
    assert same_site("https://www.news.example/a", ["news.example"])
    assert same_site("https://sport.news.example/a", ["www.news.example"])
    assert same_site("HTTPS://NEWS.EXAMPLE/a", ["news.example"])
