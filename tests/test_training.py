"""Training, model storage and scoring (monitor.scoring.training, store, scores, jobs, treatment) on the demo book,
and the tier and treatment rule on hand-picked rows."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import shutil

import duckdb
import numpy as np
import polars as pl
import pytest

from monitor import db
from monitor.i18n import CATALOG
from monitor.scoring import jobs, scores, store, training, validation
from monitor.scoring.calibration import LogOddsShift
from monitor.scoring.features import CATEGORICAL, FEATURES
from monitor.scoring.labels import horizon_end
from monitor.scoring.treatment import tier_expr, treatment_expr

from .conftest import DEMO_AS_OF


@pytest.fixture(scope="module")
def bundle(scored_con, scored_db):
    return store.load(scored_con, scored_db)


def test_the_training_window_leaves_the_out_of_time_outcomes_unseen(demo_con):
    window = training.training_window(demo_con)
    assert window.latest_month_end == dt.date(2026, 10, 31)
    assert window.oot == dt.date(2026, 7, 31)  # its 3-month window ends at the latest month-end
    assert window.train == (dt.date(2025, 11, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 31),
                            dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30))
    assert all(horizon_end(point) <= window.oot for point in window.train)
    assert window.current == DEMO_AS_OF


def test_above_max_rows_the_fit_and_each_backtest_month_take_a_sample_the_oot_all(demo_con):
    """At 10,000,000 loans the pool of six month-ends holds about 19 million rows: held whole through the backtest
    it took training past 18 GB. The fit samples max_rows of it, and every backtest month but the OOT one scores at
    most max_rows of its loans (the OOT month all, as its metrics)."""
    window = training.training_window(demo_con)
    meta = training.train(demo_con, max_rows=600, backtest_months=8).metadata
    months = {row["month_end"]: row for row in meta["backtest"]}
    assert meta["data"]["training_rows"] > 6 * 600 and meta["data"]["training_rows_used"] == 600
    assert months[window.oot.isoformat()]["loans"] == meta["data"]["oot_rows"] > 600
    assert {row["sample"] for row in meta["backtest"]} == {"train", "holdout", "oot"}
    assert all(row["loans"] == 600 for row in meta["backtest"] if row["sample"] != "oot")


def test_a_book_too_short_to_test_out_of_time_says_so(closed_db):
    con = db.connect(closed_db, read_only=True)
    try:
        with pytest.raises(training.TrainingError, match="month-ends of history"):
            training.training_window(con)
    finally:
        con.close()


def test_the_metadata_holds_what_the_issue_asks(bundle):
    meta = bundle.metadata
    assert {"auc_oot", "gini_oot", "ks_oot", "brier_oot", "psi"} <= meta["metrics"].keys()
    assert meta["metrics"]["gini_oot"] == pytest.approx(2 * meta["metrics"]["auc_oot"] - 1)
    assert meta["features"] == [*FEATURES, *CATEGORICAL]
    assert meta["data"]["oot_month_end"] == "2026-07-31"
    assert meta["model_version"] == bundle.version
    # the model ranks: well above chance out of time, and the synthetic book's oracle figures are reported
    assert meta["metrics"]["auc_oot"] > 0.75
    assert 0.5 < meta["metrics"]["auc_true_driver"] < 1
    assert meta["metrics"]["auc_driver_oracle"] > 0.5
    assert meta["challenger"]["auc_oot"] > 0.7
    assert [row["decile"] for row in meta["calibration"]] == list(range(1, 11))
    assert {row["sample"] for row in meta["backtest"]} >= {"train", "holdout", "oot"}


def test_the_oracle_ranks_by_the_generators_true_default_driver(scored_con, bundle):
    """The generator draws each missed installment with the loan's monthly_miss_prob (monitor.synth.behaviour):
    that, not the customer's latent_risk (one term of it), is what "the true driver" ranks the OOT loans by."""
    window = training.training_window(scored_con)
    oot = training.labelled_points(scored_con, [window.oot], 3)
    truth = scored_con.sql("SELECT loan_id, monthly_miss_prob, latent_risk FROM synthetic_truth").pl()
    joined = oot.join(truth, on="loan_id")
    assert joined.height == oot.height
    y = joined["label"].to_numpy()
    driver = validation.auc(y, joined["monthly_miss_prob"].to_numpy())
    assert bundle.metadata["metrics"]["auc_true_driver"] == pytest.approx(driver, abs=1e-12)
    assert driver != pytest.approx(validation.auc(y, joined["latent_risk"].to_numpy()), abs=1e-6)
    assert "auc_hidden_risk" not in bundle.metadata["metrics"]


def test_the_pd_level_is_the_newest_training_month_bad_rate(scored_con, bundle):
    """calibrate_to_latest: the mean PD at the last training month-end equals its observed bad rate."""
    window = training.training_window(scored_con)
    pool = training.labelled_points(scored_con, window.train[-1:], 3)
    pd = bundle.estimator.predict_proba(pool.select([*FEATURES, *CATEGORICAL]))[:, 1]
    assert pd.mean() == pytest.approx(pool["label"].mean(), abs=1e-6)


def test_a_log_odds_shift_keeps_ranking_and_reasons(bundle):
    model = bundle.estimator
    X = bundle.reference.select(bundle.features).head(500)
    shifted = LogOddsShift(model, 0.7)
    p, q = model.predict_proba(X)[:, 1], shifted.predict_proba(X)[:, 1]
    np.testing.assert_allclose(np.log(q / (1 - q)) - np.log(p / (1 - p)), 0.7, atol=1e-9)
    np.testing.assert_allclose(model.points(X) - shifted.points(X), 0.7 * model.factor_, atol=1e-9)
    before, after = model.reasons(X), shifted.reasons(X)
    names = [f"reason_{k}" for k in (1, 2, 3)]
    assert before.select(names).equals(after.select(names))
    lost = [f"points_lost_{k}" for k in (1, 2, 3)]
    np.testing.assert_allclose(before.select(lost).to_numpy(), after.select(lost).to_numpy(), atol=1e-9)


def test_a_log_odds_shift_wraps_the_scorecard_without_changing_it(bundle):
    """LogOddsShift leaves the fitted scorecard as it was; its feature points add up to its shifted total."""
    model = bundle.estimator
    X = bundle.reference.select(bundle.features).head(200)
    intercept, points = model.intercept_, model.points(X)
    shifted = LogOddsShift(model, 0.7)
    assert shifted.intercept_ == pytest.approx(intercept + 0.7, abs=1e-12)
    assert model.intercept_ == intercept
    np.testing.assert_array_equal(model.points(X), points)
    np.testing.assert_allclose(shifted.points_by_feature(X).sum_horizontal().to_numpy(), shifted.points(X),
                               atol=1e-9)
    with pytest.raises(AttributeError):
        shifted.binning_table  # noqa: B018 - its points would be the unshifted ones

def test_the_saved_model_scores_as_it_did_before_the_round_trip(bundle, scored_con):
    X = bundle.reference.select(bundle.features)
    np.testing.assert_array_equal(bundle.estimator.points(X), bundle.reference["points"].to_numpy())


def test_scores_hold_one_row_per_loan_of_the_population(scored_con):
    per_day = scored_con.sql("SELECT as_of, count(*) AS n, count(DISTINCT loan_id) AS loans FROM scores GROUP BY 1 "
                         "ORDER BY 1").pl()
    assert per_day["as_of"].to_list() == [dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31),
                                          DEMO_AS_OF]
    assert (per_day["n"] == per_day["loans"]).all()
    population = scored_con.sql("SELECT count(*) FROM day_snapshot WHERE as_of = $d AND dpd < 30",
                            params={"d": DEMO_AS_OF}).fetchall()[0][0]
    assert per_day["n"][-1] == population
    runs = scored_con.sql("SELECT as_of, loans, stability FROM score_runs ORDER BY as_of").pl()
    assert runs["loans"].to_list() == per_day["n"].to_list()
    assert set(json.loads(runs["stability"][-1])) == {"psi", "verdict", "csi"}


def test_each_score_row_follows_the_tier_and_treatment_rule(scored_con):
    rows = scored_con.sql("SELECT * FROM scores WHERE as_of = $d", params={"d": DEMO_AS_OF}).pl()
    assert rows["pd"].is_between(0, 1).all()
    again = rows.with_columns(t=tier_expr(pl.col("pd")))
    assert (again["t"] == again["tier"]).all()
    assert rows.select(pl.corr("pd", "points", method="spearman")).item() == pytest.approx(-1)
    assert rows["reason_1"].is_in([*FEATURES, *CATEGORICAL]).all()


def test_score_replaces_the_scores_of_a_day(scored_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(scored_db, path)
    shutil.copytree(store.models_dir(scored_db), store.models_dir(path))
    before = _count(path, "SELECT count(*) FROM scores")
    assert jobs.score_book(path, DEMO_AS_OF)[0][0] == DEMO_AS_OF
    assert _count(path, "SELECT count(*) FROM scores") == before
    assert _count(path, "SELECT count(*) FROM score_runs") == 4


def _count(path, sql: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def test_without_a_model_score_says_how_to_train(demo_db):
    con = db.connect(demo_db, read_only=True)
    try:
        with pytest.raises(store.ModelError, match="no model has been trained.*monitor train"):
            store.load(con, demo_db)
    finally:
        con.close()


def test_a_missing_model_file_and_another_sklearn_are_named(scored_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(scored_db, path)
    con = db.connect(path, read_only=True)
    try:
        with pytest.raises(store.ModelError, match="is missing"):
            store.load(con, path)
        folder = store.models_dir(path)
        shutil.copytree(store.models_dir(scored_db), folder)
        pkl = folder / store.registry(con).filter("live")["path"][0]  # the folder holds the application scorecard's too
        bundle = pickle.loads(pkl.read_bytes())
        bundle.metadata["sklearn_version"] = "0.1"
        pkl.write_bytes(pickle.dumps(bundle))
        with pytest.raises(store.ModelError, match="trained with scikit-learn 0.1"):
            store.load(con, path)
    finally:
        con.close()


def test_a_feature_the_book_no_longer_builds_is_named(bundle, scored_con):
    renamed = store.ModelBundle(bundle.version, bundle.estimator, (*bundle.features, "customer_mood"),
                                bundle.reference, bundle.metadata)
    with pytest.raises(store.ModelError, match="customer_mood"):
        scores.score(scored_con, renamed, DEMO_AS_OF)


# ---------------------------------------------------------------- tiers and treatments, by hand

@pytest.mark.parametrize(("pd", "tier"), [(0.0, "A"), (0.0099, "A"), (0.01, "B"), (0.0299, "B"), (0.03, "C"),
                                          (0.0799, "C"), (0.08, "D"), (0.1999, "D"), (0.2, "E"), (1.0, "E")])
def test_tier_boundaries(pd, tier):
    assert pl.select(tier_expr(pl.lit(pd))).item() == tier


@pytest.mark.parametrize(
    ("tier", "dpd", "balance", "affordability", "treatment"),
    [
        ("E", 20, 20_000, 0.1, "legal"),
        ("E", 19, 20_000, 0.1, "field"),        # one day short of legal, still a large balance for a visit
        ("E", 20, 19_999, 0.1, "field"),
        ("D", 25, 50_000, 0.1, "field"),        # legal needs tier E
        ("E", 25, 50_000, 0.5, "legal"),        # legal before a plan
        ("C", 0, 1_000, 0.35, "plan_offer"),
        ("C", 0, 1_000, 0.3499, "reminder"),
        ("B", 5, 1_000, 0.9, "call"),           # a plan needs tier C or worse; arrears need a call
        ("D", 8, 8_000, 0.2, "field"),
        ("D", 7, 8_000, 0.2, "call"),
        ("D", 8, 7_999, 0.2, "call"),
        ("C", 0, 9_000, None, "reminder"),      # no affordability known: no plan offer
        ("A", 0, 100_000, 0.1, "reminder"),
    ],
)
def test_treatment_rule(tier, dpd, balance, affordability, treatment):
    frame = pl.DataFrame({"tier": [tier], "dpd": [dpd], "balance": [float(balance)],
                          "i2i": pl.Series([affordability], dtype=pl.Float64)})
    got = frame.select(treatment_expr(pl.col("tier"), pl.col("dpd"), pl.col("balance"), pl.col("i2i"))).item()
    assert got == treatment


def test_every_tier_treatment_feature_and_reason_has_words():
    for key in [*(f"tier.{t}" for t in db.RISK_TIERS), *(f"treatment.{t}" for t in db.TREATMENTS),
                *(f"treatment_help.{t}" for t in db.TREATMENTS),
                *(f"{kind}.{name}" for kind in ("feature", "reason") for name in (*FEATURES, *CATEGORICAL))]:
        assert key in CATALOG, key
