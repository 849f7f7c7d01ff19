"""Zero or negative amounts are rejected: payments' amount, loans' principal, installments' amount_due."""

from tests.ingest.helpers import PAYMENTS_HEADER, assert_rejected, book, count, ingest, loan, write


def test_zero_and_negative_payments(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n"
                 f"900000001,{loan_id},2026-11-20 10:00:00,0,app\n"
                 f"900000002,{loan_id},2026-11-20 10:00:00,-12.50,app\n")
    before = count(path, "payments")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "non_positive_amount", "column amount", "'0'")
    assert_rejected(result, file, 2, "non_positive_amount", "column amount", "'-12.50'", "greater than 0")
    assert count(path, "payments") == before


def test_negative_principal_and_installment(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loans = write(tmp_path, "loans.csv",
                  "loan_id,customer_id,product,channel,origination_date,principal,annual_rate,term_months,"
                  "repayment_method,status\n"
                  "900000001,1,cash_loan,app,2026-11-01,-1000,0.2,3,equal_installment,active\n")
    installments = write(tmp_path, "installments.csv",
                         "loan_id,installment_no,due_date,principal_due,interest_due,fee_due,amount_due\n"
                         f"{loan(path)['loan_id']},99,2026-12-01,-1,0,0,-1\n")
    result = ingest(path, loans, installments)
    assert_rejected(result, loans, 1, "non_positive_amount", "column principal", "'-1000'")
    assert_rejected(result, installments, 1, "non_positive_amount", "column amount_due", "'-1'")
    assert_rejected(result, installments, 1, "non_positive_amount", "column principal_due", "must not be negative")
