"""`derive`: the derived tables built from the source tables up to a day, in one transaction.

installment_settlement (each installment with its running sum and the day it was settled), loan_month (every
loan's status at every month-end), day_snapshot (every loan's status on the days the default views compare) and
loan_segment; and the collection rules' violations (monitor.compliance.violations). The statuses are
monitor.status's definition; monitor.freshness tells whether the rows still hold, and monitor.derived serves them
to the metrics.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import db, freshness, segments
from monitor.compliance import violations
from monitor.months import same_day_months_before
from monitor.status import ACTIVE_AT, fen_to_yuan, grid_status_sql, latest_data_date


def derive(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict[str, int]:
    """(Re)build the derived tables up to `as_of` (default: the latest date in the data), in one transaction."""
    as_of = as_of or latest_data_date(con)
    params_co = {"charge_off_dpd": db.charge_off_dpd(con)}
    with db.transaction(con):  # a full disk: DuckDB's own error, not a failed rollback's
        _build_installment_settlement(con, as_of)
        build_loan_month(con, as_of, params_co)
        _build_day_snapshot(con, as_of, params_co)
        segments.build_loan_segment(con)
        violations.rebuild(con)
        freshness.record_build(con, as_of)
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in db.DERIVED_TABLES}


# The recent days whose status derive precomputes, with what each is compared with (see snapshot_days).
SNAPSHOT_RECENT_DAYS = 7


def snapshot_days(as_of: dt.date) -> list[dt.date]:
    """The days whose status derive precomputes, so that a page of any of the last SNAPSHOT_RECENT_DAYS days reads
    every status it compares from snapshots: each of those days, and the day before it (the Today page's
    comparison), the same day a month before and a year before (the executive summary's). About 3 x
    SNAPSHOT_RECENT_DAYS days in all; other days are computed when viewed (monitor.day_status). Sorted, newest first."""
    recent = [as_of - dt.timedelta(days=k) for k in range(SNAPSHOT_RECENT_DAYS)]
    days = {d for day in recent for d in (day, day - dt.timedelta(days=1), same_day_months_before(day, 1),
                                          same_day_months_before(day, 12))}
    return sorted(days, reverse=True)


def _build_day_snapshot(con: duckdb.DuckDBPyConnection, as_of: dt.date, params_co: dict) -> None:
    """day_snapshot: every loan's status at the end of each of snapshot_days(as_of)."""
    db.run(con, f"CREATE OR REPLACE TABLE day_snapshot AS {day_snapshot_rows()} ORDER BY as_of, loan_id",
           {"days": snapshot_days(as_of), **params_co})


def day_snapshot_rows(loan_filter: str = "TRUE") -> str:
    """The day_snapshot rows of the loans passing `loan_filter` (SQL over loans l) at the days $days. Reads the
    running sums of installment_settlement, which must hold the same installments (built just before)."""
    grid = f"""SELECT l.loan_id, d.as_of FROM loans l
               JOIN (SELECT unnest($days::DATE[]) AS as_of) d ON {ACTIVE_AT.format(d='d.as_of')}
               WHERE {loan_filter}"""
    return f"SELECT * FROM ({grid_status_sql(grid, precomputed_sums=True)})"


def settlement_query(loans: str = "loans", installments: str = "installments", payments: str = "payments") -> str:
    """Each installment with its running sums and the day it was settled (NULL: not by $as_of).

    Settled on the first day the loan's cumulative payments reach cum_due(k) (in whole fen, which is
    the 0.005 tolerance of DESIGN.md §4). Payments on or
    after a charge-off are recoveries and settle nothing.
    """
    return f"""
        WITH daily_paid AS (
            SELECT p.loan_id, CAST(p.paid_at AS DATE) AS paid_date,
                   sum(CAST(p.amount * 100 AS BIGINT)) AS amount
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
                   sum(CAST(amount_due * 100 AS BIGINT)) OVER w AS cum_due_fen
            FROM {installments}
            WINDOW w AS (PARTITION BY loan_id ORDER BY installment_no ROWS UNBOUNDED PRECEDING)
        )
        SELECT i.loan_id, i.installment_no, i.due_date, i.principal_due, i.interest_due, i.fee_due,
               i.amount_due, {fen_to_yuan("i.cum_due_fen")} AS cum_due, cp.paid_date AS settled_on
        FROM inst i ASOF LEFT JOIN cum_paid cp ON i.loan_id = cp.loan_id AND i.cum_due_fen <= cp.cum_paid
    """


def _build_installment_settlement(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    db.run(con,
        f"CREATE OR REPLACE TABLE installment_settlement AS {settlement_query()} ORDER BY loan_id, installment_no",
        {"as_of": as_of},
    )


def build_loan_month(con: duckdb.DuckDBPyConnection, as_of: dt.date, params_co: dict) -> None:
    """Every month-end from the first origination to `as_of`, every loan active then. Reads the running
    sums of installment_settlement, which derive builds first."""
    db.run(con, f"CREATE OR REPLACE TABLE loan_month AS {loan_month_rows()} ORDER BY month_end, loan_id",
           {"as_of": as_of, **params_co})


def loan_month_rows(loan_filter: str = "TRUE", after: str = "DATE '0001-01-01'") -> str:
    """The loan_month rows of the loans passing `loan_filter` (SQL over loans l), at every month-end after `after`
    (SQL) up to $as_of at which they were active. Reads the running sums of installment_settlement."""
    grid = f"""
        SELECT loan_id, last_day(m) AS as_of
        FROM (
            SELECT l.loan_id, l.closed_date,
                   unnest(generate_series(date_trunc('month', l.origination_date),
                                          date_trunc('month', least(coalesce(l.closed_date, $as_of), $as_of)),
                                          INTERVAL 1 MONTH)) AS m
            FROM loans l WHERE l.origination_date <= $as_of AND {loan_filter}
        )
        WHERE last_day(m) <= $as_of AND last_day(m) > {after} AND (closed_date IS NULL OR last_day(m) < closed_date)
    """
    return f"""
        SELECT loan_id, CAST(as_of AS DATE) AS month_end, mob, dpd, bucket, principal_balance, overdue_amount,
               'active' AS status, installments_left
        FROM ({grid_status_sql(grid, precomputed_sums=True)})"""
