"""monitor.simulate.amortize: the closed form, its sums, both methods, zero rate, due dates, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.simulate import amortize
from monitor.simulate.inputs import SimulationInputError, check_share


def test_level_payment_is_the_closed_form():
    """P = 10,000, APR 18%, 12 months: r = 0.015, payment = P r / (1 - (1 + r)^-12) = 916.80 yuan."""
    frame = amortize(10_000, 0.18, 12)
    r = 0.015
    closed = 10_000 * r / (1 - (1 + r) ** -12) * 100
    assert all(abs(p - closed) <= 0.5 for p in frame["amount_due"][:-1])
    assert frame["principal_due"].sum() == 1_000_000
    assert frame["balance"][-1] == 0
    assert frame["interest_due"].sum() == frame["amount_due"].sum() - 1_000_000
    assert frame["interest_due"][0] == 15_000  # the first month's interest on the whole principal


def test_equal_principal_and_zero_rate():
    frame = amortize(1000, 0.12, 4, "equal_principal")
    assert frame["principal_due"].to_list() == [25_000, 25_000, 25_000, 25_000]
    assert frame["interest_due"].to_list() == [1000, 750, 500, 250]
    zero = amortize(1000, 0, 3)
    assert zero["interest_due"].sum() == 0
    assert zero["principal_due"].to_list() == [33_333, 33_333, 33_334]  # the last absorbs the rounding


def test_due_dates_follow_the_generator():
    """Monthly from the start date, on its day of month capped at 28; none without a start date."""
    frame = amortize(1000, 0.1, 3, start_date=dt.date(2026, 1, 31))
    assert frame["due_date"].to_list() == [dt.date(2026, 2, 28), dt.date(2026, 3, 28), dt.date(2026, 4, 28)]
    assert amortize(1000, 0.1, 2, start_date=dt.date(2026, 5, 15))["due_date"][0] == dt.date(2026, 6, 15)
    assert amortize(1000, 0.1, 2)["due_date"].null_count() == 2


@settings(max_examples=200, deadline=None)
@given(principal=st.integers(1, 10_000_000).map(lambda fen: fen / 100), rate=st.floats(0, 0.24),
       months=st.integers(1, 60), method=st.sampled_from(["equal_installment", "equal_principal"]))
def test_amortization_invariants(principal, rate, months, method):
    frame = amortize(principal, rate, months, method)
    principal_fen = round(principal * 100)
    assert frame.height == months
    assert frame["principal_due"].sum() == principal_fen
    assert frame["balance"][-1] == 0 and frame["balance"].min() >= 0
    assert (frame["amount_due"] == frame["principal_due"] + frame["interest_due"]).all()
    assert frame["interest_due"].sum() == frame["amount_due"].sum() - principal_fen
    assert frame["interest_due"].min() >= 0
    if rate == 0:
        assert frame["interest_due"].sum() == 0


@pytest.mark.parametrize(("call", "words"), [
    (lambda: amortize(1000, 0.25, 12), ["annual_rate", "24%"]),
    (lambda: amortize(1000, 0.18, 0), ["months", "1 to"]),
    (lambda: amortize(1000, 0.18, -3), ["months", "-3"]),
    (lambda: amortize(1000, 0.18, 2.5), ["months", "whole number"]),
    (lambda: amortize(0, 0.18, 12), ["principal", "above 0"]),
    (lambda: amortize(1000, 0.18, 12, "balloon"), ["method", "equal_installment"]),
    (lambda: check_share("settlement_discount", 1.2), ["settlement_discount", "between 0 and 1"]),
])
def test_bad_input_names_the_field_and_the_rule(call, words):
    with pytest.raises(SimulationInputError) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    for word in words:
        assert word in str(caught.value)
