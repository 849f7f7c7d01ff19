"""Shortcuts to run one set-oriented query with bound parameters: as a polars frame, or as rows."""

from __future__ import annotations

import duckdb
import polars as pl


def frame(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    """The result of `sql` with the bound parameters `params` as a polars frame."""
    return con.sql(sql, params=params or None).pl()


def rows(con: duckdb.DuckDBPyConnection, sql: str, **params) -> list[tuple]:
    """The result of `sql` with the bound parameters `params` as a list of tuples."""
    return con.execute(sql, params or None).fetchall()
