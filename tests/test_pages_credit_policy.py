"""The credit-policy page through AppTest: both languages, no errors, no raw codes; the KPIs are the what-if's own
figures (monitor.origination.whatif on the same population); a link's cut-offs open the same policy, an unusable one
is replaced and said; a book without applications or without scores says why; a policy saved, listed and compared."""

from __future__ import annotations

import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from monitor import db
from monitor.i18n import LANGUAGES, t
from monitor.origination import whatif, whatif_assumptions, whatif_population
from ui import context
from ui import format as fmt

from .conftest import DEMO_AS_OF
from .test_pages_apptest import ROOT, TIMEOUT, open_page, run

RAW = re.compile(r"\b(credit_policy\.|expected_bad_rate|swap_in|swap_out|cash_loan|social_ads|partner_api)\b")


def _page(lang: str, **query) -> AppTest:
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang=lang)
    at.query_params.update(query)
    return open_page(at, "credit_policy")


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in (at.title, at.subheader, at.caption, at.info, at.markdown) for e in kind]
    parts += [m.label for m in at.metric] + [m.value for m in at.metric]
    parts += [str(frame.value.columns) + str(frame.value.to_dict()) for frame in at.dataframe]
    return "\n".join(str(p) for p in parts)


def _expected(path, cutoffs: dict | None = None) -> dict:
    con = db.connect(path, read_only=True)
    try:
        pop = whatif_population.population(con, DEMO_AS_OF)
        today = whatif.today_policy(con, DEMO_AS_OF)
        assumptions = whatif_assumptions.default_assumptions(con, DEMO_AS_OF)
    finally:
        con.close()
    chosen = today if cutoffs is None else whatif.PolicyChoice(
        today.cutoffs.__class__({**{pair: today.cutoffs.cutoff(*pair)
                                    for pair in pop.select("channel", "product").unique().iter_rows()}, **cutoffs}))
    return whatif.compare(pop, today, chosen, assumptions)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_in_both_languages(application_scored_db, monkeypatch, lang):
    monkeypatch.setenv("MONITOR_DB", str(application_scored_db))
    at = _page(lang)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == t("credit_policy.title", lang)
    text = _texts(at)
    assert not RAW.search(text), RAW.search(text)
    assert len(at.metric) == 7  # five KPIs, swap-in and swap-out
    expected = _expected(application_scored_db)
    cards = {m.label: m for m in at.metric}
    rate = cards[t("credit_policy.kpi.approval_rate", lang)]
    assert rate.value == fmt.pct(expected["chosen"]["approval_rate"], 2)
    assert cards[t("credit_policy.swap_in", lang)].value == "0"  # today's policy against itself


def test_a_link_with_a_tighter_cut_off_declines_the_swap_out(application_scored_db, monkeypatch):
    monkeypatch.setenv("MONITOR_DB", str(application_scored_db))
    at = _page("en", cut_broker_cash_loan="620")
    assert not at.error, [e.value for e in at.error]
    assert at.number_input(key=context.choice_key("cut_broker_cash_loan")).value == 620
    expected = _expected(application_scored_db, {("broker", "cash_loan"): 620})
    assert expected["swap_out"]["count"] > 0 and expected["swap_in"]["count"] == 0
    cards = {m.label: m.value for m in at.metric}
    assert cards["Swap-out (approved today, declined by the choice)"] == fmt.count(expected["swap_out"]["count"])
    assert cards["Approval rate"] == fmt.pct(expected["chosen"]["approval_rate"], 2)
    assert cards["Expected profit"] == fmt.money(expected["chosen"]["expected_profit"], "en")
    assert expected["chosen"]["approval_rate"] < expected["today"]["approval_rate"]


def test_an_unusable_cut_off_in_a_link_is_replaced_and_said(application_scored_db, monkeypatch):
    monkeypatch.setenv("MONITOR_DB", str(application_scored_db))
    at = _page("en", cut_broker_cash_loan="abc")
    assert not at.error, [e.value for e in at.error]
    notices = [w.value for w in at.warning] + [i.value for i in at.info]
    assert any("abc" in n for n in notices), notices
    assert {m.label: m.value for m in at.metric}["Swap-out (approved today, declined by the choice)"] == "0"


def test_a_book_without_scores_or_applications_says_why(demo_db, monkeypatch, tmp_path):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))  # the demo book: applications, no application scorecard yet
    at = _page("en")
    assert [i.value for i in at.info] == [t("credit_policy.no_scores", "en")]
    assert not at.metric
    path = tmp_path / "no_applications.duckdb"
    shutil.copyfile(demo_db, path)
    con = db.connect(path)
    try:
        db.run(con, "DELETE FROM applications")
    finally:
        con.close()
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = _page("zh")
    assert [i.value for i in at.info] == [t("credit_policy.no_applications", "zh")]


def test_save_list_and_compare(application_scored_db, monkeypatch, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(application_scored_db, path)
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = _page("en", cut_broker_cash_loan="620")
    name_input = next(w for w in at.text_input if w.label == "Policy name")
    name_input.input("broker 620").run()
    next(b for b in at.button if b.label == "Save the policy").click().run()
    assert not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == ["Saved: broker 620"]
    expected = _expected(application_scored_db, {("broker", "cash_loan"): 620})
    compared = at.multiselect(key=context.choice_key("compare"))
    compared.set_value(["broker 620"]).run()
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Figure", "broker 620"]
    rows = dict(zip(table["Figure"], table["broker 620"], strict=True))
    assert rows["Approval rate"] == fmt.pct(expected["chosen"]["approval_rate"], 2)
