"""Training the application scorecard (issue 18): the early-warning scorecard's estimator on the booked
applications' outcomes (bad: 30+ DPD within 6 months on book, monitor.origination.outcomes), with reject inference
for the declined (monitor.origination.reject_inference), tested out of time.

The time line, by calendar month of origination (a declined application: of its application day), with W the
outcome window (OUTCOME_MONTHS, 6) and as_of the data's latest day:
- out-of-time (OOT): the newest `oot_months` (3) whole months whose every booked loan has its whole window in the
  data (the month's end plus W months on or before as_of);
- the OOT day: the first day of the OOT months, the day the model would have been built;
- training: every month before whose every loan's window ended by the OOT day. Between the two lie W months
  whose outcomes were still open on the OOT day: no outcome the model learns from happened after it, so the OOT
  figures are what the model would have achieved had it been built that day (as monitor.scoring.training's are).
  The declined applications of the training months are its rejected rows.
The training applications (booked and declined together, so that their mix stays) are, above `max_rows`, a seeded
uniform sample. The figures: AUC, Gini, KS and Brier on the OOT loans and on the training loans, for the model with
reject inference and for the known-good-bad model alone (reject inference should leave the booked loans' ranking
as it was), and the mean PD each gives the declined (what reject inference moves).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from monitor import db, status
from monitor.i18n import t
from monitor.months import last_month_end, months_before
from monitor.origination.application_features import FEATURES, application_features
from monitor.origination.outcomes import OUTCOME_MONTHS, booked_outcomes_sql
from monitor.origination.reject_inference import RejectInference
from monitor.scoring import validation
from monitor.scoring.scorecard import Scorecard
from monitor.scoring.training import MIN_ROWS_PER_CLASS, score_histogram

OOT_MONTHS = 3
MAX_ROWS = 200_000
# The declined taken as 1.5 times as risky as accepted applicants of the same score: a judgement no booked loan can
# confirm (monitor.origination.reject_inference). Of 1, 1.5, 2 and 3, the one that brought the declined's mean PD
# nearest the synthetic lender's hidden truth on a 50,000-loan book (a truth no real lender has).
PARCELLING_FACTOR = 1.5
PARCELLING_BANDS = 20

Progress = Callable[[str, float], None]


class ApplicationTrainingError(Exception):
    """The book cannot train the application scorecard (no applications, too little history, too few bads).
    `text(lang)` says why in the user's language; the exception's own message is the English."""

    def __init__(self, text: Callable[[str], str]):
        super().__init__(text("en"))
        self.text = text


def _error(key: str, **values) -> ApplicationTrainingError:
    return ApplicationTrainingError(lambda lang: t(key, lang, **values))


@dataclass(frozen=True)
class ApplicationWindow:
    """Origination months of the training and the OOT applications (first and last day of each span)."""

    train_from: dt.date
    train_to: dt.date
    oot_from: dt.date  # the OOT day
    oot_to: dt.date
    as_of: dt.date


@dataclass
class ApplicationModel:
    """What scoring needs: the fitted estimator (a RejectInference over a Scorecard), its feature columns, and the
    metadata of its training."""

    version: str
    estimator: object
    features: tuple[str, ...]
    metadata: dict = field(default_factory=dict)


def application_window(first: dt.date, as_of: dt.date, oot_months: int = OOT_MONTHS) -> ApplicationWindow:
    """The spans of a training run on applications from `first` to `as_of` (see the module docstring)."""
    oot_to = months_before(last_month_end(as_of), OUTCOME_MONTHS)
    oot_from = months_before(oot_to, oot_months) + dt.timedelta(days=1)
    train_to = months_before(oot_from - dt.timedelta(days=1), OUTCOME_MONTHS)
    train_from = months_before(first, 1) + dt.timedelta(days=1)  # the first month's first day
    if train_to < first:
        needed = 2 * OUTCOME_MONTHS + oot_months + 1
        raise _error("application_scorecard.too_short", months=needed, first=first, as_of=as_of)
    return ApplicationWindow(train_from, train_to, oot_from, oot_to, as_of)


def labelled_applications(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """Every application with its features and, for a booked one, its outcome: application_id, applied_on,
    decision, loan_id, the FEATURES, origination_date, window_end, observed, bad (null for a declined one)."""
    outcomes = con.sql(booked_outcomes_sql(con), params={"as_of": as_of}).pl()
    return application_features(con).join(
        outcomes.select("application_id", "origination_date", "window_end", "observed", "bad"),
        on="application_id", how="left")


def _check_classes(y: np.ndarray, what: str, **values) -> None:
    bads = int(y.sum())
    if bads < MIN_ROWS_PER_CLASS or y.size - bads < MIN_ROWS_PER_CLASS:
        raise _error(what, bads=bads, goods=y.size - bads, least=MIN_ROWS_PER_CLASS, **values)


def figures(y: np.ndarray, pd: np.ndarray, suffix: str) -> dict:
    """AUC, Gini, KS and Brier of `pd` against the outcomes `y`, each named with `suffix`."""
    return {f"auc_{suffix}": validation.auc(y, pd), f"gini_{suffix}": validation.gini(y, pd),
            f"ks_{suffix}": validation.ks(y, pd), f"brier_{suffix}": validation.brier(y, pd)}


def split(frame: pl.DataFrame, window: ApplicationWindow) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(booked training applications with their outcome, declined training applications, OOT booked ones)."""
    booked = pl.col("decision") == "approved"
    accepted = frame.filter(booked & pl.col("observed") & (pl.col("origination_date") <= window.train_to)
                            & (pl.col("window_end") <= window.oot_from))
    rejected = frame.filter((pl.col("decision") == "declined") & (pl.col("applied_on") <= window.train_to))
    oot = frame.filter(booked & pl.col("observed") & pl.col("origination_date").is_between(window.oot_from,
                                                                                           window.oot_to))
    return accepted, rejected, oot


def train(con: duckdb.DuckDBPyConnection, *, max_rows: int = MAX_ROWS, oot_months: int = OOT_MONTHS,
          method: str = "parcelling", factor: float = PARCELLING_FACTOR, bands: int = PARCELLING_BANDS,
          seed: int = 0, progress: Progress | None = None) -> ApplicationModel:
    """Fit the application scorecard with reject inference, test it out of time and return it with its figures in
    the metadata (not saved: monitor.origination.application_store.save)."""
    report = progress or (lambda step, fraction: None)
    started = time.perf_counter()
    if not db.table_exists(con, "applications") or not con.sql("SELECT count(*) FROM applications").fetchall()[0][0]:
        raise _error("application_scorecard.no_applications")
    as_of = status.latest_data_date(con)
    report("features", 0.0)
    frame = labelled_applications(con, as_of)
    window = application_window(frame["applied_on"].min(), as_of, oot_months)
    accepted, rejected, oot = split(frame, window)
    _check_classes(accepted["bad"].to_numpy(), "application_scorecard.few_training",
                   first=window.train_from, last=window.train_to)
    _check_classes(oot["bad"].to_numpy(), "application_scorecard.few_oot", first=window.oot_from, last=window.oot_to)
    pool = accepted.height + rejected.height
    if pool > max_rows:  # one uniform sample of the training applications keeps their booked : declined mix
        sample = pl.concat([accepted, rejected]).sample(n=max_rows, seed=seed)
        accepted, rejected = sample.filter(pl.col("decision") == "approved"), sample.filter(
            pl.col("decision") == "declined")
    columns = list(FEATURES)
    seconds = {"features_s": time.perf_counter() - started}

    report("scorecard", 0.2)
    tick = time.perf_counter()
    y = accepted["bad"].cast(pl.Int64).to_numpy()
    model = RejectInference(Scorecard(random_state=seed), method=method, factor=factor, bands=bands,
                            random_state=seed).fit(accepted.select(columns), y, rejected.select(columns))
    seconds["fit_s"] = time.perf_counter() - tick

    report("out_of_time", 0.8)
    y_oot = oot["bad"].cast(pl.Int64).to_numpy()
    X_train, X_oot, X_rejected = accepted.select(columns), oot.select(columns), rejected.select(columns)
    metrics = {**figures(y_oot, model.predict_proba(X_oot)[:, 1], "oot"),
               **figures(y, model.predict_proba(X_train)[:, 1], "train")}
    kgb = {**figures(y_oot, model.kgb_.predict_proba(X_oot)[:, 1], "oot"),
           **figures(y, model.kgb_.predict_proba(X_train)[:, 1], "train")}
    rejected_pd = model.predict_proba(X_rejected)[:, 1] if rejected.height else np.empty(0)
    created = dt.datetime.now().replace(microsecond=0)
    version = f"application-{created:%Y%m%d-%H%M%S}"
    seconds["total_s"] = time.perf_counter() - started
    metadata = {
        "model_version": version,
        "created_at": created.isoformat(),
        "outcome": f"30+ DPD, restructured or charged off within {OUTCOME_MONTHS} months on book",
        "data": {
            "as_of": as_of.isoformat(),
            "train_from": window.train_from.isoformat(), "train_to": window.train_to.isoformat(),
            "oot_from": window.oot_from.isoformat(), "oot_to": window.oot_to.isoformat(),
            "training_applications": pool,
            "training_rows": accepted.height, "rejected_rows": rejected.height, "oot_rows": oot.height,
            "training_bad_rate": float(y.mean()), "oot_bad_rate": float(y_oot.mean()),
        },
        "features": columns,
        "selected_features": list(model.estimator_.selected_features_),
        "metrics": metrics,
        "known_good_bad": {**kgb, "selected_features": list(model.kgb_.selected_features_)},
        "reject_inference": {
            "method": method, "factor": factor, "bands": bands, "random_state": seed,
            "assumption": "a declined applicant is as risky as an accepted one of the same known-good-bad score, "
                          f"times {factor}",
            "inferred_bad_rate": model.rejected_bad_rate_,
            "rejected_mean_pd_known_good_bad": float(model.rejected_pd_.mean()) if rejected.height else None,
            "rejected_mean_pd": float(rejected_pd.mean()) if rejected.height else None,
            "band_table": model.bands_.to_dicts() if model.bands_ is not None else None,
        },
        "score_histogram": score_histogram(model.points(X_train)),
        "timings": seconds,
    }
    report("done", 1.0)
    return ApplicationModel(version=version, estimator=model, features=tuple(columns), metadata=metadata)
