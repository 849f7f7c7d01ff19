"""Keeping the derived tables current as data comes in, inside the writer's own transaction (the live feed's batch).

`derive` rebuilds every derived row; it runs at night. Between two derives, the live feed adds payments, loans and
closures all day, and every reader (each page, each report) had to complete the derived tables from the source
tables on its own connection (monitor.derived), a full status grid per reader at a million loans. Instead, the
writer brings the tables up to date as it writes, for what its write changed:

- every derived row depends only on its own loan's source rows, the day, and the charge-off DPD (monitor.status;
  installment_settlement, loan_status_path, loan_month, day_snapshot and loan_segment are all per loan), so the
  rows of the loans a write touched, computed again, and the others kept, are what a full `derive` would give;
  month_totals and month_rolls, their sums, lose the touched loans' month-end rows and moves as they were and gain
  them as they are;
- a write that brings a new latest day also adds that day's new month-ends and snapshot days for every loan, and
  drops the snapshot days the new day no longer keeps (derive.snapshot_days); the untouched loans' status paths
  already run past it (they hold their future installments, monitor.status_path).

A test checks every derived row equal to a full `derive` after each write. A write into tables that did not match
the data before it (derive never ran, or data of an earlier day came in since the build) changes nothing here:
the tables keep waiting for `derive` as monitor.derived reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import polars as pl

from monitor import db, derive, freshness, month_rolls, month_totals, segments, status_path
from monitor.months import month_ends
from monitor.status import latest_data_date

_TOUCHED = "derive_update_touched"
_ONLY_TOUCHED = f"l.loan_id IN (SELECT loan_id FROM {_TOUCHED})"
_TOTALS_CHANGE = "derive_update_totals"
_MOVES_CHANGE = "derive_update_moves"
_MOVES_OF_TOUCHED = f"m.loan_id IN (SELECT loan_id FROM {_TOUCHED})"  # a move of a touched loan (month_rolls.moves_sql)
_CALENDAR = f"month_totals WHERE segment = '{month_totals.BOOK}'"  # the book's month-ends, for month_rolls.moves_sql


@dataclass(frozen=True)
class Before:
    """How the derived tables stood before the write: the day they were built through, and whether they matched all
    the data (freshness.derived_is_fresh)."""
    built_through: dt.date | None
    fresh: bool


def before_write(con: duckdb.DuckDBPyConnection) -> Before:
    """Call inside the write's transaction, before writing."""
    built = freshness.fresh_through(con)
    if built is not None:
        return Before(built, True)
    rows = con.execute("SELECT value FROM settings WHERE key = 'derived_as_of'").fetchall()
    return Before(dt.date.fromisoformat(rows[0][0]) if rows else None, False)


def after_write(con: duckdb.DuckDBPyConnection, before: Before, loan_ids: Iterable[int]) -> str:
    """Bring the derived tables up to the data after the write, in the same transaction. `loan_ids`: every loan whose
    loans, installments or payments rows the write added or changed. Returns what was done: 'updated' (the touched
    loans), 'rolled' (a new latest day: its month-ends and snapshot days for every loan, too), or why nothing was:
    'missing' (derive never ran) or 'waiting' (the tables did not match the data before the write)."""
    if before.built_through is None or not db.table_exists(con, "loan_month"):
        return "missing"
    latest = latest_data_date(con)
    touched = pl.DataFrame({"loan_id": list(loan_ids)}, schema={"loan_id": pl.Int64})
    if before.fresh and latest == before.built_through:
        _touch(con, touched, since=None)
    else:
        through = freshness.valid_through(con)
        if through is None:
            return "waiting"
        _touch(con, touched, since=through)
    params = {"as_of": latest, "charge_off_dpd": db.charge_off_dpd(con)}
    new_day = latest != before.built_through
    snapshot_days_before = _snapshot_days_present(con) if new_day else None
    _take_out_totals(con)
    _recompute_touched(con, params)
    if new_day:
        _add_new_days(con, before.built_through, snapshot_days_before, params)
    _put_in_totals(con, before.built_through if new_day else None)
    freshness.record_build(con, latest)
    return "rolled" if new_day else "updated"


def _touch(con: duckdb.DuckDBPyConnection, loan_ids: pl.DataFrame, since: dt.date | None) -> None:
    """The temporary table of touched loans: `loan_ids`, and, when the tables held only through `since`, every loan
    whose source rows changed after it (paid, originated or closed later; the rows up to `since` are unchanged)."""
    con.register("derive_update_ids", loan_ids)
    try:
        db.run(con, f"CREATE OR REPLACE TEMP TABLE {_TOUCHED} AS SELECT DISTINCT loan_id FROM derive_update_ids")
    finally:
        con.unregister("derive_update_ids")
    if since is not None:
        db.run(con, f"""
            INSERT INTO {_TOUCHED}
            SELECT loan_id FROM payments WHERE paid_at >= CAST($since + 1 AS TIMESTAMP)
            UNION SELECT loan_id FROM loans
                  WHERE origination_date > $since OR closed_date > $since OR charge_off_date > $since
                     OR loan_id NOT IN (SELECT loan_id FROM loan_segment)
            EXCEPT SELECT loan_id FROM {_TOUCHED}""", {"since": since})


def _recompute_touched(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """Every derived row of the touched loans, computed again as derive does (settlement first: the others read its
    running sums and settlement days), their day_snapshot rows at the snapshot days of the latest day."""
    only = f"(SELECT * FROM {{}} WHERE loan_id IN (SELECT loan_id FROM {_TOUCHED}))"
    settlement = derive.settlement_query(only.format("loans"), only.format("installments"), only.format("payments"))
    path = status_path.path_rows_sql(only.format("loans"), only.format("installment_settlement"),
                                     only.format("payments"))
    tables = [("installment_settlement", settlement, {"as_of": params["as_of"]}),
              (status_path.TABLE, path, {"as_of": params["as_of"]}),
              ("loan_month", derive.loan_month_rows(_ONLY_TOUCHED), params),
              ("day_snapshot", derive.day_snapshot_rows(_ONLY_TOUCHED),
               {"days": derive.snapshot_days(params["as_of"]), "charge_off_dpd": params["charge_off_dpd"]})]
    for table, rows, table_params in tables:
        db.run(con, f"DELETE FROM {table} WHERE loan_id IN (SELECT loan_id FROM {_TOUCHED})")
        db.run(con, f"INSERT INTO {table} {rows}", table_params)
    _redo_segments(con, f"SELECT loan_id FROM {_TOUCHED}")


def _snapshot_days_present(con: duckdb.DuckDBPyConnection) -> set[dt.date]:
    """The days day_snapshot holds (those of the day it was built or last rolled to)."""
    return {row[0] for row in con.execute("SELECT DISTINCT as_of FROM day_snapshot").fetchall()}


def _add_new_days(con: duckdb.DuckDBPyConnection, built_through: dt.date, snapshot_days_before: set[dt.date],
                  params: dict) -> None:
    """A new latest day: the month-ends after `built_through` of the loans not touched; the snapshot days of the new
    day that the table did not hold (`snapshot_days_before`), for those loans, while the days it no longer keeps go;
    and the segment rows whose milestones a new month-end moves. The days kept hold every loan's rows still: the
    untouched loans' did not change, the touched ones' were just computed again."""
    latest = params["as_of"]
    untouched = f"NOT ({_ONLY_TOUCHED})"
    db.run(con, f"INSERT INTO loan_month {derive.loan_month_rows(untouched, after='$built_through')}",
           {**params, "built_through": built_through})
    kept = derive.snapshot_days(latest)
    db.run(con, "DELETE FROM day_snapshot WHERE NOT list_contains($days::DATE[], as_of)", {"days": kept})
    added = sorted(set(kept) - snapshot_days_before)
    if added:
        db.run(con, f"INSERT INTO day_snapshot {derive.day_snapshot_rows(untouched)}",
               {"days": added, "charge_off_dpd": params["charge_off_dpd"]})
    if month_ends(built_through + dt.timedelta(days=1), latest):
        _redo_segments(con, """SELECT loan_id FROM loan_month WHERE month_end > $built_through AND dpd >= 30
                               EXCEPT SELECT loan_id FROM """ + _TOUCHED, {"built_through": built_through})


def _take_out_totals(con: duckdb.DuckDBPyConnection) -> None:
    """Start the changes of month_totals and month_rolls: the touched loans' month-end rows and moves as they stand,
    taken out (their sums negated). Only those loans' rows are read: the month-ends the moves pair come from
    month_totals, which holds every month-end of loan_month. A move into a closing carries the loan's status, read
    now, after the write: the writers change a loan's status only when they close it (the feed closes active loans,
    the loaders add loans), so the status of a loan closed before the write is the one its moves were summed with."""
    rows = f"(SELECT * FROM loan_month WHERE loan_id IN (SELECT loan_id FROM {_TOUCHED}))"
    db.run(con, f"CREATE OR REPLACE TEMP TABLE {_TOTALS_CHANGE} AS {_totals_change(rows, -1)}")
    db.run(con, f"CREATE OR REPLACE TEMP TABLE {_MOVES_CHANGE} AS {_moves_change(rows, 'TRUE', -1)}")


def _put_in_totals(con: duckdb.DuckDBPyConnection, new_after: dt.date | None) -> None:
    """Finish the changes and apply them: the touched loans' month-end rows and moves as computed again, and
    (`new_after`, on a new latest day) the other loans' rows of the month-ends after it and their moves into them
    (from the last month-end on or before it), put in. month_totals first: its month-ends pair the moves."""
    params = {"new_after": new_after or dt.date.max}
    rows = f"""(SELECT * FROM loan_month WHERE loan_id IN (SELECT loan_id FROM {_TOUCHED})
                OR month_end > CAST($new_after AS DATE))"""
    db.run(con, f"INSERT INTO {_TOTALS_CHANGE} {_totals_change(rows, 1)}", params)
    _apply(con, "month_totals", _TOTALS_CHANGE, month_totals.KEY, month_totals.SUMS)
    # the book's last month-end up to `new_after`: the first month-end of the moves into the new ones
    before_new = con.execute(f"SELECT max(month_end) FROM {_CALENDAR} AND month_end <= ?",
                             [params["new_after"]]).fetchall()[0][0] if new_after is not None else None
    params["from_end"] = before_new or dt.date.max
    rows = f"""(SELECT * FROM loan_month WHERE loan_id IN (SELECT loan_id FROM {_TOUCHED})
                OR month_end >= CAST($from_end AS DATE))"""
    moves = f"({_MOVES_OF_TOUCHED} OR p.t1 > CAST($new_after AS DATE))"
    db.run(con, f"INSERT INTO {_MOVES_CHANGE} {_moves_change(rows, moves, 1)}", params)
    _apply(con, "month_rolls", _MOVES_CHANGE, month_rolls.KEY, month_rolls.SUMS)


def _totals_change(month_rows: str, sign: int) -> str:
    """month_totals' rows of `month_rows` (loan_month's rows of some loans), signed."""
    return month_totals.signed(month_totals.rows_sql(month_rows, "loan_segment"), month_totals.KEY, month_totals.SUMS,
                               sign)


def _moves_change(month_rows: str, condition: str, sign: int) -> str:
    """month_rolls' rows of the moves of `month_rows` passing `condition`, paired by the book's month-ends, signed."""
    rows = month_rolls.rows_sql(month_rows, "loan_segment", condition, calendar=_CALENDAR)
    return month_totals.signed(rows, month_rolls.KEY, month_rolls.SUMS, sign)


def _apply(con: duckdb.DuckDBPyConnection, table: str, change: str, key: tuple[str, ...],
           sums: tuple[str, ...]) -> None:
    """Add the signed rows of `change` to `table` (a table of sums by `key`: tens of thousands of rows at most, written
    again whole), leaving out the groups the change emptied (no loan left in them), as derive would not build them."""
    keys, summed = ", ".join(key), ", ".join(f"sum({name}) AS {name}" for name in sums)
    db.run(con, f"""CREATE OR REPLACE TEMP TABLE {change}_applied AS
                    SELECT {keys}, {summed} FROM (SELECT * FROM {table} UNION ALL SELECT * FROM {change})
                    GROUP BY {keys} HAVING sum(loans) <> 0""")
    db.run(con, f"DELETE FROM {table}")
    db.run(con, f"INSERT INTO {table} SELECT * FROM {change}_applied ORDER BY {keys}")


def _redo_segments(con: duckdb.DuckDBPyConnection, loans_sql: str, params: dict | None = None) -> None:
    """The loan_segment rows of the loans of `loans_sql`, computed again from loan_month."""
    db.run(con, f"CREATE OR REPLACE TEMP TABLE derive_update_segments AS {loans_sql}", params)
    db.run(con, "DELETE FROM loan_segment WHERE loan_id IN (SELECT loan_id FROM derive_update_segments)")
    rows = segments.segment_rows_sql("loan_month", "l.loan_id IN (SELECT loan_id FROM derive_update_segments)")
    db.run(con, f"INSERT INTO loan_segment {rows}")
