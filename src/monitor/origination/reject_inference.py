"""Reject inference: an application scorecard that learns from the declined applicants too, whose outcome no one saw.

A model fitted on booked loans alone (the known-good-bad model, KGB) has never seen an applicant like those the
policy declined: below the cut-off it extrapolates, and for a binned scorecard it extrapolates flat (the lowest
bin of the application score holds accepted applicants only). Reject inference gives each declined applicant an
inferred outcome and fits the model again on the accepted and the declined together ("through the door").

`RejectInference(estimator, method, factor, bands, random_state)` is a scikit-learn classifier (get_params,
set_params, clone) wrapping any classifier with fit / predict_proba, optbinning's scorecard being the model of its
conventions: `fit(X, y, X_rejected)` fits `kgb_` (a clone of `estimator` on the accepted rows), infers the
rejected rows' outcomes with it, and fits `estimator_` (another clone) on both; `predict_proba` is `estimator_`'s.

Methods
    parcelling (the default): the KGB's PD on the accepted rows cut into `bands` bands of equal count (score bands:
        the PD falls as the points rise). A band's observed bad rate among its accepted rows, times `factor`
        (capped at 1), is the bad rate of the rejected rows in that band: of its n rejected rows,
        round(rate x n) are drawn bad at random (seeded by `random_state`), the rest good. A rejected row beyond
        the accepted range falls in the end band.
    fuzzy augmentation: each rejected row enters twice, as bad with weight p and as good with weight 1 - p, where
        p = min(1, factor x the KGB's PD of the row), and `estimator` is fitted with those sample weights (it must
        accept `sample_weight`; monitor.scoring.scorecard.Scorecard does not).
Assumption
    A declined applicant is as risky as an accepted one of the same KGB score, times `factor`: factor 1 says the
    policy declined on nothing the model does not see (missing at random); factor > 1 that the declined are worse
    than their score says, as they are when the lender declines on what the model lacks, or when they come from a
    riskier crowd than its customers (the synthetic lender's declined applicants do: monitor.synth.applications).
    The factor cannot be measured from booked loans: it is a judgement, stated in the model's metadata. A lender
    measures it by booking a small random share of applicants below the cut-off.
Known bias
    Everything the rejected rows add comes from the KGB and the factor. Fuzzy augmentation with factor 1 gives back
    (nearly) the KGB: the weighted rejects carry the KGB's own PD, so a logistic regression on the same features
    reaches the same coefficients (Ehrhardt, Biernacki, Vandewalle, Heinrich and Beben, "Reject inference methods
    in credit scoring", 2018); it moves
    the PD of the declined only through the factor. Parcelling with factor 1 does the same with noise. A factor
    too high (or too low) biases the declined's PD up (or down) by as much; the band rates of the accepted rows
    stop at the riskiest band, so the declined deeper than every accepted applicant get that band's rate; and
    the drawn outcomes add noise that a small book feels.
Which, for the application scorecard
    Parcelling. The scorecard takes no sample weights (its binning counts rows), and adding them would reach the
    binning, the internal cross-validation and the regression alike; fuzzy augmentation, moreover, only moves the
    declined's PD by the factor it shares with parcelling, while parcelling's inferred outcomes are whole rows the
    scorecard bins as it bins the accepted ones: the declined get bins of their own below the cut-off.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from monitor.scoring.inputs import TabularClassifierMixin, binary_target

METHODS = ("parcelling", "fuzzy")


def _stack(first, *others):
    """Rows of frames (or arrays) one after another, in the columns of `first`."""
    if isinstance(first, pl.DataFrame):
        return pl.concat([first, *(o.select(first.columns) for o in others)], how="vertical_relaxed")
    if hasattr(first, "iloc"):  # pandas
        import pandas as pd

        return pd.concat([first, *(o[first.columns] for o in others)], ignore_index=True)
    return np.concatenate([np.asarray(first), *(np.asarray(o) for o in others)])


def _rows(X) -> int:
    return X.shape[0]


def band_edges(pd_accepted: np.ndarray, bands: int) -> np.ndarray:
    """The inner edges of `bands` bands of equal count of the accepted rows' PD (fewer where PDs tie)."""
    return np.unique(np.quantile(pd_accepted, np.linspace(0.0, 1.0, bands + 1)[1:-1]))


def parcel(pd_accepted: np.ndarray, y_accepted: np.ndarray, pd_rejected: np.ndarray, *, bands: int, factor: float,
           random_state) -> tuple[np.ndarray, pl.DataFrame]:
    """The inferred outcome (0/1) of each rejected row, and the band table: band, upper_pd (null: the last),
    accepted, accepted_bads, accepted_bad_rate, inferred_bad_rate, rejected, rejected_bads. See the module
    docstring."""
    edges = band_edges(pd_accepted, bands)
    k = edges.size + 1
    band_accepted = np.searchsorted(edges, pd_accepted, side="left")
    band_rejected = np.searchsorted(edges, pd_rejected, side="left")
    accepted = np.bincount(band_accepted, minlength=k)
    accepted_bads = np.bincount(band_accepted, weights=y_accepted, minlength=k).astype(np.int64)
    rate = accepted_bads / np.maximum(accepted, 1)
    inferred = np.minimum(1.0, factor * rate)
    rejected = np.bincount(band_rejected, minlength=k)
    bads = np.floor(inferred * rejected + 0.5).astype(np.int64)
    # Within each band the rejected rows in a seeded random order; the first `bads` of the band are bad.
    order = np.lexsort((np.random.default_rng(random_state).random(pd_rejected.size), band_rejected))
    position = np.empty(pd_rejected.size, dtype=np.int64)
    position[order] = np.arange(pd_rejected.size) - (np.cumsum(rejected) - rejected)[band_rejected[order]]
    outcome = (position < bads[band_rejected]).astype(np.int64)
    table = pl.DataFrame({
        "band": np.arange(1, k + 1), "upper_pd": [*edges.tolist(), None], "accepted": accepted,
        "accepted_bads": accepted_bads, "accepted_bad_rate": rate, "inferred_bad_rate": inferred,
        "rejected": rejected, "rejected_bads": bads,
    })
    return outcome, table


class RejectInference(TabularClassifierMixin, ClassifierMixin, BaseEstimator):
    """`estimator` fitted on the accepted rows and the rejected ones with their outcomes inferred (see the module
    docstring).

    Parameters
    ----------
    estimator : the classifier (unfitted) for the known-good-bad model and the final one; each is a clone.
    method : "parcelling" or "fuzzy".
    factor : how many times riskier than an accepted row of the same score a rejected row is taken to be.
    bands : score bands of the parcelling (of equal count of the accepted rows).
    random_state : seed of the parcelling's draws.

    Fitted attributes: kgb_, estimator_, classes_, rejected_pd_ (the KGB's PD of each rejected row),
    rejected_bad_rate_ (the inferred bad rate of the rejected rows), bands_ (parcelling: `parcel`'s table).
    """

    def __init__(self, estimator, method: str = "parcelling", factor: float = 1.5, bands: int = 20,
                 random_state=0):
        self.estimator = estimator
        self.method = method
        self.factor = factor
        self.bands = bands
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be 'parcelling' or 'fuzzy', not {self.method!r}")
        if not self.factor > 0:
            raise ValueError("factor must be positive")
        if self.bands < 1:
            raise ValueError("bands must be at least 1")
        if self.method == "fuzzy" and not has_fit_parameter(self.estimator, "sample_weight"):
            raise ValueError(f"fuzzy augmentation weights the rejected rows, but {type(self.estimator).__name__}.fit "
                             "takes no sample_weight; use method='parcelling'")

    def fit(self, X, y, X_rejected):
        """Fit the known-good-bad model on the accepted rows (X, y), infer the outcomes of `X_rejected`, fit the
        final model on both."""
        self._check_params()
        self.classes_, yy = binary_target(y)
        if len(yy) != _rows(X):
            raise ValueError(f"X has {_rows(X)} rows but y has {len(yy)}")
        self.kgb_ = clone(self.estimator).fit(X, self.classes_[yy])
        self.rejected_pd_ = self.kgb_.predict_proba(X_rejected)[:, 1] if _rows(X_rejected) else np.empty(0)
        self.bands_ = None
        if self.method == "parcelling":
            pd_accepted = self.kgb_.predict_proba(X)[:, 1]
            outcome, self.bands_ = parcel(pd_accepted, yy, self.rejected_pd_, bands=self.bands, factor=self.factor,
                                          random_state=self.random_state)
            self.rejected_bad_rate_ = float(outcome.mean()) if outcome.size else None
            self.estimator_ = clone(self.estimator).fit(_stack(X, X_rejected),
                                                        self.classes_[np.concatenate([yy, outcome])])
        else:
            p = np.minimum(1.0, self.factor * self.rejected_pd_)
            n = p.size
            self.rejected_bad_rate_ = float(p.mean()) if n else None
            labels = np.concatenate([yy, np.ones(n, dtype=np.int64), np.zeros(n, dtype=np.int64)])
            weights = np.concatenate([np.ones(yy.size), p, 1.0 - p])
            self.estimator_ = clone(self.estimator).fit(_stack(X, X_rejected, X_rejected), self.classes_[labels],
                                                        sample_weight=weights)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """(n, 2): P(good), P(bad) under the final model."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        """The bad class where PD >= 0.5."""
        bad = self.predict_proba(X)[:, 1] >= 0.5
        return self.classes_[bad.astype(int)]

    @available_if(lambda self: hasattr(self.estimator, "points"))
    def points(self, X) -> np.ndarray:
        """The final model's points (a scorecard's: higher, lower risk)."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.points(X)
