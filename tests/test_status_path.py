"""The loans' status paths (monitor.status_path): every day's rows equal the status computed for that day, and a day
they cover is read from them, never from a day they do not hold yet.

The hand-worked loans of test_status_cases check the paths' numbers one by one (its `check` reads them too); here the
demo book (4,000 loans, two years) checks them against the computation across its days."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from polars.testing import assert_frame_equal

from monitor import day_status, db, derive, status, status_path
from monitor.status import day_status_sql, status_params

AS_OF = dt.date(2026, 11, 29)  # the demo book's day


def demo_days(con) -> list[dt.date]:
    """Days across the demo book's life: its first days, every fifth day, every month-end and the day after, and each
    of its last 40 days."""
    first = status.first_data_date(con)
    span = (AS_OF - first).days
    days = {first - dt.timedelta(days=1), first, first + dt.timedelta(days=1)}
    days |= {first + dt.timedelta(days=k) for k in range(0, span, 5)}
    days |= {AS_OF - dt.timedelta(days=k) for k in range(40)}
    month_firsts = {first.replace(day=1) + dt.timedelta(days=32 * k) for k in range(span // 30 + 2)}
    days |= {m.replace(day=1) - dt.timedelta(days=offset) for m in month_firsts for offset in (0, 1)}
    return sorted(day for day in days if day <= AS_OF)


def differing(con, day: dt.date) -> tuple[int, int]:
    """Rows of the day read from the paths and not computed, and computed and not on the paths (duplicates count)."""
    path, computed = status_path.day_rows_sql(), day_status_sql(precomputed_sums=True)
    return tuple(con.execute(f"SELECT count(*) FROM (({a}) EXCEPT ALL ({b}))", status_params(con, day)).fetchall()[0][0]
                 for a, b in ((path, computed), (computed, path)))


def test_every_day_of_the_demo_book_reads_from_the_paths_as_computed(demo_con):
    types = [demo_con.execute(f"DESCRIBE ({sql})", status_params(demo_con, AS_OF)).fetchall()
             for sql in (status_path.day_rows_sql(), day_status_sql(precomputed_sums=True))]
    assert types[0] == types[1]  # the same columns of the same types, so that either serves a page
    days = demo_days(demo_con)
    assert len(days) > 200
    for day in days:
        assert differing(demo_con, day) == (0, 0), day
    assert status.active_loans(demo_con, AS_OF) == demo_con.execute(
        f"SELECT count(*) FROM ({status_path.day_rows_sql()})", status_params(demo_con, AS_OF)).fetchall()[0][0]


def test_a_day_the_paths_cover_is_read_and_pinned_from_them(demo_db):
    con = db.connect(demo_db, read_only=True)
    try:
        day = dt.date(2026, 6, 17)  # no snapshot, no month-end
        assert not day_status.precomputed(con, day)
        assert status_path.TABLE in day_status.source(con, day)
        computed = con.sql(f"SELECT * FROM ({day_status_sql(True)}) ORDER BY loan_id",
                           params=status_params(con, day)).pl()
        day_status.pin_day(con, day)
        assert day_status.pinned_days(con) == {day}
        assert day_status.pinned_rows(con, day).sort("loan_id").equals(computed)
    finally:
        con.close()


def test_paths_are_not_read_past_the_day_they_were_built_through(demo_db, tmp_path):
    path = tmp_path / "built_earlier.duckdb"
    shutil.copy(demo_db, path)
    built = dt.date(2026, 11, 20)
    with db.connect(path) as con:
        derive.derive(con, built)
    con = db.connect(path, read_only=True)
    try:
        assert status_path.TABLE in day_status.source(con, built - dt.timedelta(days=12))
        later = built + dt.timedelta(days=3)  # payments of the days after the build are not in the paths
        assert status_path.TABLE not in day_status.source(con, later)
        assert differing(con, built - dt.timedelta(days=12)) == (0, 0)
    finally:
        con.close()


def test_a_book_derived_before_the_paths_existed_computes_its_days(demo_db, tmp_path):
    path = tmp_path / "no_paths.duckdb"
    shutil.copy(demo_db, path)
    with db.connect(path) as con:
        con.execute(f"DROP TABLE {status_path.TABLE}")
    con = db.connect(path, read_only=True)
    try:
        day = dt.date(2026, 6, 17)
        assert day_status.source(con, day) == day_status_sql(precomputed_sums=True)
    finally:
        con.close()


# What each loan had paid by the end of the day before any charge-off, and the interest it brought: its installments
# in order, within each interest first (DESIGN.md §4) -- written out plainly, payments against installments.
PAID_AND_INTEREST = """
    WITH l AS (SELECT loan_id, CAST(least($as_of + 1, coalesce(charge_off_date, $as_of + 1)) AS TIMESTAMP) AS before
               FROM loans WHERE origination_date <= $as_of AND loan_id IN (SELECT loan_id FROM installments)),
         paid AS (SELECT l.loan_id, coalesce(sum(p.amount), 0) AS paid FROM l
                  LEFT JOIN payments p ON p.loan_id = l.loan_id AND p.paid_at < l.before GROUP BY l.loan_id),
         due AS (SELECT loan_id, interest_due, sum(amount_due) OVER (PARTITION BY loan_id ORDER BY installment_no)
                        - amount_due AS due_before_it FROM installments)
    SELECT p.loan_id, CAST(p.paid * 100 AS BIGINT) AS paid_fen,
           CAST(coalesce(sum(least(d.interest_due, greatest(0, p.paid - d.due_before_it))), 0) * 100 AS BIGINT)
               AS interest_fen
    FROM paid p JOIN due d USING (loan_id) GROUP BY p.loan_id, p.paid"""


@pytest.mark.parametrize("day", [dt.date(2025, 3, 9), dt.date(2026, 6, 17), AS_OF])
def test_what_each_loan_had_paid_and_the_interest_it_brought(demo_con, day):
    held = status_path.held_sql("(SELECT loan_id FROM loans)")
    assert [demo_con.execute(f"SELECT count(*) FROM (({a}) EXCEPT ALL ({b}))", {"as_of": day}).fetchall()[0][0]
            for a, b in ((held, PAID_AND_INTEREST), (PAID_AND_INTEREST, held))] == [0, 0]
    closed = demo_con.execute(f"SELECT count(*) FROM ({held}) h JOIN loans l USING (loan_id) "
                              "WHERE l.closed_date <= $as_of", {"as_of": day}).fetchall()[0][0]
    assert closed > 0 or day < dt.date(2025, 6, 1)  # closed loans keep what they had paid


def test_some_loans_status_has_the_same_rows_however_the_day_is_held(demo_db, monkeypatch):
    """day_status.loans_source of loans some of which are not active at the day (originated later, closed before):
    the same rows, active loans only, from the snapshots, the status paths or computed."""
    day = AS_OF - dt.timedelta(days=1)  # a snapshot day
    chosen = ("(SELECT loan_id FROM (SELECT loan_id FROM loans ORDER BY origination_date DESC, loan_id LIMIT 250) "
              "UNION ALL SELECT loan_id FROM (SELECT loan_id FROM loans WHERE closed_date <= $as_of "
              "ORDER BY closed_date DESC, loan_id LIMIT 50))")
    con = db.connect(demo_db, read_only=True)
    try:
        rows = {}
        for held in ("snapshot", "paths", "computed"):
            if held == "paths":
                monkeypatch.setattr(day_status, "_derived_rows", lambda con, as_of: None)
            if held == "computed":
                monkeypatch.setattr(status_path, "covers", lambda con, as_of: False)
            query = day_status.loans_source(con, day, chosen)
            assert (status_path.TABLE in query) == (held == "paths")
            rows[held] = con.sql(f"SELECT * FROM ({query}) ORDER BY loan_id", params=status_params(con, day)).pl()
    finally:
        con.close()
    assert 200 < rows["snapshot"].height < 250  # the newest loans but those of AS_OF; none of the closed
    assert_frame_equal(rows["paths"], rows["snapshot"])
    assert_frame_equal(rows["computed"], rows["snapshot"])
