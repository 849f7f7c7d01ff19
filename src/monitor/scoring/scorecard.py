"""The champion model (DESIGN.md §5): a points scorecard, logistic regression on WOE-binned features.

`Scorecard` is a scikit-learn classifier (fit / predict_proba / predict, get_params / set_params / clone) over a
pandas or polars DataFrame of numeric and string columns, with missing values. Class 1 is the bad outcome (the
event); PD is the probability of class 1.

Rules (each is a parameter where a choice is involved):

Binning, numeric features
    A shallow decision tree on the one feature (its non-missing rows) proposes the cut points: at most `max_bins`
    leaves, each holding at least the minimum bin: `min_bin_size` of the training rows (a share of all rows, not
    only the non-missing ones) or, when fewer, the rows that hold `min_bin_bads` (100) bads at the training bad
    rate (goods, when they are the rarer). A bin's WOE is as precise as its bads are many (its standard error is
    about sqrt(1 / bads + 1 / goods), 0.1 at 100 bads), not as its share: on a small book 5% of the rows is the
    binding floor, while on a large one 5% bins blur a risky tail (of the 150,000 Give Me Some Credit borrowers,
    bench/scorecard_public.py, the 3.5% with one 90-day late went bad at 34%, the 1% with three or more at 60%: one
    5% bin, 42%, before). Bins are left-open, right-closed: (-inf, c1], (c1, c2], ..., (ck, inf).
Monotonicity (`monotonic_trend`)
    Tree bins whose WOE is already monotone are kept. Otherwise the trend is the sign of the Spearman correlation
    between the feature and y on the non-missing rows (positive: the event rate rises with the feature), and
    adjacent bins are merged until the WOE is strictly monotone in that direction; each step merges, among the
    adjacent pairs that break the trend, the pair whose merge keeps the most IV. The monotone bins are preferred if
    they keep at least (1 - `max_iv_loss`) of the tree bins' IV (IV of the non-missing bins). If they lose more,
    the relation is taken to be genuinely non-monotone, and then:
    - "auto" (the default): the bins merged to the single peak or valley (of the event rate) that keeps the most
      IV are preferred: for each split of the bins into a left and a right run, the left run merged monotone one
      way and the right run the other way. A U-shaped risk (too young and too old, too small and too large a loan)
      keeps its shape, while the tree's wiggles on a weak feature, which do not carry over to new data, are
      smoothed away. The other shape (monotone, or peak/valley) stays a candidate that the internal
      cross-validation (below) takes instead when it clearly predicts better on rows it was not fitted on.
    - "monotone": the tree bins are kept as they are.
    A zero or undefined correlation goes straight to that second step. "none" keeps the tree bins always.
    The fitted shape is reported as the feature's trend: ascending, descending, peak, valley, non-monotone, flat.
Binning, categorical features (string columns, and the columns named in `categorical_features`)
    Two candidates, the first preferred:
    - pooled: one bin per category holding at least `min_bin_size` of the training rows, listed by event rate;
      the rarer categories are pooled into the bin "other";
    - grouped: every category ordered by its event rate (shrunk towards the feature's rate by CATEGORY_PRIOR
      rows, so that a category of a handful of rows does not lead the order), then cut as a numeric feature is:
      a tree on the order, bins of at least `min_bin_size`, merged until the WOE is monotone. Many rare categories
      (shops, professions, regions) keep their information instead of vanishing into "other"; but ordering by
      the training rates also invents groups among categories that differ only by chance, so the internal
      cross-validation must confirm them.
    A category never seen in training goes to "other" (which "grouped" leaves empty). `min_bin_bads` does not
    apply: a numeric feature's bins are held in check by their trend, a category's own bin only by its size.
Internal cross-validation (`cv` folds, stratified, seeded by `random_state`)
    Where a feature has two candidate binnings, each is fitted on each fold's other rows and scored by log-loss on
    the fold (the bin's bad rate as the prediction). The second replaces the preferred one only when its loss is
    lower by more than CHOICE_Z (2) standard errors of the rows' paired differences: on public credit data a
    choice made on noise cost more than a real shape gained (bench/scorecard_public.py). The same folds judge the
    features below `min_iv` (below). No folds are made when a class has fewer rows than folds: the preferred
    candidate is kept, and no feature below `min_iv` enters.
Missing values
    Every feature has a bin "missing" of its own (None, NaN and null all count as missing), present even when
    training saw no missing value.
WOE and IV
    WOE = ln(share of goods in the bin / share of bads in the bin), so a higher WOE means a lower risk, with the
    shares smoothed: (count + `smoothing`) / (total + `smoothing` x number of bins), over the bins that hold
    training rows. IV = sum over bins of (share of goods - share of bads) x WOE.
Empty bins ("missing" or "other" with no training row)
    They get the WOE of the riskiest populated bin of the feature (`unseen="worst"`, the default: an unexpected
    value is treated with caution and shows up in the reasons) or WOE 0, the average risk (`unseen="zero"`).
    They add nothing to the IV.
Feature selection and the regression
    Features with IV of at least `min_iv` enter. A LogisticRegression (L2, strength 1 / `C`) is fitted on their WOE
    columns. With `drop_wrong_sign=True`, a feature whose coefficient has the wrong sign (a higher WOE should mean
    a lower PD, so a coefficient on WOE must be <= 0) is dropped, the one with the lowest IV first, and the
    regression refitted, until all signs are right: a reason must never name a feature for a bin safer than its
    best. (If no feature reaches `min_iv`, the one with the highest IV is kept.)
    A feature with an IV above 0 but below `min_iv` then enters when the internal folds show that it predicts: the
    bins and the regression with and without it are fitted on each fold's other rows, and with it the held-out
    rows' log-likelihood must be higher by more than MIN_GAIN_NATS (1 nat, Akaike's price of one coefficient).
    IV is a feature's strength on its own; a feature weak alone can still say what the others do not (marital
    status beside a credit limit on the Taiwan cards, bench/scorecard_public.py), while on a small book a weak
    feature's bins are mostly noise, which the held-out rows show. The signs are then checked again.
Points (DESIGN.md §5)
    factor = pdo / ln 2 and offset = base_points - factor x ln(base_odds), so that
    points = offset + factor x ln(good:bad odds): `base_points` (600) at odds `base_odds` (50:1) and `pdo` (20) more
    points for each doubling of the odds; higher points, lower risk. With the regression's
    ln(bad:good odds) = b0 + sum_j b_j WOE_j, a feature's points for a bin are
    -factor x b_j x WOE_j + (offset - factor x b0) / m, m the number of features in the model: the constant is
    spread evenly over the features, so that a row's total score is exactly the sum of its feature points.
    PD = 1 / (1 + exp((points - offset) / factor)), a strictly decreasing function of the points.
Reasons
    For each row, the features that cost the most points against their best bin (the highest points the feature
    can give), largest first; features that cost nothing are not listed.
Scoring one row gives exactly what the same row gets in a batch: only the fitted bins and points are used, and a
row's points are added feature by feature in a fixed order.
"""

from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy.stats import spearmanr
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

MISSING = "missing"
OTHER = "other"
CHOICE_Z = 2.0  # standard errors by which a binning must beat the preferred one on the internal folds
MIN_BIN_BADS = 100  # bads (the rarer class) that make a bin's WOE precise enough: standard error about 0.1
MIN_GAIN_NATS = 1.0  # held-out log-likelihood a weak feature must add (Akaike's price of one coefficient)
CATEGORY_PRIOR = 20.0  # rows of the feature's event rate that shrink a category's rate when categories are ordered
_EPS = 1e-12


# --------------------------------------------------------------------------------------------------------------
# Points scaling


def scaling(base_points: float = 600.0, base_odds: float = 50.0, pdo: float = 20.0) -> tuple[float, float]:
    """(factor, offset) of the points scale: points = offset + factor x ln(good:bad odds)."""
    factor = pdo / math.log(2.0)
    offset = base_points - factor * math.log(base_odds)
    return factor, offset


def pd_to_points(pd, base_points: float = 600.0, base_odds: float = 50.0, pdo: float = 20.0) -> np.ndarray:
    """Points for a probability of default (PD in (0, 1)); PD 1/51 (odds 50:1) gives 600 on the default scale."""
    factor, offset = scaling(base_points, base_odds, pdo)
    p = np.clip(np.asarray(pd, dtype=float), _EPS, 1.0 - _EPS)
    return offset + factor * (np.log1p(-p) - np.log(p))


def points_to_pd(points, base_points: float = 600.0, base_odds: float = 50.0, pdo: float = 20.0) -> np.ndarray:
    """The inverse of `pd_to_points`."""
    factor, offset = scaling(base_points, base_odds, pdo)
    z = (np.asarray(points, dtype=float) - offset) / factor
    return 1.0 / (1.0 + np.exp(z))


# --------------------------------------------------------------------------------------------------------------
# Frames in: pandas or polars, numeric columns as float64 with NaN, the others as polars String with null


def _is_polars(X) -> bool:
    return isinstance(X, pl.DataFrame)


def _is_pandas(X) -> bool:
    return type(X).__module__.split(".")[0] == "pandas" and hasattr(X, "iloc")


def _as_frame(X, fitted=None):
    """A pandas or polars DataFrame as it is (matched by column name later: extra columns, a loan id say, are
    ignored); anything else goes through scikit-learn's check_array and becomes a polars frame with columns
    x0, x1, ... which, having no names, must have exactly the fitted number of columns."""
    if _is_pandas(X) and not all(isinstance(c, str) for c in X.columns):
        return X.rename(columns=str)
    if _is_polars(X) or _is_pandas(X):
        return X
    if isinstance(X, pl.LazyFrame):
        return X.collect()
    arr = check_array(X, dtype=None, ensure_all_finite=False, accept_sparse=False)
    if fitted is not None and arr.shape[1] != fitted.n_features_in_:
        raise ValueError(
            f"X has {arr.shape[1]} features, but {type(fitted).__name__} is expecting {fitted.n_features_in_} "
            "features as input."
        )
    return pl.DataFrame({f"x{j}": arr[:, j] for j in range(arr.shape[1])}, strict=False)


def _columns(X) -> list[str]:
    return [str(c) for c in X.columns]


def _polars_column(X, name: str) -> pl.Series:
    s = X[name]
    if s.dtype == pl.Object:  # python objects (numbers and None, say): let polars infer the type
        s = pl.Series(name, s.to_list(), strict=False)
    return s


def _is_numeric(X, name: str) -> bool:
    if _is_polars(X):
        dtype = _polars_column(X, name).dtype
        return dtype.is_numeric() or dtype == pl.Boolean
    import pandas as pd

    s = X[name]
    if s.dtype == object:  # python objects: numeric if all the non-missing values are numbers
        return pd.api.types.infer_dtype(s, skipna=True) in ("floating", "integer", "mixed-integer-float", "boolean")
    return bool(pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype))


def _numeric_values(X, name: str) -> np.ndarray:
    """float64, missing as NaN."""
    if _is_polars(X):
        s = _polars_column(X, name).cast(pl.Float64)
        return s.fill_null(np.nan).to_numpy().astype(np.float64, copy=False)
    s = X[name]
    return s.to_numpy(dtype=np.float64, na_value=np.nan)


def _format_number(v: float) -> str:
    """A number used as a category: 3.0 and 3 both read "3", whichever frame library carried it."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _category_values(X, name: str, numeric: bool) -> pl.Series:
    """polars String, missing as null; numbers used as categories written the same way from pandas and polars."""
    if numeric:
        x = _numeric_values(X, name)
        return pl.Series(name, [None if np.isnan(v) else _format_number(v) for v in x], dtype=pl.String)
    if _is_polars(X):
        return _polars_column(X, name).cast(pl.String)
    import pandas as pd

    s = X[name]
    mask = pd.isna(s).to_numpy()
    values = s.to_numpy(dtype=object)
    return pl.Series(name, [None if m else str(v) for v, m in zip(values, mask, strict=True)], dtype=pl.String)


def _check_columns(X, names) -> None:
    have = set(_columns(X))
    missing = [c for c in names if c not in have]
    if missing:
        raise ValueError(f"X lacks the columns the model was fitted on: {missing}")


def _binary_target(y) -> tuple[np.ndarray, np.ndarray]:
    """(classes, y as 0/1) with classes[1] the event (bad)."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    y = column_or_1d(y, warn=True)
    y_type = type_of_target(y, input_name="y", raise_unknown=True)
    if y_type not in ("binary", "multiclass"):
        raise ValueError(f"Unknown label type: {y_type}; y must be 0/1 (good/bad)")
    if y_type != "binary":
        raise ValueError(f"Only binary classification is supported. The type of the target is {y_type}.")
    classes, yy = np.unique(y, return_inverse=True)
    if classes.size != 2:
        raise ValueError(f"y has {classes.size} class; the model needs both goods and bads")
    return classes, yy.astype(np.int64)


# --------------------------------------------------------------------------------------------------------------
# Binning


def _woe_iv(goods: np.ndarray, bads: np.ndarray, smoothing: float) -> tuple[np.ndarray, np.ndarray]:
    """WOE and IV per bin, shares smoothed over the given bins."""
    goods = np.asarray(goods, dtype=float)
    bads = np.asarray(bads, dtype=float)
    k = goods.size
    dg = (goods + smoothing) / (goods.sum() + smoothing * k)
    db = (bads + smoothing) / (bads.sum() + smoothing * k)
    woe = np.log(dg / db)
    return woe, (dg - db) * woe


def _counts(idx: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    bads = np.bincount(idx[y == 1], minlength=k)
    goods = np.bincount(idx[y == 0], minlength=k)
    return goods, bads


def _is_monotone(woe: np.ndarray, trend: int) -> bool:
    # trend +1: event rate rises with the feature, so the WOE (good over bad) must fall.
    step = np.diff(woe) * trend
    return bool(np.all(step < 0))


def _merge_monotone(goods: np.ndarray, bads: np.ndarray, edges: np.ndarray, trend: int, smoothing: float):
    """Merge adjacent bins until the WOE is strictly monotone in the direction of `trend`; at each step the pair
    that breaks the trend and whose merge keeps the most IV."""
    goods, bads, edges = goods.copy(), bads.copy(), edges.copy()
    while goods.size > 1:
        woe, _ = _woe_iv(goods, bads, smoothing)
        bad_pairs = np.flatnonzero(np.diff(woe) * trend >= 0)
        if bad_pairs.size == 0:
            break
        best, best_iv = None, -np.inf
        for i in bad_pairs:
            g = np.concatenate([goods[:i], [goods[i] + goods[i + 1]], goods[i + 2 :]])
            b = np.concatenate([bads[:i], [bads[i] + bads[i + 1]], bads[i + 2 :]])
            iv = _woe_iv(g, b, smoothing)[1].sum()
            if iv > best_iv + 1e-15:
                best, best_iv = i, iv
        i = int(best)
        goods = np.concatenate([goods[:i], [goods[i] + goods[i + 1]], goods[i + 2 :]])
        bads = np.concatenate([bads[:i], [bads[i] + bads[i + 1]], bads[i + 2 :]])
        edges = np.delete(edges, i)
    return goods, bads, edges


@dataclass
class FeatureBinning:
    """The fitted bins of one feature. Bin order: the regular bins, then "other" (categorical only), then "missing".

    `woe` holds the WOE a row in each bin gets (empty special bins included, by the `unseen` rule); `iv` the
    contribution of each bin to the feature's IV."""

    feature: str
    kind: str  # "numeric" or "categorical"
    labels: list[str]
    goods: np.ndarray
    bads: np.ndarray
    woe: np.ndarray
    iv: np.ndarray
    trend: str  # "ascending" / "descending" (event rate with the feature), "non-monotone", or "" (categorical)
    edges: np.ndarray = field(default_factory=lambda: np.empty(0))
    categories: list[str] = field(default_factory=list)
    category_bins: tuple[int, ...] = ()  # the bin of each of `categories`; empty: one bin each, in that order

    @property
    def total_iv(self) -> float:
        return float(self.iv.sum())

    def bin_index(self, values) -> np.ndarray:
        """Bin of each value: floats (NaN missing) for a numeric feature, a polars String Series otherwise."""
        if self.kind == "numeric":
            x = np.asarray(values, dtype=np.float64)
            idx = np.searchsorted(self.edges, x, side="left")
            idx[np.isnan(x)] = len(self.labels) - 1
            return idx.astype(np.int64)
        other, missing = len(self.labels) - 2, len(self.labels) - 1
        bins = self.category_bins or range(len(self.categories))
        mapping = dict(zip(self.categories, bins, strict=True))
        s = values.replace_strict(mapping, default=other, return_dtype=pl.Int64)
        idx = s.fill_null(missing).to_numpy().astype(np.int64)  # a writable copy
        # replace_strict may map null to the default: put the missing back in the missing bin.
        idx[values.is_null().to_numpy()] = missing
        return idx

    def pd(self, values) -> np.ndarray:
        """The bad rate the bins imply for each value (from the WOE: the bin's good:bad odds are e^WOE times the
        training's), as the internal cross-validation scores a binning on rows it was not fitted on."""
        odds = np.exp(self.woe) * self.goods.sum() / max(self.bads.sum(), 1)
        return (1.0 / (1.0 + odds))[self.bin_index(values)]


def _finish(feature, kind, labels, goods, bads, trend, smoothing, unseen, edges=None, categories=None,
            category_bins=()):
    goods = np.asarray(goods, dtype=np.int64)
    bads = np.asarray(bads, dtype=np.int64)
    populated = (goods + bads) > 0
    woe = np.zeros(goods.size)
    iv = np.zeros(goods.size)
    w, v = _woe_iv(goods[populated], bads[populated], smoothing)
    woe[populated] = w
    iv[populated] = v
    if (~populated).any():
        woe[~populated] = w.min() if unseen == "worst" else 0.0
    return FeatureBinning(
        feature=feature, kind=kind, labels=labels, goods=goods, bads=bads, woe=woe, iv=iv, trend=trend,
        edges=np.asarray(edges if edges is not None else [], dtype=float), categories=list(categories or []),
        category_bins=tuple(int(b) for b in category_bins),
    )


def _numeric_labels(edges: np.ndarray) -> list[str]:
    bounds = ["-inf", *(f"{e:.6g}" for e in edges), "inf"]
    labels = [f"({bounds[i]}, {bounds[i + 1]}]" for i in range(len(bounds) - 1)]
    labels[-1] = labels[-1][:-1] + ")"
    return labels


def _merge_unimodal(goods: np.ndarray, bads: np.ndarray, edges: np.ndarray, smoothing: float):
    """The peak or valley shape that keeps the most IV: for each split of the bins into a left and a right run,
    the left run merged monotone one way and the right run the other way."""
    best, best_iv = None, -np.inf
    k = goods.size
    for trend in (1, -1):
        for t in range(1, k):
            gl, bl, el = _merge_monotone(goods[:t], bads[:t], edges[: t - 1], trend, smoothing)
            gr, br, er = _merge_monotone(goods[t:], bads[t:], edges[t:], -trend, smoothing)
            g, b = np.concatenate([gl, gr]), np.concatenate([bl, br])
            iv = _woe_iv(g, b, smoothing)[1].sum()
            if iv > best_iv + 1e-15:
                best, best_iv = (g, b, np.concatenate([el, [edges[t - 1]], er])), iv
    return best


def _shape_name(woe: np.ndarray) -> str:
    """The shape of the event rate along the feature, read from the WOE of the regular bins."""
    if woe.size < 2:
        return "flat"
    turns = np.count_nonzero(np.diff(np.sign(np.diff(woe))))
    if np.all(np.diff(woe) < 0):
        return "ascending"
    if np.all(np.diff(woe) > 0):
        return "descending"
    if turns == 1 and np.all(np.diff(woe) != 0):
        return "peak" if woe[1] < woe[0] else "valley"
    return "non-monotone"


def _shapes(goods, bads, edges, xv, yv, rule: str, max_iv_loss: float, smoothing: float) -> dict:
    """The candidate shapes of the tree bins under the monotonicity rule (see the module docstring), the preferred
    first: name -> (goods, bads, edges)."""
    woe, iv = _woe_iv(goods, bads, smoothing)
    if rule == "none" or goods.size < 2 or _shape_name(woe) in ("ascending", "descending"):
        return {"tree": (goods, bads, edges)}
    rho = spearmanr(xv, yv).statistic
    trend = int(np.sign(rho)) if np.isfinite(rho) else 0
    monotone = _merge_monotone(goods, bads, edges, trend, smoothing) if trend != 0 else None
    keeps_iv = monotone is not None and _woe_iv(*monotone[:2], smoothing)[1].sum() >= (1.0 - max_iv_loss) * iv.sum()
    if rule == "monotone" or goods.size <= 2:
        return {"monotone": monotone} if keeps_iv else {"tree": (goods, bads, edges)}
    unimodal = _merge_unimodal(goods, bads, edges, smoothing)
    if monotone is None:
        return {"unimodal": unimodal}
    if keeps_iv:
        return {"monotone": monotone, "unimodal": unimodal}
    return {"unimodal": unimodal, "monotone": monotone}


def _tree_edges(x: np.ndarray, y: np.ndarray, *, n_min: int, max_bins: int, random_state) -> np.ndarray:
    """The cut points a shallow tree on one feature proposes: at most `max_bins` leaves of at least `n_min` rows."""
    if x.size < 2 * n_min or np.unique(x).size < 2 or not 0 < y.sum() < y.size or max_bins < 2:
        return np.empty(0)
    tree = DecisionTreeClassifier(max_leaf_nodes=max_bins, min_samples_leaf=n_min, random_state=random_state)
    tree.fit(x.reshape(-1, 1), y)
    t = tree.tree_
    return np.unique(t.threshold[t.feature >= 0])


def _fit_numeric(name, x, y, *, n_min, max_bins, trend_rule, max_iv_loss, smoothing, unseen, random_state) -> dict:
    """The candidate binnings of a numeric feature (`_shapes`): name -> FeatureBinning."""
    miss = np.isnan(x)
    xv, yv = x[~miss], y[~miss]
    edges = _tree_edges(xv, yv, n_min=n_min, max_bins=max_bins, random_state=random_state)
    goods, bads = _counts(np.searchsorted(edges, xv, side="left"), yv, edges.size + 1)
    missing_goods, missing_bads = int((y[miss] == 0).sum()), int((y[miss] == 1).sum())
    fitted = {}
    for shape, (g, b, e) in _shapes(goods, bads, edges, xv, yv, trend_rule, max_iv_loss, smoothing).items():
        trend_name = _shape_name(_woe_iv(g, b, smoothing)[0])
        fitted[shape] = _finish(name, "numeric", [*_numeric_labels(e), MISSING], np.append(g, missing_goods),
                                np.append(b, missing_bads), trend_name, smoothing, unseen, edges=e)
    return fitted


def _category_stats(s: pl.Series, y: np.ndarray) -> pl.DataFrame:
    """v (category), n, bads of the non-missing values, by category."""
    present = s.is_not_null().to_numpy()
    return (pl.DataFrame({"v": s.filter(present), "y": y[present]})
            .group_by("v").agg(pl.len().alias("n"), pl.col("y").sum().alias("bads")))


def _pooled(stats: pl.DataFrame, n_min: int):
    """A bin for each category with at least n_min rows, listed by event rate; the rarer pooled into "other"."""
    kept = stats.filter(pl.col("n") >= n_min).with_columns(rate=pl.col("bads") / pl.col("n")).sort(["rate", "v"])
    rare = stats.filter(pl.col("n") < n_min)
    categories = kept["v"].to_list()
    goods = [*(kept["n"] - kept["bads"]).to_list(), int((rare["n"] - rare["bads"]).sum())]
    bads = [*kept["bads"].to_list(), int(rare["bads"].sum())]
    return categories, (), [*categories, OTHER], goods, bads


def _grouped(stats: pl.DataFrame, n_min: int, max_bins: int, smoothing: float, random_state):
    """Every category seen, ordered by its event rate (shrunk towards the feature's rate by CATEGORY_PRIOR rows,
    so that a rare category does not lead the order on a handful of rows), then cut into runs as a numeric feature
    is: a tree of at most `max_bins` leaves of `n_min` rows, merged until the WOE is monotone. "other" is left
    for categories never seen in training."""
    rate = stats["bads"].sum() / max(stats["n"].sum(), 1)
    stats = stats.with_columns(
        rate=(pl.col("bads") + CATEGORY_PRIOR * rate) / (pl.col("n") + CATEGORY_PRIOR)).sort(["rate", "v"])
    categories = stats["v"].to_list()
    n, b = stats["n"].to_numpy(), stats["bads"].to_numpy()
    # one row per training row: the category's rank, and bads first within each category
    rank = np.repeat(np.arange(stats.height, dtype=np.float64), n)
    yv = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) < np.repeat(b, n)).astype(np.int64)
    edges = _tree_edges(rank, yv, n_min=n_min, max_bins=max_bins, random_state=random_state)
    goods, bads = _counts(np.searchsorted(edges, rank, side="left"), yv, edges.size + 1)
    goods, bads, edges = _merge_monotone(goods, bads, edges, 1, smoothing)
    group = np.searchsorted(edges, np.arange(len(categories), dtype=np.float64), side="left")
    labels = [", ".join(c for c, g in zip(categories, group, strict=True) if g == k) for k in range(edges.size + 1)]
    return categories, group, [*labels, OTHER], [*goods, 0], [*bads, 0]


def _fit_categorical(name, s: pl.Series, y, *, n_min, max_bins, smoothing, unseen, random_state) -> dict:
    """The candidate binnings of a categorical feature, pooled and grouped: name -> FeatureBinning."""
    stats = _category_stats(s, y)
    miss = s.is_null().to_numpy()
    missing_goods, missing_bads = int((y[miss] == 0).sum()), int((y[miss] == 1).sum())
    fitted = {}
    for shape, (categories, groups, labels, goods, bads) in (
        ("pooled", _pooled(stats, n_min)),
        ("grouped", _grouped(stats, n_min, max_bins, smoothing, random_state)),
    ):
        fitted[shape] = _finish(name, "categorical", [*labels, MISSING], [*goods, missing_goods],
                                [*bads, missing_bads], "", smoothing, unseen, categories=categories,
                                category_bins=groups)
    return fitted


def _log_loss(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per row."""
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -(y * np.log(p) + (1 - y) * np.log1p(-p))


def _choose(fitted: dict, on_folds: list[dict], values, y: np.ndarray, folds) -> str:
    """Of the candidate binnings `fitted` on all rows (the preferred first), the one to keep. Each candidate, as
    fitted on each internal fold's other rows (`on_folds`), is scored (log-loss) on the fold; a later candidate
    replaces the chosen one only when its loss is lower by more than CHOICE_Z standard errors of the rows' paired
    differences: a choice made on noise would not carry over to new data."""
    candidates = list(fitted)
    if len(candidates) == 1 or not folds:
        return candidates[0]
    loss = {c: np.zeros(y.size) for c in candidates}
    for (_, test), on_fold in zip(folds, on_folds, strict=True):
        for shape in candidates:
            loss[shape][test] = _log_loss(y[test], _shape_on_fold(on_fold, shape).pd(values[test]))
    chosen = candidates[0]
    for other in candidates[1:]:
        gain = loss[chosen] - loss[other]
        if gain.sum() > CHOICE_Z * gain.std() * math.sqrt(gain.size):
            chosen = other
    return chosen


def _shape_on_fold(on_fold: dict, shape: str) -> FeatureBinning:
    # A fold's tree may offer fewer shapes than the tree on all rows: a missing shape is the fold's first.
    return on_fold.get(shape, next(iter(on_fold.values())))


def _regression(C: float) -> LogisticRegression:
    # Newton-Cholesky: the exact optimum of the same L2 objective in a few steps on many rows of few WOE columns.
    return LogisticRegression(C=C, solver="newton-cholesky", max_iter=100)


class _FeatureFit:
    """One feature's values and binning function during a fit, with its binnings on the internal folds fitted
    once, when first needed (to choose a shape, or to judge a weak feature on held-out rows)."""

    def __init__(self, values, fit, folds):
        self.values = values
        self.fit = fit  # rows (None: all) -> the candidate binnings fitted on them
        self.folds = folds
        self.shape = None  # the chosen candidate
        self._on_folds = None

    def on_folds(self) -> list[dict]:
        if self._on_folds is None:
            self._on_folds = [self.fit(train) for train, _ in self.folds]
        return self._on_folds

    def fold_woe(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The WOE of fold k's training rows and held-out rows under the chosen shape fitted on the training rows."""
        train, test = self.folds[k]
        binning = _shape_on_fold(self.on_folds()[k], self.shape)
        return binning.woe[binning.bin_index(self.values[train])], binning.woe[binning.bin_index(self.values[test])]


def _weak_that_help(weak: list[str], base: list[str], fold_woe: list[dict], y: np.ndarray, folds,
                    C: float) -> list[str]:
    """Of the `weak` features (IV below min_iv), those whose adding to the regression on `base` lowers the
    log-loss on the internal folds' held-out rows, the bins and the regression fitted on the other rows
    (`fold_woe`: per fold, feature -> WOE of the training rows and of the held-out rows). A weak feature enters
    when it adds more than MIN_GAIN_NATS of held-out log-likelihood: held-out rows already charge a feature for its
    overfitted bins, and the margin keeps out a useless feature's lucky draw."""
    def held_out_loss(columns: list[str]) -> float:  # in nats, summed over the rows
        total = 0.0
        for (train, test), woe in zip(folds, fold_woe, strict=True):
            lr = _regression(C).fit(np.column_stack([woe[n][0] for n in columns]), y[train])
            total += _log_loss(y[test], lr.predict_proba(np.column_stack([woe[n][1] for n in columns]))[:, 1]).sum()
        return total

    without = held_out_loss(base)
    return [n for n in weak if held_out_loss([*base, n]) < without - MIN_GAIN_NATS]


# --------------------------------------------------------------------------------------------------------------
# The estimator


class TabularClassifierMixin:
    """scikit-learn tags shared by the scorecard and its challenger: binary classifiers of frames whose
    columns may be strings (categories) and may hold missing values."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.target_tags.required = True
        tags.classifier_tags.multi_class = False  # good or bad
        return tags


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
        X = _as_frame(X)
        self.classes_, yy = _binary_target(y)
        names = _columns(X)
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
        woe = {name: self.binnings_[name].woe[self._bin_index(X, name)] for name in names}
        selected = [n for n in names if self.iv_[n] >= self.min_iv]
        if not selected:
            selected = [max(names, key=lambda n: self.iv_[n])]
        selected, lr = self._regress(selected, woe, yy)
        weak = [n for n in names if 0 < self.iv_[n] < self.min_iv]
        if weak and folds:
            fold_woe = [{n: features[n].fold_woe(k) for n in [*selected, *weak]} for k in range(len(folds))]
            helping = _weak_that_help(weak, selected, fold_woe, yy, folds, self.C)
            if helping:
                selected, lr = self._regress([n for n in names if n in selected or n in helping], woe, yy)
        self.estimator_ = lr
        self.selected_features_ = list(selected)
        self.coef_ = {n: float(c) for n, c in zip(selected, lr.coef_[0], strict=True)}
        self.intercept_ = float(lr.intercept_[0])

        self._scale()
        return self

    def _bin_features(self, X, names: list[str], y: np.ndarray, forced: set, folds) -> dict:
        """Fit `binnings_` (and `numeric_`): each feature's candidate binnings, the one the internal folds choose.
        Returns each feature's _FeatureFit, which the feature selection uses again."""
        self.numeric_ = {}
        self.binnings_ = {}
        features = {}
        for name in names:
            numeric = _is_numeric(X, name)
            self.numeric_[name] = numeric
            categorical = name in forced or not numeric
            values = _category_values(X, name, numeric) if categorical else _numeric_values(X, name)
            n_min = self._min_bin_rows(y, categorical)
            feature = _FeatureFit(values, functools.partial(self._candidates, name, categorical, values, y, n_min),
                                  folds)
            fitted = feature.fit(None)
            feature.shape = _choose(fitted, feature.on_folds() if len(fitted) > 1 else [], values, y, folds)
            self.binnings_[name] = fitted[feature.shape]
            features[name] = feature
        return features

    def _min_bin_rows(self, y: np.ndarray, categorical: bool) -> int:
        """The fewest training rows a bin may hold: `min_bin_size` of the rows or, for a numeric feature, where
        fewer rows hold `min_bin_bads` of the rarer class at its average rate, those rows."""
        rows = math.ceil(self.min_bin_size * y.size)
        if self.min_bin_bads is not None and not categorical:
            rarer = min(y.mean(), 1.0 - y.mean())
            rows = min(rows, math.ceil(self.min_bin_bads / rarer))
        return max(1, rows)

    def _regress(self, selected: list[str], woe: dict, y: np.ndarray) -> tuple[list[str], LogisticRegression]:
        """The regression on the WOE of `selected`; with drop_wrong_sign, a feature whose coefficient has the
        wrong sign is dropped (the lowest IV first) and the regression refitted until all signs are right."""
        while True:
            lr = _regression(self.C).fit(np.column_stack([woe[n] for n in selected]), y)
            wrong = [n for n, c in zip(selected, lr.coef_[0], strict=True) if c > 0]
            if not self.drop_wrong_sign or not wrong or len(selected) == 1:
                return selected, lr
            drop = min(wrong, key=lambda n: self.iv_[n])
            selected = [n for n in selected if n != drop]

    def _candidates(self, name: str, categorical: bool, values, y: np.ndarray, n_min: int, rows) -> dict:
        """The candidate binnings of one feature fitted on `rows` (None: all rows): shape -> FeatureBinning."""
        if rows is not None:
            values, y = values[rows], y[rows]
        common = {"n_min": n_min, "max_bins": self.max_bins, "smoothing": self.smoothing, "unseen": self.unseen,
                  "random_state": self.random_state}
        if categorical:
            return _fit_categorical(name, values, y, **common)
        return _fit_numeric(name, values, y, trend_rule=self.monotonic_trend, max_iv_loss=self.max_iv_loss, **common)

    def _internal_folds(self, y: np.ndarray) -> list:
        """The stratified folds (train rows, test rows) that choose between candidate binnings; none when a
        class has fewer rows than folds."""
        if min(np.bincount(y)) < self.cv:
            return []
        return list(StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state).split(y, y))

    def _scale(self) -> None:
        """Points per bin from the coefficients and the intercept; the intercept's points spread evenly."""
        self.factor_, self.offset_ = scaling(self.base_points, self.base_odds, self.pdo)
        self.intercept_points_ = self.offset_ - self.factor_ * self.intercept_
        share = self.intercept_points_ / len(self.selected_features_)
        self.points_ = {
            n: -self.factor_ * self.coef_[n] * self.binnings_[n].woe + share for n in self.selected_features_
        }

    def with_log_odds_shift(self, shift: float) -> Scorecard:
        """A copy whose log-odds of a bad are `shift` higher for every row (calibration in the large: moving the
        PD level to a more recent bad rate). Ranking, bins and reasons stay as they are; every row's points move
        by -factor x shift."""
        check_is_fitted(self, "points_")
        shifted = copy.deepcopy(self)
        shifted.intercept_ = self.intercept_ + shift
        shifted._scale()
        return shifted

    # ---------------------------------------------------------------- scoring

    def _bin_index(self, X, name: str) -> np.ndarray:
        b = self.binnings_[name]
        if b.kind == "numeric":
            return b.bin_index(_numeric_values(X, name))
        return b.bin_index(_category_values(X, name, self.numeric_[name]))

    def _prepare(self, X):
        check_is_fitted(self, "points_")
        X = _as_frame(X, self)
        _check_columns(X, self.selected_features_)
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
        X = _as_frame(X, self)
        names = list(self.feature_names_in_)
        _check_columns(X, names)
        return pl.DataFrame({n: self.binnings_[n].woe[self._bin_index(X, n)] for n in names})

    def reasons(self, X, n: int = 3) -> pl.DataFrame:
        """For each row, the `n` model features that cost the most points against their best bin, largest first:
        columns reason_1..reason_n (feature name, null when fewer features cost points) and points_lost_1..n."""
        X = self._prepare(X)
        pts = self._feature_points(X)
        best = np.array([self.points_[f].max() for f in self.selected_features_])
        lost = best[None, :] - pts
        lost[lost < 1e-9] = 0.0
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
        check_is_fitted(self, "binnings_")
        if feature not in self.binnings_:
            raise KeyError(f"no feature {feature!r}; fitted features: {list(self.feature_names_in_)}")
        b = self.binnings_[feature]
        count = b.goods + b.bads
        total = max(int(count.sum()), 1)
        rate = np.divide(b.bads, count, out=np.full(count.size, np.nan), where=count > 0)
        pts = self.points_.get(feature)
        return pl.DataFrame(
            {
                "bin": b.labels,
                "count": count,
                "share": count / total,
                "goods": b.goods,
                "bads": b.bads,
                "event_rate": pl.Series(rate).fill_nan(None),
                "woe": b.woe,
                "iv": b.iv,
                "points": pl.Series(pts if pts is not None else [None] * count.size, dtype=pl.Float64),
            }
        )

    def summary(self) -> pl.DataFrame:
        """One row per fitted feature: kind, trend, bins, IV, in the model or not, coefficient, points range."""
        check_is_fitted(self, "points_")
        rows = []
        for name in self.feature_names_in_:
            b = self.binnings_[name]
            pts = self.points_.get(name)
            rows.append(
                {
                    "feature": name,
                    "kind": b.kind,
                    "trend": b.trend,
                    "n_bins": len(b.labels),
                    "iv": b.total_iv,
                    "selected": name in self.points_,
                    "coef": self.coef_.get(name),
                    "points_min": None if pts is None else float(pts.min()),
                    "points_max": None if pts is None else float(pts.max()),
                }
            )
        return pl.DataFrame(rows, schema_overrides={"coef": pl.Float64, "points_min": pl.Float64,
                                                    "points_max": pl.Float64})
