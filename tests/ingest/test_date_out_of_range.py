"""Dates after the book's today (today in Asia/Shanghai, or the latest data day if later) and dates before the
loan's origination are rejected."""

import datetime as dt

from tests.ingest.helpers import PAYMENTS_HEADER, assert_rejected, book, count, ingest, loan, write


def test_future_payment(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n900000001,{loan_id},2099-01-01 09:00:00,10,app\n")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "future_date", "column paid_at", "2099-01-01", "after today")


def test_payment_before_origination(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    first = loan(path)
    day = first["origination_date"] - dt.timedelta(days=1)
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n900000001,{first['loan_id']},{day} 09:00:00,10,app\n")
    before = count(path, "payments")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "before_origination", "column paid_at", str(day),
                    str(first["origination_date"]))
    assert count(path, "payments") == before


def test_loan_closed_before_it_was_made(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "loans.csv",
                 "loan_id,customer_id,product,channel,origination_date,principal,annual_rate,term_months,"
                 "repayment_method,status,closed_date\n"
                 "900000001,1,cash_loan,app,2026-11-01,1000,0.2,3,equal_installment,paid_off,2026-10-01\n")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "before_origination", "column closed_date", "2026-10-01")
