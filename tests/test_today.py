"""The Today figures on a hand-built book, worked out by hand (DESIGN.md §4 definitions)."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor import db
from monitor.live.today import today_view

from .builders import ACTION_COLUMNS, Book

DAY = dt.date(2026, 3, 11)


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    book = Book(tmp_path_factory.mktemp("today") / "today.duckdb")
    # 1: its first installment fell due yesterday, unpaid: DPD 0 at the end of yesterday, 1 today -> enters M1
    book.loan(1, "2026-02-10", "200.00", [("2026-03-10", "100.00", "10.00", "0.00"),
                                          ("2026-04-10", "100.00", "5.00", "0.00")])
    # 2: 6 days late yesterday (due 03-05), pays it today -> cures; balance yesterday 200
    book.loan(2, "2026-01-05", "300.00", [("2026-02-05", "100.00", "10.00", "0.00"),
                                          ("2026-03-05", "100.00", "10.00", "0.00"),
                                          ("2026-04-05", "100.00", "10.00", "0.00")])
    book.payment(2, "2026-02-05 09:00:00", "110.00")
    book.payment(2, "2026-03-11 10:30:00", "110.00")
    # 3: current, pays today's installment on time
    book.loan(3, "2026-02-11", "200.00", [("2026-03-11", "100.00", "10.00", "0.00"),
                                          ("2026-04-11", "100.00", "5.00", "0.00")])
    book.payment(3, "2026-03-11 09:15:00", "110.00", channel="auto_debit")
    # 4: never paid, due 2026-01-01: DPD 68 yesterday, 69 today; a call today with a promise to pay
    book.loan(4, "2025-12-01", "300.00", [("2026-01-01", "100.00", "10.00", "0.00"),
                                          ("2026-02-01", "100.00", "10.00", "0.00"),
                                          ("2026-03-01", "100.00", "10.00", "0.00")])
    db.run(book.con, f"INSERT INTO collection_actions {ACTION_COLUMNS} "
                     "VALUES (1, 4, TIMESTAMP '2026-03-11 11:00:00', 'call', 'A0001', "
                     "'debtor', 'promise_to_pay', 330.00, DATE '2026-03-14')")
    # 5: a new loan today
    book.loan(5, "2026-03-11", "100.00", [("2026-04-11", "100.00", "1.00", "0.00")])
    try:
        yield today_view(book.con, DAY)
    finally:
        book.close()


def test_the_days_events(view):
    assert view["day"] == DAY and view["previous"] == dt.date(2026, 3, 10) and view["latest"] == DAY
    assert (view["payments"], view["collected"]) == (2, 220.0)
    assert (view["new_loans"], view["new_principal"]) == (1, 100.0)
    assert (view["actions"], view["promises"]) == (1, 1)
    hours = {row["hour"]: (row["payments"], row["amount"]) for row in view["by_hour"].iter_rows(named=True)}
    assert len(hours) == 24 and hours[9] == (1, 110.0) and hours[10] == (1, 110.0)
    assert sum(p for p, _ in hours.values()) == 2


def test_entries_into_m1_and_cures(view):
    assert (view["entered_m1"], view["entered_m1_balance"]) == (1, 200.0)  # loan 1, nothing repaid
    assert (view["cured"], view["cured_balance"]) == (1, 200.0)            # loan 2, its balance yesterday


def test_rates_against_yesterday(view):
    assert view["active_loans"] == 5
    today, yesterday = view["rates"]["today"], view["rates"]["yesterday"]
    # today: 1+ = loans 1 and 4 of 5; balances 200 + 300 of 200 + 100 + 100 + 300 + 100
    assert today["1+"] == pytest.approx({"count": 2 / 5, "balance": 500 / 800})
    assert today["30+"] == pytest.approx({"count": 1 / 5, "balance": 300 / 800})
    # yesterday: 1+ = loans 2 and 4 of 4; balances 200 + 300 of 200 + 200 + 200 + 300
    assert yesterday["1+"] == pytest.approx({"count": 2 / 4, "balance": 500 / 900})
    assert yesterday["30+"] == pytest.approx({"count": 1 / 4, "balance": 300 / 900})


def test_latest_events_newest_first_and_masked(view):
    payments = view["events"]["payments"]
    assert payments["loan_id"].to_list() == [2, 3]
    assert payments["channel"].to_list() == ["app", "auto_debit"]
    assert set(payments["customer"]) == {"T*****"}  # "Test 1", masked
    assert view["events"]["loans"]["loan_id"].to_list() == [5]
    actions = view["events"]["actions"]
    assert actions.select("loan_id", "outcome", "ptp_amount").row(0) == (4, "promise_to_pay", 330.0)
