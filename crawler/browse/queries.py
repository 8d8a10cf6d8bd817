"""The canned queries Datasette offers on an archive, each with a title and a description.

A time is the article's publication in UTC, else when Akhbar first stored it (as ``akhbar search`` filters). In
the results a ``story`` column links to the story page and an ``article`` column to the article's row.
"""

from __future__ import annotations

STORY_QUERY = "story"
"""The story page: every copy of one story, ``?story=<stories.id>``."""

TOP_STORIES = """
SELECT s.id AS story, COUNT(DISTINCT a.site) AS sites, COUNT(*) AS copies, s.first_site, s.first_published,
       s.agencies, f.title
FROM stories s
JOIN articles a ON a.story_id = s.id
LEFT JOIN articles f ON f.id = s.first_article_id
WHERE s.article_count > 1
GROUP BY s.id
HAVING COUNT(DISTINCT a.site) > 1
ORDER BY sites DESC, copies DESC, s.first_published DESC
LIMIT 200
"""

STORY = """
WITH copies AS (
    SELECT a.id, a.site, COALESCE(si.name, a.site) AS site_name, a.title, a.published,
           COALESCE(a.published_utc, a.first_seen) AS at, a.agencies, a.canonical_url
    FROM articles a LEFT JOIN sites si ON si.id = a.site
    WHERE a.story_id = CAST(:story AS INTEGER)
), timed AS (
    SELECT *, ROW_NUMBER() OVER (ORDER BY at, id) AS position,
           CAST(ROUND((julianday(at) - julianday(MIN(at) OVER ())) * 1440) AS INTEGER) AS minutes
    FROM copies
)
SELECT position, site, site_name, title, published,
       CASE WHEN position = 1 THEN 'first' ELSE printf('+%d:%02d', minutes / 60, minutes % 60) END AS after_first,
       minutes AS minutes_after_first, agencies, canonical_url, id AS article
FROM timed
ORDER BY position
"""

AGENCY_SHARE = """
WITH per_site AS (
    SELECT site, COUNT(*) AS articles FROM articles GROUP BY site
), credited AS (
    SELECT a.site, COUNT(*) AS credited FROM articles a
    WHERE EXISTS (SELECT 1 FROM json_each(a.agencies) j WHERE j.value = lower(trim(:agency)))
    GROUP BY a.site
)
SELECT p.site, COALESCE(si.name, p.site) AS site_name, lower(trim(:agency)) AS agency,
       COALESCE(c.credited, 0) AS credited, p.articles,
       ROUND(100.0 * COALESCE(c.credited, 0) / p.articles, 1) AS share_percent
FROM per_site p
LEFT JOIN credited c ON c.site = p.site
LEFT JOIN sites si ON si.id = p.site
ORDER BY share_percent DESC, p.articles DESC, p.site
"""

PER_SITE_PER_DAY = """
SELECT date(COALESCE(a.published_utc, a.first_seen)) AS day, a.site, COALESCE(si.name, a.site) AS site_name,
       COUNT(*) AS articles
FROM articles a LEFT JOIN sites si ON si.id = a.site
GROUP BY day, a.site
ORDER BY day DESC, articles DESC, a.site
"""

EDITED = """
SELECT a.id AS article, a.title, a.site, a.published, a.modified, COUNT(r.id) AS revisions,
       MIN(r.recorded_at) AS first_edit_seen, MAX(r.recorded_at) AS last_edit_seen,
       (SELECT r0.title FROM revisions r0 WHERE r0.article_id = a.id ORDER BY r0.id LIMIT 1) AS first_title,
       a.canonical_url
FROM revisions r JOIN articles a ON a.id = r.article_id
GROUP BY a.id
ORDER BY last_edit_seen DESC
LIMIT 1000
"""

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "top_stories": {
        "title": "Stories carried by most sites",
        "description": (
            "Stories published by more than one site, the most widely carried first: how many sites and copies,"
            " who published first and when, the agencies credited. A story number opens its story page."
        ),
        "sql": TOP_STORIES.strip(),
    },
    STORY_QUERY: {
        "title": "Every copy of one story",
        "description": (
            "Each site's copy of one story (story = a stories id, as in the articles' story_id column), in"
            " the order they appeared: who published first, then how long after (hours:minutes) each followed."
        ),
        "sql": STORY.strip(),
    },
    "agency_share": {
        "title": "An agency's share of each site",
        "description": (
            "For one agency (agency = an id of the agencies facet: anadolu, afp, reuters, sana, wam, mena…),"
            " the share of each site's articles that credit it."
        ),
        "sql": AGENCY_SHARE.strip(),
    },
    "per_site_per_day": {
        "title": "Articles per site per day",
        "description": "How many articles each site published each day (UTC), the newest days first.",
        "sql": PER_SITE_PER_DAY.strip(),
    },
    "edited": {
        "title": "Articles edited after publication",
        "description": (
            "Articles whose text or title changed after Akhbar first stored them, the latest edits first:"
            " how many earlier versions the revisions table keeps and the title they first had."
        ),
        "sql": EDITED.strip(),
    },
}
"""Name (the URL ``/<db>/<name>``) to Datasette's canned query configuration."""
