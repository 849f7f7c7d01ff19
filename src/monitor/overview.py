"""What the database holds: the figures of the Data page, also usable from the command line.

Table names and their date columns come only from the allow-list below, never from a user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from monitor import db, status

TRUTH_TABLE = "synthetic_truth"

# The date that places each table's rows in time (timestamps are cast to their day).
DATE_COLUMNS = {
    "customers": "created_at",
    "loans": "origination_date",
    "installments": "due_date",
    "payments": "paid_at",
    "collection_actions": "action_at",
    "restructurings": "restructured_on",
    "agencies": "contract_start",
    "complaints": "received_at",
    "installment_settlement": "due_date",
    "loan_status_path": "valid_from",
    "loan_month": "month_end",
    "day_snapshot": "as_of",
}

TABLE_KINDS = (("source", db.SOURCE_TABLES), ("derived", db.DERIVED_TABLES), ("synthetic", (TRUTH_TABLE,)))


@dataclass(frozen=True)
class Freshness:
    first_data_date: dt.date | None
    latest_data_date: dt.date | None
    derived_as_of: dt.date | None  # None: the derived tables were never built
    schema_version: int
    timezone: str

    def days_old(self, now: dt.datetime | None = None) -> int | None:
        """Days from the latest data date to today in the book's time zone (`now`: an aware datetime)."""
        if self.latest_data_date is None:
            return None
        zone = ZoneInfo(self.timezone)
        today = (now or dt.datetime.now(zone)).astimezone(zone).date()
        return (today - self.latest_data_date).days


@dataclass(frozen=True)
class ChargeOffPolicy:
    dpd: int
    description: str


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchall()
    return {name for (name,) in rows}


def is_synthetic(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the book is the synthetic lender's (a demo book): the generator, and the feed for each loan it adds,
    write the hidden truth of every loan to synthetic_truth; a lender's own book, built by loading files, has none
    (every book has the table, empty). Demo-only content (the truth table, the model's oracle) shows on such a book
    only, labelled as such."""
    if TRUTH_TABLE not in _existing_tables(con):
        return False
    return con.execute(f"SELECT EXISTS (FROM {TRUTH_TABLE})").fetchall()[0][0]


def table_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per table present (source, derived, then synthetic_truth on a synthetic book only): table, kind,
    rows, date_column, first_date, last_date. Tables without a date column have null dates."""
    existing = _existing_tables(con)
    if not is_synthetic(con):
        existing.discard(TRUTH_TABLE)
    parts = []
    for kind, tables in TABLE_KINDS:
        for table in (name for name in tables if name in existing):
            column = DATE_COLUMNS.get(table)
            name, first, last = ((f"'{column}'", f"min({column})", f"max({column})") if column
                                 else ("NULL", "NULL", "NULL"))
            parts.append(f"""SELECT {len(parts)} AS ord, '{table}' AS "table", '{kind}' AS kind,
                                    count(*) AS "rows", CAST({name} AS VARCHAR) AS date_column,
                                    CAST({first} AS DATE) AS first_date, CAST({last} AS DATE) AS last_date
                             FROM {table}""")
    query = f"""SELECT "table", kind, "rows", date_column, first_date, last_date
                FROM ({' UNION ALL '.join(parts)}) ORDER BY ord"""
    return con.sql(query).pl()


def _setting_or_none(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    try:
        return db.setting(con, key)
    except db.DatabaseError:
        return None


def freshness(con: duckdb.DuckDBPyConnection) -> Freshness:
    derived = _setting_or_none(con, "derived_as_of")
    return Freshness(
        first_data_date=status.first_data_date(con),
        latest_data_date=status.latest_data_date(con),
        derived_as_of=dt.date.fromisoformat(derived) if derived else None,
        schema_version=db.schema_version(con),
        timezone=_setting_or_none(con, "timezone") or db.BOOK_TIMEZONE,
    )


def charge_off_policy(con: duckdb.DuckDBPyConnection) -> ChargeOffPolicy:
    rows = con.execute("SELECT value, description FROM settings WHERE key = 'charge_off_dpd'").fetchall()
    if not rows:
        raise db.DatabaseError("setting 'charge_off_dpd' is missing from the settings table")
    value, description = rows[0]
    return ChargeOffPolicy(dpd=int(value), description=description)
