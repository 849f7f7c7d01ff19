"""Small helpers shared by the metric modules: segment filters, month arithmetic, query shortcuts."""

from __future__ import annotations

import duckdb
import polars as pl

from monitor import segments
from monitor.months import last_month_end, month_end, months_before  # noqa: F401 (the metric modules' month arithmetic)


def segment_filter(segment: str | None, value: str | None, alias: str = "s") -> tuple[str, dict]:
    """A WHERE fragment on loan_segment restricting to one segment value (bound), and its parameters."""
    if segment is None:
        return "TRUE", {}
    return f"{alias}.{segments.column(segment)} = $segment_value", {"segment_value": str(value)}


def frame(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    return con.sql(sql, params=params or None).pl()


def rows(con: duckdb.DuckDBPyConnection, sql: str, **params) -> list[tuple]:
    return con.execute(sql, params or None).fetchall()
