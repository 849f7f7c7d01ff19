"""Portfolio metrics, defined once (DESIGN.md §4) for the pages, the report command and the tests.

Every function takes an open DuckDB connection and returns a polars frame or plain numbers.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import status

BUCKET_ORDER = (*status.BUCKETS, "CO")


def bucket_distribution(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """Active loans and their principal balance by bucket at the end of `as_of`; every bucket M0..M6
    is present (zero when empty), in order. Columns: bucket, loans, balance (yuan, Float64), loan_share,
    balance_share."""
    counts = con.sql(
        f"""SELECT bucket, count(*) AS loans, sum(principal_balance) AS balance
            FROM ({status.day_status_sql()}) GROUP BY bucket""",
        params=status.status_params(con, as_of),
    ).pl()
    frame = (
        pl.DataFrame({"bucket": list(status.BUCKETS)})
        .join(counts, on="bucket", how="full", coalesce=True)
        .with_columns(pl.col("loans").fill_null(0), pl.col("balance").cast(pl.Float64).fill_null(0.0))
        .with_columns(
            loan_share=pl.col("loans") / pl.col("loans").sum().clip(1),
            balance_share=pl.col("balance") / pl.col("balance").sum().clip(1e-9),
        )
    )
    order = {b: i for i, b in enumerate(BUCKET_ORDER)}
    return frame.sort(pl.col("bucket").replace_strict(order, default=len(order)))


def _day_totals(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Active loans and balance at the end of `as_of`, in total and at DPD >= 1/30/60/90."""
    row = con.sql(
        f"""SELECT count(*) AS loans, coalesce(sum(principal_balance), 0) AS balance,
                   {", ".join(f"count(*) FILTER (WHERE dpd >= {x}) AS loans_{x}, "
                              f"coalesce(sum(principal_balance) FILTER (WHERE dpd >= {x}), 0) AS balance_{x}"
                              for x in DPD_THRESHOLDS)}
            FROM ({status.day_status_sql()})""",
        params=status.status_params(con, as_of),
    ).fetchall()[0]
    names = ["loans", "balance"] + [f"{kind}_{x}" for x in DPD_THRESHOLDS for kind in ("loans", "balance")]
    return dict(zip(names, row, strict=True))


DPD_THRESHOLDS = (1, 30, 60, 90)


def dpd_rates(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, dict[str, float | None]]:
    """Coincident DPD x+ rates at the end of `as_of` (x+ means DPD >= x), by count and by balance:
    {"1+": {"count": r, "balance": r}, "30+": ..., "60+": ..., "90+": ...}; None when nothing is active."""
    totals = _day_totals(con, as_of)
    return {
        f"{x}+": {
            "count": totals[f"loans_{x}"] / totals["loans"] if totals["loans"] else None,
            "balance": float(totals[f"balance_{x}"] / totals["balance"]) if totals["balance"] else None,
        }
        for x in DPD_THRESHOLDS
    }


ROLL_TO_STATES = (*status.BUCKETS, "paid_off", "charged_off", "restructured", "settled")


def roll_rates(con: duckdb.DuckDBPyConnection, from_month_end: dt.date, to_month_end: dt.date) -> pl.DataFrame:
    """Roll rates between two month-ends (DESIGN.md §4): of the loans in bucket i at the first, the share in
    state j at the second, where j is a bucket or, for loans that closed in between, their closing status.
    Long format: from_bucket, to_state, loans, balance (at the first month-end), count_rate, balance_rate."""
    return con.sql(
        """
        WITH start AS (SELECT loan_id, bucket, principal_balance FROM loan_month WHERE month_end = $t0),
        finish AS (SELECT loan_id, bucket FROM loan_month WHERE month_end = $t1),
        moves AS (
            SELECT s.bucket AS from_bucket, coalesce(f.bucket, l.status) AS to_state, s.principal_balance
            FROM start s LEFT JOIN finish f USING (loan_id) JOIN loans l USING (loan_id)
        )
        SELECT from_bucket, to_state, count(*) AS loans, CAST(sum(principal_balance) AS DOUBLE) AS balance,
               count(*) / sum(count(*)) OVER (PARTITION BY from_bucket) AS count_rate,
               sum(principal_balance) / sum(sum(principal_balance)) OVER (PARTITION BY from_bucket)
                   AS balance_rate
        FROM moves GROUP BY from_bucket, to_state ORDER BY from_bucket, to_state
        """,
        params={"t0": from_month_end, "t1": to_month_end},
    ).pl().with_columns(pl.col("balance_rate").cast(pl.Float64))


def net_charge_off_rate(con: duckdb.DuckDBPyConnection, month: dt.date, as_of: dt.date | None = None) -> dict:
    """Annualized net charge-off rate of the calendar month containing `month` (DESIGN.md §4):
    (balance of loans charged off in the month, taken the day before charge-off, - recoveries received in
    the month on loans charged off earlier) / mean active balance at the month-end before and the month's
    end (or `as_of`, if the month is not over) x 12. Returns the parts too."""
    first = month.replace(day=1)
    last = min(status.month_ends(first, first + dt.timedelta(days=31))[0], as_of or dt.date.max)
    previous_end = first - dt.timedelta(days=1)
    grid = """SELECT loan_id, charge_off_date - 1 AS as_of FROM loans
              WHERE charge_off_date BETWEEN $first AND $last"""
    gross = con.sql(
        f"SELECT coalesce(sum(principal_balance), 0) FROM ({status.status_query(grid)})",
        params={"first": first, "last": last, "charge_off_dpd": status.db.charge_off_dpd(con)},
    ).fetchall()[0][0]
    recoveries = con.sql(
        """SELECT coalesce(sum(p.amount), 0) FROM payments p JOIN loans l USING (loan_id)
           WHERE CAST(p.paid_at AS DATE) BETWEEN $first AND $last
             AND l.charge_off_date IS NOT NULL AND CAST(p.paid_at AS DATE) >= l.charge_off_date""",
        params={"first": first, "last": last},
    ).fetchall()[0][0]
    opening = _day_totals(con, previous_end)["balance"]
    closing = _day_totals(con, last)["balance"]
    mean_balance = (opening + closing) / 2
    rate = float((gross - recoveries) / mean_balance * 12) if mean_balance else None
    return {"month": first, "through": last, "gross_charge_off": float(gross), "recoveries": float(recoveries),
            "mean_balance": float(mean_balance), "rate": rate}
