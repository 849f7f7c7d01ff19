"""Small helpers shared by the metric modules: segment filters, month arithmetic, query shortcuts."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import segments


def segment_filter(segment: str | None, value: str | None, alias: str = "s") -> tuple[str, dict]:
    """A WHERE fragment on loan_segment restricting to one segment value (bound), and its parameters."""
    if segment is None:
        return "TRUE", {}
    return f"{alias}.{segments.column(segment)} = $segment_value", {"segment_value": str(value)}


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def months_before(day: dt.date, months: int) -> dt.date:
    """The month-end `months` calendar months before the month of `day` (0: the end of day's month)."""
    index = day.year * 12 + day.month - 1 - months
    return month_end(dt.date(index // 12, index % 12 + 1, 1))


def last_month_end(day: dt.date) -> dt.date:
    """The latest month-end on or before `day`."""
    end = month_end(day)
    return end if end == day else months_before(day, 1)


def frame(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    return con.sql(sql, params=params or None).pl()


def rows(con: duckdb.DuckDBPyConnection, sql: str, **params) -> list[tuple]:
    return con.execute(sql, params or None).fetchall()
