"""The two jobs of the early warning, as the command line and the Model monitoring page's retrain button run them.

Each opens the database itself and holds it read-write only for the moment it writes: training reads through a
read-only connection (the long part), then registers the model through a short read-write one; scoring likewise
computes the scores read-only and writes every day of a run in one transaction.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from monitor import access, access_store, db, status
from monitor.months import months_before
from monitor.scoring import scores, store, training


def train_model(db_path: str | Path, *, actor: access.Actor, promote: bool,
                progress: training.Progress | None = None, **options) -> store.ModelBundle:
    """Train (monitor.scoring.training.train with `options`), save and register the champion, as `actor`: a
    candidate (retrain_model), or live at once when `promote` (promote_model as well); its bundle. The roles are
    checked before anything is read; the training and the promotion are audited."""
    access.require(actor, "retrain_model")
    if promote:
        access.require(actor, "promote_model")
    db.check_writable(db_path)  # before the long part, not at the save
    con = db.connect(db_path, read_only=True)
    try:
        bundle = training.train(con, progress=progress, **options)
    finally:
        con.close()
    con = db.connect(db_path)
    try:
        replaced = store.live_version(con)
        store.save(con, db_path, bundle, promote=promote)
    finally:
        con.close()
    figures = _figures(bundle.metadata)
    access_store.record(db_path, actor, "retrain_model", bundle.version, {"promoted": promote, **figures})
    if promote:
        access_store.record(db_path, actor, "promote_model", bundle.version, {"replaces": replaced, **figures})
    return bundle


def promote_model(db_path: str | Path, version: str, *, actor: access.Actor) -> str | None:
    """Make the registered model `version` live, as `actor` (promote_model), and audit it with the model it
    replaces and its figures; returns the version that was live before (None: none). Score the book with it next
    (score_book), so that the early-warning list follows."""
    access.require(actor, "promote_model")
    con = db.connect(db_path)
    try:
        with db.transaction(con):
            replaced = store.live_version(con)
            store.promote(con, version)
            meta = store.metadata(con, version)
    finally:
        con.close()
    access_store.record(db_path, actor, "promote_model", version, {"replaces": replaced, **_figures(meta)})
    return replaced


def _figures(meta: dict) -> dict:
    """The out-of-time figures a retrain or promotion is audited with."""
    return {name: round(meta["metrics"][name], 4) for name in ("auc_oot", "gini_oot", "ks_oot", "psi")}


def score_book(db_path: str | Path, as_of: dt.date | None = None, *, month_ends: int = 0,
               version: str | None = None) -> list[tuple[dt.date, int]]:
    """Score the loans at `as_of` (default: the latest data day) and at the `month_ends` month-ends before it with
    the live model (or `version`), and write them; (day, loans scored) per day, oldest first."""
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
