"""Validation measures on tiny arrays worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

from monitor.scoring.validation import (
    auc,
    brier,
    calibration_by_decile,
    capture_rate,
    csi,
    gini,
    ks,
    psi,
    stability_verdict,
    validate,
)


def test_auc_perfect_and_reversed():
    y = [0, 0, 0, 1, 1]
    s = [0.1, 0.2, 0.3, 0.8, 0.9]
    assert auc(y, s) == 1.0
    assert auc(y, [-v for v in s]) == 0.0
    assert gini(y, s) == 1.0
    assert gini(y, [-v for v in s]) == -1.0


def test_auc_with_ties_by_hand():
    # Bads score 0.5 and 0.9, goods 0.1 and 0.5. The four (bad, good) pairs: 0.5>0.1 wins, 0.5=0.5 ties (1/2),
    # 0.9>0.1 and 0.9>0.5 win: (1 + 0.5 + 1 + 1) / 4 = 0.875.
    y = [0, 0, 1, 1]
    s = [0.1, 0.5, 0.5, 0.9]
    assert auc(y, s) == pytest.approx(0.875, abs=1e-15)
    assert gini(y, s) == pytest.approx(0.75, abs=1e-15)
    # All scores equal: every pair is a tie.
    assert auc([0, 1, 0, 1], [3, 3, 3, 3]) == 0.5


def test_ks_by_hand():
    # Goods at 0.1 and 0.4, bads at 0.35 and 0.8. CDFs (good, bad) at 0.1: (1/2, 0); 0.35: (1/2, 1/2);
    # 0.4: (1, 1/2); 0.8: (1, 1). The largest gap is 1/2.
    assert ks([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.5, abs=1e-15)
    # Separated: 1. Identical scores: 0.
    assert ks([0, 0, 1, 1], [1, 2, 3, 4]) == 1.0
    assert ks([0, 1, 0, 1], [5, 5, 5, 5]) == 0.0
    # Three goods at 1, 2, 3 and one bad at 2.5: at t = 2 the goods' CDF is 2/3 and the bads' 0.
    assert ks([0, 0, 0, 1], [1, 2, 3, 2.5]) == pytest.approx(2 / 3, abs=1e-15)


def test_brier_by_hand():
    # (0.1^2 + 0.2^2 + 0.4^2 + 0.3^2) / 4 = (0.01 + 0.04 + 0.16 + 0.09) / 4 = 0.075
    assert brier([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]) == pytest.approx(0.075, abs=1e-15)
    assert brier([0, 1], [0.0, 1.0]) == 0.0


def test_psi_identical_is_zero():
    x = np.arange(100.0)
    assert psi(x, x) == 0.0
    assert psi(x, x[::-1].copy(), bins=4) == 0.0


def test_psi_shifted_by_hand():
    # Expected 0..99 in quartiles: edges 24.75, 49.5, 74.25, a quarter in each bin.
    expected = np.arange(100.0)
    # 10 actual values in the first bin, 20 in the second, 30 in the third, 40 in the fourth.
    actual = np.concatenate([np.full(10, 5.0), np.full(20, 30.0), np.full(30, 60.0), np.full(40, 90.0)])
    by_hand = (
        (0.1 - 0.25) * math.log(0.1 / 0.25)
        + (0.2 - 0.25) * math.log(0.2 / 0.25)
        + (0.3 - 0.25) * math.log(0.3 / 0.25)
        + (0.4 - 0.25) * math.log(0.4 / 0.25)
    )
    assert by_hand == pytest.approx(0.228218, abs=1e-6)
    assert psi(expected, actual, bins=4) == pytest.approx(by_hand, abs=1e-12)
    # Shifted by 25: nothing left in the first bin (floored at 1e-4), 25 in the second and third, 50 in the last.
    shifted = expected + 25
    by_hand = (1e-4 - 0.25) * math.log(1e-4 / 0.25) + (0.5 - 0.25) * math.log(0.5 / 0.25)
    assert psi(expected, shifted, bins=4) == pytest.approx(by_hand, abs=1e-12)
    assert psi(expected, shifted, bins=4) == pytest.approx(2.128516, abs=1e-6)


def test_psi_bins_are_right_closed():
    # Expected 1, 2, 2, 3 in two bins: the median 2 is the edge, (-inf, 2] holds 3/4 and (2, inf) 1/4.
    # Actual all at 2: everything in the first bin, nothing (floored at 1e-4) in the second.
    by_hand = (1.0 - 0.75) * math.log(1.0 / 0.75) + (1e-4 - 0.25) * math.log(1e-4 / 0.25)
    assert psi([1, 2, 2, 3], [2, 2, 2, 2], bins=2) == pytest.approx(by_hand, abs=1e-12)
    # 1, 2, 2 fall in the first bin whichever sample they are in: 2, 2, 2, 3 has the expected shares.
    assert psi([1, 2, 2, 3], [2, 2, 2, 3], bins=2) == 0.0


def test_psi_values_beyond_the_training_range_fall_in_the_end_bins():
    expected = np.arange(100.0)
    assert psi(expected, expected + 1000, bins=4) == psi(expected, np.full(100, 1e9), bins=4)


def test_psi_missing_scores_are_a_bin_of_their_own():
    expected = np.arange(100.0)
    actual = np.concatenate([np.arange(0.0, 100.0, 2.0), np.full(50, np.nan)])  # half as many, then 50% missing
    # Each quartile keeps 12 or 13 of the 50 values (12.5% each), the missing bin holds 50% against a floor.
    e = np.array([0.25, 0.25, 0.25, 0.25, 1e-4])
    a = np.array([13, 12, 13, 12, 50]) / 100  # 0..24, 26..48, 50..74, 76..98
    assert psi(expected, actual, bins=4) == pytest.approx(float(np.sum((a - e) * np.log(a / e))), abs=1e-12)


def test_verdict_thresholds():
    assert stability_verdict(0.0) == "stable"
    assert stability_verdict(0.0999) == "stable"
    assert stability_verdict(0.1) == "watch"
    assert stability_verdict(0.25) == "watch"
    assert stability_verdict(0.2501) == "act"
    assert stability_verdict(2.0) == "act"


def test_capture_rate_by_hand():
    # Ten rows, three bads; the riskiest row (score 10) is a bad: the top 10% catch 1 of 3.
    y = [1, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    s = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert capture_rate(y, s, top=0.10) == pytest.approx(1 / 3, abs=1e-15)
    assert capture_rate(y, s, top=0.30) == pytest.approx(2 / 3, abs=1e-15)
    assert capture_rate(y, s, top=1.0) == 1.0
    # Ties at the cut-off count in proportion: the top two of four rows share one score with one bad among them.
    assert capture_rate([1, 0, 0, 0], [5, 5, 1, 1], top=0.25) == pytest.approx(0.5, abs=1e-15)


def test_calibration_by_decile():
    p = np.linspace(0.01, 0.20, 20)
    y = np.zeros(20, dtype=int)
    y[[1, 18, 19]] = 1
    cal = calibration_by_decile(y, p)
    assert cal["decile"].to_list() == list(range(1, 11))
    assert cal["n"].to_list() == [2] * 10
    assert cal["mean_pd"][0] == pytest.approx((0.01 + 0.02) / 2, abs=1e-12)
    assert cal["observed_rate"].to_list() == [0.5] + [0.0] * 8 + [1.0]


def test_csi_numeric_and_categorical():
    train = pl.DataFrame({"x": np.arange(100.0), "c": ["a"] * 50 + ["b"] * 50})
    assert csi(train, train, "x") == 0.0
    assert csi(train, train.to_pandas(), "c") == 0.0
    # Category shares 50/50 -> 20/60 with a new category "z" at 20% (0 in training, floored).
    current = pd.DataFrame({"x": np.arange(100.0), "c": ["a"] * 20 + ["b"] * 60 + ["z"] * 20})
    by_hand = (
        (0.2 - 0.5) * math.log(0.2 / 0.5) + (0.6 - 0.5) * math.log(0.6 / 0.5) + (0.2 - 1e-4) * math.log(0.2 / 1e-4)
    )
    assert csi(train, current, "c") == pytest.approx(by_hand, abs=1e-12)
    # Numeric: the same quartile case as the PSI test.
    shifted = pl.DataFrame({"x": np.arange(100.0) + 25})
    assert csi(train, shifted, "x", bins=4) == pytest.approx(psi(np.arange(100.0), np.arange(100.0) + 25, bins=4))


def test_validate_bundle():
    y = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    p = np.array([0.05, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.6, 0.4, 0.9])
    out = validate(y, p)
    # The bad at 0.4 beats 7 goods of 8 (loses to 0.6); the bad at 0.9 beats all 8: AUC = 15/16.
    assert out["auc"] == pytest.approx(15 / 16, abs=1e-15)
    assert out["gini"] == pytest.approx(2 * 15 / 16 - 1, abs=1e-15)
    # At t = 0.3, 7 of 8 goods and no bad lie at or below: KS = 7/8.
    assert out["ks"] == pytest.approx(7 / 8, abs=1e-15)
    # Goods: 0.0025 + 0.01 + 0.01 + 0.04 + 0.04 + 0.09 + 0.09 + 0.36 = 0.6425; bads: 0.36 + 0.01; / 10
    assert out["brier"] == pytest.approx(1.0125 / 10, abs=1e-15)
    assert out["capture_10"] == pytest.approx(0.5, abs=1e-15)  # the riskiest row (0.9) is one of the two bads
    assert out["calibration"].height == 10


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        auc([0, 0, 0], [1, 2, 3])
    with pytest.raises(ValueError):
        auc([0, 2, 1], [1, 2, 3])
    with pytest.raises(ValueError):
        ks([0, 1], [1, 2, 3])


def _random_book(seed: int, n: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """n outcomes and PDs rounded to two places, so many PDs tie, between goods and bads too."""
    rng = np.random.default_rng(seed)
    p = np.round(rng.beta(1.0, 8.0, n), 2)
    return (rng.random(n) < p).astype(int), p


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_ks_brier_agree_with_their_definitions_on_tied_scores(seed):
    y, p = _random_book(seed)
    bads, goods = p[y == 1], p[y == 0]
    # Every (bad, good) pair: a win counts 1, a tie one half.
    pairs = (bads[:, None] > goods[None, :]).mean() + 0.5 * (bads[:, None] == goods[None, :]).mean()
    assert auc(y, p) == pytest.approx(pairs, abs=1e-12)
    # The empirical CDFs of goods and bads at every score that occurs.
    t = np.unique(p)
    gap = np.abs((goods[None, :] <= t[:, None]).mean(axis=1) - (bads[None, :] <= t[:, None]).mean(axis=1))
    assert ks(y, p) == pytest.approx(gap.max(), abs=1e-12)
    assert brier(y, p) == pytest.approx(np.mean((p - y) ** 2), abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_calibration_by_decile_agrees_with_scikit_learn_on_distinct_pds(seed):
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(seed)
    p = rng.beta(1.0, 8.0, 1000)  # distinct: quantile bins of 100 rows each
    y = (rng.random(1000) < p).astype(int)
    observed, predicted = calibration_curve(y, p, n_bins=10, strategy="quantile")
    cal = calibration_by_decile(y, p)
    assert cal["n"].to_list() == [100] * 10
    np.testing.assert_allclose(cal["observed_rate"].to_numpy(), observed, rtol=0, atol=1e-12)
    np.testing.assert_allclose(cal["mean_pd"].to_numpy(), predicted, rtol=0, atol=1e-12)


def test_brier_refuses_a_pd_outside_zero_and_one():
    with pytest.raises(ValueError):
        brier([0, 1], [0.5, 1.5])
