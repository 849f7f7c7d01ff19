"""The loan what-if on a past date (issue 11, item 5): the contract is the contract as it stood that day, for loans
that closed later too, on hand-built loans worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from monitor.simulate import loan, options

from .builders import Book

D = dt.date.fromisoformat
FLAT = [(f"2026-{m:02d}-10", "100.00", "5.00", "0.00") for m in range(2, 8)]  # six installments of ¥105
# The contract of a ¥1,200 loan at 18% APR over 12 months (monitor.schedule.amortize_fen): ¥110.02 a month
# (1200 x 0.015 / (1 - 1.015^-12) = 110.0159), the last ¥109.98; principal of the first three 92.02, 93.40, 94.80.
LEVEL = [("2026-02-10", "92.02", "18.00", "0.00"), ("2026-03-10", "93.40", "16.62", "0.00"),
         ("2026-04-10", "94.80", "15.22", "0.00")]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    book = Book(tmp_path_factory.mktemp("loan_state") / "past.duckdb")
    # Loan 1: pays installment 1 only and is charged off at DPD 181 (2026-03-10 + 181 days = 2026-09-07).
    book.loan(1, "2026-01-10", "600.00", FLAT, charge_off_date="2026-09-07")
    book.payment(1, "2026-02-10 09:00:00", "105.00")
    # Loan 2: pays its first three installments on time and pays off early on 2026-05-01: the lender's system
    # rewrote the rest of its schedule into one installment due that day (principal 919.78 + 21 days' interest).
    book.loan(2, "2026-01-10", "1200.00", [*LEVEL, ("2026-05-01", "919.78", "9.66", "0.00")],
              status="paid_off", closed_date="2026-05-01", customer_id=2)
    book.con.execute("UPDATE loans SET term_months = 12 WHERE loan_id = 2")
    for day, (_, principal, interest, _) in zip(("2026-02-10", "2026-03-10", "2026-04-10"), LEVEL, strict=True):
        book.payment(2, f"{day} 08:00:00", str(float(principal) + float(interest)))
    book.payment(2, "2026-05-01 10:00:00", "929.44")
    # Loan 3: still active; pays installment 1, then ¥150 on 2026-03-10 (installment 2 and ¥45 of installment 3).
    book.loan(3, "2026-01-10", "600.00", FLAT, customer_id=3)
    book.payment(3, "2026-02-10 09:00:00", "105.00")
    book.payment(3, "2026-03-10 09:00:00", "150.00")
    yield book.con
    book.close()


def test_a_loan_charged_off_later_keeps_the_installments_still_due(con):
    """Loan 1 at 2026-04-15: installments 2 and 3 (due 03-10, 04-10) unpaid, DPD 36, overdue ¥210, principal balance
    ¥500; installments 4-6 (due 05-10, 06-10, 07-10) still to fall due: 3 left, ¥105 each, ¥300 of principal, so
    ¥200 of the arrears is principal and ¥10 interest. (The old state dropped every installment due after the day
    for a loan that closed later: 0 left, and every plan re-planned over 1 month.)"""
    state = loan.loan_state(con, 1, D("2026-04-15"))
    assert (state.dpd, state.bucket, state.principal_balance_fen, state.overdue_fen) == (36, "M2", 50_000, 21_000)
    assert state.contract_fen.tolist() == [10_500, 10_500, 10_500]
    assert state.contract_principal_fen.tolist() == [10_000, 10_000, 10_000]
    assert state.remaining_term == 3
    assert (state.arrears_principal_fen, state.arrears_charges_fen) == (20_000, 1_000)
    assert state.contract_interest_fen == 1_500


def test_the_options_on_a_past_date_run_over_the_installments_left(con):
    """Loan 1 at 2026-04-15 (18% APR): the re-installment's balance is ¥500 + ¥10 overdue interest = ¥510; a rate cut
    re-amortizes it over the 3 installments left at 12%: 510 x 0.01 / (1 - 1.01^-3) = 173.41 a month, the last
    173.42 (interest 5.10, 3.42, 1.72; the last takes the principal left), the highest payment; an extension
    of 6 months runs 3 + 6 = 9 months. Doing nothing's performing branch: ¥210 now, then 105, 105, 105."""
    state = loan.loan_state(con, 1, D("2026-04-15"))
    a = {"cure_rate": 0.5, "redefault_rate": 0.5, "recovery_rate": 0.1, "recovery_months": 0, "collection_cost": 0,
         "legal_recovery_rate": 0.1, "legal_months": 1, "legal_cost": 0, "legal_min_dpd": 91,
         "max_payment_to_income": 0.5, "discount_rate": 0.18, "monthly_income": 8000,
         "redefault_months": 1}  # the last, read by the old model only, lets this test run against it
    comparison = options.compare(state, a, {"rate_cut": 0.06, "extension_months": 6})
    rows = {row["option"]: row for row in comparison.table.iter_rows(named=True)}
    assert rows["rate_cut"]["term_months"] == 3 and rows["rate_cut"]["payment_fen"] == 17_342
    assert rows["extension"]["term_months"] == 9
    nothing = comparison.schedules.filter(option="do_nothing")
    assert nothing["payment_fen"].to_list() == [21_000, 10_500, 10_500, 10_500]


def test_a_loan_paid_off_early_later_has_its_original_contract(con):
    """Loan 2 at 2026-04-20, current after 3 payments: principal balance 1200 - 92.02 - 93.40 - 94.80 = ¥919.78.
    Its stored schedule ends in the payoff installment of 2026-05-01, written after the day; the contract that day
    was installments 4-12 of the level schedule: 9 left, ¥110.02 each and ¥109.98 last, due on the 10th from
    2026-05-10, their principal summing to the balance."""
    state = loan.loan_state(con, 2, D("2026-04-20"))
    assert (state.dpd, state.overdue_fen, state.principal_balance_fen) == (0, 0, 91_978)
    assert len(state.contract_fen) == 9
    assert state.contract_fen.tolist() == [11_002] * 8 + [10_998]
    assert int(state.contract_principal_fen.sum()) == 91_978
    assert (state.arrears_principal_fen, state.arrears_charges_fen) == (0, 0)
    contract = loan.contract_after(con, 2, D("2026-04-20"))
    assert contract["due_date"][0] == D("2026-05-10") and contract["installment_no"].to_list() == list(range(4, 13))


def test_what_is_paid_ahead_is_not_still_to_pay(con):
    """Loan 3 at 2026-03-20: ¥255 paid settles installments 1 and 2 (¥210) and ¥45 of installment 3 (interest
    first: ¥5, then ¥40 of principal). Still to pay: ¥60 of installment 3 (principal 60), then 4-6 in full."""
    state = loan.loan_state(con, 3, D("2026-03-20"))
    assert (state.dpd, state.overdue_fen, state.principal_balance_fen) == (0, 0, 36_000)
    assert state.contract_fen.tolist() == [6_000, 10_500, 10_500, 10_500]
    assert state.contract_principal_fen.tolist() == [6_000, 10_000, 10_000, 10_000]
    assert np.sum(state.contract_principal_fen) == state.principal_balance_fen


def test_on_its_due_day_a_paid_installment_is_not_still_to_pay(con):
    """Loan 1 at 2026-02-10: installment 1 is due and paid that day; the 5 after it are still to fall due."""
    state = loan.loan_state(con, 1, D("2026-02-10"))
    assert len(state.contract_fen) == 5 and state.principal_balance_fen == 50_000
