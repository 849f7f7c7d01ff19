"""Flows into collection and cash coming back: the daily collection entry rate (入催率) and cash collected."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor.metrics._sql import frame, rows, segment_filter


def collection_entry_series(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date,
                            segment: str | None = None, value: str | None = None) -> pl.DataFrame:
    """入催率 for each day t in [first, last]: installments of loans active at t that fall due on t and are
    unsettled at the end of t / installments of loans active at t that fall due on t.
    Columns: day, due, entered, rate."""
    where, params = segment_filter(segment, value)
    return frame(
        con,
        f"""
        SELECT i.due_date AS day, count(*) AS due,
               count(*) FILTER (WHERE i.settled_on IS NULL OR i.settled_on > i.due_date) AS entered,
               count(*) FILTER (WHERE i.settled_on IS NULL OR i.settled_on > i.due_date) / count(*) AS rate
        FROM installment_settlement i JOIN loans l USING (loan_id) JOIN loan_segment s USING (loan_id)
        WHERE i.due_date BETWEEN $first AND $last AND {where}
          AND l.origination_date <= i.due_date AND (l.closed_date IS NULL OR l.closed_date > i.due_date)
        GROUP BY 1 ORDER BY 1
        """,
        first=first, last=last, **params,
    )


def collection_entry_rate(con: duckdb.DuckDBPyConnection, day: dt.date) -> float | None:
    series = collection_entry_series(con, day, day)
    return series["rate"][0] if series.height else None


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
