"""Cached loaders of the Today page (ui.data._load: a new batch of the live feed shows on the next run)."""

from __future__ import annotations

import datetime as dt

from monitor import status
from monitor.live import today
from ui.data import _load

REFRESH_SECONDS = 2  # the Today page reruns its figures this often (load test: bench/load_test.py)


def today_view(day: dt.date) -> dict:
    """monitor.live.today.today_view: the day's figures against the day before, and the latest events."""
    return _load(today.today_view, day)


def latest_day() -> dt.date | None:
    """The newest day in the data, to notice a new day while the page refreshes itself."""
    return _load(status.latest_data_date)
