"""The application scorecard's job, as `python -m monitor train-application` runs it: train with reject inference,
test out of time, save, and score every application with the new model (the live one: the newest).

As monitor.scoring.jobs does, it reads through a read-only connection (the long part) and holds the book read-write
only to register the model and write its scores, both in one transaction: the scores never belong to a model that
is not registered, nor the newest model lack its scores."""

from __future__ import annotations

from pathlib import Path

from monitor import access, access_store, db
from monitor.origination import application_scores, application_store, application_training
from monitor.origination.application_features import application_features

AUDITED_FIGURES = ("auc_oot", "gini_oot", "ks_oot", "brier_oot")


def train_and_score(db_path: str | Path, *, actor: access.Actor,
                    progress: application_training.Progress | None = None,
                    **options) -> tuple[application_training.ApplicationModel, int]:
    """Train (application_training.train with `options`), save, register and score, as `actor` (retrain_model,
    checked before anything is read; the training is audited); the model and the applications scored."""
    access.require(actor, "retrain_model")
    db.check_writable(db_path)
    con = db.connect(db_path, read_only=True)
    try:
        model = application_training.train(con, progress=progress, **options)
        scores = application_scores.score(model, application_features(con))
    finally:
        con.close()
    path = application_store.write_files(db_path, model)
    con = db.connect(db_path)
    try:
        with db.transaction(con):
            application_store.register(con, model, path)
            application_scores.replace_scores(con, scores)
    finally:
        con.close()
    figures = {name: round(model.metadata["metrics"][name], 4) for name in AUDITED_FIGURES}
    access_store.record(db_path, actor, "retrain_model", model.version,
                        {"model": "application", **figures}, row_count=scores.height)
    return model, scores.height


def summary(model: application_training.ApplicationModel, scored: int, seconds: float) -> dict:
    """What `train-application --format json` prints: the model's out-of-time and training figures at the top
    level, the known-good-bad model's beside them, the spans and rows, the reject inference and the
    applications scored, and the `seconds` the command took."""
    meta = model.metadata
    inference = meta["reject_inference"]
    return {
        "model_version": model.version,
        **meta["metrics"],
        "known_good_bad": {k: v for k, v in meta["known_good_bad"].items() if k != "selected_features"},
        **{name: meta["data"][name] for name in ("train_from", "train_to", "oot_from", "oot_to", "training_rows",
                                                   "rejected_rows", "oot_rows", "training_bad_rate", "oot_bad_rate")},
        "reject_inference": {name: inference[name] for name in (
            "method", "factor", "bands", "inferred_bad_rate", "rejected_mean_pd", "rejected_mean_pd_known_good_bad")},
        "applications_scored": scored,
        "seconds": round(seconds, 1),
    }
