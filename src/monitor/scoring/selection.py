"""The scorecard's internal cross-validation: which candidate binning a feature keeps (alone, then beside the
others), and which features weak on their own (or dropped for their sign: the scorecard's suppressors) still enter
the regression.

Candidate binnings (`cv` folds, stratified, seeded by `random_state`)
    Where a feature has two candidate binnings, each is fitted on each fold's other rows and scored by log-loss on
    the fold (the bin's bad rate as the prediction). The second replaces the preferred one only when its loss is
    lower by more than CHOICE_Z (2) standard errors of the rows' paired differences: on public credit data a
    choice made on noise cost more than a real shape gained (bench/scorecard_public.py). The same folds judge the
    features below `min_iv` (below). No folds are made when a class has fewer rows than folds: the preferred
    candidate is kept, and no feature below `min_iv` enters.
Candidate binnings, beside the other features
    The bins serve the regression, so the choice is then made again where they are used: each feature with two
    candidates, in the regression on the features of at least `min_iv` (and itself), every binning and the
    regression fitted on each fold's other rows; the other candidate replaces the chosen one when the held-out
    log-loss is lower by more than CHOICE_Z standard errors. A shape seen alone can belong to another feature: on
    VUB's credit data (bench/scorecard_public.py) Max_gearing_ratio alone peaks, and beside Gearing_coefficient
    its own effect is monotone; the peak's bins cost 0.0018 of AUC against optbinning on every fold.
Weak features
    A feature with an IV above 0 but below `min_iv` then enters when the internal folds show that it predicts: the
    bins and the regression with and without it are fitted on each fold's other rows, and with it the held-out
    rows' log-likelihood must be higher by more than MIN_GAIN_NATS (1 nat, Akaike's price of one coefficient).
    IV is a feature's strength on its own; a feature weak alone can still say what the others do not (marital
    status beside a credit limit on the Taiwan cards, bench/scorecard_public.py), while on a small book a weak
    feature's bins are mostly noise, which the held-out rows show.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split

from monitor.scoring.binning import FeatureBinning

CHOICE_Z = 2.0  # standard errors by which a binning must beat the preferred one on the internal folds
MIN_GAIN_NATS = 1.0  # held-out log-likelihood a weak feature or a suppressor must add (Akaike: one coefficient)
SELECTION_ROWS = 200_000  # the most training rows the internal folds use (a stratified sample of them, seeded)


def internal_folds(y: np.ndarray, cv: int, random_state) -> list[tuple[np.ndarray, np.ndarray]]:
    """The stratified folds (train rows, test rows) of the choices above; none when a class has fewer rows than
    folds. Past SELECTION_ROWS training rows the folds split a stratified sample of that many: their choices rest
    on differences of held-out log-loss that are clear long before, and each costs a binning and a regression per
    fold, so the 500,000 rows `monitor train` fits on the 1M-loan book would cost 2.5 times as much for the same
    choices (bench/RESULTS.md, "Early warning at scale"). Every public set of bench/scorecard_public.py is smaller:
    its folds take every row."""
    if min(np.bincount(y)) < cv:
        return []
    rows = np.arange(y.size)
    if y.size > SELECTION_ROWS:
        rows = np.sort(train_test_split(rows, train_size=SELECTION_ROWS, stratify=y, random_state=random_state)[0])
    split = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state).split(rows, y[rows])
    return [(rows[train], rows[test]) for train, test in split]


def _held_out(folds) -> np.ndarray:
    """Every row some fold holds out (all rows, unless the folds split a sample)."""
    return np.sort(np.concatenate([test for _, test in folds]))


def log_loss(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per row."""
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -(y * np.log(p) + (1 - y) * np.log1p(-p))


def choose_binning(fitted: dict, on_folds: list[dict], values, y: np.ndarray, folds) -> str:
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
            loss[shape][test] = log_loss(y[test], _shape_on_fold(on_fold, shape).pd(values[test]))
    chosen, held = candidates[0], _held_out(folds)
    for other in candidates[1:]:
        gain = (loss[chosen] - loss[other])[held]
        if gain.sum() > CHOICE_Z * gain.std() * math.sqrt(gain.size):
            chosen = other
    return chosen


def _shape_on_fold(on_fold: dict, shape: str) -> FeatureBinning:
    # A fold's tree may offer fewer shapes than the tree on all rows: a missing shape is the fold's first.
    return on_fold.get(shape, next(iter(on_fold.values())))


def regression(C: float) -> LogisticRegression:
    # Newton-Cholesky: the exact optimum of the same L2 objective in a few steps on many rows of few WOE columns.
    return LogisticRegression(C=C, solver="newton-cholesky", max_iter=100)


class FeatureFit:
    """One feature's values and binning function during a fit, with its binnings on the internal folds fitted
    once, when first needed (to choose a shape, or to judge a weak feature on held-out rows)."""

    def __init__(self, values, fit, folds):
        self.values = values
        self.fit = fit  # rows (None: all) -> the candidate binnings fitted on them
        self.folds = folds
        self.shape = None  # the chosen candidate
        self.candidates = {}  # shape -> the candidate binning fitted on all rows
        self._on_folds = None
        self._fold_woe = {}  # (fold, shape) -> fold_woe

    def on_folds(self) -> list[dict]:
        if self._on_folds is None:
            self._on_folds = [self.fit(train) for train, _ in self.folds]
        return self._on_folds

    def fold_woe(self, k: int, shape: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The WOE of fold k's training rows and held-out rows under the chosen shape (or `shape`) fitted on the
        training rows."""
        key = (k, shape or self.shape)
        if key not in self._fold_woe:
            train, test = self.folds[k]
            binning = _shape_on_fold(self.on_folds()[k], key[1])
            self._fold_woe[key] = (binning.woe[binning.bin_index(self.values[train])],
                                   binning.woe[binning.bin_index(self.values[test])])
        return self._fold_woe[key]


def shapes_beside_others(features: dict, base: list[str], y: np.ndarray, folds, C: float) -> dict:
    """feature -> the candidate binning to keep instead of its chosen one, for the features whose other candidate
    predicts clearly better in the regression beside the others than alone. Each feature of `features` (name ->
    FeatureFit) with an IV above 0 and another candidate binned differently is judged in the regression
    on `base` (the features of at least `min_iv`) and itself, every binning and the regression fitted on each
    internal fold's other rows: another candidate replaces the chosen one when its held-out log-loss is lower by
    more than CHOICE_Z standard errors of the rows' paired differences (as `choose_binning` asks alone)."""
    def same(a: FeatureBinning, b: FeatureBinning) -> bool:
        return a.labels == b.labels and np.array_equal(a.woe, b.woe)

    def held_out_loss(columns: list[str], name: str, shape: str) -> np.ndarray:  # per row
        loss = np.zeros(y.size)
        for k, (train, test) in enumerate(folds):
            woe = [features[n].fold_woe(k, shape if n == name else None) for n in columns]
            lr = regression(C).fit(np.column_stack([w[0] for w in woe]), y[train])
            loss[test] = log_loss(y[test], lr.predict_proba(np.column_stack([w[1] for w in woe]))[:, 1])
        return loss

    switched, base_loss, held = {}, None, _held_out(folds)
    for name, feature in features.items():
        chosen_bins = feature.candidates[feature.shape]
        others = [o for o, bins in feature.candidates.items() if o != feature.shape and not same(bins, chosen_bins)]
        if not others or chosen_bins.total_iv <= 0:
            continue
        if name in base:
            columns = base
            base_loss = chosen = held_out_loss(base, name, feature.shape) if base_loss is None else base_loss
        else:
            columns = [*base, name]
            chosen = held_out_loss(columns, name, feature.shape)
        for other in others:
            gain = (chosen - held_out_loss(columns, name, other))[held]
            if gain.sum() > CHOICE_Z * gain.std() * math.sqrt(gain.size):
                switched[name] = other
                break
    return switched


def features_that_help(candidates: list[str], base: list[str], fold_woe: list[dict], y: np.ndarray, folds,
                       C: float) -> list[str]:
    """Of the `candidates` (weak features, IV below min_iv, or features dropped for their sign), those whose adding
    to the regression on `base` lowers the log-loss on the internal folds' held-out rows, the bins and the
    regression fitted on the other rows (`fold_woe`: per fold, feature -> WOE of the training rows and of the
    held-out rows). Forward, one at a time: the candidate that adds the most held-out log-likelihood enters when it
    adds more than MIN_GAIN_NATS, and the others are judged again beside it. Held-out rows already charge a feature
    for its overfitted bins, and the margin keeps out a useless feature's lucky draw. Forward, because collinear
    features help together: one may predict only beside another (on VUB's data, bench/scorecard_public.py, the
    independent test let in one suppressor of three on some folds).
    Returns the entered candidates in the order given."""
    def held_out_loss(columns: list[str]) -> float:  # in nats, summed over the rows
        total = 0.0
        for (train, test), woe in zip(folds, fold_woe, strict=True):
            lr = regression(C).fit(np.column_stack([woe[n][0] for n in columns]), y[train])
            total += log_loss(y[test], lr.predict_proba(np.column_stack([woe[n][1] for n in columns]))[:, 1]).sum()
        return total

    entered, loss, remaining = [], held_out_loss(base), list(candidates)
    while remaining:
        with_each = {n: held_out_loss([*base, *entered, n]) for n in remaining}
        best = min(remaining, key=with_each.__getitem__)
        if with_each[best] >= loss - MIN_GAIN_NATS:
            break
        entered.append(best)
        remaining.remove(best)
        loss = with_each[best]
    return [n for n in candidates if n in entered]
