"""Early-warning labels (DESIGN.md §5): of the loans scored at `as_of` (the population of build_features:
active at the end of as_of with DPD < 30), which went bad within the next `horizon_months` month-ends.

label = 1 when, at any of the next `horizon_months` month-ends after as_of (for a month-end as_of: the
month-ends of the following months up to as_of + horizon months; for a mid-month as_of the first of them is
the end of as_of's own month), the loan is at DPD >= 30 in loan_month, or it left the book within that
window (as_of < closed_date <= the last of those month-ends) as charged_off, settled or restructured.
Otherwise 0 (still performing, or paid off).

Why settled and restructured count as bad: in this book both close a loan that was in arrears (a settlement
is a discounted payoff: the rest is written off; a restructuring closes the old loan and capitalizes its
arrears into a new one). A loan that closes that way before the next month-end leaves loan_month, so the
DPD test alone would call it good: survivorship that would teach the model that the riskiest path is safe.
Paid-off loans are good unless a month-end in the window found them at 30+ first.

observed tells whether the whole window lies in the data: its last month-end is on or before the latest
month-end in loan_month (when the derived tables are stale: the latest month-end of the data). Train and
validate on observed rows only; the newest observable as_of is the out-of-time set.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import freshness, status
from monitor.months import last_month_end, month_ends, months_before
from monitor.scoring.features import month_end_dpd_sql, population_sql

BAD_DPD = 30
BAD_CLOSURES = ("charged_off", "settled", "restructured")


def horizon_end(as_of: dt.date, horizon_months: int = 3) -> dt.date:
    """The last of the next `horizon_months` month-ends after `as_of`."""
    return months_before(last_month_end(as_of), -horizon_months)


def latest_month_end(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The newest month-end whose statuses are known: the latest in loan_month while the derived tables are
    fresh, else the last month-end of the data; None for an empty book."""
    if freshness.fresh_through(con) is not None:
        return con.execute("SELECT max(month_end) FROM loan_month").fetchall()[0][0]
    latest_day = status.latest_data_date(con)
    return None if latest_day is None else last_month_end(latest_day)


def build_labels(con: duckdb.DuckDBPyConnection, as_of: dt.date, horizon_months: int = 3) -> pl.DataFrame:
    """One row per loan of build_features(con, as_of): loan_id, label (Int32, 1 bad / 0 good), observed
    (Boolean, the whole window is in the data).

    Month-end DPDs come from loan_month while the derived tables match the data; otherwise (a load since the
    last derive) from the same status.grid_status_sql over the window's month-ends, up to the last month-end of the
    data."""
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be at least 1, got {horizon_months}")
    end = horizon_end(as_of, horizon_months)
    through = freshness.fresh_through(con)
    latest = latest_month_end(con)
    observed = latest is not None and end <= latest
    window = month_ends(as_of + dt.timedelta(days=1), min(end, latest or as_of))
    month_end_dpd, needs_month_ends = month_end_dpd_sql(through, window[-1] if window else as_of)
    params = {**status.status_params(con, as_of), "horizon_end": end}
    if needs_month_ends:
        params["month_ends"] = window or [as_of]  # [as_of]: an empty window (the month-end filter drops it)
    closures = ", ".join(f"'{s}'" for s in BAD_CLOSURES)
    frame = con.sql(
        f"""
        WITH population AS MATERIALIZED ({population_sql(con, as_of)}),
        ahead AS (
            SELECT m.loan_id, max(m.dpd) AS max_dpd
            FROM ({month_end_dpd}) m
            WHERE m.month_end > $as_of AND m.month_end <= $horizon_end
              AND m.loan_id IN (SELECT loan_id FROM population)
            GROUP BY m.loan_id
        )
        SELECT p.loan_id,
               CAST(CASE WHEN a.max_dpd >= {BAD_DPD} THEN 1
                         WHEN l.status IN ({closures}) AND l.closed_date > $as_of AND l.closed_date <= $horizon_end
                         THEN 1 ELSE 0 END AS INTEGER) AS label
        FROM population p
        JOIN loans l ON l.loan_id = p.loan_id
        LEFT JOIN ahead a ON a.loan_id = p.loan_id
        ORDER BY p.loan_id
        """,
        params=params,
    ).pl()
    return frame.select(pl.col("loan_id").cast(pl.Int64), pl.col("label").cast(pl.Int32),
                        observed=pl.lit(observed, dtype=pl.Boolean))
