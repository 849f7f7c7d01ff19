"""Flows into collection and cash coming back: the daily collection entry rate (入催率) and cash collected."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import derived, segments
from monitor.query import frame, rows
from monitor.segments import segment_filter


def collection_entry_series(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date,
                            segment: str | None = None, value: str | None = None) -> pl.DataFrame:
    """入催率 for each day t in [first, last]: installments of loans active at t that fall due on t and are
    unsettled at the end of t / installments of loans active at t that fall due on t.
    Columns: day, due, entered, rate."""
    where, params = segment_filter(segment, value)
    return frame(con, _entry_sql(con, "i.due_date AS day", where), first=first, last=last, **params)


def _entry_sql(con: duckdb.DuckDBPyConnection, group: str, where: str) -> str:
    """Installments due and entered into collection from $first to $last, by `group` (the first column)."""
    return f"""
        SELECT {group}, count(*) AS due,
               count(*) FILTER (WHERE i.settled_on IS NULL OR i.settled_on > i.due_date) AS entered,
               count(*) FILTER (WHERE i.settled_on IS NULL OR i.settled_on > i.due_date) / count(*) AS rate
        FROM {derived.installment_settlement(con)} i JOIN loans l USING (loan_id)
        JOIN {derived.loan_segment(con)} s USING (loan_id)
        WHERE i.due_date BETWEEN $first AND $last AND {where}
          AND l.origination_date <= i.due_date AND (l.closed_date IS NULL OR l.closed_date > i.due_date)
        GROUP BY 1 ORDER BY 1
        """


def entry_rate_by_value(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date,
                        segment: str) -> dict[str, float]:
    """入催率 over the installments due from `first` to `last`, for every value of `segment` in one query (a value
    with nothing due is absent)."""
    found = rows(con, _entry_sql(con, f"s.{segments.column(segment)} AS value", "TRUE"), first=first, last=last)
    return {value: entered / due for value, due, entered, _ in found}


def collection_entry_rate(con: duckdb.DuckDBPyConnection, day: dt.date, month_to_date: bool = False,
                          segment: str | None = None, value: str | None = None) -> dict:
    """入催率 of `day` (collection_entry_series), or with `month_to_date` of the installments due from the 1st of
    its month to `day`, each judged at the end of its own due day: {first, last, due, entered, rate}; rate None when
    no installment fell due (due days stop at the 28th, so the 29th-31st have none of their own)."""
    first = day.replace(day=1) if month_to_date else day
    return entry_rate_of(collection_entry_series(con, first, day, segment, value), first, day)


def entry_rate_of(series: pl.DataFrame, first: dt.date, last: dt.date) -> dict:
    """collection_entry_rate over the days `first`..`last` of a collection_entry_series that covers them (a page that
    shows the series reads the day's and the month's rate from it instead of querying twice more)."""
    days = series.filter(pl.col("day").is_between(first, last))
    due, entered = int(days["due"].sum()), int(days["entered"].sum())
    return {"first": first, "last": last, "due": due, "entered": entered, "rate": entered / due if due else None}


def cash_collected(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> float:
    """All money received from first to last inclusive (instalments, collections, legal, recoveries)."""
    return float(rows(con, """SELECT coalesce(sum(amount), 0) FROM payments
                              WHERE paid_at >= CAST($first AS TIMESTAMP)
                                AND paid_at < CAST($last AS TIMESTAMP) + INTERVAL 1 DAY""",
                      first=first, last=last)[0][0])


def cash_series(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Cash received per calendar month (month = first day), by payment channel."""
    return frame(con, """SELECT CAST(date_trunc('month', paid_at) AS DATE) AS month, channel,
                                CAST(sum(amount) AS DOUBLE) AS amount
                         FROM payments WHERE paid_at >= CAST($first AS TIMESTAMP)
                           AND paid_at < CAST($last AS TIMESTAMP) + INTERVAL 1 DAY
                         GROUP BY 1, 2 ORDER BY 1, 2""", first=first, last=last)
