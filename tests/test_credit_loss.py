"""Expected credit loss, its PDs and its LGD (DESIGN.md §4), worked out by hand on small books.

The eight-loan book of tests/test_metrics.py at 2026-02-28 (principal balance, DPD, installments left after the day):
  L1 100 M0 (1 left), L2 100 M0 (1 left), L3 300 M2 DPD 44, L4 200 M1 DPD 13, L8 300 M0 restructured (6 left).
No bucket holds 20 loans at the start of the PD window and no default is 12 months old, so every PD is the stated
prior and LGD is the stated prior 0.85.
"""

from __future__ import annotations

import datetime as dt

import pytest

from monitor import db, derive, metrics
from monitor.metrics.credit_loss import LGD_PRIOR, PD_PRIOR

from .builders import Book
from .test_metrics import FEB, eight_loan_book, monthly

D = dt.date


@pytest.fixture
def book(tmp_path):
    book = eight_loan_book(tmp_path / "eight.duckdb")
    yield book
    book.close()


def over(months: int, pd12: float) -> float:
    """PD over `months` months from a 12-month PD: 1 - (1 - PD12)^(months / 12)."""
    return 1 - (1 - pd12) ** (months / 12)


def test_a_young_book_takes_the_stated_priors_and_says_so(book):
    result = metrics.expected_credit_loss(book.con, FEB)
    pds = result["pd_by_bucket"]
    assert list(pds["source"]) == ["prior"] * 7 and not any(pds["observed"])
    assert dict(zip(pds["bucket"], pds["pd"], strict=True)) == PD_PRIOR
    assert result["lgd"]["lgd"] == LGD_PRIOR and result["sources"] == {"pd": "prior", "lgd": "prior"}
    # stage 1: L1, L2 current with 1 month left; L4 in M1 (arrears: its 12-month PD as it is)
    stage1 = LGD_PRIOR * (100 * over(1, 0.04) * 2 + 200 * 0.30)
    # stage 2: L3 at DPD 44 (M2, in arrears); L8 restructured and current: M2's PD over its 6 months left
    stage2 = LGD_PRIOR * (300 * 0.55 + 300 * over(6, 0.55))
    assert result["ecl"] == pytest.approx({"stage1": stage1, "stage2": stage2, "stage3": 0.0}, rel=1e-12)
    assert stage1 == pytest.approx(51.5773, abs=1e-4) and stage2 == pytest.approx(224.1908, abs=1e-4)
    by_bucket = {row["bucket"]: (row["loans"], row["ead"]) for row in result["by_bucket"].iter_rows(named=True)}
    assert by_bucket["M0"] == (3, 500.0) and by_bucket["M1"] == (1, 200.0) and by_bucket["M2"] == (1, 300.0)
    assert result["by_bucket"]["ecl"].sum() == pytest.approx(stage1 + stage2, rel=1e-12)


def _score(con, loan_id: int, day: dt.date, pd: float) -> None:
    db.run(con, "INSERT INTO scores VALUES (?, ?, ?, 600, 'C', NULL, NULL, NULL, 'call', 'test', 0, 100)",
           [loan_id, day, pd])


def test_the_model_ranks_within_a_bucket_and_a_large_rise_moves_a_loan_to_stage_2(book):
    """Scored at 02-28: L1 0.25 (first scored 0.05 on 01-31), L2 0.05, L8 0.30. M0's scored loans L1 and L2 average
    0.15, so L1's 12-month PD is 0.04 x 0.25 / 0.15 and L2's 0.04 x 0.05 / 0.15; L8 (priced as M2) alone: 0.55.
    L1 rose to 0.25 >= 20% and >= 3 x 0.05: stage 2, its PD over its 1 month left."""
    _score(book.con, 1, D(2026, 1, 31), 0.05)
    for loan_id, pd in ((1, 0.25), (2, 0.05), (8, 0.30)):
        _score(book.con, loan_id, FEB, pd)
    result = metrics.expected_credit_loss(book.con, FEB)
    assert result["score_day"] == FEB and result["scored_loans"] == 3
    stage1 = LGD_PRIOR * (100 * over(1, 0.04 * 0.05 / 0.15) + 200 * 0.30)
    stage2 = LGD_PRIOR * (100 * over(1, 0.04 * 0.25 / 0.15) + 300 * 0.55 + 300 * over(6, 0.55))
    assert result["ecl"] == pytest.approx({"stage1": stage1, "stage2": stage2, "stage3": 0.0}, rel=1e-12)
    stages = {row["stage"]: row["loans"] for row in result["stages"].iter_rows(named=True)}
    assert stages == {1: 2, 2: 3, 3: 0}


def test_a_score_older_than_35_days_is_not_used(book):
    _score(book.con, 1, D(2026, 1, 20), 0.9)
    assert metrics.expected_credit_loss(book.con, FEB)["score_day"] is None


def test_the_ecl_of_the_segments_adds_up_to_the_book(demo_con):
    day = D(2026, 11, 29)
    whole = metrics.expected_credit_loss(demo_con, day)["ecl"]
    parts = [metrics.expected_credit_loss(demo_con, day, "product", product)["ecl"]
             for product in ("cash_loan", "installment")]
    for stage in whole:
        assert sum(part[stage] for part in parts) == pytest.approx(whole[stage], rel=1e-9)


def test_lgd_counts_charge_offs_and_settlements(book):
    """L6 was charged off on 2026-02-17 at 300 and recovered 30. L9 (300, never paid) was settled on 2026-02-05 into
    L10 (120), which paid 100: the settlement lost 200 of 300. A year later both are seasoned:
    LGD = (300 - 30 + 300 - 100) / 600."""
    book.loan(9, "2025-10-15", "300.00", monthly("2025-11-15", 3), status="settled", closed_date="2026-02-05")
    book.loan(10, "2026-02-05", "120.00", monthly("2026-03-05", 1, "120.00"), parent_loan_id=9)
    book.restructuring(9, 10, "2026-02-05", "settlement")
    book.payment(10, "2026-03-01 10:00:00", "100.00")
    lgd = metrics.loss_given_default(book.con, D(2027, 3, 31))
    assert lgd["by_kind"]["charge_off"] == {"loans": 1, "balance": 300.0, "recovered": 30.0, "lgd": 0.9}
    assert lgd["by_kind"]["settlement"] == {"loans": 1, "balance": 300.0, "recovered": 100.0,
                                            "lgd": pytest.approx(2 / 3)}
    assert lgd["lgd"] == pytest.approx(470 / 600) and lgd["source"] == "observed"
    # eleven months after: neither is seasoned, the stated prior stands in
    assert metrics.loss_given_default(book.con, D(2027, 1, 15))["source"] == "prior"


def twenty_and_twenty(path) -> Book:
    """At 2025-06-30: 20 loans current (M0), 20 at DPD 20 (M1; 5 never pay and are charged off on 2025-12-08, 15 pay
    everything on 2025-07-05), one at DPD 50 (M2) and one at DPD 81 (M3), both never paying. Every loan: 2
    installments of 100, no interest. 2025-06-30 is the first month-end with loans in M1, M2 and M3."""
    book = Book(path)
    for k in range(20):
        loan = 100 + k
        book.loan(loan, "2025-05-10", "200.00", monthly("2025-06-10", 2), closed_date="2025-07-10")
        book.payment(loan, "2025-06-10 09:00:00", "100.00")
        book.payment(loan, "2025-07-10 09:00:00", "100.00")
    for k in range(20):
        loan = 200 + k
        if k < 5:
            book.loan(loan, "2025-05-10", "200.00", monthly("2025-06-10", 2), charge_off_date="2025-12-08")
        else:
            book.loan(loan, "2025-05-10", "200.00", monthly("2025-06-10", 2), closed_date="2025-07-05")
            book.payment(loan, "2025-07-05 09:00:00", "200.00")
    book.loan(300, "2025-04-10", "200.00", monthly("2025-05-11", 2), charge_off_date="2025-11-07")
    book.loan(301, "2025-03-10", "200.00", monthly("2025-04-10", 2), charge_off_date="2025-10-08")
    derive.derive(book.con, D(2026, 6, 30))
    return book


def test_default_rates_by_bucket_observed_and_nearest(tmp_path):
    """Window 2025-06-30 -> 2026-06-30, a full 12 months: M0 0 of 20 defaulted, M1 5 of 20; M2 and M3 hold one loan
    each (under 20) and M4..M6 none: each takes M1's 0.25 as its nearest observed bucket, or its prior when higher
    (all of them: 0.55, 0.75, 0.85, 0.90, 0.95)."""
    book = twenty_and_twenty(tmp_path / "pd.duckdb")
    try:
        pds = metrics.default_rates_by_bucket(book.con, D(2026, 6, 30))
    finally:
        book.close()
    rows = {row["bucket"]: (row["loans"], row["defaulted"], row["pd"], row["source"])
            for row in pds.iter_rows(named=True)}
    assert rows["M0"] == (20, 0, 0.0, "observed") and rows["M1"] == (20, 5, 0.25, "observed")
    assert rows["M2"] == (1, 1, 0.55, "prior") and rows["M3"] == (1, 1, 0.75, "prior")
    assert [rows[b] for b in ("M4", "M5", "M6")] == [(0, 0, p, "prior") for p in (0.85, 0.90, 0.95)]
    assert pds["observed_from"][0] == D(2025, 6, 30) and pds["observed_to"][0] == D(2026, 6, 30)


def test_a_window_shorter_than_the_horizon_is_floored_by_the_prior(tmp_path):
    """At 2026-02-28 a 12-month window would start before the book, so it starts at 2025-06-30, the first month-end
    with loans in M1, M2 and M3: 8 months. M0's 0 of 20 over 8 months is only a floor of its 12-month rate: the
    prior 0.04 stands, flagged short_window; M1's 5 of 20 = 0.25 is below its prior 0.30 likewise; M2 (one loan)
    takes its prior 0.55, above M1's 0.30."""
    book = twenty_and_twenty(tmp_path / "pd.duckdb")
    try:
        pds = metrics.default_rates_by_bucket(book.con, D(2026, 2, 28))
    finally:
        book.close()
    rows = {row["bucket"]: (row["pd"], row["source"], row["observed"]) for row in pds.iter_rows(named=True)}
    assert rows["M0"] == (0.04, "short_window", False) and rows["M1"] == (0.30, "short_window", False)
    assert rows["M2"] == (0.55, "prior", False) and pds["observed_from"][0] == D(2025, 6, 30)
