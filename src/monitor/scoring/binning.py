"""Supervised WOE binning of one feature at a time (as optbinning keeps binning apart from the scorecard).

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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy.stats import spearmanr
from sklearn.tree import DecisionTreeClassifier

MISSING = "missing"
OTHER = "other"
CATEGORY_PRIOR = 20.0  # rows of the feature's event rate that shrink a category's rate when categories are ordered


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


def fit_numeric(name, x, y, *, n_min, max_bins, trend_rule, max_iv_loss, smoothing, unseen, random_state) -> dict:
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


def fit_categorical(name, s: pl.Series, y, *, n_min, max_bins, smoothing, unseen, random_state) -> dict:
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
