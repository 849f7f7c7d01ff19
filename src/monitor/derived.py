"""The derived tables as every metric reads them: what a full `derive` would give now, or a flag saying why not.

`derive` builds installment_settlement, loan_month, loan_segment, month_totals and month_rolls up to a day; the book
moves on after it (the live feed's day, a book whose last derive was days ago, `derive --as-of` an earlier day).
Metric SQL reads these tables only through the relations returned here:
- while the derived rows hold through the data's latest day, the tables themselves;
- while they hold through an earlier day V (freshness.valid_through), the tables completed from the source tables
  with the same definitions, into temporary tables of this connection: the month-ends after V, the installments of
  the loans with one due by the latest day and not settled by V (and of loans added since), and the segment rows of
  the loans whose milestones those change, and those months' month-end totals and moves. That is one grid of loans
  x one day per missing month-end, and it equals what a full `derive` would give (a test checks every figure);
- when data of a day before V came in since the build, or derive never ran, the tables as they are, and `state`
  says the month-end figures wait for derive, and since when.
Installments due after the latest day keep the settled_on of the build (no metric judges an installment before
its due day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from monitor import db, derive, freshness, month_rolls, month_totals, segments, status
from monitor.months import month_ends

_MARK = "derived_completion"


@dataclass(frozen=True)
class DerivedState:
    """How the derived tables stand against the data: 'complete' (built through the latest day, or completed from the
    source tables on reading), 'waiting' (data of a day they were built from changed since: month-end figures wait
    for derive) or 'missing' (derive never ran)."""
    state: str
    built_through: dt.date | None
    built_at: dt.datetime | None
    valid_through: dt.date | None
    latest_day: dt.date | None
    waiting_since: dt.datetime | None  # the first load after the build, when state is 'waiting'

    def as_json(self) -> dict:
        return {key: value.isoformat() if isinstance(value, dt.date) else value
                for key, value in self.__dict__.items()}


def state(con: duckdb.DuckDBPyConnection) -> DerivedState:
    """Where the derived tables stand (see DerivedState)."""
    settings = dict(con.execute("SELECT key, value FROM settings WHERE key IN ('derived_as_of', 'derived_at')")
                    .fetchall())
    built_through = dt.date.fromisoformat(settings["derived_as_of"]) if "derived_as_of" in settings else None
    built_at = dt.datetime.fromisoformat(settings["derived_at"]) if "derived_at" in settings else None
    latest = status.latest_data_date(con)
    if built_through is None or not db.table_exists(con, "loan_month"):
        return DerivedState("missing", None, None, None, latest, None)
    through = freshness.valid_through(con)
    if through is not None:
        return DerivedState("complete", built_through, built_at, through, latest, None)
    since = None
    if built_at is not None and db.table_exists(con, "ingest_batches"):
        since = con.execute("SELECT min(loaded_at) FROM ingest_batches WHERE loaded_at >= ?",
                            [built_at]).fetchall()[0][0]
    return DerivedState("waiting", built_through, built_at, None, latest, since)


def loan_month(con: duckdb.DuckDBPyConnection) -> str:
    """The month-end status rows (the columns of loan_month) of every month-end up to the data's latest day."""
    return _relation(con, "loan_month")


def installment_settlement(con: duckdb.DuckDBPyConnection) -> str:
    """Each installment with its running sum and the day it was settled, judged with the payments up to the data's
    latest day (the columns of installment_settlement)."""
    return _relation(con, "installment_settlement")


def loan_segment(con: duckdb.DuckDBPyConnection) -> str:
    """Every loan's segment values and vintage milestones (the columns of loan_segment)."""
    return _relation(con, "loan_segment")


def month_totals_of(con: duckdb.DuckDBPyConnection) -> str:
    """The month-end totals by bucket and segment value (the columns of month_totals) of every month-end up to the
    data's latest day: loan_month and loan_segment as loan_month(con) and loan_segment(con) give them, summed."""
    return _relation(con, "month_totals")


def month_rolls_of(con: duckdb.DuckDBPyConnection) -> str:
    """The moves between consecutive month-ends by bucket, state and segment value (the columns of month_rolls) up to
    the data's latest day, from loan_month(con) and loan_segment(con)."""
    return _relation(con, "month_rolls")


def _relation(con: duckdb.DuckDBPyConnection, table: str) -> str:
    through, latest = freshness.valid_through(con), status.latest_data_date(con)
    if through is None or latest is None or through >= latest:
        return table
    _complete(con, through, latest)
    return f"derived_{table}"


def _complete(con: duckdb.DuckDBPyConnection, through: dt.date, latest: dt.date) -> None:
    """Build this connection's completed relations derived_<table> for rows valid through `through`, up to `latest`
    (once per read-only connection, whose data cannot change; a read-write connection checks the data's fingerprint
    again)."""
    done = db.temp_table_exists(con, _MARK)
    if done and db.is_read_only(con):
        return
    fingerprint = freshness.data_fingerprint(con)
    if done and con.execute(f"SELECT through, latest, fingerprint FROM {_MARK}").fetchall()[0] == (
            through, latest, fingerprint):
        return
    params = {"through": through, "latest": latest}
    _complete_loan_month(con, through, latest)
    # installments whose settlement may have changed after `through`, and those of loans added since the build
    db.run(con, """
        CREATE OR REPLACE TEMP TABLE derived_redone_loans AS
        SELECT DISTINCT loan_id FROM main.installment_settlement
        WHERE due_date <= $latest AND (settled_on IS NULL OR settled_on > $through)
        UNION SELECT loan_id FROM loans WHERE loan_id NOT IN (SELECT loan_id FROM main.loan_segment)""", params)
    only = "(SELECT * FROM {} WHERE loan_id IN (SELECT loan_id FROM derived_redone_loans))"
    redone = derive.settlement_query(only.format("loans"), only.format("installments"), only.format("payments"))
    db.run(con, f"CREATE OR REPLACE TEMP TABLE derived_redone_settlement AS {redone}", {"as_of": latest})
    db.run(con, """
        CREATE OR REPLACE TEMP VIEW derived_installment_settlement AS
        SELECT * FROM main.installment_settlement WHERE loan_id NOT IN (SELECT loan_id FROM derived_redone_loans)
        UNION ALL SELECT * FROM derived_redone_settlement""")
    # segment rows whose milestones or charge-off month the new month-ends change, and those of new loans
    db.run(con, """
        CREATE OR REPLACE TEMP TABLE derived_redone_segments AS
        SELECT loan_id FROM derived_added_months WHERE dpd >= 30
        UNION SELECT loan_id FROM main.loan_month WHERE month_end > $through AND dpd >= 30
        UNION SELECT loan_id FROM loans WHERE charge_off_date > $through
        UNION SELECT loan_id FROM loans WHERE loan_id NOT IN (SELECT loan_id FROM main.loan_segment)""",
           {"through": through})
    rows = segments.segment_rows_sql("derived_loan_month",
                                     "l.loan_id IN (SELECT loan_id FROM derived_redone_segments)")
    db.run(con, f"CREATE OR REPLACE TEMP TABLE derived_redone_segment_rows AS {rows}")
    db.run(con, """
        CREATE OR REPLACE TEMP VIEW derived_loan_segment AS
        SELECT * FROM main.loan_segment WHERE loan_id NOT IN (SELECT loan_id FROM derived_redone_segments)
        UNION ALL SELECT * FROM derived_redone_segment_rows""")
    # the month-end totals of the month-ends computed here; those up to `through` hold as derive summed them
    db.run(con, "CREATE OR REPLACE TEMP TABLE derived_added_totals AS "
                + month_totals.rows_sql("derived_added_months", "derived_loan_segment"))
    db.run(con, """
        CREATE OR REPLACE TEMP VIEW derived_month_totals AS
        SELECT * FROM main.month_totals WHERE month_end <= (SELECT day FROM derived_rows_hold_through)
        UNION ALL SELECT * FROM derived_added_totals""")
    added_moves = month_rolls.rows_sql("derived_loan_month", "derived_loan_segment",
                                       "p.t1 > (SELECT day FROM derived_rows_hold_through)")
    db.run(con, f"CREATE OR REPLACE TEMP TABLE derived_added_moves AS {added_moves}")
    db.run(con, """
        CREATE OR REPLACE TEMP VIEW derived_month_rolls AS
        SELECT * FROM main.month_rolls WHERE to_month_end <= (SELECT day FROM derived_rows_hold_through)
        UNION ALL SELECT * FROM derived_added_moves""")
    db.run(con, f"CREATE OR REPLACE TEMP TABLE {_MARK} AS SELECT CAST($through AS DATE) AS through, "
                "CAST($latest AS DATE) AS latest, CAST($fingerprint AS VARCHAR) AS fingerprint",
           {**params, "fingerprint": fingerprint})


def _complete_loan_month(con: duckdb.DuckDBPyConnection, through: dt.date, latest: dt.date) -> None:
    """derived_loan_month: loan_month's rows up to `through` and, computed from the source tables, those of every
    month-end after it up to `latest` (derived_added_months)."""
    grid = f"""SELECT l.loan_id, e.as_of FROM loans l
               JOIN (SELECT unnest($ends::DATE[]) AS as_of) e ON {status.ACTIVE_AT.format(d='e.as_of')}"""
    db.run(con, f"""
        CREATE OR REPLACE TEMP TABLE derived_added_months AS
        SELECT loan_id, CAST(as_of AS DATE) AS month_end, mob, dpd, bucket, principal_balance, overdue_amount,
               'active' AS status, installments_left
        FROM ({status.grid_status_sql(grid)})""",
           {"ends": month_ends(through + dt.timedelta(days=1), latest), "charge_off_dpd": db.charge_off_dpd(con)})
    # a view takes no parameters: it reads the day from a one-row table
    db.run(con, "CREATE OR REPLACE TEMP TABLE derived_rows_hold_through AS SELECT CAST($through AS DATE) AS day",
           {"through": through})
    db.run(con, """
        CREATE OR REPLACE TEMP VIEW derived_loan_month AS
        SELECT * FROM main.loan_month WHERE month_end <= (SELECT day FROM derived_rows_hold_through)
        UNION ALL SELECT * FROM derived_added_months""")
