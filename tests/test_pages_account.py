"""The Account view through AppTest, in both languages: the default loan, a deep link ?loan=, an unknown or
not-yet-made loan, the restructuring links, the loan kept across page switches, score reasons in words, and
every table and chart labelled from the catalog."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from monitor import account, db
from monitor.i18n import CATALOG, LANGUAGES, label, t
from ui import account_charts, context
from ui import format as fmt

from .conftest import APPTEST_TIMEOUT, DEMO_AS_OF
from .test_pages_apptest import open_page, run

ROOT = Path(__file__).resolve().parents[1]
DAY = DEMO_AS_OF.isoformat()


def loan_input(at: AppTest):
    return next(n for n in at.main.number_input if n.key == context.choice_key("loan"))


def headings(at: AppTest) -> list[str]:
    return [s.value for s in at.main.subheader]


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.main.metric}


def chart_rows(at: AppTest) -> list[int]:
    """The rows each chart on the page sends to the browser (Streamlit sends the data apart, as Arrow)."""
    return [sum(pa.ipc.open_stream(d.data.data).read_all().num_rows for d in chart.proto.datasets)
            for chart in at.main.get("vega_lite_chart")]


def assert_tables_labelled(at: AppTest, lang: str) -> None:
    """Every column of every table has a heading from the catalog: no raw column name reaches the user."""
    texts = {entry[lang] for entry in CATALOG.values()}
    assert at.main.dataframe
    for frame in at.main.dataframe:
        config = json.loads(frame.proto.columns)
        for column in frame.value.columns:
            heading = config.get(column, {}).get("label")
            assert heading in texts, (column, heading)


def open_account(at: AppTest, lang: str, **query) -> AppTest:
    return open_page(run(at, lang=lang, **query), "account")


@pytest.fixture(scope="module")
def worst(demo_con) -> int:
    return account.default_loan(demo_con, DEMO_AS_OF)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_opens_on_the_most_delinquent_loan(app, demo_con, worst, lang):
    open_account(app, lang)
    assert not app.error
    view = account.account_view(demo_con, worst, DEMO_AS_OF)
    assert [title.value for title in app.main.title] == [t("account.title", lang)]
    assert loan_input(app).value == worst
    assert app.query_params["loan"] == str(worst)
    assert t("account.defaulted", lang, as_of=DAY) in [c.value for c in app.main.caption]
    product = label("product", view["loan"]["product"], lang)
    assert t("account.heading", lang, loan_id=worst, product=product, as_of=DAY) in headings(app)
    figures = cards(app)
    assert figures[t("col.status", lang)] == label("status", "active", lang)
    assert figures[t("col.dpd", lang)] == str(view["status"]["dpd"])
    assert figures[t("col.bucket", lang)] == view["status"]["bucket"]
    helps = {m.label: m.help for m in app.main.metric}
    for key, field in (("col.principal_balance", "principal_balance"), ("col.overdue_amount", "overdue_amount")):
        # short on the card (¥1.55万 / ¥15.5k, room at every width), to the fen in its tooltip
        assert figures[t(key, lang)] == fmt.money(view["status"][field], lang)
        assert helps[t(key, lang)] == t("card.exact", lang, value=f"¥{view['status'][field]:,.2f}")
    for state, count in view["promises"].items():
        assert figures[t(f"account.promises_{state}", lang)] == str(count)
    for key in ("account.facts", "account.timeline", "account.dpd_history", "account.collections", "account.scores"):
        assert t(key, lang) in headings(app)
    # the demo book has no scores: the section says so; the timeline and the DPD history are drawn
    assert [i.value for i in app.main.info] == [t("account.no_scores", lang, as_of=DAY)]
    rows = chart_rows(app)
    assert len(rows) == 2 and all(rows)  # the timeline and the DPD history, neither empty
    assert_tables_labelled(app, lang)
    customer = app.main.dataframe[1].value["value"].to_list()
    assert view["loan"]["name"] in customer and "*" in view["loan"]["name"]
    assert view["loan"]["phone"] in customer and view["loan"]["id_number"] in customer


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_link_opens_its_loan(app, demo_con, lang):
    """?loan=<id> (a copied link, or another page's st.switch_page(..., query_params={"loan": id}))."""
    old, new = demo_con.sql("SELECT old_loan_id, new_loan_id FROM restructurings ORDER BY 1 LIMIT 1").pl().row(0)
    open_account(app, lang, loan=str(old))
    assert loan_input(app).value == old and app.query_params["loan"] == str(old)
    assert t("account.defaulted", lang, as_of=DAY) not in [c.value for c in app.main.caption]
    assert t("account.links", lang) in headings(app)
    view = account.account_view(demo_con, old, DEMO_AS_OF)
    closed = t("account.closed", lang, closed_date=view["loan"]["closed_date"].isoformat(),
               status=label("status", view["loan"]["status"], lang))
    assert closed in [i.value for i in app.main.info]
    assert cards(app)[t("col.dpd", lang)] == "–"
    assert_tables_labelled(app, lang)
    # the restructuring link opens the new loan here
    next(b for b in app.main.button if b.label == t("account.open_loan", lang, loan_id=new)).click().run()
    assert not app.exception
    assert loan_input(app).value == new and app.query_params["loan"] == str(new)
    product = label("product", account.loan_facts(demo_con, new, DEMO_AS_OF)["product"], lang)
    assert t("account.heading", lang, loan_id=new, product=product, as_of=DAY) in headings(app)


def test_another_pages_switch_wins_over_the_loan_shown(app, worst, demo_con):
    """A session on one loan, then another page sends the user here with ?loan=: that loan is shown."""
    open_account(app, "en")
    other = demo_con.sql("SELECT min(loan_id) AS id FROM loans WHERE status = 'active'").pl()["id"][0]
    open_page(app, "data")
    app.query_params.clear()
    app.query_params["loan"] = str(other)  # what st.switch_page(..., query_params={"loan": other}) leaves
    open_page(app, "account")
    assert loan_input(app).value == other != worst


def test_the_loan_survives_a_visit_to_another_page(app, demo_con):
    open_account(app, "en")
    loan_input(app).set_value(12).run()
    assert app.query_params["loan"] == "12"
    product = label("product", account.loan_facts(demo_con, 12, DEMO_AS_OF)["product"], "en")
    assert t("account.heading", "en", loan_id=12, product=product, as_of=DAY) in headings(app)
    open_page(app, "data")
    app.query_params.clear()  # as the browser does when the user switches pages
    open_page(app, "account")
    assert loan_input(app).value == 12 and app.query_params["loan"] == "12"


def test_clearing_the_input_goes_back_to_the_default(app, worst):
    open_account(app, "en", loan="12")
    loan_input(app).set_value(None).run()
    assert not app.exception
    assert loan_input(app).value == worst and app.query_params["loan"] == str(worst)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_loan_says_so(app, lang):
    open_account(app, lang, loan="99999999")
    assert not app.error
    assert [i.value for i in app.main.info] == [t("account.unknown", lang, loan_id=99999999)]
    assert not app.main.metric and not app.main.get("vega_lite_chart") and not app.main.dataframe
    assert loan_input(app).value == 99999999  # the link's value stays, to be corrected


def test_a_loan_made_after_the_as_of_date_says_so(app, demo_con):
    late = demo_con.sql("SELECT max(loan_id) AS id FROM loans WHERE origination_date > DATE '2026-06-30'").pl()["id"][0]
    open_account(app, "en", loan=str(late), as_of="2026-06-30")
    assert [i.value for i in app.main.info] == [t("account.not_yet", "en", loan_id=late, as_of="2026-06-30")]


def test_an_unreadable_link_opens_the_default(app, worst):
    open_account(app, "en", loan="not-a-loan")
    assert loan_input(app).value == worst


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_active_loan_and_none_chosen(closed_db, monkeypatch, lang):
    monkeypatch.setenv("MONITOR_DB", str(closed_db))
    at = open_account(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), lang)
    assert [i.value for i in at.main.info] == [t("data.no_active", lang, as_of="2026-05-01")]
    assert not at.main.metric and not at.main.get("vega_lite_chart")
    # the one (paid-off) loan can still be looked up
    loan_input(at).set_value(1).run()
    assert not at.exception and not at.error
    assert cards(at)[t("col.status", lang)] == label("status", "paid_off", lang)
    assert t("account.no_history", lang) in [i.value for i in at.main.info]


@pytest.fixture(scope="module")
def scored_db(demo_db, tmp_path_factory) -> tuple[Path, int]:
    """A copy of the demo book with three scores of its most delinquent loan (one after the as-of date)."""
    path = tmp_path_factory.mktemp("scored") / "scored.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    try:
        loan_id = account.default_loan(con, DEMO_AS_OF)
        for day, pd, tier, reasons in ((dt.date(2026, 9, 30), 0.12, "C", ("dpd", "contacts_30d", None)),
                                       (dt.date(2026, 10, 31), 0.31, "E", ("max_dpd_3m", "dpd", "paid_to_due")),
                                       (dt.date(2026, 11, 30), 0.5, "E", (None, None, None))):
            db.run(con, "INSERT INTO scores VALUES (?, ?, ?, 540, ?, ?, ?, ?, 'field', 'scorecard-1', 0, 100)",
                   [loan_id, day, pd, tier, *reasons])
    finally:
        con.close()
    return path, loan_id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scores_with_reasons_in_words(scored_db, monkeypatch, lang):
    path, loan_id = scored_db
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = open_account(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), lang,
                      loan=str(loan_id))
    assert not at.error and t("account.no_scores", lang, as_of=DAY) not in [i.value for i in at.main.info]
    rows = chart_rows(at)
    assert len(rows) == 3 and all(rows)
    scores = at.main.dataframe[-1].value
    assert scores["as_of"].dt.date.tolist() == [dt.date(2026, 10, 31), dt.date(2026, 9, 30)]  # newest first
    separator = t("fmt.list_separator", lang)
    words = [separator.join(account_charts.value_label("reason", r, lang) for r in reasons)
             for reasons in (("max_dpd_3m", "dpd", "paid_to_due"), ("dpd", "contacts_30d"))]
    assert scores["reasons"].tolist() == words
    assert scores["tier"].tolist() == [account_charts.value_label("tier", x, lang) for x in "EC"]
    assert scores["treatment"].tolist() == [account_charts.value_label("treatment", "field", lang)] * 2
    assert_tables_labelled(at, lang)
