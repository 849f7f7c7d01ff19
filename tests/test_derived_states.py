"""Every figure holds in every state the book can be in: derived tables built through an earlier day (a book whose
last derive was weeks ago), a live day before the nightly derive, data of the same day after a midday derive, and
the figures of a past day and of a young book. Each state's figures (the report's JSON, the Delinquency and Executive
views, the portfolio projection) must equal those after a full derive; when data of a day the derived tables were
built from changes, the state says the month-end figures wait for derive, and since when.

Each test copies the demo book (4,000 loans as of 2026-11-29, seed 7) and brings it into one state.
"""

from __future__ import annotations

import datetime as dt
import shutil

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from monitor import day_status, db, derived, report, status, views
from monitor.derive import derive as build_derived
from monitor.simulate import projection

D = dt.date
AS_OF = D(2026, 11, 29)


def figures(path, day: dt.date) -> dict:
    """Everything the report, the Delinquency page (book and one segment), the Executive page and the portfolio
    projection show for `day`, on a new read-only connection as the dashboard opens it."""
    con = db.connect(path, read_only=True)
    try:
        return {"report": report.build_report(con, day),
                "delinquency": views.delinquency_view(con, day),
                "delinquency_broker": views.delinquency_view(con, day, "channel", "broker", "province"),
                "executive": views.executive_view(con, day),
                "simulate": projection.simulate(con, day, 6, paths=50)}
    finally:
        con.close()


def assert_same(expected, actual, where: str = "") -> None:
    """Equal figure by figure (floats to 1e-9 relative); the derived tables' own state is not a figure."""
    if isinstance(expected, dict):
        assert set(expected) == set(actual), where
        for key in expected:
            if key != "derived":
                assert_same(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, pl.DataFrame):
        try:
            assert_frame_equal(expected, actual, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
        except AssertionError as error:
            raise AssertionError(f"{where}: {error}") from None
    elif isinstance(expected, list | tuple):
        assert len(expected) == len(actual), where
        for k, (a, b) in enumerate(zip(expected, actual, strict=True)):
            assert_same(a, b, f"{where}[{k}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-9), where
    else:
        assert expected == actual, where


def copy(demo_db, tmp_path, name: str):
    path = tmp_path / f"{name}.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def derive(path, as_of: dt.date | None = None) -> None:
    con = db.connect(path)
    try:
        build_derived(con, as_of)
    finally:
        con.close()


def add_payment(path, paid_at: dt.datetime, batch: dt.datetime | None = None) -> None:
    """A payment of 50 yuan on the most delinquent active loan, as the feed would add it, or a late file loaded at
    `batch`."""
    con = db.connect(path)
    try:
        day = paid_at.date()
        loan = con.execute(f"SELECT loan_id FROM ({day_status.source(con, day)}) ORDER BY dpd DESC, loan_id "
                           "LIMIT 1", status.status_params(con, day)).fetchall()[0][0]
        db.run(con, "INSERT INTO payments SELECT max(payment_id) + 1, ?, ?, 50.00, 'app' FROM payments",
               [loan, paid_at])
        if batch:
            db.run(con, "INSERT INTO ingest_batches VALUES ('late', 'file', 'late.csv', 'payments', ?, 1, 1, 0, 0)",
                   [batch])
    finally:
        con.close()


@pytest.mark.parametrize("day", [AS_OF, D(2026, 11, 15), D(2026, 10, 31), D(2025, 1, 20)],
                         ids=["latest", "mid-month", "past month-end", "young book"])
def test_a_derive_weeks_old_gives_the_figures_of_a_full_derive(demo_db, tmp_path, day):
    """Derived through 2026-10-20: the month-end 2026-10-31 and every settlement since come from the source tables."""
    behind = copy(demo_db, tmp_path, "behind")
    derive(behind, D(2026, 10, 20))
    con = db.connect(behind, read_only=True)
    try:
        state = derived.state(con)
    finally:
        con.close()
    assert (state.state, state.built_through, state.valid_through) == ("complete", D(2026, 10, 20), D(2026, 10, 20))
    assert_same(figures(demo_db, day), figures(behind, day))


def test_a_live_day_before_the_nightly_derive(demo_db, tmp_path):
    """Derived through the day before, with a payment of the day on a delinquent loan (the live feed's)."""
    full, live = copy(demo_db, tmp_path, "full"), copy(demo_db, tmp_path, "live")
    derive(live, AS_OF - dt.timedelta(days=1))
    for path in (full, live):
        add_payment(path, dt.datetime(2026, 11, 29, 15, 0))
    derive(full)
    assert_same(figures(full, AS_OF), figures(live, AS_OF))


def test_a_payment_of_the_day_after_a_midday_derive(demo_db, tmp_path):
    """Derived through today at noon, then a payment of today: the rows hold only through the last month-end
    (2026-10-31); the month-end rows up to it are kept, the rest comes from the source tables."""
    full, midday = copy(demo_db, tmp_path, "full"), copy(demo_db, tmp_path, "midday")
    for path in (full, midday):
        add_payment(path, dt.datetime(2026, 11, 29, 16, 0))
    derive(full)
    con = db.connect(midday, read_only=True)
    try:
        assert derived.state(con).valid_through == D(2026, 10, 31)
    finally:
        con.close()
    assert_same(figures(full, AS_OF), figures(midday, AS_OF))


def test_a_late_payment_of_a_derived_day_makes_the_month_end_figures_wait(demo_db, tmp_path):
    late = copy(demo_db, tmp_path, "late")
    derive(late)  # now, so that the load comes after it
    loaded_at = dt.datetime.now().replace(microsecond=0) + dt.timedelta(seconds=1)
    add_payment(late, dt.datetime(2026, 10, 10, 11, 0), batch=loaded_at)
    con = db.connect(late, read_only=True)
    try:
        state = derived.state(con)
        figures_now = report.build_report(con, AS_OF)
    finally:
        con.close()
    assert (state.state, state.built_through, state.valid_through) == ("waiting", AS_OF, None)
    assert state.waiting_since == loaded_at
    assert figures_now["derived"]["state"] == "waiting"
    derive(late)
    con = db.connect(late, read_only=True)
    try:
        assert derived.state(con).state == "complete"
    finally:
        con.close()
