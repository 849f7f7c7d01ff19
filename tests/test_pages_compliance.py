"""The Compliance page (催收合规) through AppTest over the demo book, in both languages: each section shows the
figures of monitor.conduct for the chosen month, the agency that pushes the rules on top of the agency table and
under review in the scorecard, the drill lists the actions behind a figure (masked), the choices live in the URL;
and the audit export and the chart specs."""

from __future__ import annotations

import io
import json

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from monitor import list_export
from monitor.conduct import rates, scorecard, view
from monitor.i18n import LANGUAGES, t
from monitor.synth.collections import AGENCIES, PUSHING_AGENCY
from ui import compliance_charts, context

from .conftest import DEMO_AS_OF
from .test_pages_apptest import open_page

PUSHING_NAME = dict((a[0], a[1]) for a in AGENCIES)[PUSHING_AGENCY]
LAST_MONTH = view.months(DEMO_AS_OF)[1]


def compliance_page(app: AppTest, lang: str, **query) -> AppTest:
    app.query_params.update(lang=lang, **query)
    app.run()
    open_page(app, "compliance")
    assert [title.value for title in app.main.title] == [t("compliance.title", lang)]
    return app


def section(app: AppTest, name: str) -> AppTest:
    app.segmented_control(key=context.choice_key("show")).set_value(name).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def choose(app: AppTest, param: str, value: str) -> AppTest:
    app.selectbox(key=context.choice_key(param)).set_value(value).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_conduct_section_shows_the_months_figures(app, demo_con, lang):
    compliance_page(app, lang)
    choose(app, "month", LAST_MONTH)
    start, end = view.month_period(DEMO_AS_OF, LAST_MONTH)
    summary = rates.summary(demo_con, start, end)
    cards = {m.label: m.value for m in app.main.metric}
    assert cards[t("compliance.col_contacts", lang)] == f"{summary['contacts']:,}"
    assert cards[t("compliance.violations_per_1000", lang)] == f"{summary['violations_per_1000']:,.1f}"
    assert [s.value for s in app.main.subheader] == [t(f"compliance.{k}", lang) for k in
                                                     ("by_rule", "by_agency", "by_agent", "trend", "actions_title")]
    rules_table, agencies_table = app.main.dataframe[0].value, app.main.dataframe[1].value
    assert list(rules_table["violations"]) == rates.by_rule(demo_con, start, end)["violations"].to_list()
    assert agencies_table["agency"].iloc[0] == PUSHING_NAME  # the agency that pushes the rules, on top
    assert app.query_params["month"] == LAST_MONTH and app.query_params["show"] == "conduct"


def test_the_drill_lists_the_actions_behind_a_figure_masked(app, demo_con):
    compliance_page(app, "en", month=LAST_MONTH)
    choose(app, "drill", f"agency:{PUSHING_AGENCY}")
    start, end = view.month_period(DEMO_AS_OF, LAST_MONTH)
    expected = rates.violating_actions(demo_con, start, end, agency=PUSHING_AGENCY)
    actions = app.main.dataframe[-1].value
    assert len(actions) == expected.height > 0
    assert set(actions["agency"]) == {PUSHING_NAME}
    assert all(name.endswith("*") for name in actions["customer"])  # masked
    assert app.query_params["drill"] == f"agency:{PUSHING_AGENCY}"


def month_with_complaints(con) -> str:
    """The demo book's month of the most complaints among those the page offers."""
    return max(view.months(DEMO_AS_OF),
               key=lambda m: rates.summary(con, *view.month_period(DEMO_AS_OF, m))["complaints"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_complaints_section_lists_the_complaints_behind_a_category(app, demo_con, lang):
    month = month_with_complaints(demo_con)
    compliance_page(app, lang, month=month)
    section(app, "complaints")
    assert [s.value for s in app.main.subheader] == [t(f"compliance.{k}", lang) for k in
                                                     ("by_category", "complaint_trend", "complaints_title")]
    start, end = view.month_period(DEMO_AS_OF, month)
    assert len(app.main.dataframe[-1].value) == rates.summary(demo_con, start, end)["complaints"] > 0
    category = rates.complaints_behind(demo_con, start, end)["category"][0]
    choose(app, "complaints", category)
    listed = app.main.dataframe[-1].value
    assert set(listed["category"]) == {t(f"complaint_category.{category}", lang)}
    assert len(listed) == rates.complaints_behind(demo_con, start, end, category).height
    assert all(name.endswith("*") for name in listed["customer"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_scorecard_section(app, demo_con, lang):
    compliance_page(app, lang, month=LAST_MONTH)
    section(app, "scorecard")
    assert [s.value for s in app.main.subheader] == [t("compliance.scorecard", lang)]
    card, basis = app.main.dataframe[0].value, app.main.dataframe[1].value
    expected = scorecard.scorecard(demo_con, *view.month_period(DEMO_AS_OF, LAST_MONTH))
    assert list(card["accounts"]) == expected["accounts"].to_list()
    assert list(basis["agency"]) == list(card["agency"])
    pushing = card[card["agency"] == PUSHING_NAME].iloc[0]
    assert (pushing["standing"], pushing["allocation_share"]) == (t("compliance.review", lang), 0.0)
    assert card["agency"].iloc[-1] == t("compliance.in_house", lang)


def test_a_link_restores_the_view_and_an_unknown_month_is_replaced_and_said(app):
    compliance_page(app, "en", show="scorecard", month="1999-01")
    assert app.query_params["show"] == "scorecard"
    assert app.query_params["month"] == view.months(DEMO_AS_OF)[0]
    assert any("1999-01" in info.value.replace("\\", "") for info in app.info)  # the notice of a replaced value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_audit_export_holds_every_violation_masked_in_words(demo_con, lang):
    start, end = view.month_period(DEMO_AS_OF, LAST_MONTH)
    frame = pl.read_csv(io.BytesIO(list_export.violations_csv(demo_con, start, end, lang)))
    assert frame.height == rates.summary(demo_con, start, end)["violations"]
    assert frame.columns[:2] == [t("col.action_at", lang), t("compliance.col_rule", lang)]
    rules = {t(f"compliance.rule.{code}", lang) for code in ("quiet_hours", "attempts", "third_party_reachable",
                                                              "do_not_contact")}
    assert set(frame[t("compliance.col_rule", lang)]) <= rules
    assert all(name.endswith("*") for name in frame[t("col.customer", lang)])


def test_the_chart_specs_hold_the_aggregated_rows(demo_con):
    start, end = view.month_period(DEMO_AS_OF, LAST_MONTH)
    by_rule = rates.by_rule(demo_con, start, end).with_columns(label=pl.col("rule"))
    spec = compliance_charts.rate_bars(by_rule, "label", "violations_per_1000", "en", title="Rule",
                                       value_title="Per 1,000", count="violations").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [row["violations"] for row in values] == by_rule["violations"].to_list()
    trend = rates.monthly_by_agency(demo_con, DEMO_AS_OF).with_columns(agency=pl.col("agency_id"))
    spec = compliance_charts.agency_trend(trend, "en").to_dict()
    assert len(next(iter(spec["datasets"].values()))) == trend.height <= 4 * view.MONTHS_SHOWN
    assert json.dumps(spec)  # serialisable as Streamlit sends it
