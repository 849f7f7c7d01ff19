"""monitor.simulate.options: NPV on a loan worked out by hand, options that do not apply (never best), its linearity
in the re-default rate and the break-even (hypothesis), and bad input. The examples of issue 11 item 6 are here
(options) and in test_simulate_loan_assumptions.py (defaults)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.simulate import loan, options
from monitor.simulate.inputs import SimulationInputError

DAY = dt.date(2026, 6, 30)


def make_loan(balance=40_000, overdue=10_000, charges=0, contract=(10_000, 10_000, 10_000), apr=0.0, dpd=31,
              income=100_000, method="equal_installment") -> loan.LoanState:
    contract = np.array(contract, dtype=np.int64)
    return loan.LoanState(1, DAY, "on_book", "active", dpd=dpd, bucket="M2" if dpd > 30 else "M1",
                          annual_rate=apr, repayment_method=method, principal_balance_fen=balance,
                          overdue_fen=overdue, arrears_principal_fen=overdue - charges, arrears_charges_fen=charges,
                          contract_fen=contract, contract_principal_fen=contract, contract_interest_fen=0,
                          monthly_income_fen=income)


HAND = {"cure_rate": 0.5, "redefault_rate": 0.4, "recovery_rate": 0.2, "recovery_months": 0, "collection_cost": 0.25,
        "legal_recovery_rate": 0.5, "legal_months": 2, "legal_cost": 50, "legal_min_dpd": 31,
        "max_payment_to_income": 0.5, "discount_rate": 0.0, "monthly_income": 1000}


def rows_of(table) -> dict:
    return {row["option"]: row for row in table.iter_rows(named=True)}


def test_npv_on_a_loan_worked_out_by_hand():
    """A loan of ¥400 principal at 0% APR, ¥100 of it overdue (no overdue charges), three ¥100 installments to
    come, DPD 31; discount rate 0, so a PV is a plain sum. A plan that fails pays nothing more; the recovery is
    20% x (1 - 25% collection cost) = 15% of the principal balance at charge-off.

    Doing nothing: cure 50%. Performing: 100 now + 3 x 100 = 400. Failure: 15% x 400 = 60.
        NPV = 0.5 x 400 + 0.5 x 60 = 230.
    Extension by 1 month: ¥400 over 3 + 1 = 4 months at 0% -> ¥100 a month (10% of a ¥1,000 income).
        NPV = 0.6 x 400 + 0.4 x 60 = 264; ΔNPV = +34; break-even p* = (400 - 230) / (400 - 60) = 0.5.
    Settlement at a 25% discount: ¥300 now; not paid (40%): doing nothing's failure, 60.
        NPV = 0.6 x 300 + 0.4 x 60 = 204; ΔNPV = -26; p* = (300 - 230) / (300 - 60) = 7/24.
    Legal action (DPD 31, from DPD 31): 50% x 400 after 2 months - ¥50 = 150; ΔNPV = -80; no break-even.
    Rate cut: nothing to cut at 0%; waiver: no overdue charges to waive: neither applies.
    Re-installment and the payment holiday pay the same ¥400 and fail as the extension: NPV 264 each. Best: the
    first of the ties in the table's order, the extension."""
    table = options.compare_options(make_loan(), HAND, {"extension_months": 1, "settlement_discount": 0.25})
    rows = rows_of(table)
    assert rows["do_nothing"]["npv_fen"] == pytest.approx(23_000)
    assert rows["do_nothing"]["delta_npv_fen"] == 0
    ext = rows["extension"]
    assert (ext["payment_fen"], ext["term_months"], ext["payment_to_income"]) == (10_000, 4, pytest.approx(0.1))
    assert ext["npv_fen"] == pytest.approx(26_400) and ext["delta_npv_fen"] == pytest.approx(3_400)
    assert ext["break_even"] == pytest.approx(0.5) and ext["break_even_kind"] == "below"
    assert ext["expected_cash_fen"] == pytest.approx(26_400)  # undiscounted = NPV at a zero discount rate
    settle = rows["settlement"]
    assert settle["payment_fen"] is None and settle["payment_to_income"] is None  # a lump sum, not a monthly payment
    assert settle["npv_fen"] == pytest.approx(20_400) and settle["delta_npv_fen"] == pytest.approx(-2_600)
    assert settle["break_even"] == pytest.approx(7 / 24)
    legal = rows["legal"]
    assert legal["npv_fen"] == pytest.approx(15_000) and legal["delta_npv_fen"] == pytest.approx(-8_000)
    assert legal["break_even"] is None and legal["applicable"]
    assert rows["rate_cut"]["reason"] == "simulator_loan.reason.no_rate_cut"
    assert rows["waiver"]["reason"] == "simulator_loan.reason.nothing_to_waive"
    assert rows["reinstallment"]["npv_fen"] == pytest.approx(26_400)
    assert rows["payment_holiday"]["npv_fen"] == pytest.approx(26_400)
    assert table.filter("best")["option"].to_list() == ["extension"]


def test_the_schedules_of_the_hand_loan():
    comparison = options.compare(make_loan(), HAND, {"extension_months": 1, "holiday_months": 2})
    schedules = comparison.schedules
    nothing = schedules.filter(option="do_nothing")
    assert nothing["month"].to_list() == [0, 1, 2, 3]
    assert nothing["payment_fen"].to_list() == [10_000] * 4 and nothing["balance_fen"][-1] == 0
    holiday = schedules.filter(option="payment_holiday")
    assert holiday["payment_fen"].to_list()[:2] == [0, 0] and holiday["balance_fen"][-1] == 0
    assert holiday.height == 2 + 3
    assert schedules.filter(option="legal").height == 0


def test_a_plan_that_fails_pays_nothing_more_however_short():
    """Issue 11: the failure branch collected the new schedule for 4.1 months, so a plan paying out within about 4
    months carried no re-default loss. A ¥300 balance at 0% re-installed over 3 months, certain to re-default:
    nothing of the plan is paid; the loan is charged off 181 days (7 months of 30 days) after the first installment,
    month 8, and 15% of ¥300 = ¥45 is recovered. NPV 45; the performing branch, ¥300."""
    short = make_loan(balance=30_000, overdue=0, contract=(10_000, 10_000, 10_000), dpd=0)
    table = options.compare_options(short, HAND | {"redefault.reinstallment": 1.0}, {"new_term": 3})
    row = rows_of(table)["reinstallment"]
    assert row["term_months"] == 3
    assert row["npv_fen"] == pytest.approx(4_500) and row["pv_performing_fen"] == pytest.approx(30_000)
    assert row["expected_cash_fen"] == pytest.approx(4_500)


def test_a_loan_at_dpd_180_charges_off_next_month_when_nothing_is_done():
    """Doing nothing on a loan at DPD 180: the charge-off DPD 181 is 1 day away, month ceil(1 / 30) = 1; a plan
    fails at its first installment (month 1) + 7 months = month 8. At 1% a month the failure's ¥60 is worth
    60 / 1.01 = 59.41 under doing nothing and 60 / 1.01^8 = 55.41 under an extension."""
    late = make_loan(dpd=180)
    a = HAND | {"discount_rate": 0.12}
    rows = rows_of(options.compare_options(late, a, {"extension_months": 1}))
    assert rows["do_nothing"]["pv_failure_fen"] == pytest.approx(6_000 / 1.01)
    assert rows["extension"]["pv_failure_fen"] == pytest.approx(6_000 / 1.01 ** 8)


def test_an_unaffordable_plan_is_not_applicable_and_never_best():
    """Issue 11, loan 28815 (M6, DPD 179): 'Best by NPV: payment holiday' with a payment of 366% of monthly income.
    Here: ¥10,000 of principal, all overdue, nothing left to fall due, APR 24%, income ¥3,000, the holiday certain
    to be paid (re-default 0), every other plan 50%, doing nothing's cure 5%. The holiday re-plans ¥10,000 + 3
    months of 2% interest (10,612.08) over the 1 month left: ¥10,824.32, 361% of income, above the 50% ceiling:
    not applicable, though its NPV is the highest. Extension (7 months: 10,000 x 0.02 / (1 - 1.02^-7) = 1,545.12,
    the last 1,545.13, 52%) fails the ceiling too; re-installment over 12 months (945.60, 32%) passes, and is
    best: 0.5 x 10,000 + 0.5 x 15% x 10,000 / 1.02^8 = 5,640.12 against doing nothing's 0.05 x 10,000 + 0.95 x
    1,500 / 1.02 = 1,897.06 and legal action's 0.5 x 10,000 / 1.02^2 - 50 = 4,755.84."""
    stuck = make_loan(balance=1_000_000, overdue=1_000_000, contract=(), dpd=179, apr=0.24, income=300_000)
    a = HAND | {"discount_rate": 0.24, "monthly_income": 3000, "cure_rate": 0.05, "redefault_rate": 0.5,
                "redefault.payment_holiday": 0.0}
    table = options.compare_options(stuck, a, {"holiday_months": 3})
    rows = rows_of(table)
    holiday = rows["payment_holiday"]
    assert holiday["payment_fen"] == 1_082_432 and holiday["payment_to_income"] == pytest.approx(3.6081, abs=1e-4)
    assert holiday["npv_fen"] == table["npv_fen"].max()
    assert not holiday["applicable"] and holiday["reason"] == "simulator_loan.reason.unaffordable"
    assert rows["extension"]["payment_fen"] == 154_513
    assert rows["extension"]["reason"] == "simulator_loan.reason.unaffordable"
    assert rows["reinstallment"]["payment_fen"] == 94_560 and rows["reinstallment"]["applicable"]
    assert not holiday["best"]
    best = table.filter("best").row(0, named=True)
    assert best["applicable"] and best["option"] == "reinstallment"
    assert best["npv_fen"] == pytest.approx(564_011.94, abs=0.01)
    assert rows["do_nothing"]["npv_fen"] == pytest.approx(189_705.88, abs=0.01)


def test_a_current_loan_gets_no_waiver_and_no_lawsuit():
    """Issue 11, loan 39433 (current, no arrears): 'Best: interest and fee waiver'. A ¥1,000 loan at 12%, nothing
    overdue, four installments to come: there is nothing to waive, and DPD 0 is below the DPD from which legal
    action is considered (91). Every plan re-amortizes the same balance (the rate cut at a lower rate) and fails as
    often as doing nothing, so none beats it by ¥1 (they differ by the rounding of fen): doing nothing is best."""
    principal, interest = options.schedule_fen(100_000, 0.12, 4)
    current = loan.LoanState(1, DAY, "on_book", "active", dpd=0, bucket="M0", annual_rate=0.12,
                             principal_balance_fen=100_000, contract_fen=principal + interest,
                             contract_principal_fen=principal, contract_interest_fen=int(interest.sum()),
                             monthly_income_fen=800_000)
    a = HAND | {"cure_rate": 0.95, "redefault_rate": 0.05, "discount_rate": 0.12, "legal_min_dpd": 91,
                "monthly_income": 8000}
    rows = rows_of(options.compare_options(current, a))
    assert rows["waiver"]["reason"] == "simulator_loan.reason.nothing_to_waive"
    assert rows["legal"]["reason"] == "simulator_loan.reason.legal_dpd"
    assert max(row["delta_npv_fen"] for row in rows.values()) < options.MIN_GAIN_FEN
    assert rows["waiver"]["delta_npv_fen"] == pytest.approx(0)  # the contract itself, re-amortized
    assert [name for name, row in rows.items() if row["best"]] == ["do_nothing"]


@pytest.mark.parametrize(("dpd", "applies"), [(28, False), (90, False), (91, True), (150, True)])
def test_legal_action_only_from_its_dpd(dpd, applies):
    """Issue 11: legal action recommended for a loan at DPD 28. With legal action considered from DPD 91 it does
    not apply below it, whatever its NPV (here a certain full recovery, the highest)."""
    a = HAND | {"legal_min_dpd": 91, "legal_recovery_rate": 1.0, "legal_cost": 0, "legal_months": 0}
    rows = rows_of(options.compare_options(make_loan(dpd=dpd), a))
    assert rows["legal"]["applicable"] is applies and rows["legal"]["best"] is applies
    if not applies:
        assert rows["legal"]["reason"] == "simulator_loan.reason.legal_dpd"


def test_nothing_left_to_pay_leaves_only_doing_nothing():
    """A loan still open with no balance and nothing overdue: every option but doing nothing does not apply."""
    settled = make_loan(balance=0, overdue=0, contract=(), dpd=0)
    rows = rows_of(options.compare_options(settled, HAND))
    assert rows["do_nothing"]["npv_fen"] == 0 and rows["do_nothing"]["best"]
    for name in options.OPTIONS[1:]:
        assert rows[name]["reason"] == "simulator_loan.reason.nothing_to_pay", name


def test_no_income_on_record_leaves_the_plans_unjudged():
    rows = rows_of(options.compare_options(make_loan(), HAND | {"monthly_income": 0}))
    assert rows["extension"]["reason"] == "simulator_loan.reason.no_income"
    assert rows["extension"]["payment_to_income"] is None and rows["settlement"]["applicable"]


loans = st.builds(
    lambda balance, overdue_share, charges, n, apr, dpd, method: make_loan(
        balance=balance + charges, overdue=round(balance * overdue_share) + charges, charges=charges,
        contract=options.schedule_fen(balance - round(balance * overdue_share), apr, n)[0]
        + options.schedule_fen(balance - round(balance * overdue_share), apr, n)[1],
        apr=apr, dpd=dpd, method=method),
    balance=st.integers(10_000, 5_000_000), overdue_share=st.floats(0, 0.5), charges=st.integers(0, 50_000),
    n=st.integers(1, 24), apr=st.floats(0, 0.24), dpd=st.integers(0, 180),
    method=st.sampled_from(["equal_installment", "equal_principal"]))
shares = st.floats(0, 1)
assumption_sets = st.fixed_dictionaries({
    "cure_rate": shares, "redefault_rate": shares, "recovery_rate": shares, "recovery_months": st.integers(0, 24),
    "collection_cost": shares, "legal_recovery_rate": shares, "legal_months": st.integers(0, 24),
    "legal_cost": st.floats(0, 5000), "legal_min_dpd": st.integers(0, 180), "max_payment_to_income": shares,
    "discount_rate": st.floats(0, 0.3), "monthly_income": st.floats(0, 50_000)})


@settings(max_examples=60, deadline=None)
@given(loan_state=loans, a=assumption_sets, option=st.sampled_from(options.REDEFAULT_OPTIONS))
def test_npv_is_linear_in_the_redefault_rate_and_the_break_even_ties(loan_state, a, option):
    key = options.redefault_key(option)
    npv = {p: options.compare_options(loan_state, a | {key: p}).filter(option=option).row(0, named=True)
           for p in (0.0, 0.5, 1.0)}
    assert npv[0.5]["npv_fen"] == pytest.approx((npv[0.0]["npv_fen"] + npv[1.0]["npv_fen"]) / 2, abs=1e-6)
    row = npv[0.5]
    nothing = options.compare_options(loan_state, a).filter(option="do_nothing")["npv_fen"][0]
    if row["break_even"] is not None:
        at_break_even = options.compare_options(loan_state, a | {key: row["break_even"]}).filter(option=option)
        assert at_break_even["npv_fen"][0] == pytest.approx(nothing, rel=1e-9, abs=1e-6)
    elif row["break_even_kind"] == "always":
        assert min(npv[0.0]["npv_fen"], npv[1.0]["npv_fen"]) >= nothing - 1e-6
    else:
        assert max(npv[0.0]["npv_fen"], npv[1.0]["npv_fen"]) <= nothing + 1e-6


@settings(max_examples=60, deadline=None)
@given(loan_state=loans, a=assumption_sets, p=shares)
def test_a_settlement_without_discount_is_worth_the_claim(loan_state, a, p):
    """Paid for sure, or with a full, free and immediate recovery at a zero discount rate, a settlement at no
    discount is worth the balance (plus the overdue charges); the rate cut and waiver never raise the total
    interest."""
    claim = loan_state.principal_balance_fen + loan_state.arrears_charges_fen
    sure = options.compare_options(loan_state, a | {"redefault.settlement": 0.0}, {"settlement_discount": 0.0})
    assert sure.filter(option="settlement")["npv_fen"][0] == pytest.approx(claim)
    if loan_state.arrears_charges_fen == 0:
        full = a | {"redefault.settlement": p, "recovery_rate": 1.0, "collection_cost": 0.0, "discount_rate": 0.0}
        table = options.compare_options(loan_state, full, {"settlement_discount": 0.0})
        assert table.filter(option="settlement")["npv_fen"][0] == pytest.approx(claim)
    interest = dict(options.compare_options(loan_state, a).select("option", "total_interest_fen").iter_rows())
    assert interest["rate_cut"] <= interest["waiver"] + loan_state.arrears_charges_fen


@settings(max_examples=60, deadline=None)
@given(loan_state=loans, a=assumption_sets)
def test_exactly_one_best_and_it_applies(loan_state, a):
    table = options.compare_options(loan_state, a)
    best = table.filter("best")
    assert best.height == 1 and best["applicable"][0]
    applicable = table.filter("applicable")
    assert best["npv_fen"][0] >= applicable["npv_fen"].max() - options.MIN_GAIN_FEN
    assert table.filter(~pl.col("applicable"))["reason"].null_count() == 0


@pytest.mark.parametrize(("assumptions_change", "params", "words"), [
    ({"cure_rate": 1.2}, {}, ["cure_rate", "between 0 and 1"]),
    ({"recovery_months": -1}, {}, ["recovery_months", "negative"]),
    ({"collection_cost": 1.5}, {}, ["collection_cost", "between 0 and 1"]),
    ({}, {"settlement_discount": 1.2}, ["settlement_discount", "between 0 and 1"]),
    ({}, {"new_term": 0}, ["new_term", "1 to"]),
    ({}, {"extension_months": -3}, ["extension_months", "-3"]),
    ({}, {"rate_cut": 0.2}, ["rate_cut", "APR"]),
    ({}, {"holiday_months": 13}, ["holiday_months", "12"]),
])
def test_bad_option_input_names_the_field(assumptions_change, params, words):
    with pytest.raises(SimulationInputError) as caught:
        options.compare_options(make_loan(apr=0.1), HAND | assumptions_change, params)
    for word in words:
        assert word in str(caught.value)


def test_an_inactive_loan_has_no_options():
    with pytest.raises(SimulationInputError, match="not active"):
        options.compare_options(loan.LoanState(1, DAY, "on_book", "paid_off"), HAND)
