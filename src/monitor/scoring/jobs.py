"""The two jobs of the early warning, as the command line and the Model monitoring page's retrain button run them.

Each opens the database itself and holds it read-write only for the moment it writes: training reads through a
read-only connection (the long part), then registers the model through a short read-write one; scoring likewise
computes the scores read-only and writes every day of a run in one transaction.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from monitor import db, status
from monitor.months import months_before
from monitor.scoring import scores, store, training


def train_model(db_path: str | Path, *, progress: training.Progress | None = None, **options) -> store.ModelBundle:
    """Train (monitor.scoring.training.train with `options`), save and register the champion; its bundle."""
    db.check_writable(db_path)  # before the long part, not at the save
    con = db.connect(db_path, read_only=True)
    try:
        bundle = training.train(con, progress=progress, **options)
    finally:
        con.close()
    con = db.connect(db_path)
    try:
        store.save(con, db_path, bundle)
    finally:
        con.close()
    return bundle


def score_book(db_path: str | Path, as_of: dt.date | None = None, *, month_ends: int = 0,
               version: str | None = None) -> list[tuple[dt.date, int]]:
    """Score the loans at `as_of` (default: the latest data day) and at the `month_ends` month-ends before it with
    the newest model (or `version`), and write them; (day, loans scored) per day, oldest first."""
    db.check_writable(db_path)
    con = db.connect(db_path, read_only=True)
    try:
        bundle = store.load(con, db_path, version)
        as_of = as_of or status.latest_data_date(con)
        days = sorted({*(months_before(as_of, k) for k in range(1, month_ends + 1)), as_of})
        results = [(day, *scores.score(con, bundle, day)) for day in days]
    finally:
        con.close()
    con = db.connect(db_path)
    try:
        scores.write_scores(con, results, bundle.version)
    finally:
        con.close()
    return [(day, frame.height) for day, frame, _ in results]
