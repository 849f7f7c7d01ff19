"""The challenger model (DESIGN.md §5): gradient boosting with the scorecard's interface.

`Challenger` wraps scikit-learn's HistGradientBoostingClassifier. It takes the same pandas or polars DataFrames as
`Scorecard`: numeric columns go in as they are (missing values are handled natively by the trees), string columns
(and the numeric columns named in `categorical_features`) are ordinal-encoded inside the estimator and passed as
native categorical features.

Encoding: at fit, the `max_categories` most frequent categories of a column (ties by name) get the codes 0..k-1,
in name order; every other value (a rarer category at fit, a category never seen at fit) gets the code k, "other".
Missing values stay missing. When training saw no "other" value, the boosting treats the code k at predict time as
missing (scikit-learn's rule for unknown categories).

Deterministic: no early stopping by default (so no random validation split), and `random_state` is passed on.
Each row is scored by its own walk down the trees, so one row scores as it does in a batch.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.validation import check_is_fitted

from monitor.scoring.inputs import (
    TabularClassifierMixin,
    as_frame,
    binary_target,
    category_values,
    check_columns,
    column_names,
    is_numeric,
    numeric_values,
)
from monitor.scoring.points import pd_to_points


class Challenger(TabularClassifierMixin, ClassifierMixin, BaseEstimator):
    """Gradient boosting on a pandas or polars frame of numeric and categorical columns with missing values.

    Parameters
    ----------
    learning_rate, max_iter, max_leaf_nodes, min_samples_leaf, l2_regularization : passed to
        HistGradientBoostingClassifier.
    max_categories : most categories of a column that get a code of their own (at most 254).
    categorical_features : names of numeric columns to treat as categories (string columns always are).
    early_stopping : passed on; False by default for runs that do not depend on a validation split.
    base_points, base_odds, pdo : the points scale of `points` (the scorecard's, DESIGN.md §5).
    random_state : seed of the boosting.
    """

    def __init__(
        self,
        learning_rate: float = 0.05,
        max_iter: int = 300,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 50,
        l2_regularization: float = 1.0,
        max_categories: int = 50,
        categorical_features=None,
        early_stopping: bool = False,
        base_points: float = 600.0,
        base_odds: float = 50.0,
        pdo: float = 20.0,
        random_state=0,
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_categories = max_categories
        self.categorical_features = categorical_features
        self.early_stopping = early_stopping
        self.base_points = base_points
        self.base_odds = base_odds
        self.pdo = pdo
        self.random_state = random_state

    def _matrix(self, X) -> np.ndarray:
        cols = []
        for name in self.feature_names_in_:
            if name in self.categories_:
                s = category_values(X, name, self.numeric_[name])
                cats = self.categories_[name]
                mapping = {c: float(i) for i, c in enumerate(cats)}
                codes = s.replace_strict(mapping, default=float(len(cats)), return_dtype=pl.Float64)
                codes = codes.fill_null(np.nan).to_numpy().astype(np.float64)  # a writable copy
                codes[s.is_null().to_numpy()] = np.nan
                cols.append(codes)
            else:
                cols.append(numeric_values(X, name))
        return np.column_stack(cols)

    def fit(self, X, y):
        """Encode the categorical columns and fit the boosting. X: pandas or polars DataFrame."""
        if not 1 <= self.max_categories <= 254:
            raise ValueError("max_categories must be between 1 and 254")
        X = as_frame(X)
        self.classes_, yy = binary_target(y)
        names = column_names(X)
        if len(yy) != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {len(yy)}")
        forced = set(self.categorical_features or ())
        unknown = forced - set(names)
        if unknown:
            raise ValueError(f"categorical_features not in X: {sorted(unknown)}")
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = len(names)
        self.numeric_ = {n: is_numeric(X, n) for n in names}
        self.categories_ = {}
        for n in names:
            if n in forced or not self.numeric_[n]:
                counts = (
                    category_values(X, n, self.numeric_[n]).drop_nulls().value_counts(name="n")
                    .sort(["n", n], descending=[True, False])
                )
                self.categories_[n] = sorted(counts[n].head(self.max_categories).to_list())
        mask = np.array([n in self.categories_ for n in names])
        self.model_ = HistGradientBoostingClassifier(
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            categorical_features=mask if mask.any() else None,
            early_stopping=self.early_stopping,
            random_state=self.random_state,
        )
        self.model_.fit(self._matrix(X), yy)
        self.n_iter_ = self.model_.n_iter_
        return self

    def predict_proba(self, X) -> np.ndarray:
        """(n, 2): P(good), P(bad) = PD."""
        check_is_fitted(self, "model_")
        X = as_frame(X, self)
        check_columns(X, self.feature_names_in_)
        return self.model_.predict_proba(self._matrix(X))

    def predict(self, X) -> np.ndarray:
        """The bad class where PD >= 0.5."""
        bad = self.predict_proba(X)[:, 1] >= 0.5
        return self.classes_[bad.astype(int)]

    def points(self, X) -> np.ndarray:
        """The PD on the scorecard's points scale (higher = lower risk), to compare the two models."""
        return pd_to_points(self.predict_proba(X)[:, 1], self.base_points, self.base_odds, self.pdo)
