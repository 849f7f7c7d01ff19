"""The health of the live early-warning model, as the Model monitoring page shows it (DESIGN.md §5).

The live model is the newest promoted one (the one monitor.scoring.store.load picks and the scores use). Most of
its health was measured when it was trained and lives in its metadata (monitor.scoring.training.train): the
out-of-time metrics of the champion and the challenger, the calibration by decile, the backtest, the training
score distribution. What changes as the book moves on is read from the scores it wrote: the score distribution of
the latest day it scored on or before the as-of date, and that day's stability (PSI, CSI) from `score_runs`.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl

from monitor import db, overview
from monitor.scoring import store
from monitor.scoring.training import SCORE_BIN_WIDTH

METRICS = ("auc", "gini", "ks", "brier", "capture_10")  # the out-of-time metrics, as `<name>_oot` in the metadata
LOWER_IS_BETTER = ("brier",)
POPULATIONS = ("train", "current")  # the two score distributions
ORACLE_MODELS = ("champion", "challenger", "true_driver", "oracle")


def monitoring_view(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict | None:
    """Everything the Model monitoring page shows about the live model at `as_of`; None when no model is registered.

    - model: dict of the live model and its data: version, created_at (datetime), horizon_months, auc_train,
      first_data_date, latest_data_date, train_month_ends (list of dates), oot_month_end, training_rows,
      training_rows_used, training_bad_rate, oot_rows, oot_bad_rate, features, selected_features (counts),
      calibration_in_the_large (the metadata's dict);
    - models: every registered model, newest first: model_version, created_at, oot_month_end, auc_oot, live;
    - metrics: metric (METRICS), champion, challenger, difference (champion - challenger), lower_is_better;
    - synthetic: whether the book is the synthetic lender's (monitor.overview.is_synthetic): the oracle is
      demo-only content, and a lender's own book has no oracle at all (oracle and oracle_gap None, nothing to say);
    - oracle: model (ORACLE_MODELS, those with a value), auc; oracle_gap: the oracle's AUC less the champion's;
      oracle_absent: "older_model" when the model was trained before the oracle was measured with the generator's
      true default driver, None when shown (or on a lender's book);
    - calibration: decile, n, mean_pd, observed_rate, gap (out of time);
    - backtest: month_end (date), sample, loans, bad_rate, auc, ks;
    - scored: the latest day on or before `as_of` the live model scored, as dict day, loans; None if none;
    - distribution: points_bin (lower edge of a SCORE_BIN_WIDTH bin), population (POPULATIONS), share;
    - stability: dict source ("scored": that day's run, or "training": measured at training), as_of, psi, verdict,
      and csi: feature, csi, verdict, in_model (the scorecard uses it), worst first.
    """
    meta = store.metadata(con)
    if meta is None:
        return None
    version = meta["model_version"]
    scored = _scored_run(con, version, as_of)
    current = _current_distribution(con, version, scored["day"]) if scored else None
    synthetic = overview.is_synthetic(con)
    return {
        "model": _model(meta),
        "models": _history(store.registry(con)),
        "metrics": metrics_table(meta),
        "synthetic": synthetic,
        **(oracle(meta) if synthetic else {"oracle": None, "oracle_gap": None, "oracle_absent": None}),
        "calibration": pl.DataFrame(meta["calibration"]),
        "backtest": pl.DataFrame(meta["backtest"]).with_columns(pl.col("month_end").str.to_date()),
        "scored": {"day": scored["day"], "loans": scored["loans"]} if scored else None,
        "distribution": distribution(meta["score_histogram"], current),
        "stability": stability(meta, scored),
    }


def _model(meta: dict) -> dict:
    data = meta["data"]
    dates = {key: dt.date.fromisoformat(data[key]) for key in ("first_data_date", "latest_data_date", "oot_month_end")}
    return {
        "version": meta["model_version"],
        "created_at": dt.datetime.fromisoformat(meta["created_at"]),
        "horizon_months": meta["horizon_months"],
        "auc_train": meta["metrics"]["auc_train"],
        **{key: data[key] for key in ("training_rows", "training_rows_used", "training_bad_rate", "oot_rows",
                                      "oot_bad_rate")},
        **dates,
        "train_month_ends": [dt.date.fromisoformat(day) for day in data["train_month_ends"]],
        "features": len(meta["features"]),
        "selected_features": len(meta["selected_features"]),
        "calibration_in_the_large": meta["calibration_in_the_large"],
    }


def _history(models: pl.DataFrame) -> pl.DataFrame:
    """The registry (newest first) with each model's out-of-time month-end and AUC, the live one marked."""
    return models.select(
        "model_version", "created_at",
        pl.col("metadata").str.json_path_match("$.data.oot_month_end").str.to_date().alias("oot_month_end"),
        pl.col("metadata").str.json_path_match("$.metrics.auc_oot").cast(pl.Float64).alias("auc_oot"),
        "live",
    )


CANDIDATE_METRICS = (*METRICS, "psi")  # the figures a candidate is promoted on: out of time, and its stability
CANDIDATE_LOWER_IS_BETTER = (*LOWER_IS_BETTER, "psi")


def candidate_view(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The model waiting for promotion (monitor.scoring.store.candidate_version) beside the live one, as the Model
    page shows it before an admin makes it live; None when no model is waiting.

    - version, created_at (datetime), oot_month_end (date), live_version (None: no model is live yet);
    - metrics: metric (CANDIDATE_METRICS), candidate, live (null without a live model), difference (candidate -
      live), lower_is_better: each model's out-of-time figures as measured when it was trained, and the PSI of the
      out-of-time population's scores against its training population's;
    - calibration: the candidate's calibration by decile (decile, n, mean_pd, observed_rate, gap), out of time;
    - calibration_in_the_large: the candidate's (the metadata's dict).
    """
    version = store.candidate_version(con)
    if version is None:
        return None
    meta = store.metadata(con, version)
    live = store.metadata(con)

    def figures(model: dict | None) -> list[float | None]:
        if model is None:
            return [None] * len(CANDIDATE_METRICS)
        return [model["metrics"]["psi" if name == "psi" else f"{name}_oot"] for name in CANDIDATE_METRICS]

    metrics = pl.DataFrame({"metric": CANDIDATE_METRICS, "candidate": figures(meta), "live": figures(live)},
                           schema={"metric": pl.String, "candidate": pl.Float64, "live": pl.Float64})
    return {
        "version": version,
        "created_at": dt.datetime.fromisoformat(meta["created_at"]),
        "oot_month_end": dt.date.fromisoformat(meta["data"]["oot_month_end"]),
        "live_version": live["model_version"] if live else None,
        "metrics": metrics.with_columns(difference=pl.col("candidate") - pl.col("live"),
                                        lower_is_better=pl.col("metric").is_in(CANDIDATE_LOWER_IS_BETTER)),
        "calibration": pl.DataFrame(meta["calibration"]),
        "calibration_in_the_large": meta["calibration_in_the_large"],
    }


def metrics_table(meta: dict) -> pl.DataFrame:
    """The out-of-time metrics of the champion and the challenger, one row per metric."""
    champion = [meta["metrics"][f"{name}_oot"] for name in METRICS]
    challenger = [meta["challenger"][f"{name}_oot"] for name in METRICS]
    return pl.DataFrame({"metric": METRICS, "champion": champion, "challenger": challenger}).with_columns(
        difference=pl.col("champion") - pl.col("challenger"),
        lower_is_better=pl.col("metric").is_in(LOWER_IS_BETTER))


def oracle(meta: dict) -> dict:
    """The out-of-time AUC of the champion and the challenger beside the synthetic generator's true default driver
    alone and one fit of the challenger that also sees it (monitor.scoring.training.oracle): `oracle` (model, auc),
    `oracle_gap`, the oracle's AUC less the champion's (negative when the champion ranks better: the oracle is one
    fit, not a bound), and `oracle_absent` (see monitoring_view). For a synthetic book only: a lender's book has no
    generator's driver to rank by."""
    metrics = meta["metrics"]
    aucs = {"champion": metrics["auc_oot"], "challenger": meta["challenger"]["auc_oot"],
            "true_driver": metrics.get("auc_true_driver"), "oracle": metrics.get("auc_driver_oracle")}
    absent = "older_model" if aucs["oracle"] is None else None
    gap = aucs["oracle"] - aucs["champion"] if aucs["oracle"] is not None else None
    rows = [(model, auc) for model, auc in aucs.items() if auc is not None]
    return {"oracle": pl.DataFrame(rows, schema={"model": pl.String, "auc": pl.Float64}, orient="row"),
            "oracle_gap": gap, "oracle_absent": absent}


def _has_tables(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    return all(db.table_exists(con, name) for name in names)


def _scored_run(con: duckdb.DuckDBPyConnection, version: str, as_of: dt.date) -> dict | None:
    """The latest run of `version` on or before `as_of` that scored any loan: day, loans, stability (dict)."""
    if not _has_tables(con, "scores", "score_runs"):
        return None
    runs = con.sql("SELECT as_of AS day, loans, CAST(stability AS VARCHAR) AS stability FROM score_runs "
                   "WHERE model_version = $version AND as_of <= $as_of AND loans > 0 "
                   "ORDER BY as_of DESC LIMIT 1", params={"version": version, "as_of": as_of}).pl()
    if runs.height == 0:
        return None
    run = runs.row(0, named=True)
    return {**run, "stability": json.loads(run["stability"])}


def _current_distribution(con: duckdb.DuckDBPyConnection, version: str, day: dt.date) -> pl.DataFrame:
    """Share of the loans scored on `day` per SCORE_BIN_WIDTH-point bin, binned as training bins its points
    (monitor.scoring.training.score_histogram): points_bin, share."""
    return con.sql("SELECT floor(points / $width) * $width AS points_bin, "
                   "count(*) / sum(count(*)) OVER () AS share "
                   "FROM scores WHERE as_of = $day AND model_version = $version "
                   "GROUP BY ALL ORDER BY points_bin",
                   params={"width": SCORE_BIN_WIDTH, "day": day, "version": version}).pl()


def distribution(histogram: list[dict], current: pl.DataFrame | None) -> pl.DataFrame:
    """The training histogram (the metadata's score_histogram) and the current one, long: points_bin, population,
    share."""
    schema = {"points_bin": pl.Float64, "share": pl.Float64}
    frames = [pl.DataFrame(histogram, schema=schema).with_columns(population=pl.lit("train"))]
    if current is not None:
        frames.append(current.cast(schema).with_columns(population=pl.lit("current")))
    return pl.concat(frames).select("points_bin", "population", "share")


def stability(meta: dict, scored: dict | None) -> dict:
    """The PSI and CSI of the scored day's run, or those measured at training when that day has no run."""
    if scored and scored["stability"].get("csi"):
        source, as_of, measured = "scored", scored["day"], scored["stability"]
    else:
        measured = meta["stability"]
        source, as_of = "training", dt.date.fromisoformat(measured["as_of"])
    csi = (pl.DataFrame(measured["csi"], schema={"feature": pl.String, "csi": pl.Float64, "verdict": pl.String})
           .with_columns(in_model=pl.col("feature").is_in(meta["selected_features"]))
           .sort(["csi", "feature"], descending=[True, False], nulls_last=True))
    return {"source": source, "as_of": as_of, "psi": measured["psi"], "verdict": measured["verdict"], "csi": csi}
