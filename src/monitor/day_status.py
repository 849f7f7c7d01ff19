"""A day's status rows on a connection: pinned once for the day, read from the derived rows, or computed.

The many metrics of one page or report read one day's status; `source` gives them the cheapest relation holding it
(the definition is monitor.status's, whichever it is). pin_day copies it once into a temporary table of the
connection from the loans' status paths (monitor.status_path), or computes it; pin_next_day does so from the day
before, computing only the loans that can have moved (a live day after the tables were built).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import db, freshness, status_path
from monitor.months import months_between_sql
from monitor.status import ACTIVE_AT, day_status_sql, grid_status_sql, status_params

_PINNED = "pinned_day_status"


# A day with no derived rows is pinned from the nearest day at most this many days before or after it that has
# them or is pinned, one day at a time. A step costs about half a full computation at 1,000,000 loans (both scan the
# installments and the payments; a step computes a tenth of the loans), so two steps cost what one full one does.
MAX_STEPS = 1


def pin_day(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Compute the status of every loan active at the end of `as_of` once, into a temporary table of this
    connection, so that the many metrics of one page or report read it instead of recomputing it.
    Several days can be pinned. Temporary tables live in memory: this works on a read-only connection.
    A day the derived tables hold is not copied: source reads their rows (a copy cost 0.2-0.3 s a day at 10,000,000
    loans, on every loader of the latest day).
    A day the status paths cover is copied from them (0.05-0.09 s at 1,000,000 loans, a read of the copy a few
    milliseconds).
    A day neither covers near a day that has them or is pinned (a live day after the last derive) is pinned from it one
    day at a time (pin_next_day, pin_previous_day), each step computing only the loans that can have moved."""
    if as_of in pinned_days(con) or _derived_rows(con, as_of) is not None:
        return
    if status_path.covers(con, as_of):
        _pin_source(con, as_of)
        return
    for steps in range(1, MAX_STEPS + 1):
        for direction, step in ((-1, pin_next_day), (1, pin_previous_day)):
            anchor = as_of + dt.timedelta(days=direction * steps)
            if anchor in pinned_days(con) or _derived_rows(con, anchor) or status_path.covers(con, anchor):
                for k in range(steps - 1, -1, -1):  # from the anchor's neighbour to as_of
                    step(con, as_of + dt.timedelta(days=direction * k))
                return
    _pin_source(con, as_of)


def _pin_source(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """The day's rows from source (derived, or computed) into the pinned table."""
    _create_pinned(con)
    db.run(con, f"INSERT INTO {_PINNED} SELECT * FROM ({source(con, as_of)})", status_params(con, as_of))
    db.run(con, f"INSERT INTO {_PINNED}_days VALUES (?)", [as_of])


def _hold(con: duckdb.DuckDBPyConnection, day: dt.date) -> None:
    """The day's rows in the pinned table, where _pin_from reads a neighbour's: pinned, copied from the derived rows,
    else pinned by pin_day (from the status paths, or computed)."""
    if day in pinned_days(con):
        return
    if _derived_rows(con, day) is not None:
        _pin_source(con, day)
    else:
        pin_day(con, day)


def _create_pinned(con: duckdb.DuckDBPyConnection) -> None:
    """The temporary tables of pinned status rows and of the days they cover, once per connection."""
    db.run(con, f"CREATE TEMP TABLE IF NOT EXISTS {_PINNED} AS SELECT * FROM ({day_status_sql()}) WHERE false",
           {"as_of": None, "charge_off_dpd": None})
    db.run(con, f"CREATE TEMP TABLE IF NOT EXISTS {_PINNED}_days (as_of DATE PRIMARY KEY)")


def pinned_days(con: duckdb.DuckDBPyConnection) -> set[dt.date]:
    """The days whose status this connection has pinned."""
    if not db.temp_table_exists(con, f"{_PINNED}_days"):
        return set()
    return {row[0] for row in con.execute(f"SELECT as_of FROM {_PINNED}_days").fetchall()}


# Between the end of day d-1 and the end of day d a loan's status can change only if it is new at d (not active
# at d-1), was past due at d-1 (its DPD grows, or it cures), had an installment fall due on d-1 (unsettled at d
# unless paid) or on d (one installment fewer left after d), or was paid on d. Any other loan active at d had DPD 0
# at d-1 and keeps its DPD, balance, overdue amount and installments left: nothing it owes or paid has changed.
# These are the loans that keep yesterday's row.
_UNCHANGED_SQL = """
    SELECT loan_id FROM {pinned} WHERE as_of = $neighbour AND dpd = 0
    EXCEPT SELECT loan_id FROM installments WHERE due_date BETWEEN $neighbour AND $as_of
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
    _hold(con, previous)
    _pin_from(con, as_of, previous, _UNCHANGED_SQL)


# Going back from the end of day d to the end of day d-1, a loan keeps its row (its months on book aside) if it
# was current at d (DPD 0), was active at d-1 already, was not paid on d and had no installment fall due on d (one
# more left after d-1): its payments by d-1 are those by d, so every installment due before d-1 (a subset of those
# due before d) was settled at d-1 too, and its balance (its payments allocated to its schedule) is the same. Every
# other loan active at d-1 (past due at d, paid on d, due on d, new on d-1's side, or closed on d) is computed.
_KEPT_BACKWARD_SQL = """
    SELECT p.loan_id FROM {pinned} p JOIN loans l USING (loan_id)
    WHERE p.as_of = $neighbour AND p.dpd = 0 AND l.origination_date <= $as_of
    EXCEPT SELECT loan_id FROM installments WHERE due_date = $neighbour
    EXCEPT SELECT loan_id FROM payments
           WHERE CAST($neighbour AS TIMESTAMP) <= paid_at AND paid_at < CAST($neighbour + 1 AS TIMESTAMP)"""


def pin_previous_day(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Pin the status at the end of `as_of` from the status at the end of the day after (pinned first if it is
    not): the loans that can differ (_KEPT_BACKWARD_SQL) get the one status computation, the others carry their row
    back with their months on book then. The rows equal pin_day's (a test checks it day by day)."""
    if as_of in pinned_days(con):
        return
    following = as_of + dt.timedelta(days=1)
    _hold(con, following)
    _pin_from(con, as_of, following, _KEPT_BACKWARD_SQL)


def _pin_from(con: duckdb.DuckDBPyConnection, as_of: dt.date, neighbour: dt.date, kept_sql: str) -> None:
    """Pin `as_of` from the pinned rows of `neighbour`, the day before or after it: the loans of `kept_sql` (over
    the pinned rows; parameters $as_of, $neighbour) carry their row with their months on book at `as_of`; every other
    loan active at `as_of` gets the one status computation."""
    active = ACTIVE_AT.format(d="$as_of")
    days = {"as_of": as_of, "neighbour": neighbour}
    db.run(con, f"CREATE OR REPLACE TEMP TABLE {_PINNED}_kept AS {kept_sql.format(pinned=_PINNED)}", days)
    changed = (f"SELECT l.loan_id, CAST($as_of AS DATE) AS as_of FROM loans l WHERE {active} "
               f"AND l.loan_id NOT IN (SELECT loan_id FROM {_PINNED}_kept)")
    computed = grid_status_sql(changed, precomputed_sums=freshness.derived_is_fresh(con))
    db.run(con, f"INSERT INTO {_PINNED} SELECT * FROM ({computed})", status_params(con, as_of))
    db.run(con, f"""
        INSERT INTO {_PINNED}
        SELECT p.loan_id, CAST($as_of AS DATE), {months_between_sql("l.origination_date", "CAST($as_of AS DATE)")},
               p.dpd, p.bucket, p.principal_balance, p.overdue_amount, p.installments_left
        FROM {_PINNED} p JOIN {_PINNED}_kept USING (loan_id) JOIN loans l USING (loan_id)
        WHERE p.as_of = $neighbour AND {active}""", days)
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


_PRECOMPUTED_COLUMNS = ("loan_id, {day} AS as_of, mob, dpd, bucket, principal_balance, overdue_amount, "
                        "installments_left")


def source(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    """The status of every loan active at the end of `as_of`, with the columns and parameters (status_params) of
    monitor.status.day_status_sql, from the cheapest place that holds it. The first of:
    the rows this connection pinned for that day; the derived day_snapshot or loan_month rows for it, while
    they still hold (freshness.derived_covers; same numbers: the same grid_status_sql built them); the loans' status
    paths, while they cover the day (status_path.covers; a test checks them equal to the computation); else the
    computation itself (reading the installments' running sums from the derived tables when they are fresh)."""
    if as_of in pinned_days(con):
        return f"SELECT * FROM {_PINNED} WHERE as_of = $as_of AND $charge_off_dpd IS NOT NULL"
    if (derived := _derived_rows(con, as_of)) is not None:
        return derived
    if status_path.covers(con, as_of):
        return status_path.day_rows_sql()
    return day_status_sql(precomputed_sums=freshness.derived_is_fresh(con))


def loans_source(con: duckdb.DuckDBPyConnection, as_of: dt.date, loans_sql: str) -> str:
    """The status at the end of `as_of` of the loans of the relation `loans_sql` (loan_id; SQL the caller's query
    defines) active then, columns and parameters as source's: the day's rows where the derived tables or this
    connection hold them, else those loans' status paths, else computed for those loans alone (a few thousand, not
    the book). A loan not active at the end of the day (not yet originated, or closed) has no row, from any of them."""
    if precomputed(con, as_of):
        return f"SELECT * FROM ({source(con, as_of)}) WHERE loan_id IN (SELECT loan_id FROM {loans_sql})"
    if status_path.covers(con, as_of):
        return status_path.day_rows_sql(f"p.loan_id IN (SELECT loan_id FROM {loans_sql})")
    grid = (f"SELECT l.loan_id, CAST($as_of AS DATE) AS as_of FROM loans l "
            f"WHERE l.loan_id IN (SELECT loan_id FROM {loans_sql}) AND {ACTIVE_AT.format(d='$as_of')}")
    return grid_status_sql(grid, precomputed_sums=freshness.derived_is_fresh(con))


def precomputed(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> bool:
    """Whether the derived tables hold the day's status (source reads them: pinning the day would only copy them)."""
    return as_of in pinned_days(con) or _derived_rows(con, as_of) is not None


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


def status_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """One row per loan active at the end of `as_of`: loan_id, dpd, bucket, principal_balance, overdue_amount,
    installments_left."""
    query = f"""
        SELECT loan_id, dpd, bucket, principal_balance, overdue_amount, installments_left
        FROM ({source(con, as_of)}) ORDER BY loan_id"""
    return con.sql(query, params=status_params(con, as_of)).pl()
