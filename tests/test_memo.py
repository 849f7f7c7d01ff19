"""monitor.memo.PastDayMemo keeps a past month-end's figures across connections exactly while the data up to that
month-end is unchanged and the derived tables stand as they did; the views and the projection give the same figures
with it as without it. Each test copies the demo book (4,000 loans, derived as of 2026-11-29)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from monitor import day_status, db, derive, derive_update, memo, metrics, views
from monitor.months import last_month_end, months_before
from monitor.simulate import markov, projection

from .test_derived_states import assert_same

D = dt.date
MONTH_END = D(2026, 10, 31)
ARGS = (D(2026, 6, 30), MONTH_END, None, None)


@pytest.fixture
def book(demo_db, tmp_path) -> Path:
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def _with(path: Path, read, *, read_only: bool = True):
    con = db.connect(path, read_only=read_only)
    try:
        return read(con)
    finally:
        con.close()


def _rolls(path: Path, past) -> object:
    return _with(path, lambda con: past(con, MONTH_END, metrics.roll_rate_series, *ARGS))


def _pay(path: Path, at: dt.datetime, *, keep_derived: bool = True, loan: int | None = None) -> None:
    """20,000 yuan on `loan`, by default the loan most in arrears at MONTH_END (its status there changes when paid
    before it)."""
    def write(con):
        paid = loan if loan is not None else con.execute(
            "SELECT loan_id FROM loan_month WHERE month_end = ? ORDER BY dpd DESC, loan_id LIMIT 1",
            [MONTH_END]).fetchall()[0][0]
        with db.transaction(con):
            before = derive_update.before_write(con)
            db.run(con, "INSERT INTO payments SELECT max(payment_id) + 1, ?, ?, 20000.00, 'app' FROM payments",
                   [paid, at])
            if keep_derived:
                derive_update.after_write(con, before, [paid])
    _with(path, write, read_only=False)


def test_kept_while_only_later_days_change_then_computed_again(book):
    past = memo.PastDayMemo()
    first = _rolls(book, past)
    assert _rolls(book, past) is first  # another connection, the same data: kept
    _pay(book, dt.datetime(2026, 11, 29, 10))  # a later day's payment (as the live feed writes)
    assert _rolls(book, past) is first
    _pay(book, dt.datetime(2026, 10, 20, 10))  # a payment before the month-end: its figures change
    again = _rolls(book, past)
    assert again is not first
    assert_same(_rolls(book, memo.computed), again)
    assert not again.equals(first)


def test_figures_of_tables_waiting_for_derive_are_not_kept_after_derive(book):
    past = memo.PastDayMemo()
    _pay(book, dt.datetime(2026, 10, 20, 10), keep_derived=False)  # written without the update: tables wait
    waiting = _rolls(book, past)
    _with(book, derive.derive, read_only=False)
    fresh = _rolls(book, past)
    assert fresh is not waiting
    assert_same(_rolls(book, memo.computed), fresh)
    assert not fresh.equals(waiting)


def test_views_and_projection_give_the_same_figures_with_the_memo(book):
    """On a live day (a payment of the next day written), the second call reads the kept month-ends."""
    _pay(book, dt.datetime(2026, 11, 30, 10))
    past, day = memo.PastDayMemo(), D(2026, 11, 30)
    for _ in range(2):  # the first call fills the memo, the second reads it
        for name, view in (("delinquency", lambda con, p: views.delinquency_view(con, day, "channel", "app", past=p)),
                           ("executive", lambda con, p: views.executive_view(con, day, past=p)),
                           ("simulate", lambda con, p: projection.simulate(con, day, 6, paths=50, past=p))):
            assert_same(_with(book, lambda con, v=view: v(con, memo.computed)),
                        _with(book, lambda con, v=view: v(con, past)), name)


def test_days_of_one_month_share_the_projections_month_end_estimates(book, monkeypatch):
    """The Markov estimates and the backtest read month-ends only: a projection on 2026-11-27 reuses those computed
    for 2026-11-29 (the same last month-end), and gives what it gives without the memo."""
    calls = []
    estimate = markov.estimate
    monkeypatch.setattr(markov, "estimate", lambda *args: calls.append(args[1]) or estimate(*args))
    past = memo.PastDayMemo()
    _with(book, lambda con: projection.simulate(con, D(2026, 11, 29), 6, paths=50, past=past))
    computed_first = len(calls)
    kept = _with(book, lambda con: projection.simulate(con, D(2026, 11, 27), 6, paths=50, past=past))
    assert computed_first > 0 and len(calls) == computed_first  # nothing estimated again
    assert_same(_with(book, lambda con: projection.simulate(con, D(2026, 11, 27), 6, paths=50)), kept)


def test_a_days_status_is_computed_once_for_every_connection_while_its_data_holds(book, monkeypatch):
    """PastDayMemo.pin_day: the status of a day the derived tables do not hold (2026-11-18, no snapshot near it) is
    computed on the first connection and pinned from the kept rows on the next, the same rows; a payment of that day
    loaded late makes it computed again, and the rows are those of the new data."""
    day = D(2026, 11, 18)
    computed = []
    pin_day = day_status.pin_day
    monkeypatch.setattr(day_status, "pin_day", lambda con, d: computed.append(d) or pin_day(con, d))

    def pinned(past):
        def read(con):
            past.pin_day(con, day)
            return day_status.pinned_rows(con, day).sort("loan_id")
        return _with(book, read)

    past = memo.PastDayMemo()
    first = pinned(past)
    assert computed == [day] and first.height > 1000
    assert_same(first, pinned(past))
    assert computed == [day]  # the second connection pinned the kept rows
    worst = first.sort(["dpd", "loan_id"], descending=[True, False])["loan_id"][0]
    _pay(book, dt.datetime(2026, 11, 18, 10), loan=worst)
    after = pinned(past)
    assert computed == [day, day]
    assert_same(pinned(memo.computed), after)
    assert not after.equals(first)


@pytest.mark.parametrize("day", [D(2026, 11, 18), D(2026, 10, 31)])
def test_the_net_charge_off_trend_is_the_series_through_the_day(demo_db, day):
    """The executive trend keeps the months already over and computes the month in progress: together they are the
    series of the TREND_MONTHS months through the day (a month-end day: one series, all kept)."""
    def both(con):
        return (views.net_charge_off_trend(con, day, memo.PastDayMemo()),
                metrics.net_charge_off_series(con, day, views.TREND_MONTHS))
    trend, series = _with(demo_db, both)
    assert trend.height == views.TREND_MONTHS and trend["rate"].drop_nulls().len() > 0
    assert_same(trend, series)


@pytest.mark.parametrize("day", [D(2026, 11, 18), D(2026, 10, 31)])
def test_the_cash_trend_is_the_series_through_the_day(demo_db, day):
    """The executive cash trend keeps the months already over and computes the month in progress: together they are
    the cash series from the first of the TREND_MONTHS months through the day, the month in progress to date."""
    first = months_before(last_month_end(day), views.TREND_MONTHS - 1).replace(day=1)

    def both(con):
        past = memo.PastDayMemo()
        views.cash_trend(con, day, past)  # the second call reads the months already over from the memo
        return views.cash_trend(con, day, past), metrics.cash_series(con, first, day)
    trend, series = _with(demo_db, both)
    months = views.TREND_MONTHS + (last_month_end(day) != day)
    assert trend["month"].n_unique() == months and trend["amount"].sum() > 0
    assert_same(trend, series)


def test_the_executive_net_charge_off_kpi_is_the_trend_month_in_progress(demo_db):
    """The executive KPI of the day's net charge-off is the last month of its trend, and the rate through the day."""
    day = D(2026, 11, 18)

    def both(con):
        return views.executive_view(con, day), metrics.net_charge_off_rate(con, day, day)
    view, rate = _with(demo_db, both)
    kpi = view["kpis"].filter(pl.col("kpi") == "net_charge_off")["now"][0]
    assert kpi == pytest.approx(rate["rate"]) and kpi == pytest.approx(view["nco"]["rate"][-1]) and kpi > 0


def test_vintages_read_the_last_month_end_only(demo_db):
    """A view keeps the vintages by the last month-end: a day's vintages are that month-end's."""
    day = D(2026, 11, 18)
    assert_same(*_with(demo_db, lambda con: (metrics.vintages(con, day), metrics.vintages(con, D(2026, 10, 31)))))
