"""A loan landed before its schedule (issue 13): the loans file is loaded, its installments not yet, as the load
order allows. Every page opens without an error, before and after a derive; the Account view says "no schedule
yet" in both languages and still shows the loan's facts; the loan simulator says there is nothing to simulate."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, account, db, derive
from monitor.i18n import LANGUAGES, t
from monitor.ingest import load
from monitor.simulate import loan as simulated_loan
from ui import format as fmt
from ui import navigation

from .conftest import APPTEST_TIMEOUT, DEMO_AS_OF

ROOT = Path(__file__).resolve().parents[1]
LOAN_ID = 900000001
LOANS = ("loan_id,customer_id,product,channel,origination_date,principal,annual_rate,term_months,"
         "repayment_method,status\n"
         f"{LOAN_ID},1,cash_loan,app,2026-11-01,1000,0.2,3,equal_installment,active\n")


def _book(demo_db: Path, target: Path, derived: bool) -> Path:
    shutil.copyfile(demo_db, target)
    outcome = load.load_bytes(target, LOANS.encode(), "loans.csv", actor=access.COMMAND_USER)
    assert outcome.rows_accepted == 1, outcome.rejects
    if derived:
        con = db.connect(target)
        try:
            derive.derive(con, DEMO_AS_OF)
        finally:
            con.close()
    return target


@pytest.fixture(scope="module", params=[False, True], ids=["underived", "derived"])
def unscheduled_db(request, demo_db, tmp_path_factory) -> Path:
    return _book(demo_db, tmp_path_factory.mktemp("unscheduled") / "book.duckdb", request.param)


def open_page(path: Path, monkeypatch, stem: str, lang: str) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.query_params.update({"lang": lang, "loan": str(LOAN_ID), "as_of": DEMO_AS_OF.isoformat()})
    at.run()
    at.switch_page(f"pages/{stem}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("stem", [stem for stem, _ in navigation.PAGES])
def test_every_page_opens(unscheduled_db, monkeypatch, stem):
    at = open_page(unscheduled_db, monkeypatch, stem, "en")
    assert [title.value for title in at.main.title] == [t(f"{stem}.title", "en")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_account_view_says_no_schedule_yet(unscheduled_db, monkeypatch, lang):
    at = open_page(unscheduled_db, monkeypatch, "account", lang)
    notices = [i.value for i in at.main.info]
    assert t("account.no_schedule", lang, loan_id=LOAN_ID) in notices
    assert t("account.no_schedule_timeline", lang) in notices
    closed = t("account.closed", lang, closed_date="X", status="Y").split("X")[0]
    assert not [n for n in notices if n.startswith(closed)]
    figures = {m.label: m.value for m in at.main.metric}
    assert [figures[t(key, lang)] for key in ("col.dpd", "col.bucket", "col.principal_balance",
                                             "col.overdue_amount")] == [fmt.NONE] * 4
    assert str(LOAN_ID) in [str(v) for frame in at.main.dataframe for v in frame.value.iloc[:, 1]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_loan_simulator_says_no_schedule_yet(unscheduled_db, monkeypatch, lang):
    at = open_page(unscheduled_db, monkeypatch, "simulator_loan", lang)
    assert [i.value for i in at.main.info] == [t("simulator_loan.no_schedule", lang, loan_id=LOAN_ID,
                                                 as_of=DEMO_AS_OF.isoformat())]


def test_the_view_and_the_state_know_the_schedule_is_missing(unscheduled_db):
    con = db.connect(unscheduled_db, read_only=True)
    try:
        view = account.account_view(con, LOAN_ID, DEMO_AS_OF)
        state = simulated_loan.loan_state(con, LOAN_ID, DEMO_AS_OF)
        other = account.account_view(con, account.default_loan(con, DEMO_AS_OF), DEMO_AS_OF)
    finally:
        con.close()
    assert view["presence"] == "on_book" and view["has_schedule"] is False
    assert view["loan"]["origination_date"] == dt.date(2026, 11, 1)
    assert view["schedule"].height == 0
    assert state.presence == "no_schedule" and not state.active
    assert other["has_schedule"] is True
