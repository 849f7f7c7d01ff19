"""The Model monitoring page's data: cached loaders on ui.data's cache, and the two jobs the page runs: retrain (a
candidate, not live) and promote (an admin makes the candidate live, then the latest data day is scored with it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb

from monitor import access
from monitor.db import DatabaseError
from monitor.scoring import jobs, monitoring, store
from monitor.scoring.training import TrainingError
from ui.data import db_path, load

RETRAIN_ERRORS = (store.ModelError, TrainingError, DatabaseError, duckdb.Error)  # what retrain and promote raise


def monitoring_view(as_of: dt.date) -> dict | None:
    """monitor.scoring.monitoring.monitoring_view: the live model's health at as_of (None when no model is live)."""
    return load(monitoring.monitoring_view, as_of)


def candidate_view() -> dict | None:
    """monitor.scoring.monitoring.candidate_view: the model waiting to be made live, beside the live one."""
    return load(monitoring.candidate_view)


def retrain(actor: access.Actor, progress: Callable[[str, float], None]) -> store.ModelBundle:
    """Train and register a candidate model on the page's database as `actor` (jobs.train_model checks
    retrain_model). `progress(step, fraction)` hears each step of training (monitor.scoring.training.train's
    names). Raises what the job raises (RETRAIN_ERRORS, access.AccessDenied). The loaders' cache is keyed by the
    database file's version, so the next run of the page reads the candidate."""
    return jobs.train_model(db_path(), actor=actor, promote=False, progress=progress)


def promote(version: str, actor: access.Actor) -> None:
    """Make `version` live as `actor` (jobs.promote_model checks promote_model and audits), then score the latest
    data day with it, so that the early-warning list follows."""
    path = db_path()
    jobs.promote_model(path, version, actor=actor)
    jobs.score_book(path)
