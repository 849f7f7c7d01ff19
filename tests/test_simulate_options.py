"""monitor.simulate.options and .assumptions: NPV on a loan worked out by hand, its linearity in the re-default
rate and the break-even (hypothesis), bad input, and the defaults estimated on the demo book against an
independent recomputation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.simulate import assumptions, loan, options
from monitor.simulate.inputs import SimulationInputError

from .conftest import DEMO_AS_OF

DAY = dt.date(2026, 6, 30)


def make_loan(balance=40_000, overdue=10_000, charges=0, contract=(10_000, 10_000, 10_000), apr=0.0, dpd=31,
              income=100_000, method="equal_installment") -> loan.LoanState:
    contract = np.array(contract, dtype=np.int64)
    return loan.LoanState(1, DAY, "on_book", "active", dpd=dpd, bucket="M2" if dpd > 30 else "M1",
                          annual_rate=apr, repayment_method=method, principal_balance_fen=balance,
                          overdue_fen=overdue, arrears_principal_fen=overdue - charges, arrears_charges_fen=charges,
                          contract_fen=contract, contract_principal_fen=contract, contract_interest_fen=0,
                          monthly_income_fen=income)


HAND = {"cure_rate": 0.5, "redefault_rate": 0.4, "redefault_months": 1, "recovery_rate": 0.2, "recovery_months": 0,
        "legal_recovery_rate": 0.5, "legal_months": 2, "legal_cost": 50, "discount_rate": 0.0, "monthly_income": 1000}


def test_npv_on_a_loan_worked_out_by_hand():
    """A loan of ¥400 principal at 0% APR, ¥100 of it overdue (no overdue charges), three ¥100 installments to
    come, DPD 31; discount rate 0, so a PV is a plain sum.

    Doing nothing: cure 50%. Performing: 100 now + 3 x 100 = 400. Charge-off: 20% x 400 = 80.
        NPV = 0.5 x 400 + 0.5 x 80 = 240.
    Extension by 1 month: ¥400 over 3 + 1 = 4 months at 0% -> ¥100 a month (10% of a ¥1,000 income).
        Performing 400. Re-default after 1 month: 100 paid, then 20% of the ¥300 left = 60 -> 160.
        NPV = 0.6 x 400 + 0.4 x 160 = 304; ΔNPV = +64; break-even p* = (400 - 240) / (400 - 160) = 2/3.
    Settlement at a 25% discount: ¥300 now; not paid (40%): the charge-off recovery, 80.
        NPV = 0.6 x 300 + 0.4 x 80 = 212; ΔNPV = -28; p* = (300 - 240) / (300 - 80) = 3/11.
    Legal action: 50% x 400 after 2 months - ¥50 = 150; ΔNPV = -90; no break-even.
    Rate cut (nothing to cut at 0%) and waiver (no charges to waive) both re-amortize ¥400 over the 3 months left:
        re-default after 1 month: 133.33 + 20% x 266.67 = 186.67; NPV = 0.6 x 400 + 0.4 x 186.67 = 314.67, the best."""
    table = options.compare_options(make_loan(), HAND, {"extension_months": 1, "settlement_discount": 0.25})
    rows = {row["option"]: row for row in table.iter_rows(named=True)}
    assert rows["nothing"]["npv_fen"] == pytest.approx(24_000)
    assert rows["nothing"]["delta_npv_fen"] == 0
    ext = rows["extension"]
    assert (ext["payment_fen"], ext["term_months"], ext["payment_to_income"]) == (10_000, 4, pytest.approx(0.1))
    assert ext["npv_fen"] == pytest.approx(30_400) and ext["delta_npv_fen"] == pytest.approx(6_400)
    assert ext["break_even"] == pytest.approx(2 / 3) and ext["break_even_kind"] == "below"
    assert ext["expected_cash_fen"] == pytest.approx(30_400)  # undiscounted = NPV at a zero discount rate
    settle = rows["settlement"]
    assert settle["payment_fen"] == 30_000
    assert settle["npv_fen"] == pytest.approx(21_200) and settle["delta_npv_fen"] == pytest.approx(-2_800)
    assert settle["break_even"] == pytest.approx(3 / 11)
    legal = rows["legal"]
    assert legal["npv_fen"] == pytest.approx(15_000) and legal["delta_npv_fen"] == pytest.approx(-9_000)
    assert legal["break_even"] is None
    assert rows["rate_cut"]["npv_fen"] == pytest.approx(31_466.8, abs=0.5)
    assert table.filter("best")["option"].to_list() == ["rate_cut", "waiver"]


def test_the_schedules_of_the_hand_loan():
    comparison = options.compare(make_loan(), HAND, {"extension_months": 1, "holiday_months": 2})
    schedules = comparison.schedules
    nothing = schedules.filter(option="nothing")
    assert nothing["month"].to_list() == [0, 1, 2, 3]
    assert nothing["payment_fen"].to_list() == [10_000] * 4 and nothing["balance_fen"][-1] == 0
    holiday = schedules.filter(option="holiday")
    assert holiday["payment_fen"].to_list()[:2] == [0, 0] and holiday["balance_fen"][-1] == 0
    assert holiday.height == 2 + 3
    assert schedules.filter(option="legal").height == 0


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
    "cure_rate": shares, "redefault_rate": shares, "redefault_months": st.integers(0, 12), "recovery_rate": shares,
    "recovery_months": st.integers(0, 24), "legal_recovery_rate": shares, "legal_months": st.integers(0, 24),
    "legal_cost": st.floats(0, 5000), "discount_rate": st.floats(0, 0.3), "monthly_income": st.floats(0, 50_000)})


@settings(max_examples=60, deadline=None)
@given(loan_state=loans, a=assumption_sets, option=st.sampled_from(options.REDEFAULT_OPTIONS))
def test_npv_is_linear_in_the_redefault_rate_and_the_break_even_ties(loan_state, a, option):
    key = options.redefault_key(option)
    npv = {p: options.compare_options(loan_state, a | {key: p}).filter(option=option).row(0, named=True)
           for p in (0.0, 0.5, 1.0)}
    assert npv[0.5]["npv_fen"] == pytest.approx((npv[0.0]["npv_fen"] + npv[1.0]["npv_fen"]) / 2, abs=1e-6)
    row = npv[0.5]
    nothing = options.compare_options(loan_state, a).filter(option="nothing")["npv_fen"][0]
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
    """Paid for sure, or with a full and immediate recovery at a zero discount rate, a settlement at no discount
    is worth the balance (plus the overdue charges); the rate cut and waiver never raise the total interest."""
    claim = loan_state.principal_balance_fen + loan_state.arrears_charges_fen
    sure = options.compare_options(loan_state, a | {"redefault.settlement": 0.0}, {"settlement_discount": 0.0})
    assert sure.filter(option="settlement")["npv_fen"][0] == pytest.approx(claim)
    if loan_state.arrears_charges_fen == 0:
        full = a | {"redefault.settlement": p, "recovery_rate": 1.0, "discount_rate": 0.0}
        table = options.compare_options(loan_state, full, {"settlement_discount": 0.0})
        assert table.filter(option="settlement")["npv_fen"][0] == pytest.approx(claim)
    interest = dict(options.compare_options(loan_state, a).select("option", "total_interest_fen").iter_rows())
    assert interest["rate_cut"] <= interest["waiver"] + loan_state.arrears_charges_fen


@pytest.mark.parametrize(("assumptions_change", "params", "words"), [
    ({"cure_rate": 1.2}, {}, ["cure_rate", "between 0 and 1"]),
    ({"recovery_months": -1}, {}, ["recovery_months", "negative"]),
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


@pytest.fixture(scope="module")
def book(demo_con):
    return assumptions.estimate_book(demo_con, DEMO_AS_OF)


def test_estimates_on_the_demo_book_are_rates(book):
    assert book["cure"].height == 7
    assert book["cure"]["rate"].is_between(0, 1).all()
    for part in ("redefault", "recovery", "legal"):
        assert book[part]["rate"] is not None and 0 <= book[part]["rate"] <= 1, part
        assert book[part]["months"] is None or book[part]["months"] >= 0


def test_cure_rates_match_a_polars_recomputation(book, demo_con):
    """Of the loans in each bucket at the 12 base month-ends, those back in M0 (or paid off) within 6 months."""
    months = demo_con.sql("SELECT loan_id, month_end, bucket, dpd FROM loan_month").pl()
    loans_ = demo_con.sql("SELECT loan_id, status, closed_date FROM loans").pl()
    first, last = book["cure"]["first_base"][0], book["cure"]["last_base"][0]
    base = months.filter(pl.col("month_end").is_between(first, last)).rename({"month_end": "t0", "bucket": "b0"})
    base = base.with_columns(t1=pl.col("t0").dt.offset_by("6mo").dt.month_end()).drop("dpd")
    later = (base.join(months, on="loan_id").filter((pl.col("month_end") > pl.col("t0"))
                                                    & (pl.col("month_end") <= pl.col("t1")))
             .group_by("loan_id", "t0").agg(m0=(pl.col("bucket") == "M0").any()))
    outcome = (base.filter(pl.col("b0") != "M0").join(later, on=["loan_id", "t0"], how="left")
               .join(loans_, on="loan_id")
               .with_columns(cured=pl.col("m0").fill_null(False) | ((pl.col("status") == "paid_off")
                             & (pl.col("closed_date") > pl.col("t0")) & (pl.col("closed_date") <= pl.col("t1")))))
    expected = outcome.group_by("b0").agg(rate=pl.col("cured").mean()).sort("b0")
    got = book["cure"].filter(pl.col("bucket") != "M0").sort("bucket")
    assert got["bucket"].to_list() == expected["b0"].to_list()
    assert got["rate"].to_list() == pytest.approx(expected["rate"].to_list())


def test_redefault_and_recovery_match_a_recomputation(book, demo_con):
    restructured = demo_con.sql("SELECT loan_id, origination_date, status, closed_date FROM loans "
                                "WHERE parent_loan_id IS NOT NULL").pl()
    months = demo_con.sql("SELECT loan_id, month_end, dpd FROM loan_month WHERE dpd >= 30").pl()
    until = restructured.with_columns(until=pl.col("origination_date").dt.offset_by("12mo").dt.month_end())
    bad_30 = until.join(months, on="loan_id").filter(pl.col("month_end") <= pl.col("until"))["loan_id"].unique()
    closed_bad = until.filter(pl.col("status").is_in(["charged_off", "settled"])
                              & (pl.col("closed_date") <= pl.col("until")))["loan_id"]
    bad = set(bad_30.to_list()) | set(closed_bad.to_list())
    assert book["redefault"]["loans"] == restructured.height
    assert book["redefault"]["redefaulted"] == len(bad)
    recovery = book["recovery"]
    recovered = demo_con.sql(
        """SELECT sum(p.amount) AS s FROM payments p JOIN loans l USING (loan_id)
           WHERE l.charge_off_date <= $cutoff AND p.paid_at >= l.charge_off_date""",
        params={"cutoff": recovery["charged_off_by"]}).pl()["s"][0]
    assert recovery["recovered"] == pytest.approx(float(recovered or 0))


def test_loan_defaults_name_their_sources(book, demo_con):
    from monitor import account
    from monitor.i18n import CATALOG, t
    loan_id = account.default_loan(demo_con, DEMO_AS_OF)
    state = loan.loan_state(demo_con, loan_id, DEMO_AS_OF)
    assert state.active and state.arrears_principal_fen + state.arrears_charges_fen == state.overdue_fen
    defaults = assumptions.loan_defaults(book, state)
    assert list(defaults) == list(assumptions.ASSUMPTIONS)
    for name, default in defaults.items():
        assert default.source in CATALOG, name
        for lang in ("zh", "en"):
            assert t(default.source, lang, **default.basis)
    cure = book["cure"].filter(bucket=state.bucket)["rate"][0]
    assert defaults["cure_rate"].value == pytest.approx(cure)
    assert defaults["discount_rate"].value == state.annual_rate
    table = options.compare_options(state, {k: v.value for k, v in defaults.items()})
    assert table.height == len(options.OPTIONS) and table["npv_fen"].is_finite().all()
