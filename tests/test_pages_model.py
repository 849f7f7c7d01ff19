"""The Model monitoring page through Streamlit's AppTest: a scored book in both languages, a book without a model,
and the retrain button (training for real on a copy of the demo book, and failing)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from monitor import db
from monitor.i18n import LANGUAGES, t
from monitor.scoring import jobs, monitoring, store
from monitor.scoring.training import TrainingError

from .conftest import DEMO_AS_OF

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
RETRAIN_TIMEOUT = 900  # training the demo book takes tens of seconds, more on a busy machine
BADGE = re.compile(r":\w+-badge\[(.*?)\]")  # st.badge's markdown: the reader sees the text in brackets
ACRONYMS = {"AUC", "PSI", "CSI", "WOE", "OOT", "Brier"}  # read as they are in Chinese risk reports


def model_page(path: Path, monkeypatch, lang: str) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(lang=lang)
    at.run()
    at.switch_page("pages/model.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """Everything the page writes for a reader to see, but its charts (tested through their specs) and checkboxes."""
    main = at.main
    parts = [e.value for kind in ("title", "subheader", "caption", "info", "success", "error")
             for e in getattr(main, kind)]
    parts += [BADGE.sub(r"\1", e.value) for e in main.markdown]
    parts += [f"{m.label} {m.value} {m.delta or ''} {m.help or ''}" for m in main.metric]
    parts += [f"{b.label} {b.help or ''}" for b in main.button]
    parts += [e.label for e in main.expander]
    for frame in main.dataframe:
        parts += [str(value) for value in frame.value.to_numpy().ravel() if not isinstance(value, bool | np.bool_)]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def live_version(scored_db):
    con = db.connect(scored_db, read_only=True)
    try:
        return store.metadata(con)["model_version"]
    finally:
        con.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_the_live_model(scored_db, monkeypatch, live_version, lang):
    at = model_page(scored_db, monkeypatch, lang)
    assert not at.error, [e.value for e in at.error]
    assert [title.value for title in at.main.title] == [t("model.title", lang)]
    text = page_text(at)
    assert live_version in text
    metrics = {m.label: m for m in at.main.metric}
    for name in monitoring.METRICS:
        assert t(f"model.metric.{name}", lang) in metrics
    assert metrics[t("model.metric.auc", lang)].delta  # champion against challenger
    assert t("model.psi", lang) in metrics
    # oracle, distribution, calibration, backtest; the application score's PSI and approval rate by channel
    assert len(at.main.get("vega_lite_chart")) == 6
    assert t("model.oracle", lang) in [h.value for h in at.main.subheader]
    assert t("model.oracle_caption", lang) in [c.value for c in at.main.caption]
    csi = at.main.dataframe[1].value
    assert t("feature.dpd", lang) in csi["feature"].to_list()
    assert set(csi["verdict_label"]) <= {t(f"verdict.{v}", lang) for v in ("stable", "watch", "act")}
    assert [b.label for b in at.main.button] == [t("model.retrain", lang)]
    assert at.query_params["as_of"] == DEMO_AS_OF.isoformat()


def test_the_chinese_page_has_no_raw_code_or_english_word(scored_db, monkeypatch, live_version):
    text = page_text(model_page(scored_db, monkeypatch, "zh")).replace(live_version, "")
    for code in ("holdout", "auc_oot", "stable", "challenger", "capture_10"):
        assert code not in text
    english = set(re.findall(r"[A-Za-z]{3,}", text)) - ACRONYMS
    assert not english, english


def test_without_a_model_the_page_offers_to_train_one(demo_db, monkeypatch):
    at = model_page(demo_db, monkeypatch, "en")
    assert not at.error
    assert [info.value for info in at.main.info] == [t("model.none", "en")]
    assert [b.label for b in at.main.button] == [t("model.train_first", "en")]
    assert not at.main.metric  # the button ran nothing by itself
    assert not store.models_dir(demo_db).exists()


def test_the_retrain_button_trains_a_candidate_that_is_not_live(demo_db, monkeypatch, tmp_path):
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    at = model_page(path, monkeypatch, "en")
    at.button(key="retrain").click().run(timeout=RETRAIN_TIMEOUT)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    con = db.connect(path, read_only=True)
    try:
        version = store.candidate_version(con)
        meta = store.metadata(con, version)
        live = store.live_version(con)
        scored = con.sql("SELECT count(*) AS n FROM score_runs").pl()
    finally:
        con.close()
    assert version is not None and live is None  # a candidate waits for an admin; nothing scored with it
    assert scored["n"][0] == 0
    assert [s.value for s in at.main.success] == [
        t("model.retrained", "en", version=version, auc=f"{meta['metrics']['auc_oot']:.3f}")]
    assert t("model.candidate", "en", version=version) in [h.value for h in at.main.subheader]
    assert t("model.metric.auc", "en") in {m.label for m in at.main.metric}
    assert at.button(key="promote").disabled
    at.run()  # the message is said once
    assert not at.main.success


def test_a_failed_retrain_says_why(demo_db, monkeypatch):
    def cannot_train(*args, **kwargs):
        raise TrainingError("the book needs at least 7 month-ends of history")

    monkeypatch.setattr(jobs, "train_model", cannot_train)
    at = model_page(demo_db, monkeypatch, "en")
    at.button(key="retrain").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error] == [
        t("model.retrain_error", "en", message="the book needs at least 7 month-ends of history")]
    assert not at.main.success


def test_the_oracle_is_one_fit_with_the_true_driver_and_says_why_when_absent():
    def meta(**metrics):
        return {"metrics": {"auc_oot": 0.80, **metrics}, "challenger": {"auc_oot": 0.82}}

    shown = monitoring.oracle(meta(auc_true_driver=0.78, auc_driver_oracle=0.84))
    assert shown["oracle"].rows() == [("champion", 0.80), ("challenger", 0.82), ("true_driver", 0.78),
                                      ("oracle", 0.84)]
    assert shown["oracle_gap"] == pytest.approx(0.04)
    assert shown["oracle_absent"] is None
    # the oracle is one fit, not a bound: a champion above it is shown as such
    assert monitoring.oracle(meta(auc_true_driver=0.78, auc_driver_oracle=0.79))["oracle_gap"] == pytest.approx(-0.01)
    unmeasured = monitoring.oracle(meta(auc_true_driver=None, auc_driver_oracle=None))
    assert unmeasured["oracle_absent"] == "older_model" and unmeasured["oracle_gap"] is None
    assert unmeasured["oracle"]["model"].to_list() == ["champion", "challenger"]
    # a model trained when the oracle saw the customer's latent risk only: its figures are not this oracle's
    older = monitoring.oracle(meta(auc_hidden_risk=0.70, auc_oracle=0.83))
    assert older["oracle_absent"] == "older_model" and older["oracle_gap"] is None
    assert older["oracle"]["model"].to_list() == ["champion", "challenger"]
