"""Training the early-warning champion and challenger on month-end observation points, with an out-of-time test
(DESIGN.md §5).

The time line, with H = horizon_months (3) and the newest month-end whose statuses are known (`latest`):
- out-of-time (OOT) point: the newest observable month-end, latest - H months: its window is the last H
  month-ends of the data;
- training points: the `train_months` month-ends ending H months before the OOT point. Their label windows end on
  or before the OOT day, so no outcome the model learns from happened after the day it is tested on: the OOT
  figures are what the model would have achieved had it been built on that day;
- the current population: the loans at the latest data day, for the stability (PSI, CSI) of what is scored now.
Rows (loan, month-end) of the training points are pooled and, above `max_rows`, sampled at random (a seeded,
uniform sample keeps the bad rate of the pool). The scorecard's PD level is then set to the bad rate of the newest
training month-end (calibrate_to_latest).

The backtest scores every observable month-end of the last `backtest_months` with the champion: AUC and KS per
month-end, each marked as a point before training, a training point, a holdout (after training, before OOT) or the
OOT point.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl
from scipy.optimize import brentq
from scipy.special import expit, logit

from monitor import db, status
from monitor.months import last_month_end, months_before
from monitor.scoring import validation
from monitor.scoring.calibration import LogOddsShift
from monitor.scoring.challenger import Challenger
from monitor.scoring.features import CATEGORICAL, FEATURES, build_features
from monitor.scoring.labels import build_labels, latest_month_end
from monitor.scoring.scorecard import Scorecard
from monitor.scoring.store import ModelBundle, new_version

REFERENCE_ROWS = 20_000  # training rows kept in the bundle for PSI / CSI
SCORE_BIN_WIDTH = 10  # points per bar of the score distribution
MIN_ROWS_PER_CLASS = 20

Progress = Callable[[str, float], None]


class TrainingError(Exception):
    """The book cannot train a model as asked (too little history, no bads); the message says why."""


@dataclass(frozen=True)
class TrainingWindow:
    train: tuple[dt.date, ...]
    oot: dt.date
    latest_month_end: dt.date
    current: dt.date  # the latest data day: the population scored now


def training_window(con: duckdb.DuckDBPyConnection, train_months: int = 6, horizon_months: int = 3) -> TrainingWindow:
    """The observation points of a training run (see the module docstring)."""
    first = status.first_data_date(con)
    if first is None:
        raise TrainingError("the database holds no loans to train on")
    latest = latest_month_end(con) or last_month_end(status.latest_data_date(con))
    oot = months_before(latest, horizon_months)
    last_train = months_before(oot, horizon_months)
    train = tuple(p for p in (months_before(last_train, k) for k in range(train_months - 1, -1, -1)) if p >= first)
    if not train:
        needed = 2 * horizon_months + 1
        raise TrainingError(f"the book needs at least {needed} month-ends of history to train and test out of time "
                            f"(it runs from {first} to {latest}); load more history")
    return TrainingWindow(train, oot, latest, status.latest_data_date(con))


def labelled_points(con: duckdb.DuckDBPyConnection, month_ends, horizon_months: int) -> pl.DataFrame:
    """Features and labels of every loan of the population at each month-end: loan_id, as_of, the features,
    label. Only rows whose label window lies in the data."""
    frames = []
    for as_of in month_ends:
        labels = build_labels(con, as_of, horizon_months).filter(pl.col("observed")).drop("observed")
        frames.append(build_features(con, as_of).join(labels, on="loan_id").with_columns(as_of=pl.lit(as_of)))
    return pl.concat(frames) if frames else pl.DataFrame()


def _check_classes(frame: pl.DataFrame, what: str) -> None:
    bads = int(frame["label"].sum()) if frame.height else 0
    if bads < MIN_ROWS_PER_CLASS or frame.height - bads < MIN_ROWS_PER_CLASS:
        raise TrainingError(f"{what} has {bads:,} bad and {frame.height - bads:,} good loans; at least "
                            f"{MIN_ROWS_PER_CLASS} of each are needed")


def _metrics(y: np.ndarray, pd: np.ndarray, suffix: str) -> dict:
    result = validation.validate(y, pd)
    return {f"{name}_{suffix}": float(result[name]) for name in ("auc", "gini", "ks", "brier", "capture_10")}


def true_driver(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> pl.DataFrame | None:
    """`frame` with the synthetic lender's true default driver of each loan added: synthetic_truth's
    monthly_miss_prob, the chance with which the generator draws each installment missed (monitor.synth.behaviour;
    1 for a loan that never pays). None for a real book (no synthetic_truth rows for these loans)."""
    if not db.table_exists(con, "synthetic_truth"):
        return None
    truth = con.sql("SELECT loan_id, monthly_miss_prob FROM synthetic_truth WHERE loan_id IN (SELECT unnest($ids))",
                    params={"ids": frame["loan_id"].unique().to_list()}).pl()
    joined = frame.join(truth, on="loan_id")
    return joined if joined.height == frame.height else None


def oracle(con: duckdb.DuckDBPyConnection, sample: pl.DataFrame, oot: pl.DataFrame, columns: list[str],
           seed: int) -> dict:
    """What the generator's true default driver reaches on the OOT rows, for a synthetic book (None on a real one):
    auc_true_driver ranks by the driver alone (it knows nothing of the loan's arrears today, nor of the calendar's
    holidays and shock that raise every loan's misses); auc_driver_oracle is one fit of the challenger with the
    driver added to the features. It is a reference point, not a bound: another fit, or another model, can score
    above it."""
    sample_truth, oot_truth = true_driver(con, sample), true_driver(con, oot)
    if sample_truth is None or oot_truth is None:
        return {"auc_true_driver": None, "auc_driver_oracle": None}
    with_truth = [*columns, "monthly_miss_prob"]
    fitted = Challenger(random_state=seed).fit(sample_truth.select(with_truth), sample_truth["label"].to_numpy())
    y = oot_truth["label"].to_numpy()
    return {"auc_true_driver": validation.auc(y, oot_truth["monthly_miss_prob"].to_numpy()),
            "auc_driver_oracle": validation.auc(y, fitted.predict_proba(oot_truth.select(with_truth))[:, 1])}


def stability(reference: pl.DataFrame, current: pl.DataFrame, points_now: np.ndarray,
              features: tuple[str, ...]) -> dict:
    """PSI of the points and CSI of each feature, current population against the training reference sample,
    each with its verdict (DESIGN.md §5)."""
    score_psi = validation.psi(reference["points"].to_numpy(), points_now)
    csi = [{"feature": name, "csi": validation.csi(reference, current, name)} for name in features]
    for row in csi:
        row["verdict"] = validation.stability_verdict(row["csi"])
    return {"psi": score_psi, "verdict": validation.stability_verdict(score_psi), "csi": csi}


def score_histogram(points: np.ndarray) -> list[dict]:
    """Share of rows per SCORE_BIN_WIDTH-point bin (bin = its lower edge)."""
    edges = np.floor(points / SCORE_BIN_WIDTH) * SCORE_BIN_WIDTH
    values, counts = np.unique(edges, return_counts=True)
    return [{"points_bin": float(v), "share": float(c / points.size)} for v, c in zip(values, counts, strict=True)]


def calibrate_to_latest(model: Scorecard, pool: pl.DataFrame, month_end: dt.date, columns: list[str]
                        ) -> tuple[LogOddsShift, dict]:
    """Move the scorecard's PD level to the bad rate of the newest training month-end (its log-odds shifted so
    that the mean PD there equals the observed rate), keeping its ranking. Pooled months carry the bad rates of
    their time (a downturn among them lifts every PD); the newest observed month is the best level for today that
    the data at the OOT day allow."""
    latest = pool.filter(pl.col("as_of") == month_end)
    observed = float(latest["label"].mean())
    log_odds = logit(np.clip(model.predict_proba(latest.select(columns))[:, 1], 1e-9, 1 - 1e-9))
    shift = brentq(lambda d: expit(log_odds + d).mean() - observed, -10.0, 10.0)
    before = float(expit(log_odds).mean())
    return LogOddsShift(model, shift), {"month_end": month_end.isoformat(), "observed_rate": observed,
                                        "mean_pd_before": before, "log_odds_shift": float(shift)}


def at_most(frame: pl.DataFrame, rows: int, seed: int) -> pl.DataFrame:
    """`frame`, or a seeded random sample of `rows` of its rows when it has more."""
    return frame.sample(n=rows, seed=seed) if frame.height > rows else frame


def _backtest(con, model, window: TrainingWindow, train_months: dict[dt.date, pl.DataFrame],
              oot_frame: pl.DataFrame, backtest_months: int, horizon_months: int, columns: list[str],
              max_rows: int, seed: int) -> list[dict]:
    """AUC and KS of the champion at each observable month-end of the last `backtest_months` up to the OOT point:
    the OOT month on all its loans (as the OOT metrics), any other on at most `max_rows` of them (`train_months`
    holds the training month-ends' rows so cut; a seeded sample where a month has more, as at 10,000,000 loans,
    whose 3 million rows a month held together would not fit the memory a training may take)."""
    points = [months_before(window.oot, k) for k in range(backtest_months - 1, -1, -1)]
    first = status.first_data_date(con)
    rows = []
    for month_end in (p for p in points if p >= first):
        if month_end == window.oot:
            frame, sample = oot_frame, "oot"
        elif month_end in window.train:
            frame, sample = train_months[month_end], "train"
        else:
            frame = at_most(labelled_points(con, [month_end], horizon_months), max_rows, seed)
            sample = "before" if month_end < window.train[0] else "holdout"
        if frame.height == 0 or frame["label"].n_unique() < 2:
            continue
        y = frame["label"].to_numpy()
        pd = model.predict_proba(frame.select(columns))[:, 1]
        rows.append({"month_end": month_end.isoformat(), "sample": sample, "loans": frame.height,
                     "bad_rate": float(y.mean()), "auc": validation.auc(y, pd), "ks": validation.ks(y, pd)})
    return rows


def train(con: duckdb.DuckDBPyConnection, *, train_months: int = 6, horizon_months: int = 3,
          max_rows: int = 500_000, backtest_months: int = 12, seed: int = 0,
          progress: Progress | None = None) -> ModelBundle:
    """Fit the scorecard (champion) and the gradient-boosting challenger, test both out of time, measure the
    stability of the current population, backtest the champion, and return the champion's bundle with all of it
    in its metadata (the model is not saved: see monitor.scoring.store.save)."""
    report = progress or (lambda step, fraction: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    window = training_window(con, train_months, horizon_months)
    columns = [*FEATURES, *CATEGORICAL]

    report("features", 0.0)
    tick = time.perf_counter()
    pool = labelled_points(con, window.train, horizon_months)
    _check_classes(pool, f"the training month-ends {window.train[0]} to {window.train[-1]}")
    oot = labelled_points(con, [window.oot], horizon_months)
    _check_classes(oot, f"the out-of-time month-end {window.oot}")
    sample = at_most(pool, max_rows, seed)
    timings["features_s"] = time.perf_counter() - tick

    report("scorecard", 0.3)
    tick = time.perf_counter()
    champion = Scorecard(random_state=seed).fit(sample.select(columns), sample["label"].to_numpy())
    timings["scorecard_fit_s"] = time.perf_counter() - tick

    champion, calibration_in_the_large = calibrate_to_latest(champion, pool, window.train[-1], columns)
    # the training month-ends' rows the backtest scores, each cut to max_rows; the whole pool is let go here
    train_months = {month_end: at_most(pool.filter(pl.col("as_of") == month_end), max_rows, seed)
                    for month_end in window.train}
    pool_rows = pool.height
    del pool

    report("challenger", 0.45)
    tick = time.perf_counter()
    challenger = Challenger(random_state=seed).fit(sample.select(columns), sample["label"].to_numpy())
    timings["challenger_fit_s"] = time.perf_counter() - tick

    report("out_of_time", 0.6)
    tick = time.perf_counter()
    y_oot = oot["label"].to_numpy()
    pd_oot = champion.predict_proba(oot.select(columns))[:, 1]
    metrics = {
        **_metrics(y_oot, pd_oot, "oot"),
        "auc_train": validation.auc(sample["label"].to_numpy(), champion.predict_proba(sample.select(columns))[:, 1]),
        **oracle(con, sample, oot, columns, seed),
    }
    challenger_metrics = _metrics(y_oot, challenger.predict_proba(oot.select(columns))[:, 1], "oot")
    calibration = validation.calibration_by_decile(y_oot, pd_oot).to_dicts()
    timings["out_of_time_s"] = time.perf_counter() - tick

    report("stability", 0.7)
    tick = time.perf_counter()
    reference = sample.select(columns).sample(n=min(REFERENCE_ROWS, sample.height), seed=seed)
    reference = reference.with_columns(points=champion.points(reference))
    current = build_features(con, window.current)
    current_stability = stability(reference, current, champion.points(current.select(columns)), tuple(columns))
    metrics["psi"] = current_stability["psi"]
    timings["stability_s"] = time.perf_counter() - tick

    report("backtest", 0.8)
    tick = time.perf_counter()
    backtest = _backtest(con, champion, window, train_months, oot, backtest_months, horizon_months, columns,
                         max_rows, seed)
    timings["backtest_s"] = time.perf_counter() - tick
    timings["total_s"] = time.perf_counter() - started

    created = dt.datetime.now().replace(microsecond=0)
    version = new_version(created)
    metadata = {
        "model_version": version,
        "created_at": created.isoformat(),
        "champion": "scorecard",
        "horizon_months": horizon_months,
        "data": {
            "first_data_date": status.first_data_date(con).isoformat(),
            "latest_data_date": window.current.isoformat(),
            "train_month_ends": [d.isoformat() for d in window.train],
            "oot_month_end": window.oot.isoformat(),
            "training_rows": pool_rows,
            "training_rows_used": sample.height,
            "training_bad_rate": float(sample["label"].mean()),
            "oot_rows": oot.height,
            "oot_bad_rate": float(y_oot.mean()),
            "current_rows": current.height,
        },
        "features": columns,
        "selected_features": list(champion.selected_features_),
        "metrics": metrics,
        "challenger": challenger_metrics,
        "calibration": calibration,
        "calibration_in_the_large": calibration_in_the_large,
        "stability": {"as_of": window.current.isoformat(), **current_stability},
        "backtest": backtest,
        "score_histogram": score_histogram(champion.points(sample.select(columns))),
        "timings": timings,
    }
    report("done", 1.0)
    return ModelBundle(version=version, estimator=champion, features=tuple(columns), reference=reference,
                       metadata=metadata)
