"""Render a demo site as a WordPress news theme (Jannah-like markup, Yoast SEO head, RSS 2.0 feed).

What a crawler meets on such sites: OpenGraph and ``article:published_time`` from Yoast, a Yoast
``@graph`` with a WebPage but no NewsArticle, the body in ``div.entry-content`` followed by share buttons,
"مقالات ذات صلة" cards and the comment form, category links with ``rel="category tag"``, and archive pages
(category, tag, author) that are not articles.
"""

# The templates keep the long lines of the markup they imitate.
# ruff: noqa: E501

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from tools.demo.assets import thumbnail
from tools.demo.source import PLACEHOLDER, DemoArticle, SiteSource, encode_path, rfc822, slugify

B = PLACEHOLDER
WP_VERSION = "6.5.3"
THEME = "jannah"
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
          "نوفمبر", "ديسمبر")
LOGO = "/wp-content/uploads/2023/01/logo.png"
SOCIAL = (("facebook", "فيسبوك"), ("twitter", "تويتر"), ("whatsapp", "واتساب"), ("telegram", "تيلقرام"))


def wp_date(iso: str) -> str:
    """The date as the Arabic WordPress locale prints it: ``16 مايو، 2024``."""
    moment = datetime.fromisoformat(iso)
    return f"{moment.day} {MONTHS[moment.month - 1]}، {moment.year}"


def category_path(name: str) -> str:
    return encode_path(f"/category/{slugify(name)}/")


def tag_path(name: str) -> str:
    return encode_path(f"/tag/{slugify(name)}/")


def author_path(slug: str) -> str:
    return f"/author/{slug}/"


def _head(src: SiteSource, title: str, canonical: str, description: str, og_type: str,
          extra_meta: str, graph: list[dict[str, object]]) -> str:
    site = src.site
    schema = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    return f"""<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
\t<meta charset="UTF-8" />
\t<link rel="profile" href="https://gmpg.org/xfn/11" />
\t<meta name="viewport" content="width=device-width, initial-scale=1.0" />

\t<!-- This site is optimized with the Yoast SEO plugin v22.6 - https://yoast.com/wordpress/plugins/seo/ -->
\t<title>{escape(title)} - {escape(site.name)}</title>
\t<meta name="description" content="{escape(description)}" />
\t<link rel="canonical" href="{B}{canonical}" />
\t<meta property="og:locale" content="ar_AR" />
\t<meta property="og:type" content="{og_type}" />
\t<meta property="og:title" content="{escape(title)} - {escape(site.name)}" />
\t<meta property="og:description" content="{escape(description)}" />
\t<meta property="og:url" content="{B}{canonical}" />
\t<meta property="og:site_name" content="{escape(site.name)}" />
\t<meta property="article:publisher" content="https://www.facebook.com/HumanVoiceNews" />
{extra_meta}\t<meta name="twitter:card" content="summary_large_image" />
\t<meta name="twitter:site" content="@HumanVoiceNews" />
\t<script type="application/ld+json" class="yoast-schema-graph">{schema}</script>
\t<!-- / Yoast SEO plugin. -->

<link rel="alternate" type="application/rss+xml" title="{escape(site.name)} &raquo; الخلاصة" href="{B}/feed/" />
<link rel='stylesheet' id='wp-block-library-rtl-css' href='{B}/wp-includes/css/dist/block-library/style-rtl.min.css?ver={WP_VERSION}' type='text/css' media='all' />
<link rel='stylesheet' id='tie-css-base-css' href='{B}/wp-content/themes/{THEME}/assets/css/base.min.css?ver=7.1.0' type='text/css' media='all' />
<link rel='stylesheet' id='tie-css-single-css' href='{B}/wp-content/themes/{THEME}/assets/css/single.min.css?ver=7.1.0' type='text/css' media='all' />
<script type="text/javascript" src="{B}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<link rel="https://api.w.org/" href="{B}/wp-json/" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{B}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress {WP_VERSION}" />
<link rel="icon" href="{B}/wp-content/uploads/2023/01/cropped-icon-32x32.png" sizes="32x32" />
</head>
"""


def _website_graph(src: SiteSource) -> list[dict[str, object]]:
    name = src.site.name
    return [
        {"@type": "WebSite", "@id": f"{B}/#website", "url": f"{B}/", "name": name,
         "description": "موقع إخباري سوري مستقل", "publisher": {"@id": f"{B}/#organization"},
         "potentialAction": [{"@type": "SearchAction",
                              "target": {"@type": "EntryPoint", "urlTemplate": f"{B}/?s={{search_term_string}}"},
                              "query-input": "required name=search_term_string"}],
         "inLanguage": "ar"},
        {"@type": "Organization", "@id": f"{B}/#organization", "name": name, "url": f"{B}/",
         "logo": {"@type": "ImageObject", "url": f"{B}{LOGO}", "width": 300, "height": 90},
         "sameAs": ["https://www.facebook.com/HumanVoiceNews", "https://twitter.com/HumanVoiceNews"]},
    ]


def _header(src: SiteSource) -> str:
    menu = "".join(
        f'<li id="menu-item-{100 + i}" class="menu-item menu-item-type-taxonomy menu-item-object-category">'
        f'<a href="{B}{category_path(name)}">{escape(name)}</a></li>\n'
        for i, name in enumerate(src.by_category())
    )
    return f"""<div class="background-overlay">
<div id="tie-container" class="site tie-container">
<div id="tie-wrapper">
<header id="theme-header" class="theme-header header-layout-3 main-nav-dark main-nav-default-dark main-nav-below has-stream-item top-nav-active has-normal-width-logo">
<nav id="top-nav" class="has-date-components top-nav header-nav" aria-label="الشريط العلوي">
\t<div class="container"><div class="topbar-wrapper"><div class="topbar-today-date tie-icon">{wp_date(src.last_changed)}</div>
\t<div class="tie-alignleft"><ul class="components"><li class="social-icons-item"><a class="social-link facebook-social-icon" rel="external noopener nofollow" target="_blank" href="https://www.facebook.com/HumanVoiceNews"><span class="tie-social-icon tie-icon-facebook"></span><span class="screen-reader-text">فيسبوك</span></a></li></ul></div></div></div>
</nav>
<div class="container header-container"><div class="tie-row logo-row">
\t<div class="logo-wrapper"><div class="tie-col-md-4 logo-container clearfix">
\t\t<div id="logo" class="image-logo"><a title="{escape(src.site.name)}" href="{B}/">
\t\t\t<img src="{B}{LOGO}" alt="{escape(src.site.name)}" class="logo_normal" width="300" height="90" />
\t\t\t<h1 class="h1-off">{escape(src.site.name)}</h1></a></div>
\t</div></div>
</div></div>
<div class="main-nav-wrapper"><nav id="main-nav" class="main-nav header-nav" aria-label="القائمة الرئيسية"><div class="container">
<div class="main-menu main-menu-wrap tie-alignleft"><div id="main-nav-menu" class="main-menu header-menu"><ul id="menu-main" class="menu">
<li id="menu-item-99" class="menu-item menu-item-type-custom menu-item-object-custom current-menu-item menu-item-home"><a href="{B}/">الرئيسية</a></li>
{menu}</ul></div></div>
<ul class="components"><li class="search-compact-icon menu-item custom-menu-link"><a href="#" class="tie-search-trigger"><span class="tie-icon-search tie-search-icon" aria-hidden="true"></span><span class="screen-reader-text">بحث عن</span></a></li></ul>
</div></nav></div>
</header>
"""


def _sidebar(src: SiteSource) -> str:
    popular = "".join(
        f'<li class="widget-single-post-item widget-post-list tie-standard">'
        f'<div class="post-widget-thumbnail"><a aria-label="{escape(a.title)}" href="{B}{a.url_path}" class="post-thumb">'
        f'<img width="220" height="150" src="{B}{thumbnail(a.image, "220x150")}" class="attachment-jannah-image-small size-jannah-image-small tie-small-image wp-post-image" alt="" /></a></div>'
        f'<div class="post-widget-body"><a class="post-title the-subtitle" href="{B}{a.url_path}">{escape(a.title)}</a>'
        f'<div class="post-meta"><span class="date meta-item tie-icon">{wp_date(a.published)}</span></div></div></li>\n'
        for a in src.articles[:5] if a.image
    )
    return f"""<aside class="sidebar tie-col-md-4 tie-col-xs-12 normal-side is-sticky" aria-label="القائمة الجانبية الرئيسية">
<div class="theiaStickySidebar">
<div id="posts-list-widget-2" class="container-wrapper widget posts-list">
<div class="widget-title the-global-title"><div class="the-subtitle">الأكثر قراءة</div></div>
<div class="widget-posts-list-wrapper"><div class="widget-posts-list-container"><ul class="posts-list-items widget-posts-wrapper">
{popular}</ul></div></div><div class="clearfix"></div></div>
<div id="social-statistics-2" class="container-wrapper widget social-statistics-widget">
<div class="widget-title the-global-title"><div class="the-subtitle">تابعنا</div></div>
<ul class="solid-social-icons two-cols circle-icons">
<li class="social-icons-statistics-item facebook-social-icon"><a href="https://www.facebook.com/HumanVoiceNews" rel="external noopener nofollow" target="_blank"><span class="counter-icon tie-icon-facebook"></span><span class="followers"><span class="followers-num">215K</span><span class="followers-name">معجب</span></span></a></li>
<li class="social-icons-statistics-item twitter-social-icon"><a href="https://twitter.com/HumanVoiceNews" rel="external noopener nofollow" target="_blank"><span class="counter-icon tie-icon-twitter"></span><span class="followers"><span class="followers-num">48K</span><span class="followers-name">متابع</span></span></a></li>
</ul><div class="clearfix"></div></div>
<div id="tie-newsletter-2" class="container-wrapper widget subscribe-widget">
<div class="widget-title the-global-title"><div class="the-subtitle">النشرة البريدية</div></div>
<div class="widget-inner-wrap"><p>اشترك ليصلك أهم الأخبار يوميًا على بريدك الإلكتروني.</p>
<form action="#" method="post" class="subscribe-form" target="_blank"><label class="screen-reader-text" for="newsletter-email">البريد الإلكتروني</label><input class="subscribe-input required email" id="newsletter-email" type="email" value="" placeholder="البريد الإلكتروني" name="EMAIL"><input class="button" type="submit" name="subscribe" value="اشترك"></form></div>
<div class="clearfix"></div></div>
</div>
</aside>
"""


def _footer(src: SiteSource) -> str:
    return f"""<footer id="footer" class="site-footer dark-skin dark-widgetized-area">
<div id="site-info" class="site-info site-info-layout-2"><div class="container"><div class="tie-row"><div class="tie-col-md-12">
<div class="copyright-text copyright-text-first">&copy; جميع الحقوق محفوظة لموقع {escape(src.site.name)} 2024</div>
<div class="footer-menu"><ul id="menu-footer" class="menu">
<li class="menu-item menu-item-type-post_type menu-item-object-page"><a href="{B}/about-us/">من نحن</a></li>
<li class="menu-item menu-item-type-post_type menu-item-object-page"><a href="{B}/about-us/">اتصل بنا</a></li>
<li class="menu-item menu-item-type-post_type menu-item-object-page"><a href="{B}/about-us/">سياسة الخصوصية</a></li>
</ul></div>
</div></div></div></div>
</footer>
<a id="go-to-top" class="go-to-top-button" href="#go-to-tie-body"><span class="tie-icon-angle-up"></span><span class="screen-reader-text">زر الذهاب إلى الأعلى</span></a>
</div><!-- #tie-wrapper /-->
</div><!-- #tie-container /-->
</div><!-- .background-overlay /-->
<script type='text/javascript' src='{B}/wp-content/themes/{THEME}/assets/js/scripts.min.js?ver=7.1.0' id='tie-scripts-js'></script>
<script type='text/javascript' src='{B}/wp-includes/js/comment-reply.min.js?ver={WP_VERSION}' id='comment-reply-js' async='async' data-wp-strategy='async'></script>
</body>
</html>
"""


def _share(article: DemoArticle, where: str) -> str:
    links = "".join(
        f'<a href="https://www.{net}.com/share?url={B}{article.url_path}" rel="external noopener nofollow" '
        f'title="{label}" target="_blank" class="{net}-share-btn large-share-button" data-raw="https://www.{net}.com/share?url={{post_link}}">'
        f'<span class="share-btn-icon tie-icon-{net}"></span> <span class="social-text">{label}</span></a>'
        for net, label in SOCIAL
    )
    return (f'<div id="share-buttons-{where}" class="share-buttons share-buttons-{where}">'
            f'<div class="share-links  icons-text share-pill">{links}'
            f'<a href="#" rel="external noopener nofollow" title="طباعة" class="print-share-btn large-share-button">'
            f'<span class="share-btn-icon tie-icon-print"></span> <span class="social-text">طباعة</span></a>'
            f'</div></div>\n')


def _author_of(src: SiteSource, article: DemoArticle) -> tuple[str, str]:
    slug = article.wp_author or "humanvoice"
    return slug, src.authors[slug].name


def _related(src: SiteSource, article: DemoArticle) -> str:
    others = [a for a in src.articles if a is not article][:3]
    cards = "".join(
        f'<div class="related-item tie-standard">\n'
        f'\t<a aria-label="{escape(a.title)}" href="{B}{a.url_path}" class="post-thumb">'
        f'<img width="390" height="220" src="{B}{thumbnail(a.image, "390x220")}" class="attachment-jannah-image-large size-jannah-image-large wp-post-image" alt="" /></a>\n'
        f'\t<h3 class="post-title"><a href="{B}{a.url_path}">{escape(a.title)}</a></h3>\n'
        f'\t<div class="post-meta clearfix"><span class="date meta-item tie-icon">{wp_date(a.published)}</span></div>\n'
        f'</div>\n'
        for a in others
    )
    return f"""<div id="related-posts" class="container-wrapper has-extra-post">
<div class="mag-box-title the-global-title"><h3>مقالات ذات صلة</h3></div>
<div class="related-posts-list">
{cards}</div>
</div>
"""


def _comment_form(article: DemoArticle) -> str:
    return f"""<div id="add-comment-block" class="container-wrapper">
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title the-global-title">اترك تعليقاً <small><a rel="nofollow" id="cancel-comment-reply-link" href="{B}{article.url_path}#respond" style="display:none;">إلغاء الرد</a></small></h3><form action="{B}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate><p class="comment-notes"><span id="email-notes">لن يتم نشر عنوان بريدك الإلكتروني.</span> <span class="required-field-message">الحقول الإلزامية مشار إليها بـ <span class="required">*</span></span></p><p class="comment-form-comment"><label for="comment">التعليق <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p><p class="comment-form-author"><label for="author">الاسم <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required /></p>
<p class="comment-form-email"><label for="email">البريد الإلكتروني <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" autocomplete="email" required /></p>
<p class="comment-form-url"><label for="url">الموقع الإلكتروني</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url" /></p>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">احفظ اسمي، بريدي الإلكتروني، والموقع الإلكتروني في هذا المتصفح لاستخدامها المرة المقبلة في تعليقي.</label></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="إرسال التعليق" /> <input type='hidden' name='comment_post_ID' value='{article.id}' id='comment_post_ID' />
<input type='hidden' name='comment_parent' id='comment_parent' value='0' />
</p></form>\t</div><!-- #respond -->
</div><!-- #add-comment-block /-->
"""


def _entry_content(article: DemoArticle) -> str:
    lines = []
    if article.byline == "content":
        lines.append(f"<p><strong>كتب: {escape(article.authors[0])}</strong></p>")
    lines.extend(f"<p>{escape(p)}</p>" for p in article.page_paragraphs)
    if article.credit:
        lines.append(f"<p>{escape(article.credit)}</p>")
    return "\n".join(lines)


def article_page(src: SiteSource, article: DemoArticle) -> str:
    """The single-post page of ``article``."""
    author_slug, author_name = _author_of(src, article)
    cat_link = f"{B}{category_path(article.category)}"
    image = article.image
    meta = f'\t<meta property="article:published_time" content="{article.published}" />\n'
    if article.modified:
        meta += f'\t<meta property="article:modified_time" content="{article.modified}" />\n'
    if image:
        meta += (f'\t<meta property="og:image" content="{B}{image}" />\n'
                 '\t<meta property="og:image:width" content="1200" />\n'
                 '\t<meta property="og:image:height" content="675" />\n'
                 '\t<meta property="og:image:type" content="image/jpeg" />\n')
    meta += (f'\t<meta name="author" content="{escape(author_name)}" />\n'
             f'\t<meta name="twitter:label1" content="كُتب بواسطة" />\n'
             f'\t<meta name="twitter:data1" content="{escape(author_name)}" />\n'
             f'\t<meta name="twitter:label2" content="وقت القراءة المُقدّر" />\n'
             f'\t<meta name="twitter:data2" content="{max(1, len(" ".join(article.paragraphs).split()) // 200)} دقائق" />\n')
    page_url = f"{B}{article.canonical_url_path}"
    webpage: dict[str, object] = {
        "@type": "WebPage", "@id": page_url, "url": page_url,
        "name": f"{article.title} - {src.site.name}", "isPartOf": {"@id": f"{B}/#website"},
        "datePublished": article.published,
        "breadcrumb": {"@id": f"{page_url}#breadcrumb"}, "inLanguage": "ar",
        "potentialAction": [{"@type": "ReadAction", "target": [page_url]}],
    }
    if article.modified:
        webpage["dateModified"] = article.modified
    graph: list[dict[str, object]] = [webpage]
    if image:
        webpage["primaryImageOfPage"] = {"@id": f"{page_url}#primaryimage"}
        graph.append({"@type": "ImageObject", "inLanguage": "ar", "@id": f"{page_url}#primaryimage",
                      "url": f"{B}{image}", "contentUrl": f"{B}{image}", "width": 1200, "height": 675})
    graph.append({"@type": "BreadcrumbList", "@id": f"{page_url}#breadcrumb", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "الرئيسية", "item": f"{B}/"},
        {"@type": "ListItem", "position": 2, "name": article.title}]})
    graph.extend(_website_graph(src))
    head = _head(src, article.title, article.canonical_url_path, article.summary, "article", meta, graph)
    cat_slug = slugify(article.category)
    body_classes = (f"rtl post-template-default single single-post postid-{article.id} single-format-standard "
                    f"wrapper-has-shadow block-head-1 magazine2 is-thumb-overlay-disabled is-desktop "
                    f"is-header-layout-3 sidebar-left has-sidebar post-layout-1 narrow-title-narrow-media")
    tag_links = "".join(f'<a href="{B}{tag_path(t)}" rel="tag">{escape(t)}</a>' for t in article.tags)
    if article.byline == "meta":
        author_html = (f'<span class="author-meta single-author with-avatars"><span class="meta-item meta-author-wrapper meta-author-{author_slug}">'
                       f'<span class="meta-author">كتب: <a href="{B}{author_path(author_slug)}" class="author-name tie-icon" rel="author" title="{escape(author_name)}">{escape(author_name)}</a></span></span></span>')
    else:
        author_html = (f'<span class="author-meta single-author no-avatars"><span class="meta-item meta-author-wrapper meta-author-{author_slug}">'
                       f'<span class="meta-author"><a href="{B}{author_path(author_slug)}" class="author-name tie-icon" title="{escape(author_name)}">{escape(author_name)}</a></span></span></span>')
    featured = ""
    if image:
        featured = (f'<div class="featured-area"><div class="featured-area-inner"><figure class="single-featured-image">'
                    f'<img width="780" height="470" src="{B}{thumbnail(image, "780x470")}" class="attachment-jannah-image-post size-jannah-image-post wp-post-image" alt="" decoding="async" fetchpriority="high" '
                    f'srcset="{B}{thumbnail(image, "780x470")} 780w, {B}{image} 1200w" sizes="(max-width: 780px) 100vw, 780px" /></figure></div></div>\n')
    return f"""{head}<body id="tie-body" class="{body_classes}">
{_header(src)}<div id="content" class="site-content container"><div id="main-content-row" class="tie-row main-content-row">
<div class="main-content tie-col-md-8 tie-col-xs-12" role="main">
<article id="the-post" class="container-wrapper post-content tie-standard">
<header class="entry-header-outer">
<nav id="breadcrumb"><a href="{B}/"><span class="tie-icon-home" aria-hidden="true"></span> الرئيسية</a><em class="delimiter">/</em><a href="{cat_link}">{escape(article.category)}</a><em class="delimiter">/</em><span class="current">{escape(article.title)}</span></nav>
<div class="entry-header">
<span class="post-cat-wrap"><a class="post-cat tie-cat-{cat_slug}" href="{cat_link}" rel="category tag">{escape(article.category)}</a></span>
<h1 class="post-title entry-title">{escape(article.title)}</h1>
<div id="single-post-meta" class="post-meta clearfix">{author_html}<span class="date meta-item tie-icon">{wp_date(article.published)}</span><div class="tie-alignright"><span class="meta-views meta-item "><span class="tie-icon-fire" aria-hidden="true"></span> 1٬284 </span></div></div><!-- .post-meta -->
</div><!-- .entry-header /-->
</header><!-- .entry-header-outer /-->
{featured}{_share(article, "top")}<div class="entry-content entry clearfix">
{_entry_content(article)}
</div><!-- .entry-content /-->
<div class="post-bottom-meta post-bottom-tags post-tags-modern"><div class="post-bottom-meta-title"><span class="tie-icon-tags" aria-hidden="true"></span> الوسوم</div><span class="tagcloud">{tag_links}</span></div>
{_share(article, "bottom")}</article><!-- #the-post /-->
<div class="post-components">
{_related(src, article)}{_comment_form(article)}</div><!-- .post-components /-->
</div><!-- .main-content -->
{_sidebar(src)}</div><!-- .main-content-row /--></div><!-- #content /-->
{_footer(src)}"""


def _listing(src: SiteSource, title: str, path: str, heading: str, description: str,
             articles: list[DemoArticle], body_class: str) -> str:
    graph: list[dict[str, object]] = [
        {"@type": "CollectionPage", "@id": f"{B}{path}", "url": f"{B}{path}",
         "name": f"{title} - {src.site.name}", "isPartOf": {"@id": f"{B}/#website"}, "inLanguage": "ar"},
        *_website_graph(src),
    ]
    head = _head(src, title, path, description, "website", "", graph)
    items = "".join(
        f'<li class="post-item tie-standard">\n'
        f'\t<a aria-label="{escape(a.title)}" href="{B}{a.url_path}" class="post-thumb">'
        f'<span class="post-cat-wrap"><span class="post-cat tie-cat-{slugify(a.category)}">{escape(a.category)}</span></span>'
        f'<img width="390" height="220" src="{B}{thumbnail(a.image, "390x220")}" class="attachment-jannah-image-large size-jannah-image-large wp-post-image" alt="" /></a>\n'
        f'\t<div class="post-details">\n'
        f'\t\t<div class="post-meta clearfix"><span class="date meta-item tie-icon">{wp_date(a.published)}</span></div>\n'
        f'\t\t<h2 class="post-title"><a href="{B}{a.url_path}">{escape(a.title)}</a></h2>\n'
        f'\t\t<p class="post-excerpt">{escape(a.summary)}</p>\n'
        f'\t\t<a class="more-link button" href="{B}{a.url_path}">أكمل القراءة &raquo;</a>\n'
        f'\t</div>\n</li>\n'
        for a in articles
    )
    return f"""{head}<body id="tie-body" class="rtl {body_class} wrapper-has-shadow block-head-1 magazine2 is-desktop sidebar-left has-sidebar">
{_header(src)}<div id="content" class="site-content container"><div id="main-content-row" class="tie-row main-content-row">
<div class="main-content tie-col-md-8 tie-col-xs-12" role="main">
<header class="entry-header-outer container-wrapper">
<nav id="breadcrumb"><a href="{B}/"><span class="tie-icon-home" aria-hidden="true"></span> الرئيسية</a><em class="delimiter">/</em><span class="current">{escape(heading)}</span></nav>
<h1 class="page-title">{escape(heading)}</h1>
<div class="taxonomy-description entry">{escape(description)}</div>
</header>
<div class="mag-box wide-post-box"><div class="container-wrapper"><div class="mag-box-container clearfix">
<ul id="posts-container" data-layout="default" data-settings="{{'uncropped_image':'jannah-image-post','category_meta':true,'post_meta':true,'excerpt':'true','excerpt_length':'20','read_more':'true','read_more_text':false,'media_overlay':true,'title_length':0,'is_full':false,'is_category':false}}" class="posts-items">
{items}</ul>
</div></div></div>
</div><!-- .main-content /-->
{_sidebar(src)}</div></div>
{_footer(src)}"""


def _about_page(src: SiteSource) -> str:
    head = _head(src, "من نحن", "/about-us/", "تعرف على موقع هيومن فويس", "article", "",
                 [{"@type": "WebPage", "@id": f"{B}/about-us/", "url": f"{B}/about-us/", "name": "من نحن"},
                  *_website_graph(src)])
    return f"""{head}<body id="tie-body" class="rtl page-template-default page page-id-12 wrapper-has-shadow">
{_header(src)}<div id="content" class="site-content container"><div class="tie-row main-content-row">
<div class="main-content tie-col-md-12" role="main">
<article id="the-post" class="container-wrapper post-content tie-standard">
<header class="entry-header-outer"><div class="entry-header"><h1 class="post-title entry-title">من نحن</h1></div></header>
<div class="entry-content entry clearfix">
<p>{escape(src.site.name)} موقع إخباري سوري مستقل، انطلق عام 2015 ويعمل فريقه من داخل سوريا وتركيا.</p>
<p>يهتم الموقع بالشأن السوري السياسي والإنساني والاقتصادي، وينشر التقارير الميدانية والتحقيقات إلى جانب الأخبار العاجلة.</p>
<p>للتواصل مع فريق التحرير: editor@humanvoice.example</p>
</div></article></div></div></div>
{_footer(src)}"""


def feed(src: SiteSource) -> str:
    """The WordPress RSS 2.0 feed at ``/feed/`` (newest first, full content)."""
    items = []
    for a in src.articles:
        _, author_name = _author_of(src, a)
        cats = "".join(f"\t\t<category><![CDATA[{c}]]></category>\n" for c in (a.category, *a.tags))
        excerpt = escape(a.summary.removesuffix("…")) + " [&#8230;]"
        items.append(f"""\t<item>
\t\t<title>{escape(a.title)}</title>
\t\t<link>{B}{a.url_path}</link>
\t\t<comments>{B}{a.url_path}#respond</comments>
\t\t<dc:creator><![CDATA[{author_name}]]></dc:creator>
\t\t<pubDate>{rfc822(a.published, utc=True)}</pubDate>
{cats}\t\t<guid isPermaLink="false">{B}/?p={a.id}</guid>
\t\t<description><![CDATA[{excerpt}]]></description>
\t\t<content:encoded><![CDATA[{_entry_content(a)}]]></content:encoded>
\t\t<wfw:commentRss>{B}{a.url_path}feed/</wfw:commentRss>
\t\t<slash:comments>0</slash:comments>
\t</item>
""")
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>

<channel>
\t<title>{escape(src.site.name)}</title>
\t<atom:link href="{B}/feed/" rel="self" type="application/rss+xml" />
\t<link>{B}</link>
\t<description>موقع إخباري سوري مستقل</description>
\t<lastBuildDate>{rfc822(src.last_changed, utc=True)}</lastBuildDate>
\t<language>ar</language>
\t<sy:updatePeriod>
\thourly\t</sy:updatePeriod>
\t<sy:updateFrequency>
\t1\t</sy:updateFrequency>
\t<generator>https://wordpress.org/?v={WP_VERSION}</generator>
{"".join(items)}</channel>
</rss>
"""


ROBOTS = """User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
"""


def render(src: SiteSource) -> dict[str, str]:
    """Every text file of the site's ``public/`` tree, by decoded path relative to ``public/``."""
    files: dict[str, str] = {"robots.txt": ROBOTS, "feed/index.xml": feed(src),
                             "about-us/index.html": _about_page(src)}
    files["index.html"] = _listing(src, "الرئيسية", "/", "آخر الأخبار", "موقع إخباري سوري مستقل",
                                   list(src.articles), "home blog")
    for article in src.articles:
        files[article.path.strip("/") + "/index.html"] = article_page(src, article)
    for name, articles in src.by_category().items():
        files[f"category/{slugify(name)}/index.html"] = _listing(
            src, f"أرشيف {name}", category_path(name), name, f"آخر أخبار {name} على {src.site.name}",
            articles, "archive category")
    for name, articles in src.by_tag().items():
        files[f"tag/{slugify(name)}/index.html"] = _listing(
            src, f"أرشيف الوسم {name}", tag_path(name), name, f"المواد الموسومة بـ {name}", articles,
            "archive tag")
    for slug, author in src.authors.items():
        written = [a for a in src.articles if (a.wp_author or "humanvoice") == slug]
        files[f"author/{slug}/index.html"] = _listing(
            src, author.name, author_path(slug), author.name, author.description, written, "archive author")
    return files
