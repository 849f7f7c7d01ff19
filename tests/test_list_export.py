"""The exports of the Delinquency page's delinquent loans and the Today page's events (monitor.list_export), on a
hand-built book: every row (not only the page's), personal data masked, codes in words, money to the fen."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from monitor import db, derive, list_export
from monitor.i18n import t
from monitor.live import today

from .builders import ACTION_COLUMNS, Book

DAY = dt.date(2026, 3, 11)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    book = Book(tmp_path_factory.mktemp("lists") / "lists.duckdb")
    # 1: first installment due yesterday, unpaid: DPD 1 (M1), balance 200.00, overdue 110.00
    book.loan(1, "2026-02-10", "200.00", [("2026-03-10", "100.00", "10.00", "0.00"),
                                          ("2026-04-10", "100.00", "5.00", "0.00")])
    # 4: never paid, due 2026-01-01: DPD 69 (M3), balance 300.00, overdue 330.00 (three installments past due)
    book.loan(4, "2025-12-01", "300.00", [("2026-01-01", "100.00", "10.00", "0.00"),
                                          ("2026-02-01", "100.00", "10.00", "0.00"),
                                          ("2026-03-01", "100.00", "10.00", "0.00")], customer_id=2)
    # 3: current; pays today, by auto debit and a third of a yuan through the app
    book.loan(3, "2026-02-11", "200.00", [("2026-03-11", "100.00", "10.00", "0.00"),
                                          ("2026-04-11", "100.00", "5.00", "0.00")])
    book.payment(3, "2026-03-11 09:15:00", "109.67", channel="auto_debit")
    book.payment(3, "2026-03-11 10:30:05", "0.33", channel="app")
    db.run(book.con, f"INSERT INTO collection_actions {ACTION_COLUMNS} "
                     "VALUES (1, 4, TIMESTAMP '2026-03-11 11:00:00', 'call', 'A0001', "
                     "'debtor', 'promise_to_pay', 330.00, DATE '2026-03-14')")
    derive.derive(book.con, DAY)  # the segments the delinquent loans are chosen by
    try:
        yield book.con
    finally:
        book.close()


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_delinquent_loans_worst_first_masked(con):
    found = rows(list_export.delinquent_csv(con, DAY, None, None, "zh"))
    assert found[0] == ["贷款编号", "客户（已脱敏）", "手机号（已脱敏）", "产品", "渠道", "省份", "逾期天数",
                        "逾期阶段", "剩余本金（元）", "逾期金额（元）"]
    assert found[1:] == [
        ["4", "T*****", "138****0002", "现金贷", "自有App", "Beijing", "69", "M3", "300.00", "330.00"],
        ["1", "T*****", "138****0001", "现金贷", "自有App", "Beijing", "1", "M1", "200.00", "110.00"],
    ]


def test_every_delinquent_loan_not_only_the_pages(con):
    assert len(rows(list_export.delinquent_csv(con, DAY, "product", "cash_loan", "en"))) == 1 + 2
    assert len(rows(list_export.delinquent_csv(con, DAY, "product", "installment", "en"))) == 1
    shown = today.events(con, DAY, "payments", limit=1)  # the page's list is cut at its limit; the export is not
    assert shown.height == 1 and len(rows(list_export.events_csv(con, DAY, "payments", "en"))) == 1 + 2


def test_the_days_events_in_words_money_to_the_fen(con):
    assert rows(list_export.events_csv(con, DAY, "payments", "en")) == [
        [t("col.paid_at", "en"), "Loan ID", "Customer (masked)", "Amount (¥)", "Channel"],
        ["2026-03-11 10:30:05", "3", "T*****", "0.33", "App"],
        ["2026-03-11 09:15:00", "3", "T*****", "109.67", "Auto debit"],
    ]
    assert rows(list_export.events_csv(con, DAY, "actions", "zh"))[1] == [
        "2026-03-11 11:00:00", "4", "T*****", "电话", t("outcome.promise_to_pay", "zh"), "330.00", "2026-03-14"]
    assert rows(list_export.events_csv(con, DAY, "loans", "en")) == [
        ["Loan ID", "Customer (masked)", "Product", "Channel", "Principal (¥)", "Term (months)"]]
