"""A charged-off or settled account's balance at default and what was recovered since (monitor.account.recovery,
on credit_loss's definition), on a hand-built book worked out by hand, and on the Account page.

  L10  2025-06-01, 600 yuan; 6 installments of 100 principal + 10 interest (110), due the 1st, 07-01 .. 12-01
       payments  2025-07-01 110 (installment 1); 2026-01-20 20 (interest 10 and principal 10 of installment 2)
       charged off 2026-01-29 (DPD 181 on installment 2, due 2025-08-01)
       balance the day before (01-28): 600 - 100 - 10 = 490
       recoveries 2026-02-15 50, 2026-04-10 30: recovered 80 by 05-31 (net 410), 50 by 03-31 (net 440)
  L20  2025-06-01, 300 yuan; 3 installments of 100 due 07-01 .. 09-01, never paid; settled on 2025-12-01 into
       L21 (150 yuan, one installment due 2026-01-01), which pays 100 on 2025-12-20 and 50 on 2026-01-01
       balance the day before (11-30): 300; recovered 150 by 05-31 (net 150), 100 by 12-25 (net 200)
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from monitor import account, db, derive
from monitor.i18n import t
from ui import format as fmt

from .builders import Book
from .conftest import APPTEST_TIMEOUT, ROOT
from .test_pages_apptest import open_page, run

D = dt.date
AS_OF = D(2026, 5, 31)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    """The book's file, closed (the page opens it read-only)."""
    book = Book(tmp_path_factory.mktemp("recovery") / "recovery.duckdb")
    book.loan(10, "2025-06-01", "600.00", [(f"2025-{m:02d}-01", "100", "10", "0") for m in range(7, 13)],
              charge_off_date="2026-01-29")
    book.payment(10, "2025-07-01 09:00:00", "110.00")
    book.payment(10, "2026-01-20 09:00:00", "20.00")
    book.payment(10, "2026-02-15 10:00:00", "50.00", channel="recovery")
    book.payment(10, "2026-04-10 10:00:00", "30.00", channel="recovery")
    book.loan(20, "2025-06-01", "300.00", [(f"2025-{m:02d}-01", "100", "0", "0") for m in (7, 8, 9)],
              status="settled", closed_date="2025-12-01")
    book.loan(21, "2025-12-01", "150.00", [("2026-01-01", "150", "0", "0")], parent_loan_id=20,
              status="paid_off", closed_date="2026-01-01")
    book.restructuring(20, 21, "2025-12-01", "settlement")
    book.payment(21, "2025-12-20 10:00:00", "100.00")
    book.payment(21, "2026-01-01 10:00:00", "50.00")
    derive.derive(book.con, AS_OF)
    book.close()
    return book.path


@pytest.fixture
def con(path):
    con = db.connect(path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def test_a_charged_off_account(con):
    assert account.recovery(con, 10, AS_OF) == {
        "kind": "charge_off", "default_date": D(2026, 1, 29), "paying_loan": 10, "balance": 490.0, "recovered": 80.0,
        "net": 410.0}
    assert account.account_view(con, 10, AS_OF)["recovery"]["net"] == 410.0


def test_a_past_day_counts_the_recoveries_made_by_then(con):
    found = account.recovery(con, 10, D(2026, 3, 31))  # before the second recovery
    assert (found["balance"], found["recovered"], found["net"]) == (490.0, 50.0, 440.0)
    assert account.recovery(con, 10, D(2026, 1, 28)) is None  # not yet charged off
    assert account.account_view(con, 10, D(2026, 1, 28))["recovery"] is None


def test_a_settled_account_recovers_what_its_settlement_loan_paid(con):
    assert account.recovery(con, 20, AS_OF) == {
        "kind": "settlement", "default_date": D(2025, 12, 1), "paying_loan": 21, "balance": 300.0,
        "recovered": 150.0, "net": 150.0}
    assert account.recovery(con, 20, D(2025, 12, 25))["recovered"] == 100.0
    assert account.account_view(con, 21, AS_OF)["recovery"] is None  # paid off: no default


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_account_page_shows_balance_recovered_and_net(path, monkeypatch, lang):
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = open_page(run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), lang=lang,
                       as_of="2026-03-31", loan="10"), "account")
    cards = {metric.label: metric.value for metric in at.main.metric}
    assert cards[t("account.recovery_balance.charge_off", lang)] == fmt.exact_money(490.0)
    assert cards[t("account.recovery_recovered", lang)] == fmt.exact_money(50.0)
    assert cards[t("account.recovery_net", lang)] == fmt.exact_money(440.0)
    captions = " ".join(c.value for c in at.main.caption)
    assert t("account.recovery_caption.charge_off", lang, date="2026-01-29", day_before="2026-01-28",
             as_of="2026-03-31", loan_id=10) in captions
