"""The what-if pages' choices in the URL (issue 15 item 3; the README: every page keeps its choices in the URL): a link
opens the loan what-if with its edited assumptions and option parameters, the choices of both pages survive a visit
to another page, and a link's number, slider or yes/no value that cannot be used is replaced by the default and said
in one line, the URL rewritten."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor import account
from monitor.i18n import t
from monitor.simulate import options
from ui import context

from .conftest import DEMO_AS_OF
from .test_pages_apptest import open_page, run

LOAN_EDITS = {"cure_rate": "40.0", "recovery_months": "9.0", "redefault.extension": "55.0",
              "extension_months": "9", "settlement_discount": "45.0", "holiday_capitalize": "0"}
PORTFOLIO_LINK = {"policy_segment": "channel", "policy_value": "broker", "option": "settlement", "take_up": "50",
                  "stress": "custom", "factor": "1.7", "window": "3", "months": "18", "paths": "2000", "seed": "7"}


@pytest.fixture(scope="module")
def worst(demo_con) -> int:
    return account.default_loan(demo_con, DEMO_AS_OF)


def _input(at: AppTest, param: str):
    """The widget whose value lives in the URL as ?<param>=."""
    key = context.choice_key(param)
    for kind in (at.number_input, at.checkbox, at.selectbox, at.select_slider, at.radio):
        try:
            return kind(key=key)
        except KeyError:
            continue
    raise KeyError(param)


def _shown(at: AppTest, params) -> dict[str, str]:
    """The widgets' values written as the URL writes them."""
    return {p: context.FLAG_TEXT[v] if isinstance(v, bool) else str(v)
            for p in params for v in [_input(at, p).value]}


def _notices(at: AppTest) -> list[str]:
    """The notices of replaced link values, as read (without the escapes that keep them plain text)."""
    return [info.value.replace("\\", "") for info in at.info if "link" in info.value or "链接" in info.value]


def _away_and_back(at: AppTest, stem: str) -> AppTest:
    """Another page, then this one again, through the menu: the browser clears the URL on each switch."""
    at.query_params.clear()
    open_page(at, "data")
    at.query_params.clear()
    return open_page(at, stem)


def _npv(at: AppTest) -> list[float]:
    return at.main.dataframe[0].value["npv"].to_list()


def test_a_link_opens_the_loan_what_if_with_its_edits(app, worst, demo_con):
    open_page(run(app, lang="en", loan=str(worst), **LOAN_EDITS), "simulator_loan")
    assert not app.error and not _notices(app)
    assert _shown(app, LOAN_EDITS) == LOAN_EDITS
    assert app.query_params.items() >= {"loan": str(worst), **LOAN_EDITS}.items()
    assert "new_term" not in app.query_params  # a value left at its default stays out of the link
    plain = AppTest.from_file(app._script_path, default_timeout=app.default_timeout)
    open_page(run(plain, lang="en", loan=str(worst)), "simulator_loan")
    assert _npv(app) != _npv(plain)


def test_the_loan_what_if_edits_survive_a_visit_to_another_page(app, worst):
    open_page(run(app, lang="en"), "simulator_loan")
    _input(app, "cure_rate").set_value(12.5).run()
    _input(app, "new_term").set_value(18).run()
    _input(app, "holiday_capitalize").uncheck().run()
    before = _npv(app)
    _away_and_back(app, "simulator_loan")
    assert _shown(app, ("cure_rate", "new_term", "holiday_capitalize")) == {
        "cure_rate": "12.5", "new_term": "18", "holiday_capitalize": "0"}
    assert app.query_params.items() >= {"cure_rate": "12.5", "new_term": "18", "holiday_capitalize": "0"}.items()
    assert _npv(app) == before


def test_another_loan_starts_from_its_own_defaults(app, worst, demo_con):
    open_page(run(app, lang="en"), "simulator_loan")
    default = _input(app, "cure_rate").value
    _input(app, "cure_rate").set_value(12.5).run()
    other = int(demo_con.sql("SELECT min(loan_id) AS id FROM loans WHERE status = 'active' AND loan_id <> $w",
                             params={"w": worst}).pl()["id"][0])
    app.number_input(key="simulator_loan.loan").set_value(other).run()
    assert "cure_rate" not in app.query_params
    app.number_input(key="simulator_loan.loan").set_value(worst).run()
    assert _input(app, "cure_rate").value == default


def test_the_loan_what_if_says_which_link_values_it_replaced(app, worst):
    open_page(run(app, lang="en", loan=str(worst), cure_rate="abc", extension_months="0",
                  holiday_capitalize="maybe", **{"redefault.settlement": "nan"}), "simulator_loan")
    assert not app.error
    said = _notices(app)
    assert len(said) == 4, said
    cure = t("simulator_loan.assumption.cure_rate", "en")
    assert any(f"“{cure}” “abc”" in line and "0.00 to 100.00" in line for line in said), said
    assert any(f"“{t('simulator_loan.param.extension_months', 'en')}” “0”" in line and "1 to 60" in line
               for line in said), said
    assert any("“maybe”" in line and "showing 1" in line for line in said), said
    assert _input(app, "extension_months").value == options.DEFAULT_PARAMS["extension_months"]
    assert _input(app, "holiday_capitalize").value is True
    assert not {"cure_rate", "extension_months", "holiday_capitalize", "redefault.settlement"} & set(app.query_params)
    app.run()
    assert not _notices(app)  # said once


def test_the_portfolio_choices_survive_a_visit_to_another_page(app):
    open_page(run(app, lang="en", **PORTFOLIO_LINK), "simulator_portfolio")
    assert _shown(app, PORTFOLIO_LINK) == {**PORTFOLIO_LINK, "factor": "1.7"}
    _input(app, "months").set_value("24").run()
    _input(app, "seed").set_value(11).run()
    cards = {m.label: m.value for m in app.metric}
    _away_and_back(app, "simulator_portfolio")
    expected = {**PORTFOLIO_LINK, "months": "24", "seed": "11"}
    assert _shown(app, expected) == expected
    assert app.query_params.items() >= expected.items()
    assert {m.label: m.value for m in app.metric} == cards


def test_the_portfolio_says_which_link_values_it_replaced(app):
    open_page(run(app, lang="en", take_up="33", months="13", stress="custom", factor="9", seed="-1",
                  option="nothing"), "simulator_portfolio")
    assert not app.error
    said = _notices(app)
    assert len(said) == 5, said
    take_up = t("simulator_portfolio.take_up", "en")
    assert any(f"“{take_up}” “33”" in line and "showing 30%" in line for line in said), said
    assert any("“9”" in line and "0.10 to 5.00" in line and "showing 1.30" in line for line in said), said
    assert any("“-1”" in line and "0 to 2147483647" in line for line in said), said
    shown = _shown(app, ("take_up", "months", "factor", "seed", "option"))
    assert shown == {"take_up": "30", "months": "12", "factor": "1.3", "seed": "0", "option": "reinstallment"}
    assert {p: app.query_params[p] for p in shown} == shown
