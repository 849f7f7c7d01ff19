"""Work on other cursors of one connection, in threads, while the caller goes on with its own.

A view's figures of other days (the executive KPIs of a month and a year before) do not depend on what the view
computes for its own day. DuckDB runs a query on every core but not every operator keeps them all busy, and it
releases the GIL while it runs, so computing those days at the same time as the view's own day fills the idle
cores. Each call gets its own cursor (DuckDB's way to share a connection across threads): it sees the same data
but not the caller's temporary tables, so what it needs of a day it pins on its cursor (monitor.day_status).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import duckdb


class Alongside:
    """A context in which submit(fn, *args) runs fn(cursor, *args) in a thread, on its own cursor of `con`; leaving
    the context waits for every call."""

    def __init__(self, con: duckdb.DuckDBPyConnection, workers: int = 2):
        self._con = con
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="monitor-alongside")

    def __enter__(self) -> Alongside:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True)

    def submit(self, fn: Callable, *args) -> Future:
        """fn(cursor, *args) in a thread; its result (or its exception) through the future."""
        cursor = self._con.cursor()
        return self._pool.submit(_on_cursor, cursor, fn, args)


def _on_cursor(cursor: duckdb.DuckDBPyConnection, fn: Callable, args: tuple):
    try:
        return fn(cursor, *args)
    finally:
        cursor.close()
