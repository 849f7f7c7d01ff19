"""Cached loaders of the Today page (ui.data.load: a new batch of the live feed shows on the next run)."""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import status
from monitor.live import today
from ui.data import load, past_days

REFRESH_SECONDS = 1  # the Today page reruns its figures this often (load test: bench/load_test.py)


def _today_view(con: duckdb.DuckDBPyConnection, day: dt.date) -> dict:
    return today.today_view(con, day, past_days())


def today_view(day: dt.date) -> dict:
    """monitor.live.today.today_view: the day's figures against the day before, the latest events and the
    newest day in the data (to notice a new day while the page refreshes itself); one read per refresh."""
    return load(_today_view, day)


def latest_day() -> dt.date | None:
    """The newest day in the data when the page opens."""
    return load(status.latest_data_date)
