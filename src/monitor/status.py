"""Loan status on any day and the month-end snapshots, exactly as DESIGN.md §4 defines them.

One SQL definition (`_STATUS_SQL`) computes DPD, bucket, principal balance and overdue amount for a
*grid* of (loan_id, as_of) pairs. The status command uses a grid of one day; `loan_month` uses every
month-end. Both read the source tables, so a status is always exact, whatever was loaded since.

How the definition becomes set-oriented SQL (no loop over loans), in the portable subset of
DESIGN.md §9 (joins, GROUP BY, standard windows; it runs unchanged on Spark):
- paid(d): the sum of the loan's payments with paid_at before d + 1 day.
- each installment carries its running sum cum_due(k); it is unsettled at d when cum_due(k) > paid(d),
  and DPD counts from the earliest unsettled installment due before d.
- payments go to installments in order, fees and interest before principal, so installment k has
  received min(principal_due, max(0, paid - cum_due(k-1) - charges(k))) of principal.
- overdue amount: what fell due before d, less paid(d), never below zero.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import db, freshness, segments
from monitor.months import month_ends  # noqa: F401 (status.month_ends is the generator's and the tests')

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
               AS principal_repaid
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
       {overdue} AS overdue_amount
FROM dpd f
JOIN {loans} l ON l.loan_id = f.loan_id
"""


def months_on_book_sql(as_of: str, origination: str) -> str:
    """Months on book at `as_of`: calendar months since the month of origination."""
    return f"CAST(12 * (year({as_of}) - year({origination})) + month({as_of}) - month({origination}) AS INTEGER)"


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


def status_query(grid_sql: str, loans: str = "loans", installments: str = "installments",
                 payments: str = "payments", precomputed_sums: bool = False) -> str:
    """The status SQL over a grid relation (loan_id, as_of); parameter $charge_off_dpd.

    The table names are code constants (the generator points them at its staging tables).
    `precomputed_sums` reads the installments' running sums from installment_settlement: only for a
    caller that checked freshness.derived_is_fresh."""
    inst = _INST_PRECOMPUTED if precomputed_sums else _INST_COMPUTED.format(installments=installments)
    return _STATUS_SQL.format(grid=grid_sql, bucket=bucket_sql("f.dpd"), inst=inst,
                              mob=months_on_book_sql("f.as_of", "l.origination_date"),
                              repaid=fen_to_yuan("f.principal_repaid"),
                              overdue=fen_to_yuan("greatest(0, f.due_before - f.paid)"),
                              loans=loans, payments=payments)


def grid_status_sql(con: duckdb.DuckDBPyConnection, grid_sql: str) -> str:
    """status_query over a grid, reading the installments' running sums from the derived tables while
    they match the data (a third faster), else computing them."""
    return status_query(grid_sql, precomputed_sums=freshness.derived_is_fresh(con))


def day_status_sql(precomputed_sums: bool = False) -> str:
    """Status of every loan active at the end of day $as_of (parameters $as_of, $charge_off_dpd);
    a relation to select from or aggregate over."""
    active = ACTIVE_AT.format(d="$as_of")
    return status_query(f"SELECT l.loan_id, CAST($as_of AS DATE) AS as_of FROM loans l WHERE {active}",
                        precomputed_sums=precomputed_sums)


_PINNED = "pinned_day_status"


def pin_day(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Compute the status of every loan active at the end of `as_of` once, into a temporary table of this
    connection, so that the many metrics of one page or report read it instead of recomputing it.
    Several days can be pinned. Temporary tables live in memory: this works on a read-only connection.
    A day with no derived rows whose day before is pinned or has them (a live day after the last derive) is
    pinned from the day before (pin_next_day), which computes only the loans that can have moved."""
    if as_of in pinned_days(con):
        return
    previous = as_of - dt.timedelta(days=1)
    if _derived_rows(con, as_of) is None and (previous in pinned_days(con) or _derived_rows(con, previous)):
        pin_next_day(con, as_of)
        return
    params = status_params(con, as_of)
    _create_pinned(con)
    db.run(con, f"INSERT INTO {_PINNED} SELECT * FROM ({day_status_source(con, as_of)})", params)
    db.run(con, f"INSERT INTO {_PINNED}_days VALUES (?)", [as_of])


def _create_pinned(con: duckdb.DuckDBPyConnection) -> None:
    """The temporary tables of pinned status rows and of the days they cover, once per connection."""
    db.run(con, f"CREATE TEMP TABLE IF NOT EXISTS {_PINNED} AS SELECT * FROM ({day_status_sql()}) WHERE false",
           {"as_of": None, "charge_off_dpd": None})
    db.run(con, f"CREATE TEMP TABLE IF NOT EXISTS {_PINNED}_days (as_of DATE PRIMARY KEY)")


def pinned_days(con: duckdb.DuckDBPyConnection) -> set[dt.date]:
    """The days whose status this connection has pinned."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
                         [f"{_PINNED}_days"]).fetchall()[0][0]
    return {row[0] for row in con.execute(f"SELECT as_of FROM {_PINNED}_days").fetchall()} if exists else set()


# Between the end of day d-1 and the end of day d a loan's status can change only if it is new at d (not active
# at d-1), was past due at d-1 (its DPD grows, or it cures), had an installment fall due on d-1 (unsettled at d
# unless paid), or was paid on d. Any other loan active at d had DPD 0 at d-1 and keeps its DPD, balance and
# overdue amount: nothing it owes or paid has changed. These are the loans that keep yesterday's row.
_UNCHANGED_SQL = """
    SELECT loan_id FROM {pinned} WHERE as_of = $previous AND dpd = 0
    EXCEPT SELECT loan_id FROM installments WHERE due_date = $previous
    EXCEPT SELECT loan_id FROM payments
           WHERE CAST($as_of AS TIMESTAMP) <= paid_at AND paid_at < CAST($as_of + 1 AS TIMESTAMP)"""


def pin_next_day(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Pin the status at the end of `as_of` from the status at the end of the day before (pinned first if it is
    not): the loans whose status can have changed overnight (_UNCHANGED_SQL) get the one status computation,
    the others carry their row over with the new months on book. The rows equal pin_day's (a test checks it
    day by day); this costs a fraction when only a few loans moved, as on a live day."""
    if as_of in pinned_days(con):
        return
    previous = as_of - dt.timedelta(days=1)
    pin_day(con, previous)
    params = {**status_params(con, as_of), "previous": previous}
    active = ACTIVE_AT.format(d="$as_of")
    db.run(con, f"CREATE OR REPLACE TEMP TABLE {_PINNED}_unchanged AS {_UNCHANGED_SQL.format(pinned=_PINNED)}",
           {"as_of": as_of, "previous": previous})
    changed = (f"SELECT l.loan_id, CAST($as_of AS DATE) AS as_of FROM loans l WHERE {active} "
               f"AND l.loan_id NOT IN (SELECT loan_id FROM {_PINNED}_unchanged)")
    db.run(con, f"INSERT INTO {_PINNED} SELECT * FROM ({grid_status_sql(con, changed)})",
           {k: v for k, v in params.items() if k != "previous"})
    db.run(con, f"""
        INSERT INTO {_PINNED}
        SELECT p.loan_id, CAST($as_of AS DATE), {months_on_book_sql("CAST($as_of AS DATE)", "l.origination_date")},
               p.dpd, p.bucket, p.principal_balance, p.overdue_amount
        FROM {_PINNED} p JOIN {_PINNED}_unchanged USING (loan_id) JOIN loans l USING (loan_id)
        WHERE p.as_of = $previous AND {active}""", {"as_of": as_of, "previous": previous})
    db.run(con, f"INSERT INTO {_PINNED}_days VALUES (?)", [as_of])


def pinned_rows(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """The status rows this connection pinned for `as_of`, to pin them on another connection (pin_rows)."""
    return con.sql(f"SELECT * FROM {_PINNED} WHERE as_of = $as_of", params={"as_of": as_of}).pl()


def pin_rows(con: duckdb.DuckDBPyConnection, as_of: dt.date, rows: pl.DataFrame) -> None:
    """Pin the status rows of `as_of` that pinned_rows read, on a connection to the same data."""
    if as_of in pinned_days(con):
        return
    _create_pinned(con)
    con.register("pinned_rows_in", rows)
    try:
        db.run(con, f"INSERT INTO {_PINNED} SELECT * FROM pinned_rows_in")
    finally:
        con.unregister("pinned_rows_in")
    db.run(con, f"INSERT INTO {_PINNED}_days VALUES (?)", [as_of])


_PRECOMPUTED_COLUMNS = "loan_id, {day} AS as_of, mob, dpd, bucket, principal_balance, overdue_amount"


def day_status_source(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    """The day-status relation for `as_of`, with the columns and parameters of day_status_sql. The first of:
    the rows this connection pinned for that day; the derived day_snapshot or loan_month rows for it, while
    they still hold (freshness.derived_covers; same numbers: the same status_query built them); else the computation
    itself (reading the installments' running sums from the derived tables when they are fresh)."""
    if as_of in pinned_days(con):
        return f"SELECT * FROM {_PINNED} WHERE as_of = $as_of AND $charge_off_dpd IS NOT NULL"
    return _derived_rows(con, as_of) or day_status_sql(precomputed_sums=freshness.derived_is_fresh(con))


def _derived_rows(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str | None:
    """The derived day_snapshot or loan_month rows of `as_of` as a day-status relation, if there are any and
    they still hold; else None."""
    if not freshness.derived_covers(con, as_of):
        return None
    for table, day in (("day_snapshot", "as_of"), ("loan_month", "month_end")):
        found = con.execute(f"SELECT count(*) > 0 FROM (SELECT 1 FROM {table} WHERE {day} = ? LIMIT 1)",
                            [as_of]).fetchall()[0][0]
        if found:
            return (f"SELECT {_PRECOMPUTED_COLUMNS.format(day=day)} FROM {table} "
                    f"WHERE {day} = $as_of AND $charge_off_dpd IS NOT NULL")
    return None


def status_params(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    return {"as_of": as_of, "charge_off_dpd": db.charge_off_dpd(con)}


def status_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """One row per loan active at the end of `as_of`: loan_id, dpd, bucket, principal_balance, overdue_amount."""
    query = f"""
        SELECT loan_id, dpd, bucket, principal_balance, overdue_amount
        FROM ({day_status_source(con, as_of)}) ORDER BY loan_id"""
    return con.sql(query, params=status_params(con, as_of)).pl()


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
        _build_day_snapshot(con, as_of, params_co)
        segments.build_loan_segment(con)
        freshness.record_build(con, as_of)
        con.commit()
    except Exception:
        con.rollback()
        raise
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in db.DERIVED_TABLES}


def snapshot_days(as_of: dt.date) -> list[dt.date]:
    """The days whose status derive precomputes: the as-of day and the same day a month and a year
    earlier, which the default views compare it with."""
    days = [as_of]
    for months in (1, 12):
        index = as_of.year * 12 + as_of.month - 1 - months
        year, month = divmod(index, 12)
        first_next = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        days.append(dt.date(year, month + 1, min(as_of.day, (first_next - dt.timedelta(days=1)).day)))
    return days


def _build_day_snapshot(con: duckdb.DuckDBPyConnection, as_of: dt.date, params_co: dict) -> None:
    """day_snapshot: every loan's status at the end of each of snapshot_days(as_of)."""
    grid = f"""SELECT l.loan_id, d.as_of FROM loans l
               JOIN (SELECT unnest($days::DATE[]) AS as_of) d ON {ACTIVE_AT.format(d='d.as_of')}"""
    # installment_settlement was just rebuilt from the same installments, in the same transaction
    snapshot = status_query(grid, precomputed_sums=True)
    db.run(con, f"CREATE OR REPLACE TABLE day_snapshot AS SELECT * FROM ({snapshot}) ORDER BY as_of, loan_id",
           {"days": snapshot_days(as_of), **params_co})


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


def _build_loan_month(con: duckdb.DuckDBPyConnection, as_of: dt.date, params_co: dict) -> None:
    """Every month-end from the first origination to `as_of`, every loan active then. Reads the running
    sums of installment_settlement, which derive builds first."""
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
        FROM ({status_query(grid, precomputed_sums=True)})
        ORDER BY month_end, loan_id
        """,
        {"as_of": as_of, **params_co},
    )
