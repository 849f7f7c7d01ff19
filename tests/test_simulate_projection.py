"""The portfolio projection (monitor.simulate.projection): matrix powers, policies, stress and the Monte Carlo
bands, on the demo book and on random chains (hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import derive, metrics, status
from monitor.simulate import markov, policy, projection
from monitor.simulate.policy import CO, PO, ST, STATES

from .builders import Book
from .conftest import DEMO_AS_OF
from .test_metrics import eight_loan_book, monthly

D = dt.date

S = {s: i for i, s in enumerate(STATES)}


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    """The eight loans of tests/test_metrics.py."""
    book = eight_loan_book(tmp_path_factory.mktemp("projection") / "hand.duckdb")
    yield book.con
    book.close()


@pytest.fixture(scope="module")
def baseline(demo_con):
    return projection.simulate(demo_con, DEMO_AS_OF, 12, paths=1000, seed=1)


def _array(balances: dict) -> np.ndarray:
    return np.array([balances[s] for s in STATES])


def _matrix(transition: dict) -> np.ndarray:
    return np.array([[transition[a][b] for b in STATES] for a in STATES])


def test_the_mean_path_is_the_matrix_power(baseline):
    start, matrix = _array(baseline["start"]), _matrix(baseline["transition"])
    assert len(baseline["months"]) == 12
    for k, month in enumerate(baseline["months"], start=1):
        np.testing.assert_allclose(_array(month["balances"]), start @ np.linalg.matrix_power(matrix, k),
                                   rtol=1e-6, atol=1e-6)
    # balance is conserved: what leaves the book was charged off, settled or collected
    total = sum(baseline["start"].values())
    assert sum(baseline["months"][-1]["balances"].values()) == pytest.approx(total)
    assert baseline["months"] == baseline["baseline"]


def test_write_offs_cash_and_settlements(baseline):
    """Charge-offs count what settled at the settlement LGD, cash the rest of it; the first month-end is a month on."""
    first, lgd = baseline["months"][0], baseline["settlement"]["lgd"]
    assert baseline["settlement"]["source"] == "observed" and 0 < lgd < 1
    assert first["settled"] == pytest.approx(first["balances"]["ST"])
    assert first["charge_offs"] == pytest.approx(first["balances"]["CO"] + lgd * first["balances"]["ST"])
    assert first["cash"] == pytest.approx(first["balances"]["PO"] + (1 - lgd) * first["balances"]["ST"])
    assert first["month_end"] == "2026-12-31"


def test_bands_are_ordered_and_around_the_mean(baseline):
    assert len(baseline["bands"]) == 12
    for band, month in zip(baseline["bands"], baseline["months"], strict=True):
        for name in ("delinquent", "charge_offs", "cash"):
            assert band[name]["p5"] <= band[name]["p50"] <= band[name]["p95"]
        mean = month["delinquent"]
        assert band["delinquent"]["p5"] * 0.97 <= mean <= band["delinquent"]["p95"] * 1.03
        assert band["delinquent"]["p50"] == pytest.approx(mean, rel=0.05)


def _same_path(run: dict, baseline: dict) -> None:
    """A run's scenario is its own baseline exactly, and another run's baseline to the last digits (a connection that
    pinned the day sums the same balances in another order)."""
    assert run["months"] == run["baseline"]
    for got, expected in zip(run["months"], baseline["months"], strict=True):
        assert got["balances"] == pytest.approx(expected["balances"], rel=1e-12)
        assert got["ecl"]["total"] == pytest.approx(expected["ecl"]["total"], rel=1e-12)


def test_zero_take_up_is_the_baseline_exactly(demo_con, baseline):
    for option in policy.OPTIONS:
        zero = projection.simulate(demo_con, DEMO_AS_OF, 12, policy=policy.make_policy(option, 0.0, "channel",
                                                                                       "broker"), seed=1)
        _same_path(zero, baseline)


def test_stress_one_is_the_baseline_and_more_stress_more_charge_offs(demo_con, baseline):
    same = projection.simulate(demo_con, DEMO_AS_OF, 12, stress=1.0, seed=1)
    _same_path(same, baseline)
    charged = [projection.simulate(demo_con, DEMO_AS_OF, 12, stress=x, paths=10)["summary"]["scenario"]
               ["charge_offs"] for x in (1.0, 1.2, 1.5)]
    assert charged[0] < charged[1] < charged[2]


def test_policies_move_the_rows_they_document():
    matrix = np.zeros((len(STATES), len(STATES)))
    matrix[:7, S["M1"]] = 0.3
    matrix[:7, S["PO"]] = 0.5
    matrix[:7, S["M3"]] += 0.2
    matrix[CO, CO] = matrix[ST, ST] = matrix[PO, PO] = 1.0
    full = policy.apply_policy(matrix, "reinstallment", 1.0)
    assert full[S["M1"]].tolist() == pytest.approx([0.65, 0, 0.35, 0, 0, 0, 0, 0, 0, 0])
    assert full[S["M3"], S["M0"]] == pytest.approx(0.65) and full[S["M3"], S["M4"]] == pytest.approx(0.35)
    np.testing.assert_array_equal(full[S["M4"]], matrix[S["M4"]])  # untreated rows unchanged
    settled = policy.apply_policy(matrix, "settlement", 0.5)  # half the M3-M6 balance settles (its loss: the book's)
    assert settled[S["M5"], S["ST"]] == pytest.approx(0.5)
    assert settled[S["M5"], S["PO"]] == pytest.approx(0.5 * 0.5)
    assert settled[S["M5"], S["CO"]] == 0
    cut = policy.apply_policy(matrix, "rate_cut", 1.0)
    assert cut[S["M0"], S["M3"]] == pytest.approx(0.2 * 0.75)
    extended = policy.apply_policy(matrix, "extension", 1.0)
    assert extended[S["M0"], S["PO"]] == pytest.approx(0.25)
    for option in policy.OPTIONS:
        for take_up in (0.0, 0.3, 1.0):
            moved = policy.apply_policy(matrix, option, take_up)
            np.testing.assert_allclose(moved.sum(axis=1), 1.0)
            assert (moved >= -1e-12).all()


# ------------------------------------------------------------------------------------------ properties


@st.composite
def estimates(draw):
    """A random pooled estimate: loan counts per (bucket, state), each loan 100 yuan, some amortization."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    counts = rng.integers(0, 60, size=(7, len(STATES))).astype(float)
    counts[:, S["M0"]] += 300  # every bucket seen often
    counts[:, CO] += rng.integers(1, 30, size=7)
    flows = counts * 100.0 * rng.uniform(0.7, 1.0, size=(7, len(STATES)))
    exposure = counts.sum(axis=1) * 100.0
    flows[:, PO] = exposure - flows[:, :PO].sum(axis=1)
    return markov.Estimate(flows, exposure, counts, None, None, 1)


@settings(max_examples=25, deadline=None)
@given(estimates(), st.integers(0, 1000))
def test_monte_carlo_bands_hold_the_mean_path(fit, seed):
    start = np.array([1e6, 1e5, 5e4, 3e4, 2e4, 1e4, 1e4, 0, 0, 0])
    matrix = fit.matrix()
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)
    drawn = projection.draw_matrices(fit, 1000, np.random.default_rng(seed))
    np.testing.assert_allclose(drawn.sum(axis=-1), 1.0)
    paths = projection.project(start, drawn, 12)
    mean = projection.project(start, matrix, 12)
    for k, band in enumerate(projection.bands(paths, 0.5), start=1):
        expected = mean[k, 1:7].sum()
        assert band["delinquent"]["p5"] <= band["delinquent"]["p50"] <= band["delinquent"]["p95"]
        # the +1 prior pulls each row a little towards its other moves: near, not equal
        spread = band["delinquent"]["p95"] - band["delinquent"]["p5"]
        assert abs(band["delinquent"]["p50"] - expected) <= spread / 2 + 0.02 * expected
        for state in STATES:
            q = band["states"][state]
            assert q["p5"] <= q["p50"] <= q["p95"]


@settings(max_examples=40, deadline=None)
@given(estimates(), st.floats(1.05, 3.0))
def test_stress_raises_charge_offs(fit, factor):
    start = np.array([1e6, 1e5, 5e4, 3e4, 2e4, 1e4, 1e4, 0, 0, 0])
    matrix = fit.matrix()
    base = projection.scenario_path(start, matrix, 12)
    stressed = projection.scenario_path(start, matrix, 12, stress=factor)
    stressed_matrix = policy.apply_stress(matrix, factor)
    np.testing.assert_allclose(stressed_matrix.sum(axis=1), 1.0)
    assert (stressed_matrix >= -1e-12).all()
    for bucket, effect in policy.stress_effect(matrix, stressed_matrix).items():
        assert 1 <= effect <= factor * (1 + 1e-9), bucket  # the factor, or less where the row had no room
    assert stressed[-1, CO] > base[-1, CO]
    np.testing.assert_array_equal(projection.scenario_path(start, matrix, 12, stress=1.0), base)


@settings(max_examples=25, deadline=None)
@given(estimates(), st.sampled_from(policy.OPTIONS))
def test_zero_take_up_changes_nothing(fit, option):
    start = np.array([1e6, 1e5, 5e4, 3e4, 2e4, 1e4, 1e4, 0, 0, 0])
    matrix = fit.matrix()
    base = projection.scenario_path(start, matrix, 12)
    treated = projection.scenario_path(start, matrix, 12, policy=policy.make_policy(option, 0.0),
                                       treated_start=start / 3, treated_matrix=matrix)
    np.testing.assert_array_equal(treated, base)


# ------------------------------------------------------------------- issue 11: what the projection claims


def test_month_one_is_the_month_end_a_month_on(hand):
    """One step of the chain is a month: from 3 February the first step lands on 28 February (not 31 March,
    which skipped a month); from 20 February, on 31 March (a month-end 8 days on would be a month too early)."""
    early = projection.simulate(hand, D(2026, 2, 3), 3, paths=10)
    assert [m["month_end"] for m in early["months"]] == ["2026-02-28", "2026-03-31", "2026-04-30"]
    late = projection.simulate(hand, D(2026, 2, 20), 2, paths=10)
    assert [m["month_end"] for m in late["months"]] == ["2026-03-31", "2026-04-30"]
    assert projection.first_month_end(D(2026, 12, 3)) == D(2026, 12, 31)
    assert projection.first_month_end(D(2026, 11, 29)) == D(2026, 12, 31)
    assert projection.first_month_end(D(2026, 11, 30)) == D(2026, 12, 31)
    assert projection.first_month_end(D(2026, 12, 16)) == D(2026, 12, 31)
    assert projection.first_month_end(D(2026, 12, 17)) == D(2027, 1, 31)


def _young_days(con) -> list[D]:
    """Days in the first six months of the demo book: before its first month-end pair, and with a few pairs."""
    first = con.execute("SELECT min(origination_date) FROM loans").fetchall()[0][0]
    return [first + dt.timedelta(days=20), first + dt.timedelta(days=80), first + dt.timedelta(days=170)]


@pytest.mark.parametrize("segment", [None, ("channel", "broker")])
def test_the_starting_ecl_is_the_one_ecl_function(demo_con, segment):
    """Month 0 is monitor.metrics.expected_credit_loss at the same day and segment: the grown book and a young one."""
    seg, value = segment or (None, None)
    for day in (DEMO_AS_OF, *_young_days(demo_con)):
        run = projection.simulate(demo_con, day, 3, segment=seg, value=value, paths=10)
        ecl = metrics.expected_credit_loss(demo_con, day, seg, value)
        assert run["ecl_start"]["total"] == pytest.approx(sum(ecl["ecl"].values()), rel=1e-12), day
        for stage, amount in ecl["ecl"].items():
            assert run["ecl_start"][stage] == pytest.approx(amount, rel=1e-12, abs=1e-9)


def test_a_young_book_is_not_written_off(demo_con):
    """Before the first month-end pair no row is observed: the chain takes the stated prior (flagged), and ECL takes
    what the ECL function stands in with (flagged), never PD 1 on everything."""
    day = _young_days(demo_con)[0]
    run = projection.simulate(demo_con, day, 12, paths=10)
    book = sum(run["start"].values())
    assert run["window"]["pairs"] == 0
    assert run["summary"]["baseline"]["cash"] > 0.3 * book
    assert run["summary"]["baseline"]["charge_offs"] < 0.2 * book
    assert run["ecl_start"]["total"] < 0.1 * book
    assert set(run["row_source"].values()) == {"prior"}
    assert {w["code"] for w in run["warnings"]} >= {"prior_rows", "no_backtest"}
    assert run["ecl"]["sources"]["pd"] in ("nearest", "prior")


def test_later_months_carry_each_bucket_s_coverage_at_the_start(demo_con, baseline):
    ecl = metrics.expected_credit_loss(demo_con, DEMO_AS_OF)
    by_bucket = {r["bucket"]: r for r in ecl["by_bucket"].iter_rows(named=True)}
    for bucket, row in by_bucket.items():
        if row["ead"]:
            assert baseline["ecl"]["coverage"][bucket] == pytest.approx(row["ecl"] / row["ead"], rel=1e-12)
            assert baseline["ecl"]["coverage_source"][bucket] == "start"
    for month in baseline["months"]:
        expected = {b: month["balances"][b] * baseline["ecl"]["coverage"][b] for b in by_bucket}
        assert month["ecl"]["by_state"] == pytest.approx(expected, rel=1e-12)
        assert month["ecl"]["total"] == pytest.approx(sum(expected.values()), rel=1e-12)


def settlement_book(path) -> Book:
    """L1 (300, never pays) is in M3 at 2025-01-31 and settles on 2025-02-10: its settlement loan L2 (120) is paid
    in full on 2025-03-10, so the settlement lost 180 of 300 (LGD 0.6). L3 (600, never pays) is in M3 at 2026-04-30.

      month-end    L1        L2       L3
      2025-01-31   M3 300
      2025-02-28   settled   M0 120
      2026-01-31                      M0 600 (paid_off since: L2)
      2026-02-28                      M1 600
      2026-03-31                      M2 600
      2026-04-30                      M3 600
    """
    book = Book(path)
    book.loan(1, "2024-10-15", "300.00", monthly("2024-11-15", 3), status="settled", closed_date="2025-02-10")
    book.loan(2, "2025-02-10", "120.00", [("2025-03-10", "120.00", "0.00", "0.00")], closed_date="2025-03-10",
              parent_loan_id=1)
    book.restructuring(1, 2, "2025-02-10", "settlement")
    book.payment(2, "2025-03-10 09:00:00", "120.00")
    book.loan(3, "2026-01-15", "600.00", monthly("2026-02-01", 6))
    derive.derive(book.con, SETTLED_AS_OF)
    return book


SETTLED_AS_OF = D(2026, 4, 30)


def test_a_settlement_loses_what_settled_loans_lost(tmp_path, monkeypatch):
    """Settled loans leave M3 for their own state; of what settles, the book's settlement LGD is written off and the
    rest is cash: L3's 600 settles in month 1, 360 written off and 240 collected (not 600 charged off)."""
    monkeypatch.setattr(markov, "MIN_ROW_LOANS", 1, raising=False)  # rows of a loan or two, worked out by hand
    book = settlement_book(tmp_path / "settled.duckdb")
    try:
        run = projection.simulate(book.con, SETTLED_AS_OF, 12, window=15, paths=10)
        lgd = metrics.loss_given_default(book.con, SETTLED_AS_OF)
    finally:
        book.close()
    assert run["summary"]["baseline"]["charge_offs"] == pytest.approx(360.0)
    assert lgd["by_kind"]["settlement"] == {"loans": 1, "balance": 300.0, "recovered": 120.0, "lgd": pytest.approx(0.6)}
    assert run["transition"]["M3"]["ST"] == 1.0 and run["transition"]["M3"]["CO"] == 0.0
    assert run["settlement"] == {"lgd": pytest.approx(0.6), "source": "observed", "loans": 1}
    first = run["months"][0]
    assert first["settled"] == pytest.approx(600.0)
    assert first["charge_offs"] == pytest.approx(360.0)
    assert first["cash"] == pytest.approx(240.0)
    assert run["summary"]["baseline"]["cash"] == pytest.approx(240.0)


def test_stress_multiplies_forward_rolls_by_the_factor():
    """Forward rolls x1.5 and cures /1.5 exactly, the difference taken from the balance that stays or is repaid; a
    row without room (M6: 92% already charged off) gives its forward rolls all it has, and says by how much."""
    matrix = np.zeros((len(STATES), len(STATES)))
    matrix[S["M0"], [S["M0"], S["M1"], S["PO"]]] = [0.80, 0.05, 0.15]
    matrix[S["M1"], [S["M0"], S["M1"], S["M2"], S["PO"]]] = [0.30, 0.10, 0.40, 0.20]
    for i in range(2, 6):
        matrix[i, [S["M0"], i + 1, S["PO"]]] = [0.2, 0.6, 0.2]
    matrix[S["M6"], [S["M0"], S["M6"], S["CO"], S["PO"]]] = [0.02, 0.03, 0.92, 0.03]
    for absorbing in STATES[len(status.BUCKETS):]:
        matrix[S[absorbing], S[absorbing]] = 1.0
    stressed = policy.apply_stress(matrix, 1.5)
    np.testing.assert_allclose(stressed.sum(axis=1), 1.0)
    assert stressed[S["M1"], S["M2"]] == pytest.approx(0.60)
    assert stressed[S["M0"], S["M1"]] == pytest.approx(0.075)
    assert stressed[S["M0"], S["M0"]] + stressed[S["M0"], S["PO"]] == pytest.approx(0.925)
    assert stressed[S["M0"], S["M0"]] / stressed[S["M0"], S["PO"]] == pytest.approx(0.80 / 0.15)
    assert stressed[S["M1"], S["M2"]] == pytest.approx(0.60)
    assert stressed[S["M1"], S["M0"]] == pytest.approx(0.20)
    # 0.1 more moves: the 0.3 that stays or is repaid gives it in proportion
    assert stressed[S["M1"], S["M1"]] == pytest.approx(0.10 * 0.2 / 0.3)
    assert stressed[S["M1"], S["PO"]] == pytest.approx(0.20 * 0.2 / 0.3)
    assert stressed[S["M6"], S["M0"]] == pytest.approx(0.02 / 1.5)
    assert stressed[S["M6"], S["CO"]] == pytest.approx(1 - 0.02 / 1.5)
    effect = policy.stress_effect(matrix, stressed)
    assert effect["M1"] == pytest.approx(1.5) and effect["M0"] == pytest.approx(1.5)
    assert effect["M6"] == pytest.approx((1 - 0.02 / 1.5) / 0.92)
    mild = policy.apply_stress(matrix, 1 / 1.5)
    assert mild[S["M1"], S["M2"]] == pytest.approx(0.40 / 1.5) and mild[S["M1"], S["M0"]] == pytest.approx(0.45)


def test_a_backtest_that_misses_warns():
    """Beyond the stated margin the result carries a warning (the page shows it with the KPIs); within it, none."""
    missed = projection.warnings({"mape": projection.BACKTEST_MARGIN + 0.01}, {"M0": "observed"}, {"pd": "observed"})
    assert missed == [{"code": "backtest_missed", "mape": projection.BACKTEST_MARGIN + 0.01,
                       "margin": projection.BACKTEST_MARGIN}]
    assert projection.warnings({"mape": projection.BACKTEST_MARGIN - 0.01}, {"M0": "observed"},
                               {"pd": "observed", "lgd": "observed"}) == []
    assert [w["code"] for w in projection.warnings(None, {"M0": "prior"}, {"pd": "prior", "lgd": "observed"})] == [
        "no_backtest", "prior_rows", "ecl_stand_in"]
