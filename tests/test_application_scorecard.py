"""The application scorecard (monitor.origination.application_*, issue 18): its features, its out-of-time window,
the model saved beside the book with its metadata, every application scored, and `train-application`."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import numpy as np
import polars as pl
import pytest

from monitor import db
from monitor.origination import application_store, application_training
from monitor.origination.application_features import FEATURES, application_features
from monitor.origination.application_scores import score
from monitor.origination.application_training import ApplicationTrainingError, application_window
from monitor.origination.outcomes import OUTCOME_MONTHS
from monitor.scoring.points import points_to_pd
from monitor.scoring.store import models_dir

from .conftest import DEMO_AS_OF
from .test_cli import assert_bad_input, monitor


@pytest.fixture(scope="module")
def app_con(application_scored_db):
    con = db.connect(application_scored_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def meta(app_con):
    return application_store.metadata(app_con)


def _window_end(day: dt.date) -> dt.date:
    """The end of the outcome window of a loan booked on `day`, as monitor.origination.outcomes computes it."""
    return duckdb.sql(f"SELECT CAST(DATE '{day}' + INTERVAL {OUTCOME_MONTHS} MONTH AS DATE)").fetchall()[0][0]


def test_the_window_by_hand():
    """As of 2026-11-29 the newest month whose loans all have 6 months of outcome is April 2026 (30 April + 6 months
    = 30 October; May's last loans end on 30 November, after the day): OOT February to April. A loan of 31 July 2025
    ends its window on 31 January 2026, the day before the OOT day; one of 1 August would end on 1 February."""
    window = application_window(dt.date(2024, 11, 29), dt.date(2026, 11, 29))
    assert (window.oot_from, window.oot_to) == (dt.date(2026, 2, 1), dt.date(2026, 4, 30))
    assert (window.train_from, window.train_to) == (dt.date(2024, 11, 1), dt.date(2025, 7, 31))
    assert _window_end(window.train_to) == dt.date(2026, 1, 31) < window.oot_from
    assert _window_end(window.oot_to) == dt.date(2026, 10, 30) <= window.as_of
    # a month-end as of: that month's loans are whole too
    assert application_window(dt.date(2024, 11, 29), dt.date(2026, 11, 30)).oot_to == dt.date(2026, 5, 31)


def test_a_book_too_short_says_how_many_months_it_needs():
    # 16 months: 1 to train, 6 open on the OOT day, 3 OOT, 6 of their outcome; 15 is one short
    assert application_window(dt.date(2025, 7, 1), dt.date(2026, 11, 29)).train_to == dt.date(2025, 7, 31)
    with pytest.raises(ApplicationTrainingError, match="at least 16 months") as raised:
        application_window(dt.date(2025, 8, 1), dt.date(2026, 11, 29))
    assert "16" in raised.value.text("zh") and "个月" in raised.value.text("zh")


def test_features_are_what_the_application_said(demo_con):
    frame = application_features(demo_con)
    raw = demo_con.sql("""SELECT application_id, amount, term_months, monthly_income, bureau_score, city_tier
                          FROM applications ORDER BY application_id""").pl()
    assert frame.height == raw.height and frame["application_id"].to_list() == raw["application_id"].to_list()
    assert set(FEATURES) <= set(frame.columns)
    burden = (raw["amount"].cast(pl.Float64) / raw["term_months"] / raw["monthly_income"].cast(pl.Float64))
    np.testing.assert_allclose(frame["burden"].to_numpy(), burden.to_numpy(), rtol=1e-12)
    # no credit file stays missing (the scorecard's bin of its own), city tier is a category
    assert frame["bureau_score"].null_count() == raw["bureau_score"].null_count() > 0
    assert frame["city_tier"].dtype == pl.String and set(frame["city_tier"].unique()) <= {"1", "2", "3", "4", "5"}


def test_no_training_outcome_ends_after_the_out_of_time_day(app_con, meta):
    data = meta["data"]
    window = application_window(application_features(app_con)["applied_on"].min(), DEMO_AS_OF)
    assert data["train_to"] == window.train_to.isoformat() and data["oot_from"] == window.oot_from.isoformat()
    frame = application_training.labelled_applications(app_con, DEMO_AS_OF)
    accepted, rejected, oot = application_training.split(frame, window)
    assert accepted["origination_date"].max() <= window.train_to < window.oot_from
    assert accepted["window_end"].max() <= window.oot_from
    assert rejected["applied_on"].max() <= window.train_to
    assert oot["origination_date"].min() >= window.oot_from and oot["observed"].all()
    assert oot["window_end"].max() <= DEMO_AS_OF
    assert (data["training_rows"], data["rejected_rows"], data["oot_rows"]) == (
        accepted.height, rejected.height, oot.height)
    assert data["training_bad_rate"] == pytest.approx(accepted["bad"].mean())
    assert data["oot_bad_rate"] == pytest.approx(oot["bad"].mean())


def test_the_model_ranks_out_of_time(meta):
    metrics = meta["metrics"]
    # measured 0.688 on 434 OOT loans (63 bad), the known-good-bad model 0.661; an AUC's standard error there is
    # about 0.035
    assert metrics["auc_oot"] > 0.6
    assert metrics["gini_oot"] == pytest.approx(2 * metrics["auc_oot"] - 1)
    assert 0 < metrics["ks_oot"] < 1 and 0 < metrics["brier_oot"] < 0.25
    assert {"auc_train", "gini_train", "ks_train", "brier_train"} <= metrics.keys()
    assert meta["known_good_bad"]["auc_oot"] > 0.55


def test_the_metadata_states_the_reject_inference(meta):
    inference = meta["reject_inference"]
    assert (inference["method"], inference["factor"], inference["bands"]) == (
        "parcelling", application_training.PARCELLING_FACTOR, application_training.PARCELLING_BANDS)
    assert "times 1.5" in inference["assumption"]
    table = pl.DataFrame(inference["band_table"])
    assert table["accepted"].sum() == meta["data"]["training_rows"]
    assert table["rejected"].sum() == meta["data"]["rejected_rows"]
    assert inference["inferred_bad_rate"] == pytest.approx(table["rejected_bads"].sum() / table["rejected"].sum())
    # the declined look riskier to the model with reject inference than to the booked loans' model alone
    assert inference["rejected_mean_pd"] > inference["rejected_mean_pd_known_good_bad"] > meta["data"][
        "training_bad_rate"]
    assert meta["features"] == list(FEATURES) and set(meta["selected_features"]) <= set(FEATURES)


def test_every_application_is_scored_by_the_newest_model(app_con, application_scored_db, meta):
    scores = app_con.sql("SELECT * FROM application_scores ORDER BY application_id").pl()
    applications = app_con.sql("SELECT application_id, decision FROM applications ORDER BY application_id").pl()
    assert scores["application_id"].to_list() == applications["application_id"].to_list()
    assert set(scores["model_version"]) == {meta["model_version"]}
    assert app_con.sql("SELECT count(*) FROM application_models").fetchall()[0][0] == 1
    np.testing.assert_allclose(scores["pd"].to_numpy(), points_to_pd(scores["points"].to_numpy()), rtol=1e-9)
    # the saved model gives the stored scores again
    model = application_store.load(app_con, application_scored_db)
    again = score(model, application_features(app_con))
    np.testing.assert_allclose(again["pd"].to_numpy(), scores["pd"].to_numpy(), rtol=1e-12)
    assert (models_dir(application_scored_db) / f"{model.version}.pkl").is_file()
    # declined applicants scored below their cut-off: the model finds them riskier than the booked
    by_decision = scores.join(applications, on="application_id").group_by("decision").agg(pl.col("pd").mean())
    pd = dict(by_decision.iter_rows())
    assert pd["declined"] > 2 * pd["approved"]


def test_the_command_trains_scores_and_prints_the_figures(demo_db, tmp_path):
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    result = monitor("train-application", "--db", str(path), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["auc_oot"] > 0.6 and figures["gini_oot"] == pytest.approx(2 * figures["auc_oot"] - 1)
    assert figures["oot_from"] == "2026-02-01" and figures["train_to"] == "2025-07-31"
    assert figures["reject_inference"]["method"] == "parcelling"
    con = db.connect(path, read_only=True)
    try:
        assert figures["applications_scored"] == con.sql("SELECT count(*) FROM applications").fetchall()[0][0] == \
            con.sql("SELECT count(*) FROM application_scores").fetchall()[0][0]
    finally:
        con.close()
    text = monitor("train-application", "--db", str(path), "--lang", "en", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "AUC out of time" in text.stdout and "Mean PD of the declined" in text.stdout


def test_a_book_without_applications_is_refused(closed_db, tmp_path):
    path = tmp_path / "closed.duckdb"
    shutil.copyfile(closed_db, path)
    assert_bad_input(monitor("train-application", "--db", str(path), "--lang", "en", cwd=tmp_path),
                     "no applications")
    result = monitor("train-application", "--db", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "没有申请数据" in result.stderr
    assert not models_dir(path).exists()
