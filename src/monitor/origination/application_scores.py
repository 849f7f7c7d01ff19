"""Scoring every application, approved and declined, with an application scorecard: its PD (of going bad within
6 months on book, monitor.origination.outcomes) and points, into `application_scores`."""

from __future__ import annotations

import duckdb
import polars as pl

from monitor import db
from monitor.origination.application_training import ApplicationModel

SCORE_COLUMNS = ("application_id", "model_version", "pd", "points")


def score(model: ApplicationModel, features: pl.DataFrame) -> pl.DataFrame:
    """SCORE_COLUMNS for each row of `features` (monitor.origination.application_features), in its order."""
    X = features.select(model.features)
    return pl.DataFrame({
        "application_id": features["application_id"],
        "model_version": pl.Series([model.version] * features.height, dtype=pl.String),
        "pd": model.estimator.predict_proba(X)[:, 1],
        "points": model.estimator.points(X),
    })


def replace_scores(con: duckdb.DuckDBPyConnection, scores: pl.DataFrame) -> None:
    """Replace every row of `application_scores` with `scores` (one INSERT from the registered frame). Call it
    inside db.transaction, with the model's registration, so that the scores and their model land together."""
    con.register("new_application_scores", scores.select(SCORE_COLUMNS))
    try:
        db.run(con, "DELETE FROM application_scores")
        db.run(con, f"INSERT INTO application_scores ({', '.join(SCORE_COLUMNS)}) "
                    f"SELECT {', '.join(SCORE_COLUMNS)} FROM new_application_scores")
    finally:
        con.unregister("new_application_scores")
