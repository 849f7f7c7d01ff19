"""Early-warning features and labels (DESIGN.md §5): no look-ahead, hand-worked values, the population.

The look-ahead proof: a copy of the demo book with every event after the as-of day deleted (later payments,
collection actions, restructurings and loans; loans closed later made active again), its derived tables
rebuilt by the CLI, gives exactly the features of the full book. A second copy rewrites the schedule after
the as-of day as a later early payoff does: the features do not change either.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from monitor import day_status, db, derive
from monitor.schedule import amortize_fen
from monitor.scoring.features import CATEGORICAL, DESCRIPTIONS, FEATURES, build_features
from monitor.scoring.labels import build_labels, horizon_end
from tests.builders import ACTION_COLUMNS, Book, yuan

D = dt.date
LOOK_AHEAD_DAYS = (D(2026, 6, 30), D(2026, 8, 15))


# -- the look-ahead proof ------------------------------------------------------------------------------------

def derive_with_cli(path: Path, as_of: dt.date) -> None:
    """Rebuild the derived tables exactly as a user does: python -m monitor derive."""
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    result = subprocess.run([sys.executable, "-m", "monitor", "derive", "--db", str(path), "--as-of",
                             as_of.isoformat()], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def truncate_after(path: Path, as_of: dt.date) -> None:
    """Delete every event after the end of `as_of`; a loan closed later is active again."""
    params = {"as_of": as_of, "until": dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())}
    con = db.connect(path)
    try:
        db.run(con, "DELETE FROM payments WHERE paid_at >= $until", {"until": params["until"]})
        db.run(con, "DELETE FROM collection_actions WHERE action_at >= $until", {"until": params["until"]})
        db.run(con, "DELETE FROM restructurings WHERE restructured_on > $as_of", {"as_of": as_of})
        db.run(con, "DELETE FROM installments WHERE loan_id IN (SELECT loan_id FROM loans WHERE origination_date > "
                    "$as_of)", {"as_of": as_of})
        db.run(con, "DELETE FROM loans WHERE origination_date > $as_of", {"as_of": as_of})
        db.run(con, "UPDATE loans SET status = 'active', closed_date = NULL, charge_off_date = NULL "
                    "WHERE closed_date > $as_of", {"as_of": as_of})
    finally:
        con.close()


@pytest.fixture(scope="module", params=LOOK_AHEAD_DAYS, ids=str)
def truncated(request, demo_db, tmp_path_factory):
    """(as_of, read-only connection to a copy of the demo book cut at the end of as_of, derived by the CLI)."""
    as_of = request.param
    path = tmp_path_factory.mktemp("truncated") / "truncated.duckdb"
    shutil.copy(demo_db, path)
    truncate_after(path, as_of)
    derive_with_cli(path, as_of)
    con = db.connect(path, read_only=True)
    yield as_of, con
    con.close()


def test_the_truncation_removed_the_future(truncated, demo_con):
    as_of, cut = truncated
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    assert cut.execute("SELECT count(*) FROM payments WHERE paid_at >= ?", [until]).fetchall()[0][0] == 0
    later = demo_con.execute("SELECT count(*) FROM payments WHERE paid_at >= ?", [until]).fetchall()[0][0]
    assert later > 1000  # the full book knows months of payments the copy does not
    assert cut.execute("SELECT count(*) FROM loans WHERE closed_date > ? OR origination_date > ?",
                       [as_of, as_of]).fetchall()[0][0] == 0
    assert cut.execute("SELECT value FROM settings WHERE key = 'derived_as_of'").fetchall()[0][0] == as_of.isoformat()


def test_features_use_no_data_after_the_as_of_day(truncated, demo_con):
    as_of, cut = truncated
    full = build_features(demo_con, as_of)
    known = build_features(cut, as_of)
    assert full.height > 1000
    assert_frame_equal(full, known, check_exact=True)


def test_the_proof_can_fail(truncated, demo_con):
    """The comparison is not vacuous: reading installment_settlement.settled_on without the as-of cap, or
    features of the next day, differ between the full book and the truncated copy."""
    as_of, cut = truncated
    ids = build_features(demo_con, as_of)["loan_id"].to_list()
    leaky = """SELECT loan_id, avg(greatest(0, CAST(coalesce(settled_on, $as_of) - due_date AS INTEGER))) AS late
               FROM installment_settlement
               WHERE due_date <= $as_of AND loan_id IN (SELECT unnest($ids)) GROUP BY loan_id ORDER BY loan_id"""
    full_leaky = demo_con.sql(leaky, params={"as_of": as_of, "ids": ids}).pl()
    cut_leaky = cut.sql(leaky, params={"as_of": as_of, "ids": ids}).pl()
    assert not full_leaky.equals(cut_leaky)
    settled_later = demo_con.execute(
        "SELECT count(*) FROM installment_settlement WHERE due_date <= ? AND settled_on > ? "
        "AND loan_id IN (SELECT unnest(?))", [as_of, as_of, ids]).fetchall()[0][0]
    assert settled_later > 0  # installments of scored loans that the full book says were settled later

    next_day = as_of + dt.timedelta(days=1)
    assert not build_features(demo_con, next_day).equals(build_features(cut, next_day))


def collapse_future_schedule(path: Path, as_of: dt.date) -> int:
    """Rewrite the installments due after `as_of` into one (the rest of the principal, a few yuan of interest,
    due three days later), as an early payoff after as_of would, for the loans active at as_of whose
    payments do not reach past what has fallen due (so their status at as_of cannot change). Returns how
    many loans were rewritten."""
    params = {"as_of": as_of, "until": dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())}
    con = db.connect(path)
    try:
        db.run(con, """
            CREATE TEMP TABLE collapse AS
            WITH paid AS (
                SELECT loan_id, sum(amount) AS paid FROM payments WHERE paid_at < $until GROUP BY loan_id
            ),
            schedule AS (
                SELECT loan_id, coalesce(sum(amount_due) FILTER (WHERE due_date <= $as_of), 0) AS due,
                       min(installment_no) FILTER (WHERE due_date > $as_of) AS next_no,
                       sum(principal_due) FILTER (WHERE due_date > $as_of) AS rest,
                       count(*) FILTER (WHERE due_date > $as_of) AS future
                FROM installments GROUP BY loan_id
            )
            SELECT s.loan_id, s.next_no, s.rest
            FROM schedule s JOIN loans l USING (loan_id) LEFT JOIN paid p USING (loan_id)
            WHERE l.origination_date <= $as_of AND (l.closed_date IS NULL OR l.closed_date > $as_of)
              AND s.future >= 2 AND coalesce(p.paid, 0) <= s.due
        """, params)
        db.run(con, """DELETE FROM installments i USING collapse c
                       WHERE i.loan_id = c.loan_id AND i.installment_no > c.next_no""")
        db.run(con, """UPDATE installments SET principal_due = c.rest, interest_due = 3.21, fee_due = 0,
                              amount_due = c.rest + 3.21, due_date = installments.due_date + 3
                       FROM collapse c
                       WHERE installments.loan_id = c.loan_id AND installments.installment_no = c.next_no""")
        return con.execute("SELECT count(*) FROM collapse").fetchall()[0][0]
    finally:
        con.close()


@pytest.mark.parametrize("as_of", LOOK_AHEAD_DAYS, ids=str)
def test_features_do_not_read_the_schedule_after_the_as_of_day(as_of, demo_db, demo_con, tmp_path):
    """The installments table holds today's schedule: an early payoff after as_of rewrites the rest of it
    (8% of the loans active at 2026-06-30 in the demo book). Features must not see it."""
    path = tmp_path / "rewritten.duckdb"
    shutil.copy(demo_db, path)
    rewritten = collapse_future_schedule(path, as_of)
    derive_with_cli(path, as_of)
    con = db.connect(path, read_only=True)
    try:
        full = build_features(demo_con, as_of)
        assert rewritten > 500
        assert_frame_equal(full, build_features(con, as_of), check_exact=True)
        # a naive remaining term (installments due after as_of) would have told the two books apart
        naive = "SELECT loan_id, count(*) FROM installments WHERE due_date > $as_of GROUP BY 1 ORDER BY 1"
        assert demo_con.sql(naive, params={"as_of": as_of}).fetchall() != con.sql(
            naive, params={"as_of": as_of}).fetchall()
    finally:
        con.close()


def test_same_features_and_labels_without_the_derived_tables(demo_db, demo_con, tmp_path):
    """The fast path (loan_month, installment_settlement) and the computation from the source tables agree."""
    path = tmp_path / "underived.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    try:
        for table in db.DERIVED_TABLES:
            db.run(con, f"DROP TABLE {table}")
        db.run(con, "DELETE FROM settings WHERE key IN ('derived_from', 'derived_as_of')")
        for as_of in (*LOOK_AHEAD_DAYS, D(2025, 3, 31), D(2026, 11, 29)):
            assert_frame_equal(build_features(demo_con, as_of), build_features(con, as_of), check_exact=True)
        for as_of in (*LOOK_AHEAD_DAYS, D(2026, 8, 31)):
            assert_frame_equal(build_labels(demo_con, as_of), build_labels(con, as_of), check_exact=True)
    finally:
        con.close()


# -- the population --------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_of", (D(2025, 6, 30), *LOOK_AHEAD_DAYS, D(2026, 11, 29)), ids=str)
def test_population_is_the_active_loans_below_30_dpd(as_of, demo_con):
    features = build_features(demo_con, as_of)
    assert features.columns == ["loan_id", *FEATURES, *CATEGORICAL]
    assert list(DESCRIPTIONS) == [*FEATURES, *CATEGORICAL]
    assert all(features.schema[name] == pl.Float64 for name in FEATURES)
    assert all(features.schema[name] == pl.String for name in CATEGORICAL)
    assert features["loan_id"].is_unique().all()
    assert features["loan_id"].is_sorted()
    day = day_status.status_as_of(demo_con, as_of)
    assert features["loan_id"].to_list() == day.filter(pl.col("dpd") < 30)["loan_id"].to_list()
    active = {r[0] for r in demo_con.execute(
        "SELECT loan_id FROM loans WHERE origination_date <= ? AND (closed_date IS NULL OR closed_date > ?)",
        [as_of, as_of]).fetchall()}
    assert set(features["loan_id"]) <= active
    assert (day["dpd"] >= 30).any()  # there were loans to leave out
    # the features hang together
    f = features
    for a, b in (("dpd", "max_dpd_3m"), ("max_dpd_3m", "max_dpd_6m"), ("max_dpd_6m", "max_dpd_12m"),
                 ("months_delinquent_3m", "months_delinquent_6m"),
                 ("months_delinquent_6m", "months_delinquent_12m")):
        assert (f[a] <= f[b]).all(), (a, b)
    assert f["dpd"].max() < 30
    assert f["balance_ratio"].is_between(0, 1).all()
    assert (f["months_delinquent_3m"] <= 3).all() and (f["months_delinquent_12m"] <= 12).all()
    assert f["product"].is_in(["cash_loan", "installment"]).all()
    assert f["city_tier"].is_in(["1", "2", "3", "4", "5"]).all()
    assert not any(f.select(pl.col(FEATURES).is_nan().any()).row(0))


# -- hand-worked features --------------------------------------------------------------------------------

AS_OF = D(2026, 6, 30)


def monthly(first: dt.date, n: int, principal: str, interest: str = "0.00") -> list[tuple]:
    return [(D(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, first.day),
             principal, interest, "0.00") for k in range(n)]


def amortized(principal_fen: int, rate: float, first: dt.date, n: int) -> list[tuple]:
    """A 等额本息 schedule from monitor.schedule (the generator's), as builder rows."""
    p, i = amortize_fen(np.array([principal_fen]), np.array([rate]), n, np.array([False]))
    return [(due, yuan(int(p[0, k])), yuan(int(i[0, k])), "0.00")
            for k, (due, *_rest) in enumerate(monthly(first, n, "0"))]


def action(book: Book, action_id: int, loan_id: int, at: str, kind: str, outcome: str = "contacted",
           ptp_amount: str | None = None, ptp_date: str | None = None) -> None:
    db.run(book.con, f"INSERT INTO collection_actions {ACTION_COLUMNS} "
                     "VALUES (?, ?, ?, ?, 'A0001', 'debtor', ?, ?, ?)",
           [action_id, loan_id, dt.datetime.fromisoformat(at), kind, outcome, ptp_amount,
            None if ptp_date is None else D.fromisoformat(ptp_date)])


L3_SCHEDULE = amortized(30000, 0.12, D(2026, 3, 1), 6)


@pytest.fixture(scope="module")
def hand_book(tmp_path_factory):
    """As of 2026-06-30:

    L1  customer 1  2025-12-25, 1,200 at 0%, 12 x 100 due the 25th from 2026-01-25
        pays 100 on 01-25, 200 on 04-02 (installments 2 and 3, 36 and 8 days late), 100 on 04-25,
        100 on 05-27 (2 days late), 30 on 06-25 (part of installment 6) and 70 on 07-02 (after as_of);
        month-end DPD 0, 0, 3, 34, 0, 0, 5 at 12-31 .. 06-30.
        Actions: promise on 05-10 for 05-15 (broken, before the window), sms 05-31 23:00 (before the window),
        promise 06-22 for 30 by 06-25 (kept), sms 06-26, promise 06-27 for 70 by 06-29 (broken), promise 06-29
        for 07-03 (not yet due), a call on 07-01 (after as_of).
    L2  customer 1  2026-05-15, 600 at 12% 等额本金, 200 principal + 6/4/2 interest due 06-15, 07-15, 08-15;
        nothing paid: DPD 15.
    L4  customer 2  2025-10-05, never paid, restructured 2026-02-01 into
    L3  customer 2  2026-02-01, 300 at 12% 等额本息 over 6 months from 03-01, paid on every due date.
    L5  customer 2  2026-03-10, 3 x 100 from 04-10, never paid: DPD 81, not scored but the other loan of L3.
    L6  customer 3  paid off 2026-03-10; L7 customer 3 originated 2026-07-05: neither is scored.
    """
    book = Book(tmp_path_factory.mktemp("features") / "hand.duckdb")
    book.loan(1, "2025-12-25", "1200.00", monthly(D(2026, 1, 25), 12, "100.00"))
    for at, amount in (("2026-01-25 09:00:00", "100.00"), ("2026-04-02 10:00:00", "200.00"),
                       ("2026-04-25 09:00:00", "100.00"), ("2026-05-27 09:00:00", "100.00"),
                       ("2026-06-25 09:00:00", "30.00"), ("2026-07-02 09:00:00", "70.00")):
        book.payment(1, at, amount)
    action(book, 1, 1, "2026-05-10 10:00:00", "call", "promise_to_pay", "100.00", "2026-05-15")
    action(book, 2, 1, "2026-05-31 23:00:00", "sms")
    action(book, 3, 1, "2026-06-22 10:00:00", "call", "promise_to_pay", "30.00", "2026-06-25")
    action(book, 4, 1, "2026-06-26 09:00:00", "sms")
    action(book, 5, 1, "2026-06-27 10:00:00", "call", "promise_to_pay", "70.00", "2026-06-29")
    action(book, 6, 1, "2026-06-29 11:00:00", "call", "promise_to_pay", "70.00", "2026-07-03")
    action(book, 7, 1, "2026-07-01 10:00:00", "call")

    book.loan(2, "2026-05-15", "600.00", [("2026-06-15", "200.00", "6.00", "0.00"),
                                          ("2026-07-15", "200.00", "4.00", "0.00"),
                                          ("2026-08-15", "200.00", "2.00", "0.00")])
    book.customer(2)
    book.loan(4, "2025-10-05", "300.00", monthly(D(2025, 11, 5), 3, "100.00"), status="restructured",
              closed_date="2026-02-01", customer_id=2)
    book.loan(3, "2026-02-01", "300.00", L3_SCHEDULE, parent_loan_id=4, customer_id=2)
    book.restructuring(4, 3, "2026-02-01", "reinstallment")
    for due, principal, interest, _fee in L3_SCHEDULE[:4]:
        book.payment(3, dt.datetime.combine(due, dt.time(8)), principal + interest)
    book.loan(5, "2026-03-10", "300.00", monthly(D(2026, 4, 10), 3, "100.00"), customer_id=2)
    book.loan(6, "2026-01-10", "200.00", monthly(D(2026, 2, 10), 2, "100.00"), closed_date="2026-03-10",
              customer_id=3)
    book.payment(6, "2026-02-10 09:00:00", "100.00")
    book.payment(6, "2026-03-10 09:00:00", "100.00")
    book.loan(7, "2026-07-05", "500.00", monthly(D(2026, 8, 5), 5, "100.00"), customer_id=3)

    db.run(book.con, "UPDATE loans SET annual_rate = 0 WHERE loan_id IN (1, 4, 5, 6, 7)")
    db.run(book.con, "UPDATE loans SET annual_rate = 0.12, repayment_method = 'equal_principal' WHERE loan_id = 2")
    db.run(book.con, "UPDATE loans SET annual_rate = 0.12 WHERE loan_id = 3")
    db.run(book.con, "UPDATE customers SET monthly_income = 8000, bureau_score = 700, city_tier = 2 "
                     "WHERE customer_id = 1")
    db.run(book.con, "UPDATE customers SET monthly_income = 5000, bureau_score = NULL, city_tier = 4 "
                     "WHERE customer_id = 2")
    yield book
    book.close()


def hand_expected() -> dict[int, dict]:
    level = 300 * 0.01 / (1 - 1.01 ** -6)  # 等额本息 P r / (1 - (1 + r)^-n), r = 12% / 12
    l3_left = sum(float(principal) for _due, principal, _i, _f in L3_SCHEDULE[4:])  # principal of rows 5, 6
    common = {"application_score": 650.0, "product": "cash_loan", "channel": "app"}
    return {
        1: {**common, "dpd": 5.0, "max_dpd_3m": 5.0, "max_dpd_6m": 34.0, "max_dpd_12m": 34.0,
            "months_delinquent_3m": 1.0, "months_delinquent_6m": 3.0, "months_delinquent_12m": 3.0,
            # installments 1-6 were late 0, 36, 8, 0, 2 and 5 days (the 6th is settled 07-02: at as_of it runs)
            "late_installments": 4.0, "avg_days_late": 51 / 6,
            "paid_to_due": 530 / 600, "days_since_payment": 5.0, "mob": 6.0, "remaining_term": 6.0,
            "balance_ratio": 670 / 1200, "installment_to_income": 100 / 8000,
            "bureau_score": 700.0, "contacts_30d": 4.0, "broken_promises_30d": 1.0, "restructured": 0.0,
            "other_active_loans": 1.0, "other_loans_max_dpd": 15.0, "city_tier": "2"},
        2: {**common, "dpd": 15.0, "max_dpd_3m": 15.0, "max_dpd_6m": 15.0, "max_dpd_12m": 15.0,
            "months_delinquent_3m": 1.0, "months_delinquent_6m": 1.0, "months_delinquent_12m": 1.0,
            "late_installments": 1.0, "avg_days_late": 15.0, "paid_to_due": 0.0, "days_since_payment": None,
            "mob": 1.0, "remaining_term": 2.0, "balance_ratio": 1.0,
            "installment_to_income": (200 + 400 * 0.01) / 8000,  # 等额本金: P/n + interest on the 400 left
            "bureau_score": 700.0, "contacts_30d": 0.0, "broken_promises_30d": 0.0, "restructured": 0.0,
            "other_active_loans": 1.0, "other_loans_max_dpd": 5.0, "city_tier": "2"},
        3: {**common, "dpd": 0.0, "max_dpd_3m": 0.0, "max_dpd_6m": 0.0, "max_dpd_12m": 0.0,
            "months_delinquent_3m": 0.0, "months_delinquent_6m": 0.0, "months_delinquent_12m": 0.0,
            "late_installments": 0.0, "avg_days_late": 0.0, "paid_to_due": 1.0, "days_since_payment": 29.0,
            "mob": 4.0, "remaining_term": 2.0, "balance_ratio": l3_left / 300,
            "installment_to_income": level / 5000, "bureau_score": None, "contacts_30d": 0.0,
            "broken_promises_30d": 0.0, "restructured": 1.0, "other_active_loans": 1.0,
            "other_loans_max_dpd": 81.0, "city_tier": "4"},
    }


def check_hand_features(features: pl.DataFrame) -> None:
    expected = hand_expected()
    assert features["loan_id"].to_list() == [1, 2, 3]
    rows = {row["loan_id"]: row for row in features.to_dicts()}
    for loan_id, want in expected.items():
        assert set(want) == set(FEATURES) | set(CATEGORICAL)
        for name, value in want.items():
            got = rows[loan_id][name]
            if isinstance(value, float):
                assert got == pytest.approx(value, rel=1e-12), (loan_id, name)
            else:
                assert got == value, (loan_id, name)


def test_hand_worked_features_from_the_source_tables(hand_book):
    """Before derive: status, history and settlement computed from the source tables."""
    check_hand_features(build_features(hand_book.con, AS_OF))


@pytest.mark.parametrize("derived_as_of", (AS_OF, D(2026, 7, 31)), ids=str)
def test_hand_worked_features_from_the_derived_tables(hand_book, derived_as_of):
    """After derive up to as_of and up to a later day (installment 6 of L1 then shows settled 07-02)."""
    derive.derive(hand_book.con, derived_as_of)
    try:
        if derived_as_of > AS_OF:
            settled = hand_book.con.execute("SELECT settled_on FROM installment_settlement "
                                            "WHERE loan_id = 1 AND installment_no = 6").fetchall()[0][0]
            assert settled == D(2026, 7, 2)
        check_hand_features(build_features(hand_book.con, AS_OF))
    finally:
        for table in db.DERIVED_TABLES:
            db.run(hand_book.con, f"DROP TABLE IF EXISTS {table}")
        db.run(hand_book.con, "DELETE FROM settings WHERE key IN ('derived_from', 'derived_as_of')")


def test_hand_book_month_end_history(hand_book):
    """The month-end DPDs the expected features were worked from."""
    derive.derive(hand_book.con, AS_OF)
    try:
        rows = hand_book.con.execute("SELECT month_end, dpd FROM loan_month WHERE loan_id = 1 "
                                     "ORDER BY month_end").fetchall()
        assert [dpd for _, dpd in rows] == [0, 0, 3, 34, 0, 0, 5]
        assert rows[0][0] == D(2025, 12, 31) and rows[-1][0] == AS_OF
    finally:
        for table in db.DERIVED_TABLES:
            db.run(hand_book.con, f"DROP TABLE IF EXISTS {table}")
        db.run(hand_book.con, "DELETE FROM settings WHERE key IN ('derived_from', 'derived_as_of')")


# -- labels ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def label_book(tmp_path_factory):
    """Scored at 2026-03-31 (window: the month-ends 04-30, 05-31, 06-30); data derived to 2026-08-31.

    A   3 x 100 from 03-20, pays the first only: DPD 10 at 04-30, 41 at 05-31             -> 1 (30+)
    B   6 x 100 from 02-15, pays every one on its due date, paid off 07-15               -> 0
    C   3 x 100 from 03-10, pays the first, written off early (fraud) on 05-20           -> 1 (charged off)
    D   4 x 100 from 02-05, pays two, settled at a discount on 04-28                     -> 1 (settled)
    E   4 x 100 from 02-08, pays two, restructured 05-02 into E2                          -> 1 (restructured)
    F   3 x 100 from 03-01, pays 100 then 200 on 04-01: paid off early                   -> 0
    G   pays 04-25 and 05-25, then stops: DPD 5 at 06-30, 36 at 07-31 (4th month-end)    -> 0 (1 over 4 months)
    J   2 x 100 due 05-28 and 06-28, never paid: DPD 33 at 06-30, the last month-end     -> 1
    H   due 02-10, never paid: DPD 49 at as_of                                            not scored
    I   originated 04-10                                                                  not scored
    """
    book = Book(tmp_path_factory.mktemp("labels") / "labels.duckdb")
    book.loan(1, "2026-02-20", "300.00", monthly(D(2026, 3, 20), 3, "100.00"))
    book.payment(1, "2026-03-20 09:00:00", "100.00")
    book.loan(2, "2026-01-15", "600.00", monthly(D(2026, 2, 15), 6, "100.00"), closed_date="2026-07-15")
    for due, *_ in monthly(D(2026, 2, 15), 6, "100.00"):
        book.payment(2, dt.datetime.combine(due, dt.time(9)), "100.00")
    book.loan(3, "2026-02-10", "300.00", monthly(D(2026, 3, 10), 3, "100.00"), charge_off_date="2026-05-20")
    book.payment(3, "2026-03-10 09:00:00", "100.00")
    book.loan(4, "2026-01-05", "400.00", monthly(D(2026, 2, 5), 4, "100.00"), status="settled",
              closed_date="2026-04-28")
    book.payment(4, "2026-02-05 09:00:00", "100.00")
    book.payment(4, "2026-03-05 09:00:00", "100.00")
    book.loan(14, "2026-04-28", "120.00", [("2026-05-28", "120.00", "0.00", "0.00")], closed_date="2026-05-28",
              parent_loan_id=4)
    book.payment(14, "2026-05-28 09:00:00", "120.00")
    book.restructuring(4, 14, "2026-04-28", "settlement")
    book.loan(5, "2026-01-08", "400.00", monthly(D(2026, 2, 8), 4, "100.00"), status="restructured",
              closed_date="2026-05-02")
    book.payment(5, "2026-02-08 09:00:00", "100.00")
    book.payment(5, "2026-03-08 09:00:00", "100.00")
    book.loan(15, "2026-05-02", "200.00", monthly(D(2026, 6, 2), 4, "50.00"), parent_loan_id=5)
    book.restructuring(5, 15, "2026-05-02", "extension")
    book.loan(6, "2026-02-01", "300.00", monthly(D(2026, 3, 1), 3, "100.00"), closed_date="2026-04-01")
    book.payment(6, "2026-03-01 09:00:00", "100.00")
    book.payment(6, "2026-04-01 09:00:00", "200.00")
    book.loan(7, "2026-03-25", "500.00", monthly(D(2026, 4, 25), 5, "100.00"))
    book.payment(7, "2026-04-25 09:00:00", "100.00")
    book.payment(7, "2026-05-25 09:00:00", "100.00")
    book.loan(10, "2026-03-28", "200.00", [("2026-05-28", "100.00", "0.00", "0.00"),
                                           ("2026-06-28", "100.00", "0.00", "0.00")])
    book.loan(8, "2026-01-10", "300.00", monthly(D(2026, 2, 10), 3, "100.00"))
    book.loan(9, "2026-04-10", "300.00", monthly(D(2026, 5, 10), 3, "100.00"))
    derive.derive(book.con, D(2026, 8, 31))
    yield book
    book.close()


def test_labels_by_hand(label_book):
    as_of = D(2026, 3, 31)
    labels = build_labels(label_book.con, as_of)
    assert labels.columns == ["loan_id", "label", "observed"]
    assert labels.schema["label"] == pl.Int32 and labels.schema["observed"] == pl.Boolean
    assert dict(zip(labels["loan_id"], labels["label"], strict=True)) == {
        1: 1, 2: 0, 3: 1, 4: 1, 5: 1, 6: 0, 7: 0, 10: 1}
    assert labels["observed"].all()
    # the same population as the features
    assert labels["loan_id"].to_list() == build_features(label_book.con, as_of)["loan_id"].to_list()
    # four month-ends catch G's 30+ at 07-31
    longer = build_labels(label_book.con, as_of, horizon_months=4)
    assert dict(zip(longer["loan_id"], longer["label"], strict=True))[7] == 1


def test_label_window_and_observed_flag(label_book):
    assert horizon_end(D(2026, 3, 31)) == D(2026, 6, 30)
    assert horizon_end(D(2026, 3, 15)) == D(2026, 5, 31)  # the next three month-ends: 03-31, 04-30, 05-31
    assert horizon_end(D(2026, 5, 31)) == D(2026, 8, 31)
    # loan_month ends at 2026-08-31: a window ending there is observed, one a month later is not
    assert build_labels(label_book.con, D(2026, 5, 31))["observed"].all()
    assert build_labels(label_book.con, D(2026, 6, 15))["observed"].all()
    late = build_labels(label_book.con, D(2026, 6, 30))
    assert late.height > 0 and not late["observed"].any()
    # still labelled with what is known: G is 30+ at 07-31, inside its partly observed window
    assert dict(zip(late["loan_id"], late["label"], strict=True))[7] == 1
    with pytest.raises(ValueError):
        build_labels(label_book.con, D(2026, 3, 31), horizon_months=0)


def test_labels_on_the_demo_book(demo_con):
    for as_of, observed in ((D(2026, 6, 30), True), (D(2026, 7, 31), True), (D(2026, 8, 31), False)):
        labels = build_labels(demo_con, as_of)
        features = build_features(demo_con, as_of)
        assert labels["loan_id"].to_list() == features["loan_id"].to_list()
        assert labels["observed"].to_list() == [observed] * labels.height
        assert set(labels["label"].unique()) == {0, 1}
        assert 0.01 < labels["label"].mean() < 0.2
