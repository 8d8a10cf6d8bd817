"""Render a demo site as a legacy Arabic newspaper site: tables, windows-1256, no structured data.

The charset is declared only by ``<meta http-equiv="Content-Type">`` (the server sends ``text/html``
without one), the date is printed in Arabic with Levantine/Egyptian month pairs ("12 أيار/مايو 2024"),
the section is a breadcrumb, and the RSS 2.0 feed is itself windows-1256.
"""

# The templates keep the long lines of the markup they imitate.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime
from html import escape

from tools.demo.source import PLACEHOLDER, DemoArticle, SiteSource, rfc822

B = PLACEHOLDER
ENCODING = "windows-1256"
MONTHS = ("كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو", "حزيران/يونيو",
          "تموز/يوليو", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر",
          "كانون الأول/ديسمبر")
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")


def printed_date(iso: str) -> str:
    """``الأحد 12 أيار/مايو 2024 - 10:35``: local time, no offset printed."""
    moment = datetime.fromisoformat(iso)
    return (f"{WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year} - "
            f"{moment.hour:02d}:{moment.minute:02d}")


def section_path(article: DemoArticle) -> str:
    return f"/section/{article.section_slug}.html"


def _page(src: SiteSource, title: str, main: str) -> str:
    sections: dict[str, str] = {}
    for a in src.articles:
        sections.setdefault(section_path(a), a.category)
    menu = " | ".join(f'<a href="{B}{p}" class="menu">{escape(n)}</a>' for p, n in sections.items())
    latest = "".join(
        f'<tr><td class="side_item"><img src="{B}/images/arrow.gif" width="7" height="7" alt=""> '
        f'<a href="{B}{a.url_path}" class="side_link">{escape(a.title)}</a></td></tr>\n'
        for a in src.articles
    )
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>{escape(src.site.name)} - {escape(title)}</title>
<link href="{B}/css/style.css" rel="stylesheet" type="text/css">
<script language="JavaScript" src="{B}/js/functions.js" type="text/javascript"></script>
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="980" border="0" cellspacing="0" cellpadding="0" align="center">
  <tr>
    <td colspan="2" bgcolor="#7A0A0A"><a href="{B}/index.html"><img src="{B}/images/logo.gif" width="320" height="80" border="0" alt="{escape(src.site.name)}"></a></td>
  </tr>
  <tr>
    <td colspan="2" class="menubar" bgcolor="#EEEEEE" height="28">&nbsp;<a href="{B}/index.html" class="menu">الرئيسية</a> | {menu}</td>
  </tr>
  <tr>
    <td width="760" valign="top">
{main}
    </td>
    <td width="220" valign="top" bgcolor="#F5F5F5">
      <table width="100%" border="0" cellspacing="0" cellpadding="4">
        <tr><td class="side_title" bgcolor="#7A0A0A"><font color="#FFFFFF"><b>آخر الأخبار</b></font></td></tr>
{latest}        <tr><td class="side_title" bgcolor="#7A0A0A"><font color="#FFFFFF"><b>حالة الطقس</b></font></td></tr>
        <tr><td class="side_item">بيروت: 27 / 19 - صحو<br>طرابلس: 26 / 18 - غائم جزئيا<br>زحلة: 24 / 11 - صحو</td></tr>
        <tr><td class="side_title" bgcolor="#7A0A0A"><font color="#FFFFFF"><b>استفتاء</b></font></td></tr>
        <tr><td class="side_item">هل تؤيد تمديد ساعات عمل الإدارات العامة؟<br>
          <form action="{B}/poll.html" method="get"><input type="radio" name="v" value="1"> نعم<br><input type="radio" name="v" value="2"> لا<br><input type="submit" value="صوّت"></form></td></tr>
      </table>
    </td>
  </tr>
  <tr>
    <td colspan="2" align="center" class="footer" bgcolor="#EEEEEE" height="40">جميع الحقوق محفوظة &copy; {escape(src.site.name)} 2024 - يمنع النسخ أو النقل دون إذن خطي<br>
    <img src="{B}/images/counter.gif" width="88" height="31" alt="عداد الزوار"></td>
  </tr>
</table>
</body>
</html>
"""


def article_page(src: SiteSource, article: DemoArticle) -> str:
    """The article page: title, date, optional byline and text cells inside the content table."""
    paragraphs = list(article.page_paragraphs)
    if article.dateline:
        first = paragraphs[0].removeprefix(article.dateline + article.dateline_sep)
        text = [f"<p align=\"justify\"><b>{escape(article.dateline + article.dateline_sep.rstrip())}</b> "
                f"{escape(first)}</p>"]
        text += [f'<p align="justify">{escape(p)}</p>' for p in paragraphs[1:]]
    else:
        text = [f'<p align="justify">{escape(p)}</p>' for p in paragraphs]
    byline = ""
    if article.authors:
        byline = (f'        <tr><td class="ArticleAuthor"><font color="#555555">كتب: {escape(article.authors[0])}'
                  "</font></td></tr>\n")
    body = "\n".join(text)
    main = f"""      <table width="100%" border="0" cellspacing="0" cellpadding="6">
        <tr><td class="NavPath"><a href="{B}/index.html">الرئيسية</a> &gt; <a href="{B}{section_path(article)}">{escape(article.category)}</a></td></tr>
        <tr><td class="ArticleTitle"><font size="5" color="#7A0A0A"><b>{escape(article.title)}</b></font></td></tr>
        <tr><td class="ArticleDate"><font size="2" color="#888888">{printed_date(article.published)}</font></td></tr>
{byline}        <tr><td class="ArticleText">
{body}
        </td></tr>
        <tr><td class="ArticleTools" align="left"><a href="{B}/print.html">طباعة</a> | <a href="{B}/send.html">أرسل لصديق</a> | عدد القراءات: {article.id % 997 + 312}</td></tr>
      </table>"""
    return _page(src, article.title, main)


def _listing(src: SiteSource, title: str, articles: list[DemoArticle]) -> str:
    rows = "".join(
        f'        <tr><td class="list_item"><a href="{B}{a.url_path}" class="list_title"><b>{escape(a.title)}</b></a><br>'
        f'<font size="1" color="#888888">{printed_date(a.published)}</font><br>{escape(a.summary)}</td></tr>\n'
        for a in articles
    )
    main = f"""      <table width="100%" border="0" cellspacing="0" cellpadding="6">
        <tr><td class="section_title"><font size="4" color="#7A0A0A"><b>{escape(title)}</b></font></td></tr>
{rows}      </table>"""
    return _page(src, title, main)


def feed(src: SiteSource) -> str:
    items = "".join(
        f"""<item>
<title>{escape(a.title)}</title>
<link>{B}{a.url_path}</link>
<description>{escape(a.summary)}</description>
<category>{escape(a.category)}</category>
<pubDate>{rfc822(a.published)}</pubDate>
<guid>{B}{a.url_path}</guid>
</item>
""" for a in src.articles)
    return f"""<?xml version="1.0" encoding="windows-1256"?>
<rss version="2.0">
<channel>
<title>{escape(src.site.name)}</title>
<link>{B}/</link>
<description>{escape(src.site.name)} - أخبار لبنان والعالم</description>
<language>ar</language>
<lastBuildDate>{rfc822(src.last_changed)}</lastBuildDate>
{items}</channel>
</rss>
"""


def render(src: SiteSource) -> dict[str, str]:
    """Every text file of the site's ``public/`` tree, by path relative to ``public/`` (to be cp1256-encoded)."""
    files = {"rss.xml": feed(src), "index.html": _listing(src, "الرئيسية", list(src.articles))}
    for article in src.articles:
        files[article.path.lstrip("/")] = article_page(src, article)
    sections: dict[str, list[DemoArticle]] = {}
    for article in src.articles:
        sections.setdefault(section_path(article), []).append(article)
    for path, articles in sections.items():
        files[path.lstrip("/")] = _listing(src, articles[0].category, articles)
    return files
