"""monitor.derive's SQL in Spark's dialect, translated by SQLGlot rather than kept as a second copy.

The derived tables are written once, in DuckDB's dialect and DESIGN.md §9's portable subset (joins, GROUP BY,
standard windows, FILTER); what still differs between the two engines is spelling (generate_series and unnest are
Spark's sequence and explode, strftime its date_format, VARCHAR its STRING), which SQLGlot's DuckDB reader and Spark
writer translate. The bound parameters ($as_of, $days, ...) become typed literals: their values are the code's own
dates and whole numbers (never a user's text), written by SQLGlot's literal builders.
"""

from __future__ import annotations

import datetime as dt

import sqlglot
from sqlglot import exp


def translate(sql: str, params: dict) -> str:
    """`sql` (DuckDB's dialect, with $name parameters) as Spark SQL with `params`' values in place."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for placeholder in list(tree.find_all(exp.Placeholder)):
        if placeholder.name not in params:
            raise KeyError(f"no value for the parameter ${placeholder.name}")
        placeholder.replace(_literal(params[placeholder.name]))
    return tree.sql(dialect="spark")


def _literal(value) -> exp.Expression:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[_literal(item) for item in value])
    raise TypeError(f"no Spark literal for {type(value).__name__} {value!r}")
