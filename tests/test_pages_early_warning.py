"""The Early-warning page through Streamlit's AppTest, over the scored demo book (and the unscored one)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from monitor import db, early_warning
from monitor.db import RISK_TIERS, TREATMENTS
from monitor.i18n import LANGUAGES, label, t
from ui import context, loan_list

from .conftest import DEMO_AS_OF
from .test_pages_apptest import ROOT, TIMEOUT, open_page, run

FILTER_KEY = context.choice_key("{}")  # a filter's widget key (ui.context.url_multiselect)
CODES = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")  # plan_offer, max_dpd_6m, cash_loan ...


@pytest.fixture
def scored_app(scored_db, monkeypatch) -> AppTest:
    """A fresh app session over the scored demo book (not yet run)."""
    monkeypatch.setenv("MONITOR_DB", str(scored_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


@pytest.fixture(scope="module")
def package(scored_db):
    """What monitor.early_warning says about the scored day, to compare the page with."""
    con = db.connect(scored_db, read_only=True)
    try:
        yield {"all": early_warning.action_list(con, DEMO_AS_OF, {}),
               "d_e": early_warning.action_list(con, DEMO_AS_OF, {"tier": ["D", "E"]}),
               "d_e_call": early_warning.summary(con, DEMO_AS_OF, {"tier": ["D", "E"], "treatment": ["call"]})}
    finally:
        con.close()


def open_list(at: AppTest, **query) -> AppTest:
    return open_page(run(at, **query), "early_warning")


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.main.metric}


def filters(at: AppTest) -> dict[str, list[str]]:
    return {widget.key: widget.value for widget in at.main.multiselect}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_list_renders_in_words(scored_app, package, lang):
    at = open_list(scored_app, lang=lang)
    assert not at.error, [e.value for e in at.error]
    assert [title.value for title in at.main.title] == [t("early_warning.title", lang)]
    assert not at.main.info  # the as-of day is the scored day
    assert metrics(at)[t("early_warning.loans", lang)] == f"{early_warning.matches(package['all']):,}"
    table = at.main.dataframe[0]
    shown = table.value
    assert len(shown) == early_warning.LIST_LIMIT < early_warning.matches(package["all"])
    assert shown["loan_id"].tolist() == [str(loan) for loan in package["all"]["loan_id"]]
    assert set(shown["tier"]) <= {label("tier", tier, lang) for tier in RISK_TIERS}
    assert set(shown["treatment"]) <= {label("treatment", name, lang) for name in TREATMENTS}
    for column in ("reasons", "product", "channel", "province", "tier", "treatment"):
        assert not any(CODES.search(value) for value in shown[column].dropna()), column
    assert shown["phone"].str.fullmatch(r"\d{3}\*{4}\d{4}").all()
    config = json.loads(table.proto.columns)
    config.pop("_index")  # hidden
    assert set(config) == set(shown.columns)  # every column has a heading from the catalog
    assert config["pd"]["type_config"] == {"type": "progress", "format": "percent", "min_value": 0.0,
                                           "max_value": 1.0}
    assert config["principal_balance"]["type_config"]["format"] == "¥%,.2f"
    assert all(column["label"] and not CODES.search(column["label"]) for column in config.values())
    texts = [m.value for m in at.main.markdown] + [c.value for c in at.main.caption]
    assert any(f"{early_warning.matches(package['all']):,}" in text for text in texts)
    assert at.main.get("download_button")


def test_filters_change_the_count_and_live_in_the_url(scored_app, package):
    at = open_list(scored_app, lang="en")
    at.main.multiselect(key=FILTER_KEY.format("tier")).set_value(["D", "E"]).run()
    assert metrics(at)["Loans in the list"] == f"{early_warning.matches(package['d_e']):,}"
    assert at.query_params["tier"] == ["D", "E"]
    assert at.main.dataframe[0].value["loan_id"].tolist() == [str(x) for x in package["d_e"]["loan_id"]]
    at.main.multiselect(key=FILTER_KEY.format("tier")).set_value([]).run()
    assert "tier" not in at.query_params
    assert metrics(at)["Loans in the list"] == f"{early_warning.matches(package['all']):,}"


def test_a_link_restores_the_filters(scored_app, package):
    at = open_list(scored_app, lang="en", tier=["D", "E"], treatment="call", province="nowhere")
    assert filters(at)[FILTER_KEY.format("tier")] == ["D", "E"]
    assert filters(at)[FILTER_KEY.format("treatment")] == ["call"]
    assert filters(at)[FILTER_KEY.format("province")] == []  # a value the day does not have is dropped
    assert metrics(at)["Loans in the list"] == f"{package['d_e_call']['loans']:,}"


def test_filters_that_match_nothing_say_so(scored_app):
    at = open_list(scored_app, lang="en", tier="A", treatment="call")  # tier A is always a reminder
    assert metrics(at)["Loans in the list"] == "0"
    assert [info.value for info in at.main.info] == [t("early_warning.empty", "en")]
    assert not at.main.dataframe and not at.main.get("vega_lite_chart")


def test_choosing_a_row_opens_its_account(scored_app, package):
    at = open_list(scored_app, lang="en")
    key = loan_list.table_key("early_warning.table", package["all"]["loan_id"])  # the list's widget
    at.session_state[key] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [title.value for title in at.main.title] == [t("account.title", "en")]
    assert at.query_params["loan"] == str(package["all"]["loan_id"][2])
    assert at.query_params["lang"] == "en"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_scores_the_page_says_how_to_get_them(app, lang):
    """The demo book has no model and no scores."""
    at = open_list(app, lang=lang)
    assert not at.error
    assert [info.value for info in at.main.info] == [t("early_warning.no_scores", lang)]
    assert not at.main.dataframe


def test_before_the_first_scored_day_the_page_says_so(scored_app):
    at = open_list(scored_app, lang="en", as_of="2026-08-15")
    assert [info.value for info in at.main.info] == [
        t("early_warning.before_first", "en", as_of="2026-08-15", first="2026-08-31")]
    assert not at.main.dataframe


def test_between_scored_days_the_list_says_which_day_it_is_from(scored_app):
    at = open_list(scored_app, lang="zh", as_of="2026-11-20")
    assert [info.value for info in at.main.info] == [
        t("early_warning.scored_day", "zh", day="2026-10-31", as_of="2026-11-20")]
    assert at.sidebar.date_input[0].value == dt.date(2026, 11, 20)
    assert len(at.main.dataframe[0].value)
