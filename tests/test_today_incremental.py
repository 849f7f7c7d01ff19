"""The Today page's shortcuts give the numbers of the full computation: the day's status pinned from the day
before (day_status.pin_next_day), and yesterday's status kept across refreshes (monitor.memo.PastDayMemo.pin_day)."""

from __future__ import annotations

import datetime as dt
import shutil

import polars as pl
import pytest

from monitor import day_status, db, derive, freshness, memo, status
from monitor.live.today import today_view

from .conftest import DEMO_AS_OF

FIRST = dt.date(2026, 9, 20)  # through two month starts (mob changes) to the demo's last day


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def test_each_day_pinned_from_the_day_before_equals_its_full_status(demo_db):
    chained, full = db.connect(demo_db, read_only=True), db.connect(demo_db, read_only=True)
    try:
        carried = 0
        for day in _days(FIRST, DEMO_AS_OF):
            day_status.pin_next_day(chained, day)  # the day before is already pinned from its own day before
            computed = full.sql(f"SELECT * FROM ({day_status.source(full, day)})",
                                params=status.status_params(full, day)).pl()
            assert day_status.pinned_rows(chained, day).sort("loan_id").equals(computed.sort("loan_id")), day
            carried += chained.execute("SELECT count(*) FROM pinned_day_status_kept").fetchall()[0][0]
        assert carried > 0  # the shortcut was taken, not only the full computation
    finally:
        chained.close()
        full.close()


def test_each_day_pinned_from_the_day_after_equals_its_full_status(demo_db):
    """Backwards from the demo's last day, through a month-end and a month start."""
    chained, full = db.connect(demo_db, read_only=True), db.connect(demo_db, read_only=True)
    try:
        kept = 0
        for day in reversed(_days(FIRST, DEMO_AS_OF - dt.timedelta(days=1))):
            day_status.pin_previous_day(chained, day)  # the day after is already pinned from its own day after
            computed = full.sql(f"SELECT * FROM ({day_status.source(full, day)})",
                                params=status.status_params(full, day)).pl()
            assert day_status.pinned_rows(chained, day).sort("loan_id").equals(computed.sort("loan_id")), day
            kept += chained.execute("SELECT count(*) FROM pinned_day_status_kept").fetchall()[0][0]
        assert kept > 0  # the shortcut was taken, not only the full computation
    finally:
        chained.close()
        full.close()


BUILT_THROUGH = DEMO_AS_OF - dt.timedelta(days=2)  # derive ran two days ago: the last two days are live


@pytest.mark.parametrize("steps", [1, 2])
def test_a_live_day_near_the_build_pinned_in_steps_equals_its_full_status(demo_db, tmp_path, steps):
    """A day after the one the derived tables were built through is not in them (nor in the status paths): pin_day
    reaches it from that day in steps, up to MAX_STEPS; farther, it computes the day whole."""
    path = tmp_path / "built_earlier.duckdb"
    shutil.copyfile(demo_db, path)
    with db.connect(path) as con:
        derive.derive(con, BUILT_THROUGH)
    day = BUILT_THROUGH + dt.timedelta(days=steps)
    stepped, full = db.connect(path, read_only=True), db.connect(demo_db, read_only=True)
    try:
        assert not day_status.precomputed(stepped, day)
        day_status.pin_day(stepped, day)
        computed = full.sql(f"SELECT * FROM ({day_status.source(full, day)})",
                            params=status.status_params(full, day)).pl()
        assert day_status.pinned_rows(stepped, day).sort("loan_id").equals(computed.sort("loan_id"))
        assert len(day_status.pinned_days(stepped)) == (steps + 1 if steps <= day_status.MAX_STEPS else 1)
    finally:
        stepped.close()
        full.close()


@pytest.fixture
def live_book(demo_db, tmp_path):
    path = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def _view(path, past=memo.computed) -> dict:
    con = db.connect(path, read_only=True)
    try:
        view = today_view(con, DEMO_AS_OF, past)
    finally:
        con.close()
    return {k: v for k, v in view.items() if k not in ("by_hour", "events")}


def _pay(path, loan_id: int, paid_at: str, amount: str) -> None:
    con = db.connect(path)
    try:
        db.run(con, "INSERT INTO payments SELECT max(payment_id) + 1, ?, CAST(? AS TIMESTAMP), "
                    "CAST(? AS DECIMAL(14,2)), 'app' FROM payments", [loan_id, paid_at, amount])
    finally:
        con.close()


def _loan_in_arrears(path, day: dt.date) -> int:
    con = db.connect(path, read_only=True)
    try:
        found = day_status.status_as_of(con, day).filter(pl.col("dpd") >= 1)
    finally:
        con.close()
    return int(found["loan_id"][0])


def test_yesterday_is_reused_after_todays_events_and_recomputed_after_a_late_payment(live_book):
    previous = DEMO_AS_OF - dt.timedelta(days=1)
    past = memo.PastDayMemo()
    assert _view(live_book, past) == _view(live_book)
    con = db.connect(live_book, read_only=True)
    yesterday = freshness.data_through(con, previous)
    con.close()

    # a payment today leaves yesterday's data as it was: its cached status still serves, and the numbers move
    loan = _loan_in_arrears(live_book, previous)
    before = _view(live_book, past)
    _pay(live_book, loan, f"{DEMO_AS_OF} 12:00:00", "100000.00")
    con = db.connect(live_book, read_only=True)
    assert freshness.data_through(con, previous) == yesterday
    con.close()
    after = _view(live_book, past)
    assert after == _view(live_book)
    assert after["payments"] == before["payments"] + 1 and after["cured"] == before["cured"] + 1

    # a payment loaded late, dated yesterday, changes yesterday: the cached rows no longer match and are replaced
    other = _loan_in_arrears(live_book, previous - dt.timedelta(days=1))
    _pay(live_book, other, f"{previous} 15:00:00", "100000.00")
    con = db.connect(live_book, read_only=True)
    assert freshness.data_through(con, previous) != yesterday
    con.close()
    assert _view(live_book, past) == _view(live_book)


def _new_loan_today(path, day: dt.date) -> None:
    """A loan originated on `day` with one installment a month later, as the live feed adds them."""
    con = db.connect(path)
    try:
        db.run(con, """INSERT INTO loans SELECT max(loan_id) + 1, 1, 'cash_loan', 'app', $day, 1000.00, 0.18, 1,
                       'equal_installment', 650, 'active', NULL, NULL, NULL FROM loans""", {"day": day})
        db.run(con, """INSERT INTO installments SELECT max(loan_id), 1, $due, 1000.00, 15.00, 0.00, 1015.00
                       FROM loans""", {"due": day + dt.timedelta(days=30)})
    finally:
        con.close()


def _status_rows(path, day: dt.date):
    """(whether the derived rows of `day` serve its status, the status rows of `day`)."""
    con = db.connect(path, read_only=True)
    try:
        served = freshness.derived_covers(con, day) and "day_snapshot" in day_status.source(con, day)
        rows = con.sql(f"SELECT * FROM ({day_status.source(con, day)})",
                       params=status.status_params(con, day)).pl().sort("loan_id")
    finally:
        con.close()
    return served, rows


def test_the_derived_rows_of_past_days_serve_while_only_later_days_change(live_book):
    """The demo's derived tables are built through DEMO_AS_OF. Events of the day after (as the live feed writes)
    make the tables stale as a whole but leave DEMO_AS_OF's snapshot rows valid; a payment dated DEMO_AS_OF
    does not."""
    served, derived = _status_rows(live_book, DEMO_AS_OF)
    assert served
    after = DEMO_AS_OF + dt.timedelta(days=1)
    _pay(live_book, _loan_in_arrears(live_book, DEMO_AS_OF), f"{after} 09:00:00", "100000.00")
    _new_loan_today(live_book, after)
    con = db.connect(live_book, read_only=True)
    assert not freshness.derived_is_fresh(con) and not freshness.derived_covers(con, after)
    con.close()
    served, still = _status_rows(live_book, DEMO_AS_OF)
    assert served and still.equals(derived)

    loan = _loan_in_arrears(live_book, DEMO_AS_OF)
    _pay(live_book, loan, f"{DEMO_AS_OF} 18:00:00", "100000.00")
    served, computed = _status_rows(live_book, DEMO_AS_OF)
    assert not served
    assert computed.filter(computed["loan_id"] == loan)["dpd"].to_list() == [0]  # the late payment counts
