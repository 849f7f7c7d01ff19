"""Whether what `derive` built still matches the data, and fingerprints of the data to tell.

Source rows are appended, and loans only close: a load or the live feed adds rows, a payoff or a charge-off closes
a loan. So counts (and a few sums and maxima) of the source tables tell whether the data changed:
- data_fingerprint: all the data. The installments' running sums of installment_settlement need it unchanged.
- data_through(day): the data up to `day`. A day's status, and so its snapshot rows, read nothing later; events of
  later days (the live feed's today) leave it unchanged, a late file of earlier payments does not.
`derive` records both (record_build), data_through of the day it built through and of the last month-end before it;
derived_is_fresh and valid_through compare them with the data as it is.

The settings keys (stored in books, so kept as they are): derived_as_of, the day derive built through;
derived_from, data_fingerprint then; derived_through, data_through(derived_as_of) then; derived_month_end,
data_through(the last month-end on or before it) then. Read back as: fresh_through, the built day while all the
data is unchanged (the whole tables hold); valid_through, the latest day through which the derived rows still hold.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

import duckdb

from monitor import db
from monitor.months import last_month_end


def data_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Row counts and latest dates of the tables loan status is computed from, and how many loans are active."""
    values = con.execute("""
        SELECT (SELECT count(*) FROM loans), (SELECT count(*) FROM loans WHERE status = 'active'),
               (SELECT max(closed_date) FROM loans), (SELECT count(*) FROM installments),
               (SELECT count(*) FROM payments), (SELECT max(paid_at) FROM payments)""").fetchall()[0]
    return _text(values)


def data_through(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    """The data the status at the end of `as_of` reads, as text: the loans originated by then (how many, how many
    closed by then), their installments, the payments made by then (count and sum), and the charge-off DPD.
    Remembered per day on a read-only connection (as _remembered): a view asks it for each figure it keeps in a
    PastDayMemo, and it costs a pass over the payments."""
    keep = db.is_read_only(con) or db.temp_table_exists(con, _READING)
    if keep and db.temp_table_exists(con, _THROUGH):
        found = con.execute(f"SELECT value FROM {_THROUGH} WHERE as_of = ?", [as_of]).fetchall()
        if found:
            return found[0][0]
    # the installments of the loans known by then: all, less those of the (few) loans originated later
    value = _text(con.execute("""
        WITH known AS (SELECT loan_id, closed_date FROM loans WHERE origination_date <= $as_of)
        SELECT (SELECT count(*) FROM known), (SELECT count(*) FROM known WHERE closed_date <= $as_of),
               (SELECT count(*) FROM installments) - (SELECT count(*) FROM installments WHERE loan_id IN
                   (SELECT loan_id FROM loans WHERE origination_date > $as_of)),
               (SELECT count(*) FROM payments WHERE paid_at < CAST($as_of + 1 AS TIMESTAMP)),
               (SELECT sum(amount) FROM payments WHERE paid_at < CAST($as_of + 1 AS TIMESTAMP))""",
                              {"as_of": as_of}).fetchall()[0] + (db.charge_off_dpd(con),))
    if keep:
        db.run(con, f"CREATE TEMP TABLE IF NOT EXISTS {_THROUGH} (as_of DATE PRIMARY KEY, value VARCHAR)")
        db.run(con, f"INSERT OR REPLACE INTO {_THROUGH} VALUES (?, ?)", [as_of, value])
    return value


def record_build(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Record, in the settings, the day the derived tables were just built through, when, and what from."""
    write_build(con, build_record(con, as_of))


def write_build(con: duckdb.DuckDBPyConnection, record: list[tuple[str, str, str]]) -> None:
    """Write a build_record into the book's settings."""
    for key, value, description in record:
        db.run(con, "INSERT OR REPLACE INTO settings VALUES (?, ?, ?)", [key, value, description])


def build_record(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[tuple[str, str, str]]:
    """The settings (key, value, description) that record a build through `as_of` from the data on `con`: the book's
    own, or the Parquet source tables another engine derived from (monitor.engines)."""
    return [
        ("derived_as_of", as_of.isoformat(), "Derived tables were built up to this day."),
        ("derived_at", dt.datetime.now().isoformat(timespec="seconds"), "When the derived tables were built."),
        ("derived_from", data_fingerprint(con), "Row counts of the source tables the derived tables were built from."),
        ("derived_through", data_through(con, as_of),
         "data_through(derived_as_of) at the build: the derived rows hold while it is unchanged."),
        ("derived_month_end", data_through(con, last_month_end(as_of)),
         "data_through(the last month-end on or before derived_as_of) at the build: the month-end rows up to that "
         "month-end hold while it is unchanged."),
    ]


def derived_is_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the derived tables exist and were built from the data as it is now."""
    def fresh() -> bool:
        rows = con.execute("SELECT value FROM settings WHERE key = 'derived_from'").fetchall()
        present = all(db.table_exists(con, table) for table in ("installment_settlement", "loan_month", "day_snapshot"))
        return bool(rows) and present and rows[0][0] == data_fingerprint(con)
    return _remembered(con, "derived_freshness", "BOOLEAN", fresh)


def fresh_through(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The day derive built the derived tables through (the setting derived_as_of), while they match all the data
    as it is now (derived_is_fresh): the whole tables can be read. Else None."""
    if not derived_is_fresh(con):
        return None
    rows = con.execute("SELECT value FROM settings WHERE key = 'derived_as_of'").fetchall()
    return dt.date.fromisoformat(rows[0][0]) if rows else None


def derived_covers(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> bool:
    """Whether the derived status rows of `as_of` (day_snapshot, loan_month) still hold: the data has not changed
    since the build, or `as_of` is on or before valid_through."""
    if derived_is_fresh(con):
        return True
    through = valid_through(con)
    return through is not None and as_of <= through


def valid_through(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The latest day through which every derived row still holds: the day derive built through while the data up
    to it is unchanged (the live feed adds only later days); else the last month-end before it while the data up
    to that is unchanged (data of the days after it came in since the build); else None (data of an earlier day
    came in since: the derived tables wait for derive). Also None when derive never ran."""
    return _remembered(con, "derived_valid_through", "DATE", lambda: _valid_through(con))


def _valid_through(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    settings = dict(con.execute("SELECT key, value FROM settings WHERE key IN "
                                "('derived_as_of', 'derived_through', 'derived_month_end')").fetchall())
    if "derived_as_of" not in settings or "derived_through" not in settings:
        return None
    built_through = dt.date.fromisoformat(settings["derived_as_of"])
    if derived_is_fresh(con) or data_through(con, built_through) == settings["derived_through"]:
        return built_through
    month_end = last_month_end(built_through)
    if settings.get("derived_month_end") == data_through(con, month_end):
        return month_end
    return None


@contextlib.contextmanager
def reading(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A block of reads on a read-write connection that writes nothing meanwhile (as an evaluation of the limits
    reads every metric before it writes): the answers are kept as on a read-only connection, and forgotten after.
    No other process can write while this one holds the file."""
    db.run(con, f"CREATE OR REPLACE TEMP TABLE {_READING} AS SELECT 1 AS value")
    try:
        yield
    finally:
        for table in (*_KEPT, _READING):
            db.run(con, f"DROP TABLE IF EXISTS temp.{table}")


_READING = "freshness_reading"
_KEPT = ("derived_freshness", "derived_valid_through", "freshness_data_through")
_THROUGH = "freshness_data_through"


def _remembered(con: duckdb.DuckDBPyConnection, table: str, sql_type: str, compute: Callable):
    """compute(), once per read-only connection: the data it sees cannot change while it is open (DuckDB locks
    writers out), so the answer is kept in a temporary table. A read-write connection computes every time, except
    inside reading()."""
    keep = db.is_read_only(con) or db.temp_table_exists(con, _READING)
    if keep and db.temp_table_exists(con, table):
        return con.execute(f"SELECT value FROM {table}").fetchall()[0][0]
    value = compute()
    if keep:
        db.run(con, f"CREATE TEMP TABLE {table} AS SELECT CAST(? AS {sql_type}) AS value", [value])
    return value


def _text(values: tuple) -> str:
    return ",".join(str(v) for v in values)
