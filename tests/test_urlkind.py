"""URL classification from shape: real-looking URLs of registry sites, Arabic slugs percent-encoded or not."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from crawler.discovery.urlkind import UrlKind, classify_url, is_article_url, pattern_target, skip_reason


def enc(path: str) -> str:
    """Percent-encode an Arabic path the way crawlers and feeds hand it over."""
    return quote(path, safe="/-_.")


ARTICLES = [
    "https://www.aljazeera.net/news/2024/1/15/%D8%A7%D9%84%D8%AD%D8%B1%D8%A8-%D8%B9%D9%84%D9%89-%D8%BA%D8%B2%D8%A9",
    "https://www.aljazeera.net/politics/2024/3/2/" + enc("مفاوضات-وقف-إطلاق-النار-في-غزة"),
    "https://www.alarabiya.net/arab-and-world/2024/01/15/" + enc("السعودية-تعلن-ميزانية-العام"),
    "https://www.bbc.com/arabic/articles/c4gq1e5l0vxo",
    "https://www.bbc.com/arabic/world-68012345",
    "https://www.france24.com/ar/" + enc("الشرق-الأوسط") + "/20240115-" + enc("قمة-عربية-طارئة"),
    "https://www.dw.com/ar/" + enc("ألمانيا-تستقبل-لاجئين") + "/a-67912345",
    "https://arabic.rt.com/middle_east/1523456-" + enc("مصر-تعلن"),
    "https://sarabic.ae/20240115/" + enc("روسيا-والصين") + "-1085123456.html",
    "https://www.aa.com.tr/ar/" + enc("الدول-العربية") + "/" + enc("تونس-انتخابات") + "/3112345",
    "https://www.youm7.com/story/2024/1/15/" + enc("وزير-المالية-يعلن") + "/6456789",
    "https://www.almasryalyoum.com/news/details/3081234",
    "https://www.masrawy.com/news/news_egypt/details/2024/1/15/2534567/" + enc("الحكومة-تعلن"),
    "https://www.hespress.com/" + enc("الحكومة-المغربية-تصادق-على-مشروع-قانون") + "-1289456.html",
    "https://www.echoroukonline.com/" + enc("تبون-يستقبل-وزير-الخارجية-الفرنسي"),
    "https://www.enabbaladi.net/705432/" + enc("ارتفاع-أسعار-الخبز-في-دمشق") + "/",
    "https://www.enabbaladi.net/archives/705432",
    "https://humanvoice.net/" + enc("عودة-اللاجئين-السوريين-من-لبنان") + "/",
    "https://www.alquds.co.uk/?p=3312345",
    "https://sabq.org/saudia/7x2k9q1m",
    "https://www.okaz.com.sa/news/local/2160012",
    "https://www.kuna.net.kw/ArticleDetails.aspx?id=3123456&language=ar",
    "https://www.skynewsarabia.com/middle-east/1690123-" + enc("قصف-جنوب-لبنان"),
    # Unknown shapes are articles: the extractor rejects non-articles later.
    "https://www.annahar.com/arabic/section/" + enc("لبنان") + "/15012024101010123",
    "https://www.example.com/some/deep/path/without/markers",
]


@pytest.mark.parametrize("url", ARTICLES)
def test_article_urls_are_articles(url: str) -> None:
    assert classify_url(url) is UrlKind.ARTICLE
    assert is_article_url(url)


OTHERS = [
    # Homepages, sections, pagination, date archives.
    ("https://www.aljazeera.net/", UrlKind.LISTING),
    ("https://www.france24.com/ar/", UrlKind.LISTING),
    ("https://www.aljazeera.net/news/", UrlKind.LISTING),
    ("https://www.alarabiya.net/arab-and-world", UrlKind.LISTING),
    ("https://www.hespress.com/" + enc("سياسة"), UrlKind.LISTING),
    ("https://www.youm7.com/Section/" + enc("أخبار-عاجلة") + "/65/1", UrlKind.LISTING),
    ("https://www.alquds.co.uk/category/" + enc("سياسة") + "/", UrlKind.LISTING),
    ("https://www.alquds.co.uk/category/politics/page/3/", UrlKind.LISTING),
    ("https://www.echoroukonline.com/" + enc("قسم") + "/" + enc("الوطني"), UrlKind.LISTING),
    ("https://www.enabbaladi.net/2024/01/", UrlKind.LISTING),
    ("https://www.masrawy.com/news/news_egypt?page=2", UrlKind.LISTING),
    ("https://www.aljazeera.net/default.aspx", UrlKind.LISTING),
    # Tags and keywords.
    ("https://www.aljazeera.net/tag/" + enc("قطاع-غزة") + "/", UrlKind.TAG),
    ("https://www.hespress.com/tag/%D8%A7%D9%84%D8%A7%D9%86%D8%AA%D8%AE%D8%A7%D8%A8%D8%A7%D8%AA", UrlKind.TAG),
    ("https://www.youm7.com/" + enc("وسوم") + "/" + enc("الدوري-المصري"), UrlKind.TAG),
    ("https://www.elwatannews.com/" + enc("كلمات-مفتاحية") + "/" + enc("الأهلي"), UrlKind.TAG),
    ("https://www.independentarabia.com/topics/" + enc("غزة"), UrlKind.TAG),
    # Writers.
    ("https://www.aljazeera.net/author/ahmed-hassan", UrlKind.AUTHOR),
    ("https://www.alquds.co.uk/writers/" + enc("عبد-الباري"), UrlKind.AUTHOR),
    ("https://www.shorouknews.com/" + enc("كاتب") + "/1234", UrlKind.AUTHOR),
    # Video.
    ("https://arabic.rt.com/videos/1523456-" + enc("مشاهد-من-غزة") + "/", UrlKind.VIDEO),
    ("https://www.youm7.com/" + enc("فيديو") + "/" + enc("مباراة-الأهلي"), UrlKind.VIDEO),
    ("https://www.aljazeera.net/live", UrlKind.VIDEO),
    ("https://www.youtube.com/watch?v=abcdef", UrlKind.VIDEO),
    ("https://media.example.com/clips/interview.mp4", UrlKind.VIDEO),
    # Images, documents, audio, galleries.
    ("https://www.aljazeera.net/wp-content/uploads/2024/01/photo.jpg?resize=770%2C513", UrlKind.MEDIA),
    ("https://www.spa.gov.sa/files/report-2024.PDF", UrlKind.MEDIA),
    ("https://www.bbc.com/arabic/podcasts/p02pc9qc", UrlKind.MEDIA),
    ("https://www.youm7.com/" + enc("صور") + "/2024/1/15/" + enc("حفل-افتتاح"), UrlKind.MEDIA),
    # Feeds and sitemaps.
    ("https://www.hespress.com/feed", UrlKind.FEED),
    ("https://www.enabbaladi.net/705432/some-post/feed/", UrlKind.FEED),
    ("https://arabic.rt.com/rss/", UrlKind.FEED),
    ("https://rss.dw.com/xml/rss-ar-all", UrlKind.FEED),
    ("https://www.youm7.com/sitemaps/news.xml", UrlKind.FEED),
    ("https://www.aljazeera.net/aljazeerarss/a7c186be-1baa-4bd4-9d80-a84db769f779/73d0e1b4", UrlKind.FEED),
    ("https://www.youm7.com/rss/SectionRss?SectionID=65", UrlKind.FEED),
    ("https://sana.sy/?feed=rss2", UrlKind.FEED),
    ("https://www.example.com/sitemap-posts.xml.gz", UrlKind.FEED),
    # Site furniture.
    ("https://www.hespress.com/?s=" + enc("انتخابات"), UrlKind.OTHER),
    ("https://www.aljazeera.net/search/" + enc("غزة"), UrlKind.OTHER),
    ("https://www.almasryalyoum.com/" + enc("اتصل-بنا"), UrlKind.OTHER),
    ("https://www.independentarabia.com/privacy-policy", UrlKind.OTHER),
    ("https://www.alquds.co.uk/wp-login.php", UrlKind.OTHER),
    ("https://www.example.com/static/app.js", UrlKind.OTHER),
]


@pytest.mark.parametrize(("url", "kind"), OTHERS)
def test_non_articles_are_recognised(url: str, kind: UrlKind) -> None:
    assert classify_url(url) is kind
    assert not is_article_url(url)


def test_percent_encoded_and_plain_arabic_paths_classify_alike() -> None:
    host = "https://www.youm7.com"
    path = "/وسوم/الدوري-المصري"
    assert classify_url(host + path) is classify_url(host + enc(path)) is UrlKind.TAG


def test_kind_is_a_string_for_storage_and_json() -> None:
    assert UrlKind.ARTICLE == "article"
    assert f"{classify_url('https://www.hespress.com/feed')}" == "feed"


# -- skip_reason: what discovery does with a listed link -------------------------------------------------------

SITE = "https://www.example.com"
# Articles of real sites at paths the shape guess takes for section fronts.
SHORT_PATHS = ["/news/short", "/" + enc("العراق-يعلن") + "/", "/politics/elections", "/p/abc"]


@pytest.mark.parametrize("path", SHORT_PATHS)
def test_a_feed_or_news_sitemap_link_at_a_short_path_is_an_article(path: str) -> None:
    assert skip_reason(SITE + path, listed_as_news=True) is None
    # Found in a plain sitemap, the guess stands, under a name that says it is one.
    assert skip_reason(SITE + path) == "looks_like_listing"


PLAIN = [
    ("/wp-content/uploads/2024/01/photo.jpg", "media"),
    ("/files/report-2024.pdf", "media"),
    ("/photos/2024/05/16/summit-in-pictures", "media"),
    ("/video/2024/05/16/manama-summit-opening", "video"),
    ("/watch?v=abcdef", "video"),
    ("/search/" + enc("غزة"), "furniture"),
    ("/?s=" + enc("انتخابات"), "furniture"),
    ("/login", "furniture"),
    ("/privacy-policy", "furniture"),
    ("/static/app.js", "furniture"),
    ("/feed/", "feed"),
    ("/tag/economy", "tag_page"),
    ("/" + enc("وسوم") + "/" + enc("الدوري-المصري"), "tag_page"),
    ("/author/samir-khalil", "author_page"),
    ("/category/politics/", "listing_page"),
    ("/category/politics/page/3/", "listing_page"),
    ("/2024/01/", "listing_page"),
    ("/", "listing_page"),
]


@pytest.mark.parametrize(("path", "reason"), PLAIN)
def test_plainly_not_an_article_is_skipped_whoever_lists_it(path: str, reason: str) -> None:
    assert skip_reason(SITE + path, listed_as_news=True) == reason
    assert skip_reason(SITE + path) == reason


def test_a_column_under_its_writers_path_is_taken_from_a_feed_only() -> None:
    url = SITE + "/writers/abdel-bari/1523456-" + enc("مقال-عن-القمة")
    assert skip_reason(url, listed_as_news=True) is None
    assert skip_reason(url) == "author_page"


def test_registry_patterns_search_the_decoded_path_and_query_and_ignoring_wins() -> None:
    live = SITE + "/2024/05/16/" + enc("تغطية-مباشرة") + "-12345"
    assert pattern_target(live) == "/2024/05/16/تغطية-مباشرة-12345"
    assert pattern_target(SITE + "/news?id=7") == "/news?id=7"
    assert pattern_target(SITE) == "/"
    assert skip_reason(SITE + "/p/abc", article_urls=["^/p/"]) is None
    assert skip_reason(SITE + "/" + enc("العراق-يعلن") + "/", article_urls=["^/العراق"]) is None
    # An article_urls match wins over every shape rule; ignore_urls over everything, article_urls included.
    assert skip_reason(SITE + "/tag/economy", article_urls=["^/tag/"]) is None
    assert skip_reason(live, ignore_urls=["مباشرة"]) == "ignored_by_registry"
    assert skip_reason(live, listed_as_news=True, article_urls=["^/2024/"], ignore_urls=["مباشرة"]) == (
        "ignored_by_registry"
    )
    assert skip_reason(SITE + "/news/short", article_urls=["^/p/"]) == "looks_like_listing"


def test_classify_url_is_unchanged_by_who_lists_the_link() -> None:
    for path in SHORT_PATHS:
        assert classify_url(SITE + path) is UrlKind.LISTING
