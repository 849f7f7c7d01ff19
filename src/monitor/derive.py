"""`derive`: the derived tables built from the source tables up to a day, in one transaction.

installment_settlement (each installment with its running sum and the day it was settled), loan_status_path (each
loan's status on every day, as intervals: monitor.status_path), loan_month (every loan's status at every month-end),
day_snapshot (every loan's status on the days the default views compare), loan_segment, month_totals (loan_month
summed by month-end, bucket and segment value) and month_rolls (the loans' moves between consecutive month-ends,
summed likewise); and the collection rules' violations (monitor.compliance.violations). The statuses are
monitor.status's definition; monitor.freshness tells whether the rows still hold, and monitor.derived serves them to
the metrics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from monitor import db, freshness, month_rolls, month_totals, segments, status_path
from monitor.compliance import violations
from monitor.months import month_ends, same_day_months_before
from monitor.status import ACTIVE_AT, fen_to_yuan, grid_status_sql, latest_data_date


def derive(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict[str, int]:
    """(Re)build the derived tables up to `as_of` (default: the latest date in the data), in one transaction."""
    as_of = as_of or latest_data_date(con)
    with db.transaction(con):  # a full disk: DuckDB's own error, not a failed rollback's
        for table in derived_tables(as_of, db.charge_off_dpd(con)):
            build_table(con, table)
        violations.rebuild(con)
        freshness.record_build(con, as_of)
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in db.DERIVED_TABLES}


# The rows one statement builds at most (about): past this a table is built in slices of its storage order, so that
# DuckDB's memory for the status grid stays bounded whatever the book's size (a 10M-loan book's loan_month and
# day_snapshot in one statement ran out of DuckDB's 8GB; 11M rows in one took 2.5 GB).
ROWS_PER_STATEMENT = 8_000_000
WHOLE_BOOK = {"first_loan": -(2**62), "last_loan": 2**62}  # the loan range of a table built in one statement


@dataclass(frozen=True)
class DerivedTable:
    """One derived table as derive builds it: its rows (SQL in DESIGN.md §9's portable subset, written in DuckDB's
    dialect, over the source tables and the derived tables before it in derived_tables), their parameters, the
    order the rows are stored in, and how the rows are cut into slices of that order: by loan ranges ('loans', the
    parameters $first_loan and $last_loan), by month-ends ('month_ends': $after and $as_of), by days ('days': $days),
    or not at all (None). A table sliced by loans that handles several rows per installment says how many
    (rows_per_installment), so that its slices hold about as many rows as the others'. monitor.engines runs the same
    list on DuckDB or Spark over Parquet."""
    name: str
    rows: str
    params: dict
    order_by: str
    sliced_by: str | None = None
    rows_per_installment: int = 1


def derived_tables(as_of: dt.date, charge_off_dpd: int) -> tuple[DerivedTable, ...]:
    """The derived tables at `as_of`, in the order they must be built (each reads only those before it)."""
    co = {"charge_off_dpd": charge_off_dpd}
    # the sums of month-ends sliced as loan_month is: those after $after up to $as_of
    ends, month_slice = "{c} > $after AND {c} <= $as_of", {"as_of": as_of, "after": dt.date.min}
    in_range = "(SELECT * FROM {} WHERE loan_id BETWEEN $first_loan AND $last_loan)"
    settlement = settlement_query(*(in_range.format(t) for t in ("loans", "installments", "payments")))
    path = status_path.path_rows_sql(*(in_range.format(t) for t in ("loans", "installment_settlement", "payments")))
    return (
        DerivedTable("installment_settlement", settlement, {"as_of": as_of, **WHOLE_BOOK}, "loan_id, installment_no",
                     "loans"),
        # three changes per installment (due, overdue, settled) besides the payments: slices of a third the loans (at
        # 1,000,000 loans its peak memory 2.0 GB in four slices, 5.1 GB in two). Each slice is stored by the day its
        # rows end: a day's read (status_path.day_rows_sql) skips the row groups that ended before it or begin after it
        DerivedTable(status_path.TABLE, path, {"as_of": as_of, **WHOLE_BOOK}, "valid_to, loan_id", "loans",
                     rows_per_installment=3),
        DerivedTable("loan_month", loan_month_rows(after="$after"), {"as_of": as_of, "after": dt.date.min, **co},
                     "month_end, loan_id", "month_ends"),
        DerivedTable("day_snapshot", day_snapshot_rows(), {"days": snapshot_days(as_of), **co}, "as_of, loan_id",
                     "days"),
        DerivedTable("loan_segment", segments.segment_rows_sql("loan_month"), {}, "loan_id"),
        DerivedTable("month_totals", month_totals.rows_sql("loan_month", "loan_segment", ends.format(c="m.month_end")),
                     month_slice, ", ".join(month_totals.KEY), "month_ends"),
        DerivedTable("month_rolls", month_rolls.rows_sql("loan_month", "loan_segment", ends.format(c="p.t1"),
                                                         later=ends.format(c="f.month_end")),
                     month_slice, ", ".join(month_rolls.KEY), "month_ends"),
    )


def build_table(con: duckdb.DuckDBPyConnection, table: DerivedTable) -> None:
    """(Re)build one derived table in the book, slice by slice (table_slices)."""
    for k, params in enumerate(table_slices(con, table)):
        start = f"CREATE OR REPLACE TABLE {table.name} AS" if k == 0 else f"INSERT INTO {table.name}"
        db.run(con, f"{start} {table.rows} ORDER BY {table.order_by}", params)


def table_slices(con: duckdb.DuckDBPyConnection, table: DerivedTable) -> list[dict]:
    """The parameters of each slice of `table`, in storage order, each of about ROWS_PER_STATEMENT rows at most (one
    loan range, month-end or day may hold more); together they give exactly the table's rows."""
    if table.sliced_by == "loans":
        per_loan = con.execute("SELECT count(*) / greatest(1, (SELECT count(*) FROM loans)) FROM installments"
                               ).fetchall()[0][0]
        ranges = con.execute("""
            SELECT min(loan_id), max(loan_id) FROM (
                SELECT loan_id, (row_number() OVER (ORDER BY loan_id) - 1) // $per_slice AS part FROM loans)
            GROUP BY part ORDER BY 1""",
            {"per_slice": max(1, int(ROWS_PER_STATEMENT / max(per_loan * table.rows_per_installment, 1)))}).fetchall()
        return [{**table.params, "first_loan": first, "last_loan": last} for first, last in ranges] or [table.params]
    if table.sliced_by == "month_ends":
        first = con.execute("SELECT min(origination_date) FROM loans").fetchall()[0][0]
        groups = _grouped(con, month_ends(first, table.params["as_of"]) if first else [])
        if not groups:  # no month-end yet: the table's (empty) rows in one statement
            return [table.params]
        afters = [dt.date.min] + [group[-1] for group in groups[:-1]]
        return [{**table.params, "after": after, "as_of": group[-1]}
                for after, group in zip(afters, groups, strict=True)]
    if table.sliced_by == "days":
        return [{**table.params, "days": group} for group in _grouped(con, sorted(table.params["days"]))]
    return [table.params]


def _grouped(con: duckdb.DuckDBPyConnection, days: list[dt.date]) -> list[list[dt.date]]:
    """`days` (ascending) in consecutive groups whose loans active at the end of each day add up to about
    ROWS_PER_STATEMENT at most (a day alone may hold more)."""
    if not days:
        return []
    active = dict(con.execute(f"""
        SELECT d.as_of, count(*) FROM loans l JOIN (SELECT unnest(CAST($days AS DATE[])) AS as_of) d
        ON {ACTIVE_AT.format(d='d.as_of')} GROUP BY d.as_of""", {"days": days}).fetchall())
    groups, rows = [[]], 0
    for day in days:
        if groups[-1] and rows + active.get(day, 0) > ROWS_PER_STATEMENT:
            groups.append([])
            rows = 0
        groups[-1].append(day)
        rows += active.get(day, 0)
    return groups


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


def day_snapshot_rows(loan_filter: str = "TRUE") -> str:
    """The day_snapshot rows of the loans passing `loan_filter` (SQL over loans l) at the days $days. Reads the
    running sums of installment_settlement, which must hold the same installments (built just before)."""
    grid = f"""SELECT l.loan_id, d.as_of FROM loans l
               JOIN (SELECT unnest(CAST($days AS DATE[])) AS as_of) d ON {ACTIVE_AT.format(d='d.as_of')}
               WHERE {loan_filter}"""
    return f"SELECT * FROM ({grid_status_sql(grid, precomputed_sums=True)})"


def settlement_query(loans: str = "loans", installments: str = "installments", payments: str = "payments") -> str:
    """Each installment with its running sums and the day it was settled (NULL: not by $as_of).

    Settled on the first day the loan's cumulative payments reach cum_due(k) (in whole fen, which is
    the 0.005 tolerance of DESIGN.md §4). Payments on or
    after a charge-off are recoveries and settle nothing.

    In DESIGN.md §9's portable subset, so that Spark runs it too: the installments' running sums and the payments'
    are put in one order per loan (an installment before a payment of the same running sum), and an installment's
    day is the earliest payment day at or after it in that order. (An ASOF join says the same; on a 1M-loan book
    this window costs the same time.)
    """
    return f"""
        WITH daily_paid AS (
            SELECT p.loan_id, CAST(p.paid_at AS DATE) AS paid_date,
                   sum(CAST(p.amount * 100 AS BIGINT)) AS amount
            FROM {payments} p JOIN {loans} l ON l.loan_id = p.loan_id
            WHERE CAST(p.paid_at AS DATE) <= $as_of
              AND (l.charge_off_date IS NULL OR CAST(p.paid_at AS DATE) < l.charge_off_date)
            GROUP BY p.loan_id, CAST(p.paid_at AS DATE)
        ),
        inst AS (
            SELECT loan_id, installment_no, due_date, principal_due, interest_due, fee_due, amount_due,
                   sum(CAST(amount_due * 100 AS BIGINT)) OVER w AS cum_due_fen
            FROM {installments}
            WINDOW w AS (PARTITION BY loan_id ORDER BY installment_no ROWS UNBOUNDED PRECEDING)
        ),
        running AS (
            SELECT loan_id, installment_no, cum_due_fen AS running_fen, 0 AS is_payment, CAST(NULL AS DATE) AS paid_date
            FROM inst
            UNION ALL
            SELECT loan_id, NULL, sum(amount) OVER (PARTITION BY loan_id ORDER BY paid_date ROWS UNBOUNDED PRECEDING),
                   1, paid_date
            FROM daily_paid
        ),
        settled AS (
            SELECT loan_id, installment_no, is_payment,
                   min(paid_date) OVER (PARTITION BY loan_id ORDER BY running_fen, is_payment
                                        ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS settled_on
            FROM running
        )
        SELECT i.loan_id, i.installment_no, i.due_date, i.principal_due, i.interest_due, i.fee_due, i.amount_due,
               {fen_to_yuan("i.cum_due_fen")} AS cum_due, s.settled_on
        FROM inst i JOIN settled s ON s.loan_id = i.loan_id AND s.installment_no = i.installment_no AND s.is_payment = 0
    """


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
