"""The derived tables kept current by the writer (monitor.derive_update) hold exactly the rows of a full `derive`:
after a write that brings a new day (month-end included), after writes of the same day (a payment, a new loan, a
charge-off), after the live feed's batches; and a write into tables that did not match the data leaves them waiting.

Each test copies the demo book (4,000 loans, derived as of 2026-11-29)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor import db, derive_update, freshness
from monitor.derive import derive
from monitor.live.command import local_now

from .conftest import DEMO_AS_OF
from .test_cli import monitor

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


def _rows_differing(path: Path) -> dict[str, int]:
    """Per derived table, the rows in which the book differs from a full derive of a copy of it (both ways)."""
    reference = path.with_name(f"{path.stem}-derived.duckdb")
    shutil.copyfile(path, reference)
    con = db.connect(reference)
    try:
        derive(con)
        con.execute(f"ATTACH '{path}' AS kept (READ_ONLY)")
        return {table: con.execute(f"""SELECT count(*) FROM (
                    (SELECT * FROM main.{table} EXCEPT ALL SELECT * FROM kept.{table})
                    UNION ALL (SELECT * FROM kept.{table} EXCEPT ALL SELECT * FROM main.{table}))""").fetchall()[0][0]
                for table in db.DERIVED_TABLES}
    finally:
        con.close()


def _write(path: Path, sql: list[tuple[str, list]], loan_ids: list[int]) -> str:
    """Run the statements in one transaction, as a writer does, with the derived tables brought up to date."""
    con = db.connect(path)
    try:
        with db.transaction(con):
            before = derive_update.before_write(con)
            for statement, params in sql:
                db.run(con, statement, params)
            return derive_update.after_write(con, before, loan_ids)
    finally:
        con.close()


def _pay(loan_id: int, at: dt.datetime, amount: float) -> tuple[str, list]:
    return ("INSERT INTO payments SELECT max(payment_id) + 1, ?, ?, ?, 'app' FROM payments", [loan_id, at, amount])


@pytest.fixture
def book(demo_db, tmp_path) -> Path:
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def _most_delinquent(path: Path, n: int) -> list[int]:
    con = db.connect(path, read_only=True)
    try:
        return [row[0] for row in con.execute(
            "SELECT loan_id FROM day_snapshot WHERE as_of = ? ORDER BY dpd DESC, loan_id LIMIT ?",
            [DEMO_AS_OF, n]).fetchall()]
    finally:
        con.close()


def _fresh_through(path: Path) -> dt.date | None:
    con = db.connect(path, read_only=True)
    try:
        return freshness.fresh_through(con)
    finally:
        con.close()


def test_a_new_day_across_a_month_end_then_writes_of_that_day(book):
    late, later = _most_delinquent(book, 2)
    # 2026-12-02: a new latest day, a month-end (11-30) in between: every loan gets its 11-30 row
    assert _write(book, [_pay(late, dt.datetime(2026, 12, 2, 9), 80.0)], [late]) == "rolled"
    assert _rows_differing(book) == dict.fromkeys(db.DERIVED_TABLES, 0)
    assert _fresh_through(book) == D(2026, 12, 2)
    # the same day: another payment, paying the loan's arrears in full
    assert _write(book, [_pay(later, dt.datetime(2026, 12, 2, 15), 20_000.0)], [later]) == "updated"
    assert _rows_differing(book) == dict.fromkeys(db.DERIVED_TABLES, 0)
    assert _fresh_through(book) == D(2026, 12, 2)


def test_writes_of_the_latest_day_a_new_loan_and_a_charge_off(book):
    late = _most_delinquent(book, 1)[0]
    new_loan = [
        ("""INSERT INTO loans SELECT max(loan_id) + 1, 1, 'cash_loan', 'app', DATE '2026-11-29', 3000, 0.2, 3,
                'equal_installment', 650, 'active', NULL, NULL, NULL FROM loans""", []),
        ("""INSERT INTO installments SELECT (SELECT max(loan_id) FROM loans), k,
                DATE '2026-11-29' + CAST(30 * k AS INTEGER), 1000, 50, 0, 1050 FROM range(1, 4) r(k)""", []),
    ]
    con = db.connect(book, read_only=True)
    try:
        new_id = con.execute("SELECT max(loan_id) + 1 FROM loans").fetchall()[0][0]
    finally:
        con.close()
    assert _write(book, new_loan, [new_id]) == "updated"
    assert _rows_differing(book) == dict.fromkeys(db.DERIVED_TABLES, 0)
    charge_off = [("UPDATE loans SET status = 'charged_off', closed_date = DATE '2026-11-29', "
                   "charge_off_date = DATE '2026-11-29' WHERE loan_id = ?", [late])]
    assert _write(book, charge_off, [late]) == "updated"
    assert _rows_differing(book) == dict.fromkeys(db.DERIVED_TABLES, 0)


def test_a_late_payment_of_a_past_day_recomputes_the_loan_s_past_rows(book):
    """A payment dated weeks back (a late file): the loan's past month-end rows change too, and only the loan's."""
    late = _most_delinquent(book, 1)[0]
    assert _write(book, [_pay(late, dt.datetime(2026, 10, 3, 9), 5_000.0)], [late]) == "updated"
    assert _rows_differing(book) == dict.fromkeys(db.DERIVED_TABLES, 0)


def test_a_write_into_tables_that_wait_for_derive_changes_nothing(book):
    """Tables already waiting for derive (a late payment landed without the update) stay waiting: which loans
    changed since they held is no longer known."""
    late, other = _most_delinquent(book, 2)
    con = db.connect(book)
    try:
        db.run(con, *_pay(late, dt.datetime(2026, 10, 3, 9), 50.0))
    finally:
        con.close()
    assert _write(book, [_pay(other, dt.datetime(2026, 11, 29, 9), 50.0)], [other]) == "waiting"
    assert _fresh_through(book) is None


def test_a_write_after_an_unrecorded_one_recomputes_what_changed_since(book):
    """A payment written without the update (an older writer), then one with it: the update finds the first too."""
    first, second = _most_delinquent(book, 2)
    con = db.connect(book)
    try:
        db.run(con, *_pay(first, dt.datetime(2026, 11, 30, 10), 300.0))
    finally:
        con.close()
    assert _fresh_through(book) is None
    assert _write(book, [_pay(second, dt.datetime(2026, 11, 30, 11), 300.0)], [second]) == "rolled"
    assert _rows_differing(book) == dict.fromkeys(db.DERIVED_TABLES, 0)


def test_a_loaded_payments_file_keeps_the_derived_tables_current(book):
    """A file of payments, one of the latest day and one weeks late, through `monitor ingest`."""
    late, other = _most_delinquent(book, 2)
    file = book.with_name("payments.csv")
    file.write_text("payment_id,loan_id,paid_at,amount,channel\n"
                    f"900000001,{late},2026-11-29 10:00:00,120.00,app\n"
                    f"900000002,{other},2026-11-02 10:00:00,800.00,auto_debit\n")
    result = monitor("ingest", "--db", str(book), str(file), cwd=book.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _fresh_through(book) == DEMO_AS_OF
    assert _rows_differing(book) == dict.fromkeys(db.DERIVED_TABLES, 0)


def test_the_live_feed_keeps_the_derived_tables_current(book):
    """The feed writes today's events (today is after the book's last day: its first batch brings a new day, the
    next ones write into it); its tables then equal a full derive, and readers find them fresh."""
    subprocess.run([sys.executable, "-m", "monitor", "feed", "--db", str(book), "--rate", "200", "--seconds", "3",
                    "--seed", "3"], cwd=ROOT, check=True, capture_output=True, timeout=120)
    con = db.connect(book, read_only=True)
    try:
        batches = con.execute("SELECT count(*) FROM ingest_batches WHERE source = 'feed'").fetchall()[0][0]
        today = local_now(ZoneInfo(db.setting(con, "timezone"))).date()
    finally:
        con.close()
    assert batches >= 2
    assert _fresh_through(book) == today
    assert _rows_differing(book) == dict.fromkeys(db.DERIVED_TABLES, 0)
