"""The Collections worklists page through Streamlit's AppTest, over the scored demo book (and the unscored one): the
three lists with the counts and rows monitor.worklists gives, masked and in words, the cure curve drawn, a row that
opens the account view, and the export written to the audit log."""

from __future__ import annotations

import datetime as dt
import json
import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from monitor import access_store, audit, db, worklists
from monitor.i18n import LANGUAGES, t
from ui import loan_list

from .conftest import DEMO_AS_OF
from .test_pages_apptest import ROOT, TIMEOUT, open_page, run

CODES = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")  # not_scored, cash_loan, plan_offer ...


@pytest.fixture(scope="module")
def package(scored_db):
    """What monitor.worklists says about the demo book's last day, to compare the page with."""
    con = db.connect(scored_db, read_only=True)
    try:
        yield {**{name: worklists.worklist(con, name, DEMO_AS_OF) for name in worklists.LISTS},
               "curve": worklists.cure_curve(con, DEMO_AS_OF)}
    finally:
        con.close()


def open_collections(db_path, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(db_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    return open_page(run(at, **query), "collections")


def test_the_demo_day_has_every_list(package):
    assert all(package[name].height for name in worklists.LISTS)  # else the page tests below prove little


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_lists_and_the_curve_render_in_words(scored_db, monkeypatch, package, lang):
    at = open_collections(scored_db, monkeypatch, lang=lang)
    assert not at.error, [e.value for e in at.error]
    assert [title.value for title in at.main.title] == [t("collections.title", lang)]
    assert [tab.label for tab in at.tabs] == [
        t(f"collections.tab_{name}", lang, count=f"{package[name].height:,}") for name in worklists.LISTS]
    loans = [m.value for m in at.main.metric if m.label == t("collections.loans", lang)]
    assert loans == [f"{package[name].height:,}" for name in worklists.LISTS]
    tables = at.main.dataframe
    assert len(tables) == 3
    for table, name in zip(tables, worklists.LISTS, strict=True):
        shown = table.value
        assert shown["loan_id"].tolist() == [str(loan) for loan in package[name]["loan_id"]]
        assert shown["phone"].str.fullmatch(r"\d{3}\*{4}\d{4}").all()
        for column in ("treatment", "product", "channel"):
            assert not any(CODES.search(value) for value in shown[column].dropna()), column
        config = json.loads(table.proto.columns)
        config.pop("_index")
        assert set(config) == set(shown.columns)
        assert all(column["label"] and not CODES.search(column["label"]) for column in config.values())
    not_scored = t("treatment.not_scored", lang)
    m1 = tables[2].value
    assert (m1["treatment"] == not_scored).sum() == (package["entering_m1"]["treatment"] == "not_scored").sum()
    [chart] = at.main.get("vega_lite_chart")
    assert json.loads(chart.proto.spec)["mark"]["type"] == "rect"
    curve = package["curve"]
    cells = sum(pa.ipc.open_stream(d.data.data).read_all().num_rows for d in chart.proto.datasets)
    assert cells == worklists.cure_curve_long(curve).height  # one cell per entry day and horizon reached
    assert any(f"{int(curve['loans'].sum()):,}" in caption.value for caption in at.main.caption)
    assert len(at.main.get("download_button")) == 3


def test_choosing_a_row_opens_its_account(scored_db, monkeypatch, package):
    at = open_collections(scored_db, monkeypatch, lang="en")
    key = loan_list.table_key("collections.entering_m1", package["entering_m1"]["loan_id"])
    at.session_state[key] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [title.value for title in at.main.title] == [t("account.title", "en")]
    assert at.query_params["loan"] == str(package["entering_m1"]["loan_id"][1])


def test_the_export_is_audited(scored_db, monkeypatch, package, tmp_path):
    monkeypatch.setenv("MONITOR_ACCESS_DB", str(tmp_path / "access.duckdb"))
    at = open_collections(scored_db, monkeypatch, lang="en")
    at.download_button(key="collections_export_broken_yesterday").click().run()
    assert not at.exception
    con = access_store.connect(scored_db)
    try:
        rows = audit.entries(con, since=dt.date(2000, 1, 1), until=dt.date(2100, 1, 1), action="export")
    finally:
        con.close()
    assert [(r["object"], json.loads(r["parameters"]), r["row_count"]) for r in rows.to_dicts()] == [
        ("collections_broken_yesterday_csv", {"as_of": "2026-11-29", "list": "broken_yesterday"},
         package["broken_yesterday"].height)]


def test_without_scores_every_treatment_says_not_scored(demo_db, monkeypatch):
    at = open_collections(demo_db, monkeypatch, lang="en")
    assert [info.value for info in at.main.info] == [t("collections.no_scores", "en", as_of="2026-11-29")]
    for table in at.main.dataframe:
        assert set(table.value["treatment"]) == {"Not scored"}


def test_a_day_before_the_book_has_empty_lists(demo_db, monkeypatch):
    con = db.connect(demo_db, read_only=True)
    try:
        first = con.execute("SELECT min(origination_date) FROM loans").fetchall()[0][0]
    finally:
        con.close()
    at = open_collections(demo_db, monkeypatch, lang="en", as_of=first.isoformat())
    assert not at.main.dataframe and not at.main.get("vega_lite_chart")
    assert [m.value for m in at.main.metric if m.label == "Loans"] == ["0", "0", "0"]
    assert t("collections.cure_none", "en", days=worklists.CURE_WINDOW_DAYS) in [i.value for i in at.main.info]
