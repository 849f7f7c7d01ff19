"""Model validation (DESIGN.md §5): discrimination, calibration and stability, on plain arrays.

Conventions: `y` is 1 for a bad (the event) and 0 for a good. A `score` here ranks risk upwards (a PD, or minus
the scorecard points): the higher, the riskier. Pass `-points` to rank by scorecard points.

- auc: the probability that a random bad scores above a random good, ties counted one half (Mann-Whitney);
  scikit-learn's roc_auc_score.
- gini = 2 auc - 1.
- ks: the largest distance between the empirical score CDFs of the goods and of the bads; scipy's two-sample
  Kolmogorov-Smirnov statistic (ks_2samp).
- brier: the mean of (pd - y)^2; scikit-learn's brier_score_loss (a PD outside [0, 1] is refused).
- calibration_by_decile: rows ranked by predicted PD (ascending, ties in row order) and cut into ten groups of
  equal size (sizes differ by at most one row); decile 1 holds the lowest PDs. Ours, not scikit-learn's
  calibration_curve: its quantile bins put tied PDs in one bin of any size; with distinct PDs the two agree
  (tests/test_validation.py).
- capture_rate: the share of all bads among the riskiest `top` share of rows; rows tied at the cut-off score
  count in proportion (the expected value over random tie-breaks), so a coarse score is not flattered.
- psi: bins from the expected (training) scores' quantiles, right-closed, with open ends, so every actual value
  falls in a bin; missing scores form a bin of their own when either side has any; a bin share of 0 is floored at
  `floor` (1e-4) before the logarithm. PSI = sum (actual share - expected share) x ln(actual / expected).
- csi: the same index for one feature between two frames: numeric by the training frame's quantile bins,
  categorical by category (every category of either frame, and missing, as its own bin).
- stability_verdict: "stable" below 0.1, "watch" from 0.1 to 0.25 (both ends included), "act" above 0.25.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from scipy.stats import ks_2samp
from sklearn.metrics import brier_score_loss, roc_auc_score

from monitor.scoring.inputs import as_frame, category_values, check_columns, is_numeric, numeric_values

PSI_FLOOR = 1e-4
STABLE_BELOW = 0.1
ACT_ABOVE = 0.25


def _arrays(y, score) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float).ravel()
    s = np.asarray(score, dtype=float).ravel()
    if y.shape != s.shape:
        raise ValueError(f"y and score differ in length: {y.size} and {s.size}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must be 0 (good) or 1 (bad)")
    return y.astype(np.int64), s


def _both_classes(y: np.ndarray) -> None:
    if y.sum() == 0 or y.sum() == y.size:
        raise ValueError("need both goods and bads")


def auc(y, score) -> float:
    """Area under the ROC curve; ties between a bad and a good count one half."""
    y, s = _arrays(y, score)
    _both_classes(y)
    return float(roc_auc_score(y, s))


def gini(y, score) -> float:
    """Gini = 2 AUC - 1."""
    return 2.0 * auc(y, score) - 1.0


def ks(y, score) -> float:
    """Kolmogorov-Smirnov: max over thresholds t of |F_good(t) - F_bad(t)|, F the empirical CDF of the score."""
    y, s = _arrays(y, score)
    _both_classes(y)
    return float(ks_2samp(s[y == 0], s[y == 1], method="asymp").statistic)  # asymp: no exact p-value is needed


def brier(y, pd) -> float:
    """Mean squared error of the PD against the 0/1 outcome."""
    y, p = _arrays(y, pd)
    return float(brier_score_loss(y, p, labels=[0, 1]))  # labels: one class alone is a valid sample


def calibration_by_decile(y, pd, bins: int = 10) -> pl.DataFrame:
    """decile (1 = lowest PD), n, mean_pd, observed_rate, and their difference."""
    y, p = _arrays(y, pd)
    order = np.argsort(p, kind="stable")
    group = np.empty(y.size, dtype=np.int64)
    group[order] = np.arange(y.size) * bins // max(y.size, 1) + 1
    frame = pl.DataFrame({"decile": group, "pd": p, "y": y})
    return (
        frame.group_by("decile")
        .agg(pl.len().alias("n"), pl.col("pd").mean().alias("mean_pd"), pl.col("y").mean().alias("observed_rate"))
        .with_columns(gap=pl.col("observed_rate") - pl.col("mean_pd"))
        .sort("decile")
    )


def capture_rate(y, score, top: float = 0.10) -> float:
    """Share of all bads among the riskiest `top` share of rows (by score, higher = riskier)."""
    y, s = _arrays(y, score)
    if not 0.0 < top <= 1.0:
        raise ValueError("top is a share of the rows, in (0, 1]")
    n_bad = y.sum()
    if n_bad == 0:
        raise ValueError("no bads to capture")
    k = top * y.size
    cut = np.sort(s)[::-1][max(math.ceil(k - 1e-9), 1) - 1]  # the score of the k-th riskiest row
    above = s > cut
    tied = s == cut
    room = k - above.sum()  # how many of the tied rows fall inside the top share
    caught = y[above].sum() + y[tied].sum() * room / tied.sum()
    return float(caught / n_bad)


def _shares(idx: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(idx, minlength=k) / max(idx.size, 1)


def _psi_from_shares(expected: np.ndarray, actual: np.ndarray, floor: float) -> float:
    e = np.maximum(expected, floor)
    a = np.maximum(actual, floor)
    return float(np.sum((a - e) * np.log(a / e)))


def _quantile_bins(expected: np.ndarray, actual: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Bin indices of both samples: right-closed bins between the expected sample's quantiles, missing last."""
    finite = expected[~np.isnan(expected)]
    if finite.size == 0:
        edges = np.empty(0)
    else:
        edges = np.unique(np.quantile(finite, np.linspace(0.0, 1.0, bins + 1))[1:-1])
    k = edges.size + 1
    has_missing = bool(np.isnan(expected).any() or np.isnan(actual).any())

    def index(x: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(edges, x, side="left")
        idx[np.isnan(x)] = k
        return idx

    return index(expected), index(actual), k + int(has_missing)


def psi(expected_scores, actual_scores, bins: int = 10, floor: float = PSI_FLOOR) -> float:
    """Population stability index of `actual_scores` against `expected_scores` (the training population)."""
    e = np.asarray(expected_scores, dtype=float).ravel()
    a = np.asarray(actual_scores, dtype=float).ravel()
    if e.size == 0 or a.size == 0:
        raise ValueError("psi needs two non-empty samples")
    ie, ia, k = _quantile_bins(e, a, bins)
    return _psi_from_shares(_shares(ie, k), _shares(ia, k), floor)


def csi(train_frame, current_frame, feature: str, bins: int = 10, floor: float = PSI_FLOOR) -> float:
    """Characteristic stability index of one feature between the training and the current frame (pandas or
    polars): numeric features by the training frame's quantile bins, categorical ones by category."""
    train = as_frame(train_frame)
    current = as_frame(current_frame)
    check_columns(train, [feature])
    check_columns(current, [feature])
    numeric = is_numeric(train, feature) and is_numeric(current, feature)
    if numeric:
        return psi(numeric_values(train, feature), numeric_values(current, feature), bins=bins, floor=floor)
    t = category_values(train, feature, is_numeric(train, feature)).fill_null("\x00missing")
    c = category_values(current, feature, is_numeric(current, feature)).fill_null("\x00missing")
    cats = sorted(set(t.unique().to_list()) | set(c.unique().to_list()))
    mapping = {v: i for i, v in enumerate(cats)}
    it = t.replace_strict(mapping, return_dtype=pl.Int64).to_numpy()
    ic = c.replace_strict(mapping, return_dtype=pl.Int64).to_numpy()
    return _psi_from_shares(_shares(it, len(cats)), _shares(ic, len(cats)), floor)


def stability_verdict(value: float) -> str:
    """"stable" (< 0.1), "watch" (0.1 to 0.25), "act" (> 0.25), DESIGN.md §5."""
    if value < STABLE_BELOW:
        return "stable"
    if value <= ACT_ABOVE:
        return "watch"
    return "act"


def validate(y, pd) -> dict:
    """auc, gini, ks, brier, capture_10 (share of bads in the riskiest 10%), and the calibration frame."""
    a = auc(y, pd)
    return {
        "auc": a,
        "gini": 2.0 * a - 1.0,
        "ks": ks(y, pd),
        "brier": brier(y, pd),
        "capture_10": capture_rate(y, pd, top=0.10),
        "calibration": calibration_by_decile(y, pd),
    }
