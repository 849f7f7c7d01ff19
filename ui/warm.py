"""Warming the loaders' cache for the latest data day in the background, so that the pages a user opens next find
their figures ready (at 1,000,000 loans a page's figures take seconds to compute, their cached copy milliseconds).

Started at the end of a run (app.py), once per server and latest day: after the first page has been drawn, so it
never delays start-up or that page, and never again while the day stays the latest (the live feed changes the data
every second; warming after each batch would take the CPU the users' own pages need). The thread goes through
ui.data.load, the same cache key a page computes, and the cache's lock per key makes a page that asks meanwhile wait
for the result instead of computing it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading

from monitor import early_warning
from monitor.views import DELINQUENCY_SECTIONS
from ui import (
    credit_policy_data,
    data,
    early_warning_data,
    simulator_portfolio_choices,
    simulator_portfolio_data,
    today_data,
)

_LOCK = threading.Lock()
_STARTED: set[tuple[str, dt.date]] = set()
_LOG = logging.getLogger(__name__)
ENABLED = "MONITOR_WARM_CACHE"  # "0" turns warming off (the tests do: its reads would race their writes)


def views(latest: dt.date) -> list:
    """What the pages read first for the latest day with their default choices, most waited for first."""
    return [
        _delinquency(latest, DELINQUENCY_SECTIONS[0]),
        lambda: data.executive_view(latest),
        lambda: today_data.today_view(latest),
        _early_warning(latest),
        *(_delinquency(latest, section) for section in DELINQUENCY_SECTIONS[1:]),
        lambda: data.bucket_distribution(latest),
        lambda: simulator_portfolio_data.simulation(latest, simulator_portfolio_choices.DEFAULT),
        lambda: credit_policy_data.warm(latest),
    ]


def _delinquency(latest: dt.date, section: str):
    return lambda: data.delinquency_section(section, latest, None, None, "product")


def _early_warning(latest: dt.date):
    def warm() -> None:
        day = early_warning_data.scored_day_for(latest)
        if day is not None:
            filters = {name: [] for name in early_warning.FILTERS}
            early_warning_data.filter_options(day)
            early_warning_data.summary(day, filters)
            early_warning_data.action_list(day, filters)
    return warm


def latest_day(latest: dt.date | None) -> bool:
    """Warm the figures of `latest` in a background thread, unless this server did already or $MONITOR_WARM_CACHE
    is "0"; whether it started."""
    if latest is None or os.environ.get(ENABLED, "1") == "0":
        return False
    key = (str(data.db_path()), latest)
    with _LOCK:
        if key in _STARTED:
            return False
        _STARTED.add(key)
    threading.Thread(target=_run, args=(views(latest),), name="monitor-warm", daemon=True).start()
    return True


def _run(steps: list) -> None:
    for step in steps:
        try:
            step()
        except Exception:  # noqa: BLE001 - a cache not warmed is only slower; the page will say what is wrong
            _LOG.warning("warming the cache stopped", exc_info=True)
            return
