"""The points scale of the scorecard (DESIGN.md §5).

    factor = pdo / ln 2 and offset = base_points - factor x ln(base_odds), so that
    points = offset + factor x ln(good:bad odds): `base_points` (600) at odds `base_odds` (50:1) and `pdo` (20) more
    points for each doubling of the odds; higher points, lower risk. With the regression's
    ln(bad:good odds) = b0 + sum_j b_j WOE_j, a feature's points for a bin are
    -factor x b_j x WOE_j + (offset - factor x b0) / m, m the number of features in the model: the constant is
    spread evenly over the features, so that a row's total score is exactly the sum of its feature points.
    PD = 1 / (1 + exp((points - offset) / factor)), a strictly decreasing function of the points.
"""

from __future__ import annotations

import math

import numpy as np

_EPS = 1e-12


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
