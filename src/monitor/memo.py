"""Figures of days already past, kept across connections while the data up to that day is unchanged.

The live feed changes the book every second, so a cache keyed by the file's version (ui.data) recomputes every
figure of a page after each batch, though most of a page reads month-ends already past: the trend of the 30+ rate,
the roll rates, the flow rates, the transition matrix of a projection. Those read nothing after their last day
(freshness.data_through: the feed's events of today leave it unchanged, a late file of earlier payments does not),
so a PastDayMemo keeps them while that holds, while the derived tables stand as they did (complete, or waiting
for derive), and while the early-warning scores do (the expected credit loss of a past day reads them). Only
functions whose figures read the book's data up to `day`, the scores, and no setting but the charge-off DPD (which
data_through holds) may be kept here.

A PastDayMemo also keeps the status rows of the last few days it computed (pin_day), which read exactly the data up to
their day: every page's figures of a day the derived tables do not hold (a day three weeks back) read its status, each
on its own connection, and at 1,000,000 loans computing it takes a second where pinning kept rows takes a twentieth.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable

import duckdb
import polars as pl

from monitor import day_status, db, freshness


class Computed:
    """No memo: every figure computed every time (the command line, the tests' reference)."""

    def __call__(self, con: duckdb.DuckDBPyConnection, day: dt.date, function: Callable, *args):
        """function(con, *args)."""
        return function(con, *args)

    def pin_day(self, con: duckdb.DuckDBPyConnection, day: dt.date) -> None:
        """monitor.day_status.pin_day: the status at the end of `day` pinned on `con`."""
        day_status.pin_day(con, day)


# what a view takes to compute its past days' figures: a PastDayMemo, or computed
Memo = Computed
computed = Computed()


class PastDayMemo(Computed):
    """A bounded, thread-safe memo of fn(con, *args) results, keyed by the function, its arguments, `day`, the data up
    to `day`, whether the derived tables are complete, and the scores. Share one per book between threads (the
    dashboard keeps one per server). It also keeps the status rows of the last `days` days it computed (pin_day)."""

    def __init__(self, size: int = 256, days: int = 4):
        self._size = size
        self._results: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()
        self._days = days
        self._rows: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
        self._computing: dict[tuple, threading.Lock] = {}

    def __call__(self, con: duckdb.DuckDBPyConnection, day: dt.date, function: Callable, *args):
        """function(con, *args), which must read nothing dated after `day`: from the memo when the data up to `day`
        is as it was."""
        key = (function.__module__, function.__qualname__, args, day, freshness.data_through(con, day),
               freshness.valid_through(con) is not None, _scores(con))
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = function(con, *args)
        with self._lock:
            self._results[key] = result
            while len(self._results) > self._size:
                self._results.popitem(last=False)
        return result

    def pin_day(self, con: duckdb.DuckDBPyConnection, day: dt.date) -> None:
        """Pin the status at the end of `day` on `con` (monitor.day_status.pin_day) from the rows kept for it while the
        data up to `day` is as it was, else computed and kept. Days the derived tables hold are read from them, not
        kept; a thread asking for a day another is computing waits for its rows."""
        if day_status.precomputed(con, day):  # pinned on con already, or read from the derived tables
            return
        key = (day, freshness.data_through(con, day))
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                rows = self._rows.get(key)
                if rows is not None:
                    self._rows.move_to_end(key)
            if rows is None:
                day_status.pin_day(con, day)
                rows = day_status.pinned_rows(con, day)
                with self._lock:
                    self._rows[key] = rows
                    while len(self._rows) > self._days:
                        self._rows.popitem(last=False)
            else:
                day_status.pin_rows(con, day, rows)
        with self._lock:
            self._computing.pop(key, None)


def _scores(con: duckdb.DuckDBPyConnection) -> tuple:
    """The early-warning scores as they stand (a run of `score` adds a day; the ECL of a past day reads them)."""
    if not db.table_exists(con, "scores"):
        return ()
    return tuple(con.execute("SELECT count(*), max(as_of) FROM scores").fetchall()[0])
