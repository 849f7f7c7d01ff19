"""The Model monitoring page's data: a cached loader on ui.data's cache, and the retrain job the page runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb

from monitor.db import DatabaseError
from monitor.scoring import jobs, monitoring, store
from monitor.scoring.training import TrainingError
from ui.data import db_path, load

TRAINING_SHARE = 0.9  # of the progress bar; scoring the latest day takes the rest
RETRAIN_ERRORS = (store.ModelError, TrainingError, DatabaseError, duckdb.Error)  # what retrain can raise


def monitoring_view(as_of: dt.date) -> dict | None:
    """monitor.scoring.monitoring.monitoring_view: the live model's health at as_of (None when there is no model)."""
    return load(monitoring.monitoring_view, as_of)


def retrain(progress: Callable[[str, float], None]) -> store.ModelBundle:
    """Train and register a new model on the page's database, then score its latest data day with it.

    `progress(step, fraction)` hears each step of training (monitor.scoring.training.train's names), then
    "scoring" and "done". Raises what the jobs raise (RETRAIN_ERRORS). The loaders' cache
    is keyed by the database file's version, so the next run of the page reads the new model."""
    path = db_path()

    def training_progress(step: str, fraction: float) -> None:
        if step != "done":  # scoring follows
            progress(step, fraction * TRAINING_SHARE)

    bundle = jobs.train_model(path, progress=training_progress)
    progress("scoring", TRAINING_SHARE)
    jobs.score_book(path)
    progress("done", 1.0)
    return bundle
