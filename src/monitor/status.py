"""Loan status on any day, exactly as DESIGN.md §4 defines it.

One SQL definition (`_STATUS_SQL`, built by grid_status_sql) computes DPD, bucket, principal balance and overdue
amount for a *grid* of (loan_id, as_of) pairs. day_status_sql is that grid for every loan active on one day;
monitor.derive builds loan_month and day_snapshot with it, and monitor.day_status serves a day's rows (pinned,
derived or computed). It reads the source tables, so a status is always exact, whatever was loaded since.

How the definition becomes set-oriented SQL (no loop over loans), in the portable subset of
DESIGN.md §9 (joins, GROUP BY, standard windows; it runs unchanged on Spark):
- paid(d): the sum of the loan's payments with paid_at before d + 1 day.
- each installment carries its running sum cum_due(k); it is unsettled at d when cum_due(k) > paid(d),
  and DPD counts from the earliest unsettled installment due before d.
- payments go to installments in order, fees and interest before principal, so installment k has
  received min(principal_due, max(0, paid - cum_due(k-1) - charges(k))) of principal.
- overdue amount: what fell due before d, less paid(d), never below zero.
- installments left: those due after d (the months an expected credit loss still covers).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import db, freshness
from monitor.months import months_between_sql

# Buckets in their order; the DPD ranges are DESIGN.md §4. CO is the charged-off state.
BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6")
BUCKET_RANGES = {"M0": (0, 0), "M1": (1, 30), "M2": (31, 60), "M3": (61, 90), "M4": (91, 120),
                 "M5": (121, 150), "M6": (151, 180)}


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


# $grid must be a relation (loan_id BIGINT, as_of DATE).
# Money is summed in integer fen: exact, and much faster than 38-digit decimals. With whole fen the
# 0.005-yuan settlement tolerance of DESIGN.md §4 becomes "cum_due <= paid".
_STATUS_SQL = """
WITH grid AS ({grid}),
grid_loans AS (SELECT DISTINCT loan_id FROM grid),
paid AS (
    SELECT g.loan_id, g.as_of, coalesce(sum(CAST(p.amount * 100 AS BIGINT)), 0) AS paid
    FROM grid g
    LEFT JOIN {payments} p ON p.loan_id = g.loan_id AND p.paid_at < CAST(g.as_of + 1 AS TIMESTAMP)
    GROUP BY g.loan_id, g.as_of
),
inst AS ({inst}),
per_loan AS (
    SELECT p.loan_id, p.as_of, p.paid,
           coalesce(sum(i.amount_due) FILTER (WHERE i.due_date < p.as_of), 0) AS due_before,
           min(i.due_date) FILTER (WHERE i.cum_due > p.paid AND i.due_date < p.as_of) AS oldest_unsettled_due,
           coalesce(sum(least(i.principal_due,
                              greatest(0, p.paid - (i.cum_due - i.amount_due) - i.charges_due))), 0)
               AS principal_repaid,
           CAST(count(*) FILTER (WHERE i.due_date > p.as_of) AS INTEGER) AS installments_left
    FROM paid p JOIN inst i ON i.loan_id = p.loan_id
    GROUP BY p.loan_id, p.as_of, p.paid
),
dpd AS (
    SELECT s.*, coalesce(CAST(s.as_of - s.oldest_unsettled_due AS INTEGER), 0) AS dpd FROM per_loan s
)
SELECT f.loan_id, f.as_of,
       {mob} AS mob,
       f.dpd,
       {bucket} AS bucket,
       l.principal - {repaid} AS principal_balance,
       {overdue} AS overdue_amount,
       f.installments_left
FROM dpd f
JOIN {loans} l ON l.loan_id = f.loan_id
"""


def fen_to_yuan(fen_sql: str) -> str:
    """Exact conversion of an integer fen expression to DECIMAL(14,2) yuan."""
    return f"CAST(CAST({fen_sql} AS DECIMAL(18,0)) * 0.01 AS DECIMAL(14,2))"


ACTIVE_AT = "l.origination_date <= {d} AND (l.closed_date IS NULL OR l.closed_date > {d})"


# Each installment of the grid's loans in fen, with its running sum cum_due(k): computed with a window...
_INST_COMPUTED = """
    SELECT loan_id, due_date, principal_due, charges_due, amount_due,
           sum(amount_due) OVER (PARTITION BY loan_id ORDER BY installment_no
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_due
    FROM (
        SELECT i.loan_id, i.installment_no, i.due_date,
               CAST(i.principal_due * 100 AS BIGINT) AS principal_due,
               CAST((i.interest_due + i.fee_due) * 100 AS BIGINT) AS charges_due,
               CAST(i.amount_due * 100 AS BIGINT) AS amount_due
        FROM {installments} i
        WHERE i.loan_id IN (SELECT loan_id FROM grid_loans)
    ) AS fen"""
# ... or read from installment_settlement, which derive built with the same running sums (a third of the
# cost of a status); only while the derived tables match the data (freshness.derived_is_fresh).
_INST_PRECOMPUTED = """
    SELECT i.loan_id, i.due_date, CAST(i.principal_due * 100 AS BIGINT) AS principal_due,
           CAST((i.interest_due + i.fee_due) * 100 AS BIGINT) AS charges_due,
           CAST(i.amount_due * 100 AS BIGINT) AS amount_due, CAST(i.cum_due * 100 AS BIGINT) AS cum_due
    FROM installment_settlement i
    WHERE i.loan_id IN (SELECT loan_id FROM grid_loans)"""


def grid_status_sql(grid_sql: str, loans: str = "loans", installments: str = "installments",
                    payments: str = "payments", *, precomputed_sums: bool = False) -> str:
    """The status of each (loan_id, as_of) of the relation `grid_sql`, with the columns loan_id, as_of, mob, dpd,
    bucket, principal_balance, overdue_amount, installments_left; parameter $charge_off_dpd.

    The table names are code constants (the generator points them at its staging tables).
    `precomputed_sums` reads the installments' running sums from installment_settlement (a third of the cost):
    only while they match the data, i.e. precomputed_sums=freshness.derived_is_fresh(con), or inside derive."""
    inst = _INST_PRECOMPUTED if precomputed_sums else _INST_COMPUTED.format(installments=installments)
    return _STATUS_SQL.format(grid=grid_sql, bucket=bucket_sql("f.dpd"), inst=inst,
                              mob=months_between_sql("l.origination_date", "f.as_of"),  # months on book
                              repaid=fen_to_yuan("f.principal_repaid"),
                              overdue=fen_to_yuan("greatest(0, f.due_before - f.paid)"),
                              loans=loans, payments=payments)


def day_status_sql(precomputed_sums: bool = False) -> str:
    """The status of every loan active at the end of day $as_of, computed (parameters $as_of, $charge_off_dpd):
    grid_status_sql over that day's grid. monitor.day_status.source picks the cheapest relation with these rows."""
    active = ACTIVE_AT.format(d="$as_of")
    return grid_status_sql(f"SELECT l.loan_id, CAST($as_of AS DATE) AS as_of FROM loans l WHERE {active}",
                        precomputed_sums=precomputed_sums)


def status_params(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """The parameters of day_status_sql and of monitor.day_status.source for `as_of`."""
    return {"as_of": as_of, "charge_off_dpd": db.charge_off_dpd(con)}


def active_loans(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """How many loans are active at the end of `as_of` (the rows of its status), without computing the status."""
    active = ACTIVE_AT.format(d="$as_of")
    return con.execute(f"SELECT count(*) FROM loans l WHERE {active}", {"as_of": as_of}).fetchall()[0][0]


def latest_data_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The newest day any source table knows about: the default as-of date (remembered as freshness.remembered
    does: a view asks it for every derived relation it reads)."""
    return freshness.remembered(con, "latest_data_date", lambda: _latest_data_date(con))


def _latest_data_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    return con.execute(
        """SELECT greatest(
               (SELECT max(origination_date) FROM loans),
               (SELECT CAST(max(paid_at) AS DATE) FROM payments),
               (SELECT CAST(max(action_at) AS DATE) FROM collection_actions))"""
    ).fetchall()[0][0]


def first_data_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first origination day: no status exists before it."""
    return con.execute("SELECT min(origination_date) FROM loans").fetchall()[0][0]
