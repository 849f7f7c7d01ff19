"""The champion model (DESIGN.md §5): a points scorecard, logistic regression on WOE-binned features.

`Scorecard` is a scikit-learn classifier (fit / predict_proba / predict, get_params / set_params / clone) over a
pandas or polars DataFrame of numeric and string columns, with missing values. Class 1 is the bad outcome (the
event); PD is the probability of class 1.

Rules (each is a parameter where a choice is involved):

Binning, monotonicity, missing values, WOE and IV: monitor.scoring.binning. The internal cross-validation that
chooses between candidate binnings (a feature alone, then in the regression beside the others) and admits weak
features: monitor.scoring.selection. The points scale:
monitor.scoring.points. The frames and targets taken in: monitor.scoring.inputs.

Feature selection and the regression
    Features with IV of at least `min_iv` enter. A LogisticRegression (L2, strength 1 / `C`) is fitted on their WOE
    columns. With `drop_wrong_sign=True`, a feature whose coefficient has the wrong sign (a higher WOE should mean
    a lower PD, so a coefficient on WOE must be <= 0) is dropped, the one with the lowest IV first, and the
    regression refitted, until all signs are right. (If no feature reaches `min_iv`, the one with the highest IV is
    kept.)
    A feature with an IV above 0 but below `min_iv` then enters when the internal folds show that it predicts
    (monitor.scoring.selection). The signs are then checked again.
Suppressors
    With `keep_suppressors=True`, a feature dropped for its sign comes back when the internal folds show that it
    predicts beside the others (the same held-out test as a weak feature's) and the others keep their signs. Such a
    feature is collinear with another and corrects it: on VUB's credit data V4 beside V6, a loan amount beside the
    channel (bench/scorecard_public.py); dropping it costs ranking that no model with right signs recovers. Its
    points run against its own bins, so it is listed in `suppressors_` and is never a reason.
A feature coarser than another
    A feature whose every bin holds whole bins of another (a flag of the other's missing bin: VUB's Has_FICO of
    FICO_Score) only weighs a group of the other's bins against the rest, so its sign is judged on the two
    together: it is wrong only when the pair's points rank some bins of the finer feature against their WOE. Kept
    with a coefficient against its own bins, it is listed in `suppressors_` (never a reason), as is any feature
    whose points run against its bins.
Reasons
    For each row, the features that cost the most points against their best bin (the highest points the feature
    can give), largest first; features that cost nothing, and suppressors, are not listed: a reason must never name
    a feature for a bin safer than its best.
Scoring one row gives exactly what the same row gets in a batch: only the fitted bins and points are used, and a
row's points are added feature by feature in a fixed order.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from monitor.scoring import report

# FeatureBinning: models pickled before binning had a module of its own name it here.
from monitor.scoring.binning import FeatureBinning, fit_categorical, fit_numeric  # noqa: F401
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
from monitor.scoring.points import points_to_pd, scaling
from monitor.scoring.selection import (
    FeatureFit,
    choose_binning,
    features_that_help,
    internal_folds,
    regression,
    shapes_beside_others,
)

MIN_BIN_BADS = 100  # bads (the rarer class) that make a bin's WOE precise enough: standard error about 0.1


def coarser_than(index: dict) -> dict:
    """feature -> {finer feature: (its populated bins, the feature's bin holding each)} for every pair where each
    populated bin of the finer feature lies within one bin of the feature (on the rows of `index`: feature -> bin
    of each row) and the finer feature has more populated bins. A feature with one populated bin is coarser than any
    other, and never in the regression: left out."""
    populated = {n: np.unique(i) for n, i in index.items()}
    out = {}
    for coarse, ci in index.items():
        for fine, fi in index.items():
            if fine == coarse or not 2 <= populated[coarse].size < populated[fine].size:
                continue
            pairs = np.unique(fi.astype(np.int64) * (int(ci.max()) + 1) + ci)
            if pairs.size == populated[fine].size:  # each fine bin meets one coarse bin
                out.setdefault(coarse, {})[fine] = (pairs // (int(ci.max()) + 1), pairs % (int(ci.max()) + 1))
    return out


class Scorecard(TabularClassifierMixin, ClassifierMixin, BaseEstimator):
    """Points scorecard: supervised WOE binning per feature, logistic regression on the WOE, points scaled to
    `base_points` at `base_odds` (good:bad) with `pdo` points to double the odds. See the module docstring for
    the rules.

    Parameters
    ----------
    max_bins : most bins the tree proposes for a numeric feature or ordered categories (before merging;
        "missing" and "other" not counted).
    min_bin_size : least share of the training rows in a numeric bin (unless `min_bin_bads` asks for fewer rows)
        or an own-bin category.
    min_bin_bads : bads (of the rarer class) that make a numeric bin large enough, at the training bad rate, when
        that is fewer rows than `min_bin_size`; None: `min_bin_size` alone.
    monotonic_trend : "auto" (merge to the Spearman trend unless it costs more than `max_iv_loss` of the IV, else
        to a single peak or valley; the other shape taken when the internal folds clearly favour it), "monotone"
        (the same, but keep the tree bins instead of a peak or valley) or "none" (keep the tree bins).
    max_iv_loss : the share of IV that forcing a monotone WOE may lose before a peak or valley ("auto") or the
        tree bins ("monotone") are taken instead.
    smoothing : added to the good and bad counts of each bin before the WOE is taken.
    unseen : WOE of a bin with no training row (a missing value or new category at predict time that training
        never saw): "worst" (the riskiest populated bin) or "zero" (average risk).
    min_iv : features with a lower IV enter the regression only when the internal folds show they predict.
    drop_wrong_sign : drop features whose coefficient has the wrong sign and refit.
    keep_suppressors : bring back a feature dropped for its sign when the internal folds show it predicts beside
        the others (a suppressor, never a reason).
    categorical_features : names of numeric columns to bin as categories (string columns always are).
    C : inverse L2 strength of the LogisticRegression.
    cv : folds of the internal cross-validation that chooses between candidate binnings and judges the features
        below `min_iv` (at least 2).
    base_points, base_odds, pdo : the points scale.
    random_state : seed of the binning trees.
    """

    # Parameters added since models were first saved: a model pickled before lacks them, yet its get_params, repr
    # and clone read them. Its bins held 5% of the rows (min_bin_bads None); a clone refits with 3 internal folds.
    min_bin_bads = None
    cv = 3
    keep_suppressors = False
    suppressors_ = ()

    def __init__(
        self,
        max_bins: int = 10,
        min_bin_size: float = 0.05,
        min_bin_bads: float | None = MIN_BIN_BADS,
        monotonic_trend: str = "auto",
        max_iv_loss: float = 0.25,
        smoothing: float = 0.5,
        unseen: str = "worst",
        min_iv: float = 0.02,
        drop_wrong_sign: bool = True,
        keep_suppressors: bool = True,
        categorical_features=None,
        C: float = 1.0,
        cv: int = 3,
        base_points: float = 600.0,
        base_odds: float = 50.0,
        pdo: float = 20.0,
        random_state=0,
    ):
        self.max_bins = max_bins
        self.min_bin_size = min_bin_size
        self.min_bin_bads = min_bin_bads
        self.monotonic_trend = monotonic_trend
        self.max_iv_loss = max_iv_loss
        self.smoothing = smoothing
        self.unseen = unseen
        self.min_iv = min_iv
        self.drop_wrong_sign = drop_wrong_sign
        self.keep_suppressors = keep_suppressors
        self.categorical_features = categorical_features
        self.C = C
        self.cv = cv
        self.base_points = base_points
        self.base_odds = base_odds
        self.pdo = pdo
        self.random_state = random_state

    # ---------------------------------------------------------------- fit

    def _check_params(self) -> None:
        if self.monotonic_trend not in ("auto", "monotone", "none"):
            raise ValueError(f"monotonic_trend must be 'auto', 'monotone' or 'none', not {self.monotonic_trend!r}")
        if self.unseen not in ("worst", "zero"):
            raise ValueError(f"unseen must be 'worst' or 'zero', not {self.unseen!r}")
        if not 0.0 < self.min_bin_size < 0.5:
            raise ValueError("min_bin_size is a share of the rows, in (0, 0.5)")
        if self.min_bin_bads is not None and self.min_bin_bads <= 0:
            raise ValueError("min_bin_bads must be positive (or None)")
        if self.max_bins < 1:
            raise ValueError("max_bins must be at least 1")
        if self.smoothing <= 0:
            raise ValueError("smoothing must be positive")
        if self.cv < 2:
            raise ValueError("cv must be at least 2 (folds of the internal cross-validation)")

    def fit(self, X, y):
        """Bin each feature, select by IV (and below it by held-out rows), fit the regression, scale to points.
        X: pandas or polars DataFrame."""
        self._check_params()
        X = as_frame(X)
        self.classes_, yy = binary_target(y)
        names = column_names(X)
        if len(yy) != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {len(yy)}")
        if not names:
            raise ValueError("X has no columns")
        forced = set(self.categorical_features or ())
        unknown = forced - set(names)
        if unknown:
            raise ValueError(f"categorical_features not in X: {sorted(unknown)}")
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = len(names)

        folds = self._internal_folds(yy)
        features = self._bin_features(X, names, yy, forced, folds)
        self.iv_ = {name: self.binnings_[name].total_iv for name in names}
        index = {name: self._bin_index(X, name) for name in names}
        woe = {name: self.binnings_[name].woe[index[name]] for name in names}
        self._coarser = coarser_than(index)
        selected = [n for n in names if self.iv_[n] >= self.min_iv]
        if not selected:
            selected = [max(names, key=lambda n: self.iv_[n])]
        selected, lr, turned = self._regress(selected, woe, yy)
        weak = [n for n in names if 0 < self.iv_[n] < self.min_iv]
        if weak and folds:
            fold_woe = [{n: features[n].fold_woe(k) for n in [*selected, *weak]} for k in range(len(folds))]
            helping = features_that_help(weak, selected, fold_woe, yy, folds, self.C)
            if helping:
                selected, lr, turned_too = self._regress([n for n in names if n in selected or n in helping], woe, yy)
                turned = [*turned, *turned_too]
        suppressors = []
        if turned and folds and self.keep_suppressors:
            selected, lr, suppressors = self._add_suppressors(names, selected, lr, turned, features, woe, yy, folds)
        coef = dict(zip(selected, lr.coef_[0], strict=True))
        # A coarser feature kept with its points against its own bins (`_wrong_signs`) is never a reason either.
        self.suppressors_ = [n for n in selected if n in suppressors or coef[n] > 0]
        del self._coarser
        self.estimator_ = lr
        self.selected_features_ = list(selected)
        self.coef_ = {n: float(c) for n, c in zip(selected, lr.coef_[0], strict=True)}
        self.intercept_ = float(lr.intercept_[0])

        self._scale()
        return self

    def _bin_features(self, X, names: list[str], y: np.ndarray, forced: set, folds) -> dict:
        """Fit `binnings_` (and `numeric_`): each feature's candidate binnings, the one the internal folds choose.
        Returns each feature's FeatureFit, which the feature selection uses again."""
        self.numeric_ = {}
        self.binnings_ = {}
        features = {}
        for name in names:
            numeric = is_numeric(X, name)
            self.numeric_[name] = numeric
            categorical = name in forced or not numeric
            values = category_values(X, name, numeric) if categorical else numeric_values(X, name)
            n_min = self._min_bin_rows(y, categorical)
            feature = FeatureFit(values, functools.partial(self._candidates, name, categorical, values, y, n_min),
                                  folds)
            fitted = feature.fit(None)
            feature.shape = choose_binning(fitted, feature.on_folds() if len(fitted) > 1 else [], values, y, folds)
            feature.candidates = fitted
            self.binnings_[name] = fitted[feature.shape]
            features[name] = feature
        if folds:
            base = [n for n in names if self.binnings_[n].total_iv >= self.min_iv]
            for name, shape in shapes_beside_others(features, base, y, folds, self.C).items():
                features[name].shape = shape
                self.binnings_[name] = features[name].candidates[shape]
        return features

    def _min_bin_rows(self, y: np.ndarray, categorical: bool) -> int:
        """The fewest training rows a bin may hold: `min_bin_size` of the rows or, for a numeric feature, where
        fewer rows hold `min_bin_bads` of the rarer class at its average rate, those rows."""
        rows = math.ceil(self.min_bin_size * y.size)
        if self.min_bin_bads is not None and not categorical:
            rarer = min(y.mean(), 1.0 - y.mean())
            rows = min(rows, math.ceil(self.min_bin_bads / rarer))
        return max(1, rows)

    def _regress(self, selected: list[str], woe: dict, y: np.ndarray) -> tuple[list[str], LogisticRegression, list]:
        """The regression on the WOE of `selected`; with drop_wrong_sign, a feature whose coefficient has the
        wrong sign is dropped (the lowest IV first) and the regression refitted until all signs are right.
        Returns the features kept, the regression and the features dropped."""
        dropped = []
        while True:
            lr = regression(self.C).fit(np.column_stack([woe[n] for n in selected]), y)
            wrong = self._wrong_signs(selected, lr)
            if not self.drop_wrong_sign or not wrong or len(selected) == 1:
                return selected, lr, dropped
            drop = min(wrong, key=lambda n: self.iv_[n])
            dropped.append(drop)
            selected = [n for n in selected if n != drop]

    def _add_suppressors(self, names, selected, lr, turned, features, woe, y, folds):
        """`selected` with the features dropped for their sign that predict beside it on the internal folds'
        held-out rows, when the others keep their signs; else `selected` as it was. Returns (features,
        regression, suppressors)."""
        fold_woe = [{n: features[n].fold_woe(k) for n in [*selected, *turned]} for k in range(len(folds))]
        helping = features_that_help(turned, selected, fold_woe, y, folds, self.C)
        if not helping:
            return selected, lr, []
        columns = [n for n in names if n in selected or n in helping]
        with_them = regression(self.C).fit(np.column_stack([woe[n] for n in columns]), y)
        if any(n in selected for n in self._wrong_signs(columns, with_them)):
            return selected, lr, []
        coef = dict(zip(columns, with_them.coef_[0], strict=True))
        return columns, with_them, [n for n in columns if n in helping and coef[n] > 0]

    def _wrong_signs(self, columns: list[str], lr: LogisticRegression) -> list[str]:
        """The features of the regression `lr` on `columns` whose coefficient runs against their bins' risk. A
        feature coarser than another in the regression (each of the other's bins within one of its bins: a flag of
        the other's missing bin) is judged on the two together: its coefficient only weighs a group of the finer
        feature's bins against the rest, so it is wrong only when the pair's points rank some of the finer
        feature's bins against their WOE."""
        coef = dict(zip(columns, lr.coef_[0], strict=True))
        return [n for n in columns if coef[n] > 0 and not any(
            self._pair_follows_woe(fine, n, coef) for fine in self._coarser.get(n, {}) if fine in coef)]

    def _pair_follows_woe(self, fine: str, coarse: str, coef: dict) -> bool:
        """Whether the log-odds the regression gives each populated bin of `fine` (its own term and that of the
        coarser feature's bin holding it) rise as the bin's WOE falls."""
        if coef[fine] > 0:
            return False
        fine_bins, coarse_bins = self._coarser[coarse][fine]
        w = self.binnings_[fine].woe[fine_bins]
        joint = coef[fine] * w + coef[coarse] * self.binnings_[coarse].woe[coarse_bins]
        order = np.argsort(w, kind="stable")
        return bool(np.all(np.diff(joint[order]) <= 1e-12))

    def _candidates(self, name: str, categorical: bool, values, y: np.ndarray, n_min: int, rows) -> dict:
        """The candidate binnings of one feature fitted on `rows` (None: all rows): shape -> FeatureBinning."""
        if rows is not None:
            values, y = values[rows], y[rows]
        common = {"n_min": n_min, "max_bins": self.max_bins, "smoothing": self.smoothing, "unseen": self.unseen,
                  "random_state": self.random_state}
        if categorical:
            return fit_categorical(name, values, y, **common)
        return fit_numeric(name, values, y, trend_rule=self.monotonic_trend, max_iv_loss=self.max_iv_loss, **common)

    def _internal_folds(self, y: np.ndarray) -> list:
        """The folds that choose between candidate binnings and judge weak features (selection.internal_folds)."""
        return internal_folds(y, self.cv, self.random_state)

    def _scale(self) -> None:
        """Points per bin from the coefficients and the intercept; the intercept's points spread evenly."""
        self.factor_, self.offset_ = scaling(self.base_points, self.base_odds, self.pdo)
        self.intercept_points_ = self.offset_ - self.factor_ * self.intercept_
        share = self.intercept_points_ / len(self.selected_features_)
        self.points_ = {
            n: -self.factor_ * self.coef_[n] * self.binnings_[n].woe + share for n in self.selected_features_
        }

    # ---------------------------------------------------------------- scoring

    def _bin_index(self, X, name: str) -> np.ndarray:
        b = self.binnings_[name]
        if b.kind == "numeric":
            return b.bin_index(numeric_values(X, name))
        return b.bin_index(category_values(X, name, self.numeric_[name]))

    def _prepare(self, X):
        check_is_fitted(self, "points_")
        X = as_frame(X, self)
        check_columns(X, self.selected_features_)
        return X

    def _feature_points(self, X) -> np.ndarray:
        """(n rows, m selected features) points."""
        return np.column_stack([self.points_[n][self._bin_index(X, n)] for n in self.selected_features_])

    @staticmethod
    def _row_sums(pts: np.ndarray) -> np.ndarray:
        # Feature by feature, in a fixed order: a row's total never depends on the rows around it.
        total = np.zeros(pts.shape[0])
        for j in range(pts.shape[1]):
            total = total + pts[:, j]
        return total

    def points(self, X) -> np.ndarray:
        """Total score per row (higher = lower risk)."""
        X = self._prepare(X)
        return self._row_sums(self._feature_points(X))

    def points_by_feature(self, X) -> pl.DataFrame:
        """Points of each model feature per row (the constant spread evenly): the row sums equal `points(X)`."""
        X = self._prepare(X)
        pts = self._feature_points(X)
        return pl.DataFrame({n: pts[:, j] for j, n in enumerate(self.selected_features_)})

    def predict_proba(self, X) -> np.ndarray:
        """(n, 2): P(good), P(bad) = PD, from the points."""
        p = points_to_pd(self.points(X), self.base_points, self.base_odds, self.pdo)
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        """The bad class where PD >= 0.5."""
        bad = self.predict_proba(X)[:, 1] >= 0.5
        return self.classes_[bad.astype(int)]

    def woe(self, X) -> pl.DataFrame:
        """The WOE of every fitted feature per row."""
        check_is_fitted(self, "points_")
        X = as_frame(X, self)
        names = list(self.feature_names_in_)
        check_columns(X, names)
        return pl.DataFrame({n: self.binnings_[n].woe[self._bin_index(X, n)] for n in names})

    def reasons(self, X, n: int = 3) -> pl.DataFrame:
        """For each row, the `n` model features (not suppressors) that cost the most points against their best bin,
        largest first:
        columns reason_1..reason_n (feature name, null when fewer features cost points) and points_lost_1..n."""
        X = self._prepare(X)
        pts = self._feature_points(X)
        best = np.array([self.points_[f].max() for f in self.selected_features_])
        lost = best[None, :] - pts
        lost[lost < 1e-9] = 0.0
        lost[:, [j for j, f in enumerate(self.selected_features_) if f in self.suppressors_]] = 0.0
        order = np.argsort(-lost, axis=1, kind="stable")
        names = np.asarray(self.selected_features_, dtype=object)
        out = {}
        for k in range(n):
            if k < pts.shape[1]:
                j = order[:, k]
                cost = lost[np.arange(pts.shape[0]), j]
                feat = np.where(cost > 0, names[j], None)
            else:
                cost = np.zeros(pts.shape[0])
                feat = np.full(pts.shape[0], None, dtype=object)
            out[f"reason_{k + 1}"] = pl.Series(feat.tolist(), dtype=pl.String)
            out[f"points_lost_{k + 1}"] = pl.Series(np.where(cost > 0, cost, np.nan)).fill_nan(None)
        return pl.DataFrame(out)

    # ---------------------------------------------------------------- reporting

    def binning_table(self, feature: str) -> pl.DataFrame:
        """The bins of one feature: bin, count, share, goods, bads, event_rate, woe, iv, points (null when the
        feature is not in the model)."""
        return report.binning_table(self, feature)

    def summary(self) -> pl.DataFrame:
        """One row per fitted feature: kind, trend, bins, IV, in the model or not, coefficient, points range."""
        return report.summary(self)
