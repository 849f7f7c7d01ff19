"""Rows for a loan the book does not hold are rejected; a loan tape given beside them makes them known."""

from tests.ingest.helpers import PAYMENTS_HEADER, assert_rejected, book, count, ingest, write

LOANS = ("loan_id,customer_id,product,channel,origination_date,principal,annual_rate,term_months,"
         "repayment_method,status\n900000001,1,cash_loan,app,2026-11-01,1000,0.2,3,equal_installment,active\n")


def test_payment_for_an_unknown_loan(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n900000001,987654321,2026-11-20 10:00:00,10,app\n")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "unknown_loan", "column loan_id", "'987654321'")


def test_action_for_an_unknown_loan(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "actions.csv", "action_id,loan_id,action_at,action_type,outcome\n"
                 "900000001,987654321,2026-11-20 10:00:00,sms,no_answer\n")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "unknown_loan", "'987654321'")


def test_loans_in_a_file_of_the_same_command_are_known(demo_db, tmp_path):
    """The payments file comes first on the command line; the loan tape still loads first."""
    path = book(demo_db, tmp_path)
    payments = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n900000001,900000001,2026-11-20 10:00:00,10,app\n")
    loans = write(tmp_path, "loans.csv", LOANS)
    before = count(path, "payments")
    result = ingest(path, payments, loans)
    assert result.returncode == 0, result.stdout + result.stderr
    assert count(path, "payments") == before + 1
