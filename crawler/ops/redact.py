"""Credentials never reach the log: ``https://user:secret@host/`` is logged as ``https://***@host/``.

A registry entry or a publisher's link can carry a user name and password in a URL; Scrapy and our components
log URLs freely. The ``RedactCredentialsExtension`` puts a filter on the root logger's handlers for the length
of the crawl, so that every record, whoever logs it, is cleaned once, when it is formatted.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@?#]{1,512}@")


def redact_credentials(text: str) -> str:
    """``text`` with the user-info part of every URL in it replaced by ``***``."""
    return _USERINFO.sub(r"\1***@", text) if "@" in text else text


class CredentialFilter(logging.Filter):
    """Rewrites a record's message without URL credentials (the record's arguments are merged into it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_credentials(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RedactCredentialsExtension:
    """Installs ``CredentialFilter`` on the root handlers while the crawl runs (``AKHBAR_REDACT_ENABLED``)."""

    def __init__(self) -> None:
        self.filter = CredentialFilter()
        self._handlers: list[logging.Handler] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedactCredentialsExtension:
        if not crawler.settings.getbool("AKHBAR_REDACT_ENABLED", True):
            raise NotConfigured
        extension = cls()
        crawler.signals.connect(extension.install, signal=signals.engine_started)
        crawler.signals.connect(extension.remove, signal=signals.engine_stopped)
        extension.install()
        return extension

    def install(self) -> None:
        for handler in logging.getLogger().handlers:
            if self.filter not in handler.filters:
                handler.addFilter(self.filter)
                self._handlers.append(handler)

    def remove(self) -> None:
        for handler in self._handlers:
            handler.removeFilter(self.filter)
        self._handlers.clear()
