"""The portfolio chain's estimation (monitor.simulate.markov) on the hand-built book of tests/test_metrics.py,
whose moves from 2026-01-31 to 2026-02-28 were worked out by hand, and on the demo book."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from monitor import metrics, status
from monitor.simulate import markov, projection
from monitor.simulate.policy import STATES

from .test_metrics import FEB, JAN, eight_loan_book

S = {s: i for i, s in enumerate(STATES)}


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    """The eight loans of tests/test_metrics.py (see its table)."""
    book = eight_loan_book(tmp_path_factory.mktemp("markov") / "hand.duckdb")
    yield book.con
    book.close()


def test_the_hand_worked_matrix(hand, monkeypatch):
    monkeypatch.setattr(markov, "MIN_ROW_LOANS", 1)  # each row from a loan or two, worked out by hand
    fit = markov.estimate(hand, FEB, 1)
    assert (fit.first, fit.last, fit.pairs) == (FEB, FEB, 1)
    matrix = fit.matrix()
    expected = np.zeros((len(STATES), len(STATES)))
    # M0 at 01-31: L1 200 (100 left at 02-28, still M0) and L5 200 (paid off): 100 stays, 300 collected.
    expected[S["M0"], S["M0"]], expected[S["M0"], S["PO"]] = 100 / 400, 300 / 400
    # M1: L2 300 cures with 100 left, L3 300 rolls to M2 unpaid: 100 / 600 to M0, 300 / 600 to M2, 200 collected.
    expected[S["M1"], [S["M0"], S["M2"], S["PO"]]] = [100 / 600, 300 / 600, 200 / 600]
    # M2: L4 400 rolls back to M1 with 200 left.
    expected[S["M2"], [S["M1"], S["PO"]]] = [0.5, 0.5]
    # M3: L7 300 restructured into L8, a current loan: the balance stays in the book at M0.
    expected[S["M3"], S["M0"]] = 1.0
    # M4, M5: nobody there, so the stated prior.
    for bucket in ("M4", "M5"):
        for state, share in markov.PRIOR_ROWS[bucket].items():
            expected[S[bucket], S[state]] = share
    # M6: L6 300 charged off.
    expected[S["M6"], S["CO"]] = 1.0
    expected[S["CO"], S["CO"]] = expected[S["ST"], S["ST"]] = expected[S["PO"], S["PO"]] = 1.0
    np.testing.assert_allclose(matrix, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, rtol=1e-12)
    assert fit.observed.tolist() == [True, True, True, True, False, False, True]
    assert list(fit.sources.values()) == ["observed"] * 4 + ["prior"] * 2 + ["observed"]
    assert fit.loans.tolist() == [2, 2, 1, 1, 0, 0, 1]
    assert fit.counts[S["M0"], S["PO"]] == 1 and fit.counts[S["M3"], S["M0"]] == 1


def test_a_row_of_few_loans_is_the_stated_prior(hand):
    """Under MIN_ROW_LOANS loans a row does not speak for itself: one charged-off loan in M6 does not make M6 lost
    in full, and a bucket nobody was in does not roll on in full (the old cautious rule: all of M4 lost)."""
    fit = markov.estimate(hand, FEB, 1)
    matrix = fit.matrix()
    assert set(fit.sources.values()) == {"prior"}
    for bucket, row in markov.PRIOR_ROWS.items():
        assert {state: matrix[S[bucket], S[state]] for state in row} == row
        assert sum(row.values()) == pytest.approx(1.0)
    assert fit.weights().tolist() == [markov.MIN_ROW_LOANS] * 7


def test_counts_are_the_roll_rates_of_migration(hand):
    """The chain's counts and exposures are monitor.metrics.roll_rates, not a second definition."""
    fit = markov.estimate(hand, FEB, 1)
    rolls = metrics.roll_rates(hand, JAN, FEB)
    by_bucket = rolls.group_by("from_bucket").agg(pl.col("loans").sum(), pl.col("balance").sum())
    for row in by_bucket.iter_rows(named=True):
        i = status.BUCKETS.index(row["from_bucket"])
        assert fit.loans[i] == row["loans"]
        assert fit.exposure[i] == pytest.approx(row["balance"])


def test_start_balances_and_segments(hand):
    start = markov.start_balances(hand, FEB)
    assert start["balance"].tolist() == [500.0, 200.0, 300.0, 0, 0, 0, 0, 0, 0, 0]
    assert start["loans"].tolist() == [3, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    cohort = markov.start_balances(hand, FEB, (("cohort", "2025-12"),))
    assert cohort["balance"].tolist() == [200.0, 0, 300.0, 0, 0, 0, 0, 0, 0, 0]  # L1 L2 (M0) and L3 (M2)


def test_rows_sum_to_one_on_the_demo_book(demo_con):
    from .conftest import DEMO_AS_OF

    for months in (1, 6, 12):
        fit = markov.estimate(demo_con, DEMO_AS_OF, months)
        matrix = fit.matrix()
        assert fit.pairs == months
        assert (matrix >= 0).all()
        np.testing.assert_allclose(matrix.sum(axis=1), 1.0, rtol=1e-12)


def test_backtest_against_loan_month(demo_con):
    """The actual side of the backtest, computed here straight from loan_month."""
    from .conftest import DEMO_AS_OF

    result = projection.backtest(demo_con, DEMO_AS_OF, 6)
    origin = dt.date.fromisoformat(result["origin"])
    assert origin == dt.date(2026, 4, 30)  # 6 month-ends before 2026-10-31, the last one up to 11-29
    assert result["window"]["last"] == "2026-04-30"   # estimated only from month-ends up to then
    actual = dict(demo_con.execute("""
        SELECT month_end, sum(principal_balance) FILTER (WHERE bucket <> 'M0')
        FROM loan_month WHERE month_end > ? AND (
            loan_id IN (SELECT loan_id FROM loan_month WHERE month_end = ?)
            OR loan_id IN (SELECT l.loan_id FROM loans l JOIN loan_month m ON m.loan_id = l.parent_loan_id
                           WHERE m.month_end = ?))
        GROUP BY month_end""", [origin, origin, origin]).fetchall())
    errors = []
    for row in result["months"]:
        expected = float(actual[dt.date.fromisoformat(row["month_end"])])
        assert row["actual_delinquent"] == pytest.approx(expected)
        errors.append(abs(row["projected_delinquent"] - expected) / expected)
        assert row["ape"] == pytest.approx(errors[-1])
    assert result["mape"] == pytest.approx(sum(errors) / len(errors))


def test_one_step_with_the_month_s_own_matrix_is_what_happened(demo_con):
    """The backtest's months line up: the loans at a month-end times the matrix of the next pair of month-ends give
    exactly the arrears that followed them (M0 differs only by what their restructurings opened). So a backtest that
    misses does so because the months its window pooled rolled differently from the months it projects."""
    from .conftest import DEMO_AS_OF

    origin = dt.date(2026, 4, 30)
    start = markov.month_end_balances(demo_con, origin)["balance"]
    after = markov.estimate(demo_con, dt.date(2026, 5, 31), 1)
    assert after.pairs == 1 and (after.exposure > 0).all()
    rows = after.flows / after.exposure[:, None]  # each bucket's own row, however few its loans
    actual = markov.followed_balances(demo_con, origin, DEMO_AS_OF)[dt.date(2026, 5, 31)]
    np.testing.assert_allclose((start[:7] @ rows)[1:7], actual[1:], rtol=1e-9)
