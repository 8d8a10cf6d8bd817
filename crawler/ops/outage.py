"""An outage named: a run in which no site answered at all is ``offline``, not a bad day of every site.

A site whose every request failed to resolve or connect (``NETWORK_REASONS``) and got not one answer is
``unreachable``, whatever its discovery mode. When that is true of every site of the run, the fault is this
machine's network, not the sites: the run is recorded as ``offline``, the CLI says so in one line and exits
``EXIT_OFFLINE``. Reads the figures of ``crawler.pipelines.store.per_site_figures``; plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NETWORK_REASONS: Mapping[str, str] = {
    "dns": "host name not resolved",
    "connection_refused": "connection refused",
    "timeout": "timed out",
    "no_route": "no route to host",
    "connect_failed": "cannot connect",
}
"""``errors/<reason>`` names (``crawler.spiders.news.error_reason``) of a request that never reached a server,
with the words the log uses: the host did not resolve, refused or never accepted the connection, or the request
timed out unanswered."""
OFFLINE = "offline"
"""The ``runs.status`` of a run in which no site answered."""
EXIT_OFFLINE = 4
"""Exit code of ``akhbar crawl`` and ``akhbar run`` when no site answered."""
CLEAN_ENDS = ("finished", "deadline")
"""Finish reasons of a run that ended on its own: only such a run is called offline (an interrupted one keeps
its reason)."""


def network_failure_only(figures: Mapping[str, Any]) -> bool:
    """The site got no answer at all, and every one of its errors was a failure to resolve or connect."""
    errors = int(figures.get("errors", 0) or 0)
    if not errors or figures.get("responses"):
        return False
    detail = figures.get("detail") or {}
    network = sum(int(detail.get(f"errors/{reason}", 0) or 0) for reason in NETWORK_REASONS)
    return network >= errors


@dataclass(frozen=True)
class Outage:
    """No site of the run answered."""

    sites: int
    """How many sites were tried (all of them failed to connect or resolve)."""

    @property
    def message(self) -> str:
        return (f"no site answered: {self.sites} of {self.sites} failed to connect or resolve"
                " — is this machine offline?")  # fmt: skip


def find_outage(sites: Mapping[str, Mapping[str, Any]]) -> Outage | None:
    """An ``Outage`` when every site of the run (``per_site_figures`` output) failed to connect or resolve."""
    if sites and all(network_failure_only(figures) for figures in sites.values()):
        return Outage(len(sites))
    return None


def run_status(reason: str, sites: Mapping[str, Mapping[str, Any]]) -> str:
    """What ``runs.status`` records: ``offline`` for a run that ended on its own with no site answering, else
    the finish reason."""
    return OFFLINE if reason in CLEAN_ENDS and find_outage(sites) is not None else reason
