"""The portfolio projection (monitor.simulate.projection): matrix powers, policies, stress and the Monte Carlo
bands, on the demo book and on random chains (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.simulate import markov, policy, projection
from monitor.simulate.policy import CO, PO, STATES

from .conftest import DEMO_AS_OF

S = {s: i for i, s in enumerate(STATES)}


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
    # balance is conserved: what leaves the book went to charge-off or was collected
    total = sum(baseline["start"].values())
    assert sum(baseline["months"][-1]["balances"].values()) == pytest.approx(total)
    assert baseline["months"] == baseline["baseline"]


def test_flows_and_ecl(baseline):
    first = baseline["months"][0]
    assert first["charge_offs"] == pytest.approx(first["balances"]["CO"])
    assert first["cash"] == pytest.approx(first["balances"]["PO"])
    assert first["month_end"] == "2026-12-31"
    lgd, pd = baseline["lgd"], baseline["pd"]
    expected = sum(first["balances"][b] * (pd[b] if b in ("M0", "M1", "M2", "M3") else 1.0) * lgd
                   for b in ("M0", "M1", "M2", "M3", "M4", "M5", "M6"))
    assert first["ecl"]["total"] == pytest.approx(expected)
    assert first["ecl"]["stage3"] == pytest.approx(
        sum(first["balances"][b] for b in ("M4", "M5", "M6")) * lgd)


def test_bands_are_ordered_and_around_the_mean(baseline):
    assert len(baseline["bands"]) == 12
    for band, month in zip(baseline["bands"], baseline["months"], strict=True):
        for name in ("delinquent", "charge_offs", "cash"):
            assert band[name]["p5"] <= band[name]["p50"] <= band[name]["p95"]
        mean = month["delinquent"]
        assert band["delinquent"]["p5"] * 0.97 <= mean <= band["delinquent"]["p95"] * 1.03
        assert band["delinquent"]["p50"] == pytest.approx(mean, rel=0.05)


def test_zero_take_up_is_the_baseline_exactly(demo_con, baseline):
    for option in policy.OPTIONS:
        zero = projection.simulate(demo_con, DEMO_AS_OF, 12, policy=policy.make_policy(option, 0.0, "channel",
                                                                                       "broker"), seed=1)
        assert zero["months"] == baseline["months"], option


def test_stress_one_is_the_baseline_and_more_stress_more_charge_offs(demo_con, baseline):
    same = projection.simulate(demo_con, DEMO_AS_OF, 12, stress=1.0, seed=1)
    assert same["months"] == baseline["months"]
    charged = [projection.simulate(demo_con, DEMO_AS_OF, 12, stress=x, paths=10)["summary"]["scenario"]
               ["charge_offs"] for x in (1.0, 1.2, 1.5)]
    assert charged[0] < charged[1] < charged[2]


def test_policies_move_the_rows_they_document():
    matrix = np.zeros((9, 9))
    matrix[:7, S["M1"]] = 0.3
    matrix[:7, S["PO"]] = 0.5
    matrix[:7, S["M3"]] += 0.2
    matrix[CO, CO] = matrix[PO, PO] = 1.0
    full = policy.apply_policy(matrix, "reinstallment", 1.0)
    assert full[S["M1"]].tolist() == pytest.approx([0.65, 0, 0.35, 0, 0, 0, 0, 0, 0])
    assert full[S["M3"], S["M0"]] == pytest.approx(0.65) and full[S["M3"], S["M4"]] == pytest.approx(0.35)
    np.testing.assert_array_equal(full[S["M4"]], matrix[S["M4"]])  # untreated rows unchanged
    settled = policy.apply_policy(matrix, "settlement", 0.5)
    assert settled[S["M5"], S["PO"]] == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
    assert settled[S["M5"], S["CO"]] == pytest.approx(0.5 * 0.5)
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
    counts = rng.integers(0, 60, size=(7, 9)).astype(float)
    counts[:, S["M0"]] += 300  # every bucket seen often
    counts[:, CO] += rng.integers(1, 30, size=7)
    flows = counts * 100.0 * rng.uniform(0.7, 1.0, size=(7, 9))
    exposure = counts.sum(axis=1) * 100.0
    flows[:, PO] = exposure - flows[:, :PO].sum(axis=1)
    return markov.Estimate(flows, exposure, counts, None, None, 1)


@settings(max_examples=25, deadline=None)
@given(estimates(), st.integers(0, 1000))
def test_monte_carlo_bands_hold_the_mean_path(fit, seed):
    start = np.array([1e6, 1e5, 5e4, 3e4, 2e4, 1e4, 1e4, 0, 0])
    matrix = fit.matrix()
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)
    drawn = projection.draw_matrices(fit, 1000, np.random.default_rng(seed))
    np.testing.assert_allclose(drawn.sum(axis=-1), 1.0)
    paths = projection.project(start, drawn, 12)
    mean = projection.project(start, matrix, 12)
    for k, band in enumerate(projection.bands(paths), start=1):
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
    start = np.array([1e6, 1e5, 5e4, 3e4, 2e4, 1e4, 1e4, 0, 0])
    matrix = fit.matrix()
    base = projection.scenario_path(start, matrix, 12)
    stressed = projection.scenario_path(start, matrix, 12, stress=factor)
    np.testing.assert_allclose(policy.apply_stress(matrix, factor).sum(axis=1), 1.0)
    assert stressed[-1, CO] > base[-1, CO]
    np.testing.assert_array_equal(projection.scenario_path(start, matrix, 12, stress=1.0), base)


@settings(max_examples=25, deadline=None)
@given(estimates(), st.sampled_from(policy.OPTIONS))
def test_zero_take_up_changes_nothing(fit, option):
    start = np.array([1e6, 1e5, 5e4, 3e4, 2e4, 1e4, 1e4, 0, 0])
    matrix = fit.matrix()
    base = projection.scenario_path(start, matrix, 12)
    treated = projection.scenario_path(start, matrix, 12, policy=policy.make_policy(option, 0.0),
                                       treated_start=start / 3, treated_matrix=matrix)
    np.testing.assert_array_equal(treated, base)
