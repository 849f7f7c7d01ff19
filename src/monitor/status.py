"""Loan status on any day and the month-end snapshots, exactly as DESIGN.md §4 defines them.

One SQL definition (`_STATUS_SQL`) computes DPD, bucket, principal balance and overdue amount for a
*grid* of (loan_id, as_of) pairs. The status command uses a grid of one day; `loan_month` uses every
month-end. Both read the source tables, so a status is always exact, whatever was loaded since.

How the definition becomes set-oriented SQL (no loop over loans):
- paid(d): daily payment sums, accumulated per loan; an ASOF join picks the last total on or before d.
- installments carry their running sums cum_due(k) and cum_due(k-1). Since payments settle the oldest
  installment first, the first unsettled installment is the one with the greatest cum_due(k-1) that
  is <= paid(d) + 0.005 (another ASOF join), unsettled only if its own cum_due(k) > paid(d) + 0.005.
- Within that installment fees and interest come before principal, so the principal repaid is
  cum_principal(k-1) + clamp(paid(d) - cum_due(k-1) - charges(k), 0, principal_due(k)).
- Overdue amount: cum_due of the last installment due before d (a third ASOF join), less paid(d).
The ASOF joins are DuckDB-only; the portable twin would be a range join with a window, much slower.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import db

# Buckets in their order; the DPD ranges are DESIGN.md §4. CO is the charged-off state.
BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6")
BUCKET_RANGES = {"M0": (0, 0), "M1": (1, 30), "M2": (31, 60), "M3": (61, 90), "M4": (91, 120),
                 "M5": (121, 150), "M6": (151, 180)}
SETTLE_TOLERANCE = 0.005


def bucket_sql(dpd: str, charge_off_dpd: str = "$charge_off_dpd") -> str:
    """SQL expression mapping a DPD expression to its bucket; the charge-off DPD is a bound parameter."""
    return f"""CASE WHEN {dpd} >= {charge_off_dpd} THEN 'CO'
        WHEN {dpd} = 0 THEN 'M0' WHEN {dpd} <= 30 THEN 'M1' WHEN {dpd} <= 60 THEN 'M2'
        WHEN {dpd} <= 90 THEN 'M3' WHEN {dpd} <= 120 THEN 'M4' WHEN {dpd} <= 150 THEN 'M5'
        ELSE 'M6' END"""


def bucket_of(dpd: int, charge_off_dpd: int = db.DEFAULT_CHARGE_OFF_DPD) -> str:
    """The same mapping in Python, for tests and single values."""
    if dpd >= charge_off_dpd:
        return "CO"
    for name, (low, high) in BUCKET_RANGES.items():
        if low <= dpd <= high:
            return name
    return "M6"


# $grid must be a relation (loan_id BIGINT, as_of DATE); $as_of_max bounds the payments read.
_STATUS_SQL = """
WITH grid AS ({grid}),
grid_loans AS (SELECT DISTINCT loan_id FROM grid),
daily_paid AS (
    SELECT p.loan_id, CAST(p.paid_at AS DATE) AS paid_date, sum(p.amount) AS amount
    FROM {payments} p SEMI JOIN grid_loans g ON p.loan_id = g.loan_id
    WHERE CAST(p.paid_at AS DATE) <= $as_of_max
    GROUP BY ALL
),
cum_paid AS (
    SELECT loan_id, paid_date,
           sum(amount) OVER (PARTITION BY loan_id ORDER BY paid_date) AS cum_paid
    FROM daily_paid
),
inst AS (
    SELECT i.loan_id, i.installment_no, i.due_date, i.principal_due,
           i.interest_due + i.fee_due AS charges_due,
           sum(i.amount_due) OVER w AS cum_due,
           sum(i.amount_due) OVER w - i.amount_due AS cum_due_prev,
           sum(i.principal_due) OVER w - i.principal_due AS cum_principal_prev
    FROM {installments} i SEMI JOIN grid_loans g ON i.loan_id = g.loan_id
    WINDOW w AS (PARTITION BY i.loan_id ORDER BY i.installment_no ROWS UNBOUNDED PRECEDING)
),
paid AS (
    SELECT g.loan_id, g.as_of, coalesce(cp.cum_paid, 0) AS paid,
           coalesce(cp.cum_paid, 0) + {tol} AS paid_tol
    FROM grid g ASOF LEFT JOIN cum_paid cp ON g.loan_id = cp.loan_id AND g.as_of >= cp.paid_date
),
first_open AS (
    SELECT p.loan_id, p.as_of, p.paid,
           CASE WHEN i.cum_due > p.paid_tol AND i.due_date < p.as_of
                THEN CAST(p.as_of - i.due_date AS INTEGER) ELSE 0 END AS dpd,
           coalesce(i.cum_principal_prev + least(i.principal_due,
                    greatest(0, p.paid - i.cum_due_prev - i.charges_due)), 0) AS principal_repaid
    FROM paid p ASOF LEFT JOIN inst i ON p.loan_id = i.loan_id AND p.paid_tol >= i.cum_due_prev
),
due_before AS (
    SELECT g.loan_id, g.as_of, coalesce(i.cum_due, 0) AS cum_due_before
    FROM grid g ASOF LEFT JOIN inst i ON g.loan_id = i.loan_id AND g.as_of > i.due_date
)
SELECT f.loan_id, f.as_of, l.origination_date,
       CAST(12 * (year(f.as_of) - year(l.origination_date))
            + month(f.as_of) - month(l.origination_date) AS INTEGER) AS mob,
       f.dpd,
       {bucket} AS bucket,
       CAST(l.principal - f.principal_repaid AS DECIMAL(14,2)) AS principal_balance,
       CAST(greatest(0, d.cum_due_before - f.paid) AS DECIMAL(14,2)) AS overdue_amount
FROM first_open f
JOIN due_before d ON f.loan_id = d.loan_id AND f.as_of = d.as_of
JOIN {loans} l ON l.loan_id = f.loan_id
"""

ACTIVE_AT = "l.origination_date <= {d} AND (l.closed_date IS NULL OR l.closed_date > {d})"


def status_query(grid_sql: str, loans: str = "loans", installments: str = "installments",
                 payments: str = "payments") -> str:
    """The status SQL over a grid relation (loan_id, as_of); parameters $as_of_max, $charge_off_dpd.

    The table names are code constants (the generator points them at its staging tables)."""
    return _STATUS_SQL.format(grid=grid_sql, tol=SETTLE_TOLERANCE, bucket=bucket_sql("f.dpd"),
                              loans=loans, installments=installments, payments=payments)


def status_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """One row per loan active at the end of `as_of`: loan_id, dpd, bucket, principal_balance, overdue_amount."""
    grid = f"SELECT l.loan_id, CAST($as_of AS DATE) AS as_of FROM loans l WHERE {ACTIVE_AT.format(d='$as_of')}"
    query = f"""
        SELECT loan_id, dpd, bucket, principal_balance, overdue_amount
        FROM ({status_query(grid)}) ORDER BY loan_id"""
    params = {"as_of": as_of, "as_of_max": as_of, "charge_off_dpd": db.charge_off_dpd(con)}
    return con.sql(query, params=params).pl()


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every calendar month-end e with first <= e <= last."""
    ends = []
    year, month = first.year, first.month
    while True:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end > last:
            return ends
        if end >= first:
            ends.append(end)
        year, month = nxt.year, nxt.month


def latest_data_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The newest day any source table knows about: the default as-of date."""
    return con.execute(
        """SELECT greatest(
               (SELECT max(origination_date) FROM loans),
               (SELECT CAST(max(paid_at) AS DATE) FROM payments),
               (SELECT CAST(max(action_at) AS DATE) FROM collection_actions))"""
    ).fetchall()[0][0]


def first_data_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    return con.execute("SELECT min(origination_date) FROM loans").fetchall()[0][0]


def derive(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict[str, int]:
    """(Re)build the derived tables up to `as_of` (default: the latest date in the data), in one transaction."""
    as_of = as_of or latest_data_date(con)
    params_co = {"charge_off_dpd": db.charge_off_dpd(con)}
    con.begin()
    try:
        _build_installment_settlement(con, as_of)
        _build_loan_month(con, as_of, params_co)
        db.run(con, 
            "INSERT OR REPLACE INTO settings VALUES ('derived_as_of', ?, 'Derived tables were built up to this day.')",
            [as_of.isoformat()],
        )
        con.commit()
    except Exception:
        con.rollback()
        raise
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in db.DERIVED_TABLES}


def settlement_query(loans: str = "loans", installments: str = "installments", payments: str = "payments") -> str:
    """Each installment with its running sums and the day it was settled (NULL: not by $as_of).

    Settled on the first day the loan's cumulative payments reach cum_due(k) - 0.005. Payments on or
    after a charge-off are recoveries and settle nothing.
    """
    return f"""
        WITH daily_paid AS (
            SELECT p.loan_id, CAST(p.paid_at AS DATE) AS paid_date, sum(p.amount) AS amount
            FROM {payments} p JOIN {loans} l USING (loan_id)
            WHERE CAST(p.paid_at AS DATE) <= $as_of
              AND (l.charge_off_date IS NULL OR CAST(p.paid_at AS DATE) < l.charge_off_date)
            GROUP BY ALL
        ),
        cum_paid AS (
            SELECT loan_id, paid_date,
                   sum(amount) OVER (PARTITION BY loan_id ORDER BY paid_date) AS cum_paid
            FROM daily_paid
        ),
        inst AS (
            SELECT loan_id, installment_no, due_date, principal_due, interest_due, fee_due, amount_due,
                   sum(amount_due) OVER w AS cum_due,
                   sum(amount_due) OVER w - amount_due AS cum_due_prev
            FROM {installments}
            WINDOW w AS (PARTITION BY loan_id ORDER BY installment_no ROWS UNBOUNDED PRECEDING)
        )
        SELECT i.*, cp.paid_date AS settled_on
        FROM inst i ASOF LEFT JOIN cum_paid cp
             ON i.loan_id = cp.loan_id AND i.cum_due - {SETTLE_TOLERANCE} <= cp.cum_paid
    """


def _build_installment_settlement(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    db.run(con, 
        f"CREATE OR REPLACE TABLE installment_settlement AS {settlement_query()} ORDER BY loan_id, installment_no",
        {"as_of": as_of},
    )


def _build_loan_month(con: duckdb.DuckDBPyConnection, as_of: dt.date, params_co: dict) -> None:
    """Every month-end from the first origination to `as_of`, every loan active then."""
    grid = """
        SELECT loan_id, last_day(m) AS as_of
        FROM (
            SELECT l.loan_id, l.closed_date,
                   unnest(generate_series(date_trunc('month', l.origination_date),
                                          date_trunc('month', least(coalesce(l.closed_date, $as_of), $as_of)),
                                          INTERVAL 1 MONTH)) AS m
            FROM loans l WHERE l.origination_date <= $as_of
        )
        WHERE last_day(m) <= $as_of AND (closed_date IS NULL OR last_day(m) < closed_date)
    """
    db.run(con, 
        f"""
        CREATE OR REPLACE TABLE loan_month AS
        SELECT loan_id, CAST(as_of AS DATE) AS month_end, mob, dpd, bucket, principal_balance, overdue_amount,
               'active' AS status
        FROM ({status_query(grid)})
        ORDER BY month_end, loan_id
        """,
        {"as_of": as_of, "as_of_max": as_of, **params_co},
    )
