"""Demo-only content (issue 15 item 6): the generator's hidden truth (the synthetic_truth table on the Data page, the
model's oracle on Model monitoring) shows on a synthetic book only, labelled as such; a lender's own book, built by
loading its files, never mentions it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from monitor import db, overview
from monitor.i18n import LANGUAGES, t
from monitor.scoring import store

from .test_pages_apptest import page_of

# what would tell a lender's risk manager about a generator they never had
DEMO_WORDS = {"en": re.compile(r"synthetic|generator|oracle|true (default )?driver|truth", re.IGNORECASE),
              "zh": re.compile(r"演示|模拟真值|模拟数据|生成器|先知|真实驱动|真值")}



def page_text(at: AppTest) -> str:
    """Every text of the page's main area a reader sees, table cells included (charts: their titles in the spec)."""
    main = at.main
    parts = [e.value for kind in ("title", "subheader", "caption", "info", "success", "error", "warning", "markdown")
             for e in getattr(main, kind)]
    parts += [f"{m.label} {m.value} {m.help or ''}" for m in main.metric]
    parts += [e.label for e in main.expander]
    for frame in main.dataframe:
        parts += [*map(str, frame.value.columns)]
        parts += [str(value) for value in frame.value.to_numpy().ravel() if not isinstance(value, bool | np.bool_)]
    parts += [chart.proto.spec for chart in main.get("vega_lite_chart")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def lender_scored_db(scored_db, tmp_path_factory) -> Path:
    """The scored demo book as a lender's own book would be: the same loans, scores and model (whose metadata still
    holds the oracle's figures), but no generator's truth."""
    path = tmp_path_factory.mktemp("lender") / "lender.duckdb"
    shutil.copyfile(scored_db, path)
    shutil.copytree(store.models_dir(scored_db), store.models_dir(path))
    con = db.connect(path)
    try:
        db.run(con, f"DELETE FROM {overview.TRUTH_TABLE}")
    finally:
        con.close()
    return path


def test_a_generated_book_is_synthetic_and_a_loaded_one_is_not(demo_con, closed_db):
    assert overview.is_synthetic(demo_con)
    con = db.connect(closed_db, read_only=True)
    try:
        assert not overview.is_synthetic(con)
        assert overview.TRUTH_TABLE not in overview.table_summary(con)["table"].to_list()
        assert db.table_exists(con, overview.TRUTH_TABLE)  # every book has the table: its rows tell
    finally:
        con.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_data_page_labels_the_truth_table_of_a_synthetic_book(demo_db, monkeypatch, lang):
    summary = page_of(demo_db, monkeypatch, "data", lang).main.dataframe[0].value
    kinds = dict(zip(summary["table"], summary["kind"], strict=True))
    assert kinds[t(f"table.{overview.TRUTH_TABLE}", lang)] == t("kind.synthetic", lang)
    assert t("kind.synthetic", lang).startswith({"en": "Synthetic book", "zh": "演示数据"}[lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_data_page_of_a_lender_s_book_never_mentions_it(closed_db, monkeypatch, lang):
    text = page_text(page_of(closed_db, monkeypatch, "data", lang))
    assert t("data.tables", lang) in text  # the table summary is there
    assert not DEMO_WORDS[lang].findall(text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_model_page_shows_the_oracle_on_a_synthetic_book(scored_db, monkeypatch, lang):
    at = page_of(scored_db, monkeypatch, "model", lang)
    assert t("model.oracle", lang) in [h.value for h in at.main.subheader]
    assert {"en": "(synthetic book)", "zh": "（演示数据）"}[lang] in t("model.oracle", lang)
    assert len(at.main.get("vega_lite_chart")) == 6  # oracle, distribution, calibration,
    # backtest; the front door: PSI, approval by channel


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_model_page_of_a_lender_s_book_never_mentions_it(lender_scored_db, monkeypatch, lang):
    at = page_of(lender_scored_db, monkeypatch, "model", lang)
    text = page_text(at)
    assert t("model.title", lang) in text and t("model.distribution", lang) in text  # the rest of the page is there
    assert not DEMO_WORDS[lang].findall(text)
    assert len(at.main.get("vega_lite_chart")) == 5  # distribution, calibration, backtest; the front door: PSI,
    # approval by channel


def test_the_feed_refuses_a_lender_s_book(closed_db, tmp_path, capsys):
    """The feed continues the synthetic lender: on a lender's own book its made-up events would mix in (and the
    book would then read as a demo)."""
    from monitor import cli

    path = tmp_path / "lender.duckdb"
    shutil.copyfile(closed_db, path)
    assert cli.main(["feed", "--db", str(path), "--seconds", "1"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "lender's own book" in error and "Traceback" not in error
    con = db.connect(path, read_only=True)
    try:
        assert not overview.is_synthetic(con)
        assert con.execute("SELECT count(*) FROM payments").fetchall()[0][0] == 0  # nothing was fed
    finally:
        con.close()
