"""The Delinquency page's delinquent loans and the Today page's events through AppTest: a click on a row opens the
loan's account view (on Today also when a refresh put new events on top before the click), and the export button
writes its audit row. What the exports hold: tests/test_list_export.py."""

from __future__ import annotations

import datetime as dt
import shutil

from streamlit.testing.v1 import AppTest

from monitor import db, metrics
from monitor.i18n import t
from monitor.live import today
from ui import loan_list

from .conftest import DEMO_AS_OF, ROOT
from .test_exports_audited import access_file, exports  # noqa: F401  (access_file: a fixture)
from .test_pages_apptest import TIMEOUT, open_page, run


def choose(at: AppTest, name: str, shown: list[str], row: int) -> AppTest:
    """Click row `row` of the list `name` showing the loans `shown` (the browser's selection event) and run."""
    at.session_state[loan_list.table_key(name, [int(loan) for loan in shown])] = {
        "selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def opened_loan(at: AppTest) -> str:
    assert [title.value for title in at.main.title] == [t("account.title", "en")]
    assert at.query_params["lang"] == "en" and at.query_params["as_of"] == DEMO_AS_OF.isoformat()
    return at.query_params["loan"]


def delinquent_of_shown(at: AppTest, demo_con):
    """The delinquent loans of the value the page's loans chooser shows (the top mover), from monitor."""
    value = at.main.selectbox(key="delinquency.loans_of").value
    return value, metrics.delinquent_loans(demo_con, DEMO_AS_OF, "product", value)


def test_a_click_on_a_delinquent_loan_opens_its_account(app, demo_con):
    run(app, lang="en", section="segments")
    value, loans = delinquent_of_shown(app, demo_con)
    shown = app.main.dataframe[1].value["loan_id"].tolist()
    assert shown == [str(loan) for loan in loans["loan_id"]]
    assert opened_loan(choose(app, "delinquency.loans_table", shown, 3)) == str(loans["loan_id"][3])


def test_the_delinquent_loans_export_is_audited(demo_db, demo_con, monkeypatch, access_file):  # noqa: F811
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang="en", section="segments")
    value, loans = delinquent_of_shown(at, demo_con)
    button = at.main.download_button(key="delinquency.export")
    assert button.label == t("list_export.download", "en")
    assert exports(demo_db) == []  # drawing the button is no export
    button.click().run()
    assert not at.exception
    assert exports(demo_db) == [("local", "delinquent_loans_csv",
                                 {"as_of": DEMO_AS_OF.isoformat(), "segment": "product", "value": value},
                                 int(loans["delinquent_total"][0]))]


def _today(book, monkeypatch) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(book))
    return open_page(run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang="en"), "today")


def test_a_click_on_an_event_opens_its_account(demo_db, demo_con, monkeypatch):
    at = _today(demo_db, monkeypatch)
    payments = today.events(demo_con, DEMO_AS_OF, "payments")
    shown = at.main.dataframe[0].value["loan_id"].tolist()
    assert shown == [str(loan) for loan in payments["loan_id"]]
    assert opened_loan(choose(at, "today.events.payments", shown, 2)) == str(payments["loan_id"][2])


def test_a_click_opens_the_loan_seen_though_the_feed_wrote_since(demo_db, tmp_path, monkeypatch):
    """The feed writes a payment between the table's drawing and the click: the rerun of the click reads it (on
    top of the list), and the row clicked is still the loan the user saw there."""
    book = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, book)
    at = _today(book, monkeypatch)
    at.run()  # a refresh: the table keeps its key
    seen = at.main.dataframe[0].value["loan_id"].tolist()
    con = db.connect(book)
    try:
        newcomer = con.execute("SELECT max(loan_id) FROM loans WHERE loan_id <> ?", [int(seen[0])]).fetchone()[0]
        con.execute("INSERT INTO payments SELECT max(payment_id) + 1, ?, ?, 1.00, 'app' FROM payments",
                    [newcomer, dt.datetime.combine(DEMO_AS_OF, dt.time(23, 59, 59))])
        assert today.events(con, DEMO_AS_OF, "payments")["loan_id"][0] == newcomer
    finally:
        con.close()
    assert opened_loan(choose(at, "today.events.payments", seen, 0)) == seen[0]


def test_the_events_export_is_audited(demo_db, demo_con, monkeypatch, access_file):  # noqa: F811
    at = _today(demo_db, monkeypatch)
    at.selectbox(key="choice.events").set_value("actions").run()
    at.main.download_button(key="today.export.actions").click().run()
    assert not at.exception
    actions = today.today_view(demo_con, DEMO_AS_OF)["actions"]
    assert exports(demo_db) == [("local", "today_events_csv", {"day": DEMO_AS_OF.isoformat(), "kind": "actions"},
                                 actions)]


def test_a_click_on_rows_a_refresh_replaced_opens_nothing(demo_db, tmp_path, monkeypatch):
    """A refresh drew new rows before the click on the old ones arrived: the click is dropped (the user clicks
    again), not read against rows the user did not see."""
    book = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, book)
    at = _today(book, monkeypatch)
    seen = at.main.dataframe[0].value["loan_id"].tolist()
    con = db.connect(book)
    try:
        con.execute("INSERT INTO payments SELECT max(payment_id) + 1, ?, ?, 1.00, 'app' FROM payments",
                    [int(seen[-1]), dt.datetime.combine(DEMO_AS_OF, dt.time(23, 59, 59))])
    finally:
        con.close()
    at.run()  # the refresh
    assert at.main.dataframe[0].value["loan_id"].tolist()[0] == seen[-1]
    choose(at, "today.events.payments", seen, 0)
    assert [title.value for title in at.main.title] == [t("today.title", "en")]
