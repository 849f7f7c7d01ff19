"""Early warning (DESIGN.md §5): features known at a month-end, labels three months on, the scorecard and
its challenger, and their validation."""

from monitor.scoring.challenger import Challenger
from monitor.scoring.features import build_features
from monitor.scoring.labels import build_labels
from monitor.scoring.scorecard import Scorecard

__all__ = ["Challenger", "Scorecard", "build_features", "build_labels"]
