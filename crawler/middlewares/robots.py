"""robots.txt read as Google reads it, its first 500 KiB; and a robots.txt that cannot be fetched said in one line.

A publisher's robots.txt of 14 MiB cost 16 s to parse and 0.22 s per later request with Scrapy's Protego parser;
Google reads the first 500 KiB and ignores the rest, and so does this parser (``ROBOTSTXT_PARSER``), cutting at
the last complete line within the limit. Rules past it are not obeyed, as they are not by Google. The rule is
``crawler.fetch_policy.robots_rules``, which ``akhbar doctor`` and ``akhbar extract URL`` obey too.

Scrapy's RobotsTxtMiddleware logs every robots.txt it cannot download as an error with the whole stack: with no
network, one traceback per host. ``SiteRobotsTxtMiddleware`` logs one line instead, naming the site, the reason
and the URL, and only at debug level when the host did not resolve or connect (the site's own requests fail the
same way and the spider reports that once per site).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.fetch_policy import robots_rules
from crawler.ops.outage import NETWORK_REASONS
from crawler.spiders.news import error_reason

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)


class BoundedRobotParser(ProtegoRobotParser):
    """Scrapy's Protego parser holding the rules of ``crawler.fetch_policy.robots_rules``."""

    def __init__(self, robotstxt_body: bytes, spider: Spider | None) -> None:
        self.spider = spider
        self.rp = robots_rules(robotstxt_body)


class SiteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware (2.19), but a robots.txt that cannot be downloaded is one log line, not a
    traceback. Replaces ``scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware`` at the same order."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robotsreq = Request(f"{url.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                                meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)  # fmt: skip
            try:
                assert self.crawler.engine is not None
                resp = await self.crawler.engine.download_async(robotsreq)
                await self._parse_robots(resp, netloc, request)
            except Exception as exc:
                if not isinstance(exc, IgnoreRequest):
                    self._log_failure(request, netloc, robotsreq.url, exc)
                self._robots_error(exc, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    def _log_failure(self, request: Request, netloc: str, robots_url: str, exc: Exception) -> None:
        reason = error_reason(Failure(exc))
        site = request.meta.get("site", netloc)
        level = logging.DEBUG if reason in NETWORK_REASONS else logging.WARNING
        logger.log(level, "%s: robots.txt not fetched, crawling without its rules: %s (%s)", site,
                   NETWORK_REASONS.get(reason, f"{reason}: {exc}"), robots_url)  # fmt: skip
