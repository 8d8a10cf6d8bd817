"""Render a demo site as a modern pan-Arab news portal rich in structured data, found through sitemaps.

Article pages carry a JSON-LD ``NewsArticle`` (a lone object, or inside an ``@graph``), OpenGraph with
``article:published_time``, ``<time datetime>``, a ``<title>`` with a " | <site>" suffix the ``<h1>`` lacks,
an in-body "اقرأ أيضًا" box, and links to tag and video pages. Discovery: ``robots.txt`` -> sitemap index ->
a monthly sitemap fetched as ``.xml.gz``, plus a Google News sitemap.
"""

# The templates keep the long lines of the markup they imitate.
# ruff: noqa: E501

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from tools.demo.source import PLACEHOLDER, DemoArticle, SiteSource, encode_path, slugify

B = PLACEHOLDER
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
          "نوفمبر", "ديسمبر")
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
LOGO = "/assets/img/logo.png"
VIDEO_PATH = "/video/2024/05/16/manama-summit-opening"
VIDEO_TITLE = "شاهد: لحظة افتتاح القمة العربية في المنامة"
MONTHLY_SITEMAP = "/sitemaps/2024-05.xml"


def display_date(iso: str) -> str:
    """``الخميس، 16 مايو 2024 - 06:30 م`` (12-hour clock, ص/م)."""
    moment = datetime.fromisoformat(iso)
    hour = moment.hour % 12 or 12
    half = "ص" if moment.hour < 12 else "م"
    return (f"{WEEKDAYS[moment.weekday()]}، {moment.day} {MONTHS[moment.month - 1]} {moment.year} - "
            f"{hour:02d}:{moment.minute:02d} {half}")


def tag_path(name: str) -> str:
    return encode_path(f"/tag/{slugify(name)}")


def section_path(article: DemoArticle) -> str:
    return f"/{article.section_slug}"


def _publisher(src: SiteSource) -> dict[str, object]:
    return {"@type": "Organization", "@id": f"{B}/#organization", "name": src.site.name, "url": f"{B}/",
            "logo": {"@type": "ImageObject", "url": f"{B}{LOGO}", "width": 600, "height": 60},
            "sameAs": ["https://twitter.com/AlSharqToday", "https://www.facebook.com/AlSharqToday"]}


def news_article(src: SiteSource, article: DemoArticle) -> dict[str, object]:
    """The page's JSON-LD NewsArticle (without ``@context``)."""
    url = f"{B}{article.canonical_url_path}"
    data: dict[str, object] = {
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.published,
    }
    if article.modified:
        data["dateModified"] = article.modified
    if article.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    else:
        data["author"] = {"@type": "Organization", "name": article.agency_org or src.site.name}
    data["publisher"] = _publisher(src)
    if article.image:
        data["image"] = {"@type": "ImageObject", "url": f"{B}{article.image}", "width": 1280, "height": 720}
    data["articleSection"] = article.category
    # Both forms occur in the wild: a comma-separated string and a list.
    data["keywords"] = list(article.tags) if article.jsonld == "graph" else "، ".join(article.tags)
    data["inLanguage"] = "ar"
    data["isAccessibleForFree"] = True
    return data


def _jsonld(src: SiteSource, article: DemoArticle) -> str:
    url = f"{B}{article.canonical_url_path}"
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "الرئيسية", "item": f"{B}/"},
        {"@type": "ListItem", "position": 2, "name": article.category, "item": f"{B}{section_path(article)}"},
        {"@type": "ListItem", "position": 3, "name": article.title, "item": url}]}
    if article.jsonld == "graph":
        node = news_article(src, article)
        node["@id"] = f"{url}#article"
        node["isPartOf"] = {"@id": f"{url}#webpage"}
        graph = [
            {"@type": "WebPage", "@id": f"{url}#webpage", "url": url, "name": article.title,
             "isPartOf": {"@id": f"{B}/#website"}, "breadcrumb": {"@id": f"{url}#breadcrumb"}},
            node,
            {**crumbs, "@id": f"{url}#breadcrumb"},
            {"@type": "WebSite", "@id": f"{B}/#website", "url": f"{B}/", "name": src.site.name,
             "publisher": {"@id": f"{B}/#organization"}},
            _publisher(src),
        ]
        data = {"@context": "https://schema.org", "@graph": graph}
        return (f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False, indent=1)}'
                "</script>\n")
    article_ld = {"@context": "https://schema.org", **news_article(src, article)}
    crumbs_ld = {"@context": "https://schema.org", **crumbs}
    return (f'<script type="application/ld+json">\n{json.dumps(article_ld, ensure_ascii=False, indent=2)}\n</script>\n'
            f'<script type="application/ld+json">{json.dumps(crumbs_ld, ensure_ascii=False)}</script>\n')


def _head(src: SiteSource, title: str, canonical: str, description: str, extra: str) -> str:
    return f"""<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {escape(src.site.name)}</title>
<meta name="description" content="{escape(description)}">
<link rel="canonical" href="{B}{canonical}">
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link rel="stylesheet" href="{B}/assets/css/main.5f2c91.css">
<link rel="icon" type="image/png" href="{B}/assets/img/favicon.png">
<meta property="og:site_name" content="{escape(src.site.name)}">
<meta property="og:locale" content="ar_AE">
<meta property="og:url" content="{B}{canonical}">
<meta property="og:description" content="{escape(description)}">
{extra}<meta name="twitter:site" content="@AlSharqToday">
</head>
"""


def _header(src: SiteSource) -> str:
    sections: dict[str, str] = {}
    for a in src.articles:
        sections.setdefault(section_path(a), a.category)
    nav = "".join(f'<li class="nav__item"><a class="nav__link" href="{B}{p}">{escape(n)}</a></li>'
                  for p, n in sections.items())
    ticker = "".join(f'<li><a href="{B}{a.url_path}">{escape(a.title)}</a></li>' for a in src.articles[:3])
    return f"""<body class="page-article">
<a class="skip-link" href="#main">تخطى إلى المحتوى</a>
<header class="site-header">
<div class="site-header__top container"><span class="site-header__date">{display_date(src.last_changed).split(" - ")[0]}</span>
<a class="site-header__logo" href="{B}/"><img src="{B}{LOGO}" alt="{escape(src.site.name)}" width="300" height="30"></a>
<a class="btn btn--subscribe" href="{B}/">اشترك في النشرة</a></div>
<nav class="nav container" aria-label="الأقسام"><ul class="nav__list"><li class="nav__item"><a class="nav__link" href="{B}/">الرئيسية</a></li>{nav}<li class="nav__item"><a class="nav__link" href="{B}{VIDEO_PATH}">فيديو</a></li></ul></nav>
<div class="breaking container"><span class="breaking__label">عاجل</span><ul class="breaking__list">{ticker}</ul></div>
</header>
"""


def _sidebar(src: SiteSource, article: DemoArticle | None) -> str:
    popular = "".join(f'<li class="most-read__item"><span class="most-read__rank">{i}</span>'
                      f'<a href="{B}{a.url_path}">{escape(a.title)}</a></li>'
                      for i, a in enumerate((a for a in src.articles if a is not article), 1))
    return f"""<aside class="sidebar col-lg-4">
<section class="widget most-read"><h2 class="widget__title">الأكثر قراءة</h2><ol class="most-read__list">{popular}</ol></section>
<section class="widget widget--video"><h2 class="widget__title">فيديو</h2>
<a class="video-card" href="{B}{VIDEO_PATH}"><img src="{B}/uploads/2024/05/manama-summit-video.jpg" alt="" loading="lazy"><span class="video-card__play" aria-hidden="true">▶</span><span class="video-card__title">{escape(VIDEO_TITLE)}</span></a></section>
<section class="widget newsletter"><h2 class="widget__title">النشرة اليومية</h2><p>أهم أخبار اليوم في بريدك كل صباح.</p>
<form class="newsletter__form" action="{B}/newsletter" method="post"><input type="email" name="email" placeholder="بريدك الإلكتروني" required><button type="submit">اشترك</button></form></section>
</aside>
"""


def _footer(src: SiteSource) -> str:
    return f"""<footer class="site-footer">
<div class="container site-footer__inner">
<a href="{B}/"><img src="{B}{LOGO}" alt="{escape(src.site.name)}" width="200" height="20" loading="lazy"></a>
<ul class="site-footer__links"><li><a href="{B}/">من نحن</a></li><li><a href="{B}/">شروط الاستخدام</a></li><li><a href="{B}/">سياسة الخصوصية</a></li><li><a href="{B}/">أعلن معنا</a></li></ul>
<p class="site-footer__copy">© 2024 {escape(src.site.name)}. جميع الحقوق محفوظة.</p>
</div>
</footer>
<script src="{B}/assets/js/app.9d41e2.js" defer></script>
</body>
</html>
"""


def _byline(article: DemoArticle) -> str:
    if article.authors:
        names = " و".join(f'<a class="byline__author" href="{B}/">{escape(n)}</a>' for n in article.authors)
        return f'<div class="byline">بقلم: {names}</div>'
    return f'<div class="byline byline--source">المصدر: {escape(article.agency_org or "")}</div>'


def article_page(src: SiteSource, article: DemoArticle) -> str:
    """The page of ``article``, served at ``path`` and (when different) at ``canonical_path``."""
    others = [a for a in src.articles if a is not article]
    extra = ('<meta property="og:type" content="article">\n'
             f'<meta property="og:title" content="{escape(article.title)}">\n')
    if article.image:
        extra += (f'<meta property="og:image" content="{B}{article.image}">\n'
                  '<meta property="og:image:width" content="1280">\n<meta property="og:image:height" content="720">\n')
    extra += f'<meta property="article:published_time" content="{article.published}">\n'
    if article.modified:
        extra += f'<meta property="article:modified_time" content="{article.modified}">\n'
    extra += f'<meta property="article:section" content="{escape(article.category)}">\n'
    extra += "".join(f'<meta property="article:tag" content="{escape(t)}">\n' for t in article.tags)
    extra += '<meta name="twitter:card" content="summary_large_image">\n'
    extra += _jsonld(src, article)
    head = _head(src, article.title, article.canonical_url_path, article.summary, extra)
    paragraphs = [f"<p>{escape(p)}</p>" for p in article.page_paragraphs]
    read_also = others[0]
    paragraphs.insert(2, f'<div class="read-also"><span class="read-also__label">اقرأ أيضًا:</span> '
                         f'<a href="{B}{read_also.url_path}">{escape(read_also.title)}</a></div>')
    body = "\n".join(paragraphs)
    updated = ""
    if article.modified:
        updated = (f'<span class="article__updated">آخر تحديث: <time datetime="{article.modified}">'
                   f"{display_date(article.modified)}</time></span>")
    figure = ""
    if article.image:
        figure = (f'<figure class="article__figure"><img src="{B}{article.image}" alt="{escape(article.title)}" '
                  f'width="1280" height="720"><figcaption>صورة من الأرشيف</figcaption></figure>\n')
    watch = ""
    if article.video:
        watch = (f'<div class="article__watch"><a href="{B}{VIDEO_PATH}"><span aria-hidden="true">▶</span> '
                 f"{escape(VIDEO_TITLE)}</a></div>\n")
    tags = "".join(f'<li><a href="{B}{tag_path(t)}" rel="tag">{escape(t)}</a></li>' for t in article.tags)
    more = "".join(f'<li class="card"><a href="{B}{a.url_path}"><h3 class="card__title">{escape(a.title)}</h3></a>'
                   f'<time datetime="{a.published}">{display_date(a.published)}</time></li>' for a in others[:4])
    return f"""{head}{_header(src)}<main id="main" class="container">
<div class="row">
<article class="article col-lg-8" data-article-id="{article.id}">
<nav class="breadcrumb" aria-label="مسار التنقل"><ol><li><a href="{B}/">الرئيسية</a></li><li><a href="{B}{section_path(article)}">{escape(article.category)}</a></li></ol></nav>
<h1 class="article__title">{escape(article.title)}</h1>
<div class="article__meta">{_byline(article)}<time class="article__date" datetime="{article.published}">{display_date(article.published)}</time>{updated}</div>
{figure}<div class="share-bar" aria-label="مشاركة"><a class="share-bar__btn share-bar__btn--x" href="https://x.com/intent/post?url={B}{article.canonical_url_path}" target="_blank" rel="noopener">X</a><a class="share-bar__btn share-bar__btn--fb" href="https://www.facebook.com/sharer/sharer.php?u={B}{article.canonical_url_path}" target="_blank" rel="noopener">فيسبوك</a><a class="share-bar__btn share-bar__btn--wa" href="https://wa.me/?text={B}{article.canonical_url_path}" target="_blank" rel="noopener">واتساب</a><button class="share-bar__btn share-bar__btn--copy" type="button">نسخ الرابط</button></div>
<div class="article__body" itemprop="articleBody">
{body}
</div>
{watch}<div class="article__tags"><span class="article__tags-label">الكلمات المفتاحية:</span><ul>{tags}</ul></div>
</article>
{_sidebar(src, article)}</div>
<section class="more-news"><h2 class="section-title">المزيد من الأخبار</h2><ul class="cards">{more}</ul></section>
</main>
{_footer(src)}"""


def _listing(src: SiteSource, title: str, path: str, articles: list[DemoArticle]) -> str:
    extra = f'<meta property="og:type" content="website">\n<meta property="og:title" content="{escape(title)}">\n'
    head = _head(src, title, path, f"{title} - آخر الأخبار والتقارير", extra)
    cards = "".join(
        f'<li class="card card--wide"><a href="{B}{a.url_path}">'
        f'<img src="{B}{a.image}" alt="" loading="lazy" width="640" height="360">'
        f'<h2 class="card__title">{escape(a.title)}</h2></a><p class="card__summary">{escape(a.summary)}</p>'
        f'<time datetime="{a.published}">{display_date(a.published)}</time></li>\n'
        for a in articles
    )
    return f"""{head}{_header(src)}<main id="main" class="container"><div class="row">
<section class="col-lg-8 listing"><h1 class="listing__title">{escape(title)}</h1>
<ul class="cards cards--list">
{cards}</ul></section>
{_sidebar(src, None)}</div></main>
{_footer(src)}"""


def _video_page(src: SiteSource) -> str:
    video = {"@context": "https://schema.org", "@type": "VideoObject", "name": VIDEO_TITLE,
             "description": "لقطات من الجلسة الافتتاحية للقمة العربية في المنامة.",
             "thumbnailUrl": [f"{B}/uploads/2024/05/manama-summit-video.jpg"],
             "uploadDate": "2024-05-16T17:05:00+04:00", "duration": "PT2M14S",
             "contentUrl": f"{B}/media/manama-summit-opening.mp4", "publisher": _publisher(src)}
    extra = ('<meta property="og:type" content="video.other">\n'
             f'<meta property="og:title" content="{escape(VIDEO_TITLE)}">\n'
             f'<meta property="og:image" content="{B}/uploads/2024/05/manama-summit-video.jpg">\n'
             f'<meta property="og:video" content="{B}/media/manama-summit-opening.mp4">\n'
             f'<script type="application/ld+json">{json.dumps(video, ensure_ascii=False)}</script>\n')
    head = _head(src, VIDEO_TITLE, VIDEO_PATH, "لقطات من الجلسة الافتتاحية للقمة العربية في المنامة.", extra)
    return f"""{head}{_header(src)}<main id="main" class="container"><div class="row">
<section class="col-lg-8 video-page"><h1 class="video-page__title">{escape(VIDEO_TITLE)}</h1>
<div class="player"><video controls preload="none" poster="{B}/uploads/2024/05/manama-summit-video.jpg"><source src="{B}/media/manama-summit-opening.mp4" type="video/mp4"></video></div>
<p class="video-page__caption">لقطات من الجلسة الافتتاحية للقمة العربية في المنامة. المدة: 02:14</p>
</section>
{_sidebar(src, None)}</div></main>
{_footer(src)}"""


ROBOTS = f"""User-agent: *
Disallow: /search
Disallow: /newsletter
Disallow: /*?page=

Sitemap: {B}/sitemap_index.xml
Sitemap: {B}/news-sitemap.xml
"""


def sitemap_index(src: SiteSource) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>{B}{MONTHLY_SITEMAP}.gz</loc>
    <lastmod>{src.last_changed}</lastmod>
  </sitemap>
</sitemapindex>
"""


def monthly_sitemap(src: SiteSource) -> str:
    urls = "".join(
        f"""  <url>
    <loc>{B}{a.url_path}</loc>
    <lastmod>{a.last_changed}</lastmod>
    <image:image><image:loc>{B}{a.image}</image:loc></image:image>
  </url>
""" for a in src.articles)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
{urls}</urlset>
"""


def news_sitemap(src: SiteSource) -> str:
    urls = "".join(
        f"""  <url>
    <loc>{B}{a.url_path}</loc>
    <news:news>
      <news:publication>
        <news:name>{escape(src.site.name)}</news:name>
        <news:language>ar</news:language>
      </news:publication>
      <news:publication_date>{a.published}</news:publication_date>
      <news:title>{escape(a.title)}</news:title>
      <news:keywords>{escape(", ".join(a.tags))}</news:keywords>
    </news:news>
  </url>
""" for a in src.articles)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}</urlset>
"""


def render(src: SiteSource) -> dict[str, str]:
    """Every text file of the site's ``public/`` tree, by decoded path relative to ``public/``."""
    files = {
        "robots.txt": ROBOTS,
        "sitemap_index.xml": sitemap_index(src),
        MONTHLY_SITEMAP.lstrip("/"): monthly_sitemap(src),
        "news-sitemap.xml": news_sitemap(src),
        "index.html": _listing(src, "الرئيسية", "/", list(src.articles)),
        VIDEO_PATH.lstrip("/") + "/index.html": _video_page(src),
    }
    for article in src.articles:
        page = article_page(src, article)
        files[article.path.strip("/") + "/index.html"] = page
        if article.canonical_path:
            files[article.canonical_path.strip("/") + "/index.html"] = page
    sections: dict[str, list[DemoArticle]] = {}
    for article in src.articles:
        sections.setdefault(section_path(article), []).append(article)
    for path, articles in sections.items():
        files[path.strip("/") + "/index.html"] = _listing(src, articles[0].category, path, articles)
    for name, articles in src.by_tag().items():
        files[f"tag/{slugify(name)}/index.html"] = _listing(src, name, tag_path(name), articles)
    return files
