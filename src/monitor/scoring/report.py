"""What a fitted scorecard shows a person: the bins of one feature, and one row per feature."""

from __future__ import annotations

import numpy as np
import polars as pl
from sklearn.utils.validation import check_is_fitted


def binning_table(model, feature: str) -> pl.DataFrame:
    """The bins of one feature: bin, count, share, goods, bads, event_rate, woe, iv, points (null when the
    feature is not in the model)."""
    check_is_fitted(model, "binnings_")
    if feature not in model.binnings_:
        raise KeyError(f"no feature {feature!r}; fitted features: {list(model.feature_names_in_)}")
    b = model.binnings_[feature]
    count = b.goods + b.bads
    total = max(int(count.sum()), 1)
    rate = np.divide(b.bads, count, out=np.full(count.size, np.nan), where=count > 0)
    pts = model.points_.get(feature)
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


def summary(model) -> pl.DataFrame:
    """One row per fitted feature: kind, trend, bins, IV, in the model or not, a suppressor or not (its points run
    against its bins: never a reason), coefficient, points range."""
    check_is_fitted(model, "points_")
    rows = []
    for name in model.feature_names_in_:
        b = model.binnings_[name]
        pts = model.points_.get(name)
        rows.append(
            {
                "feature": name,
                "kind": b.kind,
                "trend": b.trend,
                "n_bins": len(b.labels),
                "iv": b.total_iv,
                "selected": name in model.points_,
                "suppressor": name in model.suppressors_,
                "coef": model.coef_.get(name),
                "points_min": None if pts is None else float(pts.min()),
                "points_max": None if pts is None else float(pts.max()),
            }
        )
    return pl.DataFrame(rows, schema_overrides={"coef": pl.Float64, "points_min": pl.Float64,
                                                "points_max": pl.Float64})
