"""The loan-level simulator page through AppTest: both languages without error or raw codes, an assumption edit
that moves the NPV, options that do not apply shown last with their reason and never best, the page's figures
equal to `simulate-loan`'s, the ?loan= deep link (and the Account view's link here), and an inactive loan's info."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from monitor import account, day_status
from monitor.i18n import CATALOG, LANGUAGES, t
from monitor.simulate import loan_whatif, options

from .conftest import DEMO_AS_OF
from .test_pages_apptest import open_page, run

DAY = DEMO_AS_OF.isoformat()


def open_simulator(at: AppTest, lang: str, **query) -> AppTest:
    return open_page(run(at, lang=lang, **query), "simulator_loan")


def npv_column(at: AppTest) -> list[float]:
    return at.main.dataframe[0].value["npv"].to_list()


@pytest.fixture(scope="module")
def worst(demo_con) -> int:
    return account.default_loan(demo_con, DEMO_AS_OF)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_compares_the_options(app, worst, lang):
    open_simulator(app, lang)
    assert not app.error and not app.warning
    assert app.query_params["loan"] == str(worst)
    table = app.main.dataframe[0].value
    labels = {t(f"simulator_loan.option.{o}", lang) for o in options.OPTIONS}
    assert {name.removeprefix("★ ") for name in table["option"]} == labels
    assert table["option"][0].startswith("★ ")  # the options that apply sorted by NPV, the best first
    assert sum(name.startswith("★ ") for name in table["option"]) == 1
    assert len(app.main.get("vega_lite_chart")) == 3
    texts = {entry[lang] for entry in CATALOG.values()}
    for frame in app.main.dataframe:
        config = json.loads(frame.proto.columns)
        for column in frame.value.columns:
            assert config.get(column, {}).get("label") in texts, column
    shown = " ".join([c.value for c in app.main.caption] + [m.label for m in app.main.metric]
                     + [n.label for n in app.main.number_input])
    for raw in ("simulator_loan.", "_fen", "redefault_rate", "cure_rate", "None", "nan", "{"):
        assert raw not in shown, raw


@pytest.fixture(scope="module")
def current(demo_con) -> int:
    """A loan in no arrears at the as-of date: a waiver and legal action do not apply to it."""
    rows = day_status.status_as_of(demo_con, DEMO_AS_OF)
    return int(rows.filter(dpd=0)["loan_id"].min())


@pytest.mark.parametrize("which", ["worst", "current"])
def test_the_page_shows_what_the_command_gives(app, demo_con, request, which):
    """Every option's NPV and ΔNPV, applicability and the best are those of `simulate-loan` (the same functions, the
    defaults unrounded); an option that does not apply is marked n/a, listed after those that do, and its reason is
    said in words beneath the table."""
    loan_id = request.getfixturevalue(which)
    open_simulator(app, "en", loan=str(loan_id))
    expected = loan_whatif.what_if(demo_con, loan_id, DEMO_AS_OF)
    table = app.main.dataframe[0].value.to_dict("records")
    by_label = {row["option"].removeprefix("★ ").removesuffix(" (n/a)"): row for row in table}
    for option in expected["options"]:
        row = by_label[t(f"simulator_loan.option.{option['option']}", "en")]
        assert row["npv"] == pytest.approx(option["npv"], abs=0.01)
        assert row["delta_npv"] == pytest.approx(option["delta_npv"], abs=0.01)
        assert row["option"].startswith("★ ") == option["best"]
        assert row["option"].endswith(" (n/a)") == (not option["applicable"])
    applies = [not row["option"].endswith(" (n/a)") for row in table]
    assert applies == sorted(applies, reverse=True)  # those that apply first
    said = " ".join(m.value for m in app.main.markdown)
    for option in expected["options"]:
        if not option["applicable"]:
            assert option["reason_text"] in said, option["option"]
    if which == "current":
        not_applicable = {o["option"] for o in expected["options"] if not o["applicable"]}
        assert {"waiver", "legal"} <= not_applicable


def test_editing_an_assumption_changes_the_npv(app):
    open_simulator(app, "en")
    before = npv_column(app)
    cure = next(n for n in app.main.number_input if n.label == t("simulator_loan.assumption.cure_rate", "en"))
    cure.set_value(100.0 if cure.value < 50 else 0.0).run()
    assert not app.exception
    assert npv_column(app) != before


def test_a_deep_link_opens_its_loan(app, demo_con):
    second = demo_con.sql("""SELECT loan_id FROM loans WHERE status = 'active' ORDER BY loan_id LIMIT 1""").pl()
    loan_id = int(second["loan_id"][0])
    open_simulator(app, "en", loan=str(loan_id))
    assert app.query_params["loan"] == str(loan_id)
    assert any(str(loan_id) in s.value for s in app.main.subheader)


def test_an_inactive_loan_says_so(app, demo_con):
    closed = int(demo_con.sql("SELECT min(loan_id) AS id FROM loans WHERE status = 'paid_off' "
                              "AND closed_date <= $d", params={"d": DEMO_AS_OF}).pl()["id"][0])
    open_simulator(app, "zh", loan=str(closed))
    assert not app.error
    assert [i.value for i in app.main.info] == [
        t("simulator_loan.not_active", "zh", loan_id=closed, as_of=DAY, status=CATALOG["status.paid_off"]["zh"])]


def test_the_account_view_links_here(app, worst):
    open_page(run(app, lang="en"), "account")
    links = [link for link in app.main.get("page_link") if link.proto.label == t("account.open_simulator", "en")]
    assert len(links) == 1 and "simulator_loan" in links[0].proto.page
    assert links[0].proto.query_string == f"loan={worst}"
