"""monitor.scoring.monitoring on the scored demo book (read-only), and the Model monitoring page's chart specs."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from monitor import db
from monitor.i18n import LANGUAGES, t
from monitor.scoring import monitoring, store
from monitor.scoring.training import SCORE_BIN_WIDTH
from ui import model_charts

from .conftest import DEMO_AS_OF


@pytest.fixture(scope="module")
def meta(scored_con):
    return store.metadata(scored_con)


@pytest.fixture(scope="module")
def view(scored_con):
    return monitoring.monitoring_view(scored_con, DEMO_AS_OF)


def test_the_view_describes_the_live_model(view, meta):
    model = view["model"]
    assert model["version"] == meta["model_version"] == view["models"]["model_version"][0]
    assert view["models"]["live"].to_list() == [True]
    assert model["oot_month_end"] == dt.date.fromisoformat(meta["data"]["oot_month_end"])
    assert model["train_month_ends"] == [dt.date.fromisoformat(d) for d in meta["data"]["train_month_ends"]]
    assert model["training_rows"] == meta["data"]["training_rows"]
    assert model["oot_bad_rate"] == meta["data"]["oot_bad_rate"]


def test_the_metrics_are_the_metadata_s(view, meta):
    metrics = {row["metric"]: row for row in view["metrics"].iter_rows(named=True)}
    assert tuple(metrics) == monitoring.METRICS
    for name, row in metrics.items():
        assert row["champion"] == meta["metrics"][f"{name}_oot"]
        assert row["challenger"] == meta["challenger"][f"{name}_oot"]
        assert row["difference"] == pytest.approx(row["champion"] - row["challenger"])
        assert row["lower_is_better"] == (name == "brier")


def test_the_oracle_compares_the_true_default_driver(view, meta):
    aucs = dict(view["oracle"].iter_rows())
    assert aucs == {"champion": meta["metrics"]["auc_oot"], "challenger": meta["challenger"]["auc_oot"],
                    "true_driver": meta["metrics"]["auc_true_driver"], "oracle": meta["metrics"]["auc_driver_oracle"]}
    assert view["oracle_gap"] == pytest.approx(aucs["oracle"] - aucs["champion"])
    assert view["oracle_absent"] is None


def test_a_model_without_the_oracle_s_figures_says_so(meta):
    older = {**meta, "metrics": {**meta["metrics"], "auc_true_driver": None, "auc_driver_oracle": None}}
    result = monitoring.oracle(older)
    assert result["oracle_gap"] is None and result["oracle_absent"] == "older_model"
    assert result["oracle"]["model"].to_list() == ["champion", "challenger"]


def test_the_view_knows_the_book_is_synthetic(view):
    assert view["synthetic"] is True  # a lender's book: tests/test_demo_only.py


def test_calibration_and_backtest_are_the_metadata_s(view, meta):
    assert view["calibration"].to_dicts() == meta["calibration"]
    backtest = view["backtest"]
    assert backtest["month_end"].dtype == pl.Date
    assert backtest["auc"].to_list() == [row["auc"] for row in meta["backtest"]]
    oot = backtest.filter(pl.col("sample") == "oot")
    assert oot["auc"].to_list() == [pytest.approx(meta["metrics"]["auc_oot"])]


def test_the_current_distribution_is_the_scored_day_s(view, scored_con):
    assert view["scored"]["day"] == DEMO_AS_OF
    count = scored_con.sql("SELECT count(*) AS n FROM scores WHERE as_of = $day", params={"day": DEMO_AS_OF}).pl()
    assert view["scored"]["loans"] == count["n"][0] > 0
    current = view["distribution"].filter(pl.col("population") == "current")
    assert current["share"].sum() == pytest.approx(1.0)
    assert (current["points_bin"] % SCORE_BIN_WIDTH == 0).all()
    bins = scored_con.sql("SELECT count(DISTINCT floor(points / 10)) AS n FROM scores WHERE as_of = $day",
                          params={"day": DEMO_AS_OF}).pl()
    assert current.height == bins["n"][0]
    train = view["distribution"].filter(pl.col("population") == "train")
    assert train["share"].sum() == pytest.approx(1.0)


def test_a_past_day_reads_the_run_of_the_latest_scored_day_before_it(scored_con):
    runs = scored_con.sql("SELECT as_of FROM score_runs ORDER BY as_of").pl()["as_of"].to_list()
    earlier = monitoring.monitoring_view(scored_con, runs[-1] - dt.timedelta(days=1))
    assert earlier["scored"]["day"] == runs[-2]
    assert earlier["stability"]["source"] == "scored" and earlier["stability"]["as_of"] == runs[-2]


def test_before_any_scores_the_stability_is_the_training_one(scored_con, meta):
    first = scored_con.sql("SELECT min(as_of) AS day FROM score_runs").pl()["day"][0]
    early = monitoring.monitoring_view(scored_con, first - dt.timedelta(days=1))
    assert early["scored"] is None
    assert early["distribution"]["population"].unique().to_list() == ["train"]
    assert early["stability"]["source"] == "training"
    assert early["stability"]["psi"] == meta["stability"]["psi"]


def test_the_csi_table_has_every_feature_worst_first(view, meta, scored_con):
    stability = view["stability"]
    run = scored_con.sql("SELECT CAST(stability AS VARCHAR) AS s FROM score_runs WHERE as_of = $day",
                         params={"day": DEMO_AS_OF}).pl()
    assert stability["source"] == "scored" and stability["as_of"] == DEMO_AS_OF
    assert f"{stability['psi']!r}" in run["s"][0]
    csi = stability["csi"]
    assert sorted(csi["feature"]) == sorted(meta["features"])
    assert csi["csi"].to_list() == sorted(csi["csi"], reverse=True)
    assert set(csi["verdict"]) <= {"stable", "watch", "act"}
    assert set(csi.filter("in_model")["feature"]) == set(meta["selected_features"])


def test_a_book_without_a_model_gives_none(demo_con, closed_db):
    assert monitoring.monitoring_view(demo_con, DEMO_AS_OF) is None
    con = db.connect(closed_db, read_only=True)
    try:
        assert monitoring.monitoring_view(con, dt.date(2026, 5, 1)) is None
    finally:
        con.close()


def test_a_database_made_before_the_scoring_tables_gives_none(tmp_path):
    con = db.connect(tmp_path / "old.duckdb", create=True)
    try:
        db.run(con, "CREATE TABLE loans (loan_id BIGINT)")
        assert monitoring.monitoring_view(con, DEMO_AS_OF) is None
    finally:
        con.close()


# ------------------------------------------------------------------------------------------ chart specs

def _rows(spec: dict, index: int = 0) -> list[dict]:
    return list(spec["datasets"].values())[index]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_distribution_chart_spec(view, lang):
    spec = model_charts.distribution_chart(view["distribution"], DEMO_AS_OF, lang).to_dict()
    encoding = spec["encoding"]
    assert spec["mark"]["type"] == "bar"
    assert encoding["x"]["field"] == "points_bin" and encoding["x"]["title"] == t("model.chart.points", lang)
    assert encoding["y"]["field"] == "share" and encoding["y"]["title"] == t("model.chart.share", lang)
    names = [t("model.population.train", lang), t("model.population.current", lang, day=DEMO_AS_OF.isoformat())]
    assert encoding["color"]["title"] == t("model.chart.population", lang)
    assert encoding["color"]["scale"]["domain"] == names
    assert {row["population_label"] for row in _rows(spec)} == set(names)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_oracle_chart_spec(view, lang):
    spec = model_charts.oracle_chart(view["oracle"], lang).to_dict()
    bars, text = spec["layer"]
    assert bars["mark"]["type"] == "bar" and text["mark"]["type"] == "text"
    assert bars["encoding"]["x"]["title"] == t("model.chart.auc", lang)
    assert bars["encoding"]["x"]["scale"]["domain"] == [0.5, 1.0]
    assert bars["encoding"]["x2"]["field"] == "random"
    labels = [row["model_label"] for row in _rows(spec)]
    assert labels == [t(f"model.oracle_model.{m}", lang) for m in monitoring.ORACLE_MODELS]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_calibration_chart_spec(view, lang):
    spec = model_charts.calibration_chart(view["calibration"], lang).to_dict()
    diagonal, points, labels = spec["layer"]
    assert diagonal["mark"]["strokeDash"] and points["mark"]["type"] == "line"
    assert labels["encoding"]["text"]["field"] == "decile"
    for layer in (diagonal, points):
        assert layer["encoding"]["x"]["field"] == "mean_pd"
        assert layer["encoding"]["x"]["title"] == t("model.chart.mean_pd", lang)
        assert layer["encoding"]["y"]["field"] == "observed_rate"
        assert layer["encoding"]["y"]["title"] == t("model.chart.observed", lang)
    # the diagonal runs over the whole domain, the same on both axes
    domain = diagonal["encoding"]["x"]["scale"]["domain"]
    assert domain == diagonal["encoding"]["y"]["scale"]["domain"]
    assert [row["mean_pd"] for row in _rows(spec, 0)] == [0.0, domain[1]]
    assert len(_rows(spec, 1)) == 10


@pytest.mark.parametrize("lang", LANGUAGES)
def test_backtest_chart_spec(view, lang):
    spec = model_charts.backtest_chart(view["backtest"], lang).to_dict()
    shading, lines = spec["layer"]
    assert shading["mark"]["type"] == "rect" and lines["mark"]["type"] == "line"
    assert shading["encoding"]["color"]["title"] == t("model.chart.sample", lang)
    samples = [s for s in model_charts.SAMPLE_COLORS if s in set(view["backtest"]["sample"])]
    assert {"train", "holdout", "oot"} <= set(samples)
    assert shading["encoding"]["color"]["scale"]["domain"] == [t(f"sample.{s}", lang) for s in samples]
    assert lines["encoding"]["color"]["scale"]["domain"] == [t("model.metric.auc", lang), t("model.metric.ks", lang)]
    assert lines["encoding"]["x"]["title"] == t("chart.month_end", lang)
    assert spec["resolve"]["scale"]["color"] == "independent"
    months = {row["month_label"] for row in _rows(spec, 0)}
    assert months == {d.strftime("%Y-%m") for d in view["backtest"]["month_end"]}
    if lang == "zh":  # no raw sample code reaches the chart
        assert not {row["sample_label"] for row in _rows(spec, 0)} & set(model_charts.SAMPLE_COLORS)
