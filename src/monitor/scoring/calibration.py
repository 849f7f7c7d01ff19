"""Calibration in the large: a fitted scorecard whose PD level is moved to a more recent bad rate.

`LogOddsShift` wraps the fitted scorecard and leaves it as it was fitted (no copy, no change to its state): every
row's log-odds of a bad are `shift` higher, so every row's points are factor x shift lower, spread evenly over the
model's features as the scorecard spreads its constant. Ranking, bins and reasons are the scorecard's own.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from monitor.scoring.points import points_to_pd

# Fitted attributes that the shift leaves as they are, read from the wrapped scorecard.
_UNSHIFTED = frozenset({"classes_", "feature_names_in_", "n_features_in_", "selected_features_", "binnings_",
                        "numeric_", "iv_", "coef_", "factor_", "offset_", "estimator_", "suppressors_", "base_points",
                        "base_odds", "pdo"})


class LogOddsShift:
    """`estimator` (a fitted Scorecard) with its log-odds of a bad `shift` higher for every row."""

    def __init__(self, estimator, shift: float):
        self.estimator = estimator
        self.shift = float(shift)

    def __getattr__(self, name: str):
        # Only attributes the shift does not change; points_, intercept_ and the like are defined below.
        if name in _UNSHIFTED:
            return getattr(self.__dict__["estimator"], name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    @property
    def intercept_(self) -> float:
        return self.estimator.intercept_ + self.shift

    def _points_shift_per_feature(self) -> float:
        return -self.estimator.factor_ * self.shift / len(self.estimator.selected_features_)

    @property
    def points_(self) -> dict:
        step = self._points_shift_per_feature()
        return {n: p + step for n, p in self.estimator.points_.items()}

    def points(self, X) -> np.ndarray:
        """Total score per row: the scorecard's, factor x shift lower."""
        return self.estimator.points(X) - self.estimator.factor_ * self.shift

    def points_by_feature(self, X) -> pl.DataFrame:
        """Points of each model feature per row, the shift spread evenly: the row sums equal `points(X)`."""
        step = self._points_shift_per_feature()
        return self.estimator.points_by_feature(X).select(pl.all() + step)

    def predict_proba(self, X) -> np.ndarray:
        """(n, 2): P(good), P(bad) = PD, from the shifted points."""
        e = self.estimator
        p = points_to_pd(self.points(X), e.base_points, e.base_odds, e.pdo)
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        """The bad class where PD >= 0.5."""
        bad = self.predict_proba(X)[:, 1] >= 0.5
        return self.estimator.classes_[bad.astype(int)]

    def woe(self, X) -> pl.DataFrame:
        """The scorecard's WOE per row (the shift moves no bin)."""
        return self.estimator.woe(X)

    def reasons(self, X, n: int = 3) -> pl.DataFrame:
        """The scorecard's reasons: every feature's points move alike, so what each costs stays."""
        return self.estimator.reasons(X, n)
