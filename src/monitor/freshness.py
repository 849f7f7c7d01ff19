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
import os
import threading
import weakref
from collections import OrderedDict
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
    Remembered as remembered() does: a view asks it for each figure it keeps in a PastDayMemo, and it costs a pass
    over the payments and the installments (about 1 s for a past day at 10,000,000 loans)."""
    return remembered(con, f"{_THROUGH}:{as_of.isoformat()}", lambda: _data_through(con, as_of))


def _data_through(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    # the installments of the loans known by then: all, less those of the (few) loans originated later
    return _text(con.execute("""
        WITH known AS (SELECT loan_id, closed_date FROM loans WHERE origination_date <= $as_of)
        SELECT (SELECT count(*) FROM known), (SELECT count(*) FROM known WHERE closed_date <= $as_of),
               (SELECT count(*) FROM installments) - (SELECT count(*) FROM installments WHERE loan_id IN
                   (SELECT loan_id FROM loans WHERE origination_date > $as_of)),
               (SELECT count(*) FROM payments WHERE paid_at < CAST($as_of + 1 AS TIMESTAMP)),
               (SELECT sum(amount) FROM payments WHERE paid_at < CAST($as_of + 1 AS TIMESTAMP))""",
                             {"as_of": as_of}).fetchall()[0] + (db.charge_off_dpd(con),))


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
    return remembered(con, "derived_freshness", fresh)


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
    return remembered(con, "derived_valid_through", lambda: _valid_through(con))


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
    db.run(con, f"CREATE OR REPLACE TEMP TABLE {_READING} (name VARCHAR PRIMARY KEY, value VARCHAR)")
    try:
        yield
    finally:
        db.run(con, f"DROP TABLE IF EXISTS temp.{_READING}")


_READING = "freshness_reading"
_THROUGH = "data_through"


def remembered(con: duckdb.DuckDBPyConnection, name: str, compute: Callable):
    """compute(), the answer `name` about the data (a name of its own per question and arguments), computed once
    for the data as it is:
    - on a read-only connection, once per state of the book file in this process (_BookFileMemo): what a read-only
      connection reads cannot change while it is open (DuckDB locks writers out), and every write committed since
      changes the file or its write-ahead log. The dashboard opens one such connection per loader, and the threads of
      a view one cursor each: they share the answers;
    - on a read-write connection inside reading(), once in that block;
    - else every time (this connection may write between two questions)."""
    state = _read_only_state(con)
    if state is not None:
        return _BOOK_FILES.get(state, name, compute)
    if not db.temp_table_exists(con, _READING):
        return compute()
    found = con.execute(f"SELECT value FROM {_READING} WHERE name = ?", [name]).fetchall()
    if found:
        return _decoded(found[0][0])
    value = compute()
    db.run(con, f"INSERT OR REPLACE INTO {_READING} VALUES (?, ?)", [name, _encoded(value)])
    return value


def _encoded(value: str | bool | dt.date | None) -> str:
    """An answer as tagged text for the reading() table: its type, a colon, its text."""
    return f"{type(value).__name__}:{value}"


def _decoded(text: str) -> str | bool | dt.date | None:
    kind, _, value = text.partition(":")
    return {"NoneType": lambda _: None, "bool": lambda v: v == "True", "date": dt.date.fromisoformat,
            "str": str}[kind](value)


class _BookFileMemo:
    """Answers about a book file's data, per state of the file (_read_only_state), for this process's read-only
    connections."""

    def __init__(self, size: int = 4096):
        self._lock = threading.Lock()
        self._size = size
        self._answers: OrderedDict[tuple, object] = OrderedDict()

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def get(self, state: tuple, name: str, compute: Callable):
        key = (state, name)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        value = compute()
        with self._lock:
            self._answers[key] = value
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return value


_BOOK_FILES = _BookFileMemo()


def forget() -> None:
    """Forget the answers kept for read-only connections, as a process started afresh would have none (the page
    benchmark's cold and warm views)."""
    _BOOK_FILES.clear()

_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> its _read_only_state
_STATES_LOCK = threading.Lock()


def _read_only_state(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """The state of the book file a read-only connection reads, taken once per connection (it cannot change while
    the connection is open): the file's and its write-ahead log's inode, modification time and size, and the row
    counts of the loans, installments and payments (metadata to DuckDB), so that a file written again in the same
    clock tick with the same size still tells. None for a read-write connection or one to no file (in memory)."""
    with _STATES_LOCK:
        if con in _STATES:
            return _STATES[con]
    state = _file_state(con) if db.is_read_only(con) else None
    with _STATES_LOCK:
        _STATES[con] = state
    return state


def _file_state(con: duckdb.DuckDBPyConnection) -> tuple | None:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    if not path or path[0][0] is None:
        return None
    state: list = [os.path.realpath(path[0][0])]
    for file in (path[0][0], f"{path[0][0]}.wal"):
        try:
            stat = os.stat(file)
            state += [stat.st_ino, stat.st_mtime_ns, stat.st_size]
        except FileNotFoundError:
            state += [None, None, None]
    counts = con.execute("SELECT (SELECT count(*) FROM loans), (SELECT count(*) FROM installments), "
                         "(SELECT count(*) FROM payments)").fetchall()[0]
    return (*state, *counts)


def _text(values: tuple) -> str:
    return ",".join(str(v) for v in values)
