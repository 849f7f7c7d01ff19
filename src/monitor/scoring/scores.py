"""Scoring the book with a trained model: PD, points, tier, three reasons and the treatment of every loan of the
early-warning population (active, DPD < 30) at a day, written to the `scores` table with the stability of the
scored population against the training one in `score_runs`."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl

from monitor import db, status
from monitor.scoring.features import build_features, population_sql
from monitor.scoring.store import ModelBundle, ModelError
from monitor.scoring.training import stability
from monitor.scoring.treatment import tier_expr, treatment_expr

REASONS = 3
SCORE_COLUMNS = ("loan_id", "as_of", "pd", "points", "tier", *(f"reason_{k}" for k in range(1, REASONS + 1)),
                 "treatment", "model_version", "dpd", "principal_balance")


def _check_features(bundle: ModelBundle, features: pl.DataFrame) -> None:
    missing = [name for name in bundle.features if name not in features.columns]
    if missing:
        raise ModelError(f"model {bundle.version} needs features this version does not build: {', '.join(missing)}; "
                         "train a new model with `python -m monitor train`")


def score(con: duckdb.DuckDBPyConnection, bundle: ModelBundle, as_of: dt.date) -> tuple[pl.DataFrame, dict]:
    """The rows of `scores` for `as_of` (SCORE_COLUMNS, riskiest first) and the stability of the scored population
    (monitor.scoring.training.stability). An empty population gives no rows and an empty stability."""
    features = build_features(con, as_of)
    _check_features(bundle, features)
    if features.height == 0:
        return pl.DataFrame(schema=dict.fromkeys(SCORE_COLUMNS)), {}
    X = features.select(bundle.features)
    model = bundle.estimator
    points = model.points(X)
    balances = con.sql(f"SELECT loan_id, CAST(principal_balance AS DOUBLE) AS principal_balance "
                       f"FROM ({population_sql(con, as_of)})", params=status.status_params(con, as_of)).pl()
    frame = (
        pl.concat([features.select("loan_id", "dpd", "installment_to_income"),
                   pl.DataFrame({"pd": model.predict_proba(X)[:, 1], "points": points}),
                   model.reasons(X, n=REASONS).select(f"reason_{k}" for k in range(1, REASONS + 1))],
                  how="horizontal")
        .join(balances, on="loan_id", how="left")
        .with_columns(tier=tier_expr(pl.col("pd")), as_of=pl.lit(as_of), model_version=pl.lit(bundle.version),
                      dpd=pl.col("dpd").cast(pl.Int32))
        .with_columns(treatment=treatment_expr(pl.col("tier"), pl.col("dpd"), pl.col("principal_balance"),
                                               pl.col("installment_to_income")))
        .select(SCORE_COLUMNS)
        .sort(["pd", "loan_id"], descending=[True, False])
    )
    return frame, stability(bundle.reference, features, points, bundle.features)


def write_scores(con: duckdb.DuckDBPyConnection, runs: list[tuple[dt.date, pl.DataFrame, dict]],
                 version: str) -> None:
    """Write the runs (day, scores of the day, stability of its population), each replacing the scores of its day,
    all in one transaction: a run of several month-ends lands whole or not at all, never days from two runs."""
    with db.transaction(con):
        for as_of, frame, population_stability in runs:
            con.register("new_scores", frame)
            try:
                db.run(con, "DELETE FROM scores WHERE as_of = $as_of", {"as_of": as_of})
                db.run(con, f"INSERT INTO scores ({', '.join(SCORE_COLUMNS)}) SELECT {', '.join(SCORE_COLUMNS)} "
                            "FROM new_scores")
                db.run(con, "INSERT OR REPLACE INTO score_runs VALUES ($as_of, $version, current_timestamp, $loans, "
                            "$stability)", {"as_of": as_of, "version": version, "loans": frame.height,
                                            "stability": json.dumps(population_stability)})
            finally:
                con.unregister("new_scores")
