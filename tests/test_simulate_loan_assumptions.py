"""monitor.simulate.assumptions: the defaults of the loan what-if rebuilt on the book's own history (issue 11, item
6): doing nothing and every option on one basis (the loan's bucket, and its score where it has a current one),
re-default from the loans restructured out of the same bucket (a life table, pooled with a stated prior), worked by
hand on small books; and on the demo book, every default a number with its source in both languages."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from monitor import derive, status
from monitor.i18n import CATALOG, t
from monitor.metrics.credit_loss import PD_PRIOR
from monitor.simulate import assumptions, loan, loan_whatif, options

from .builders import Book
from .conftest import DEMO_AS_OF

D = dt.date.fromisoformat
DAY = D("2026-11-30")
BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6")


def hand_book(counts: dict | None = None, restructured=(), score_day=None, mean_pd=None) -> dict:
    """estimate_book's result, by hand: the loans in each bucket at the base month-end and how many defaulted
    within 12 months (default: 100 loans, defaulting at the bucket's stated prior, so that the pooled rate is the
    prior: M0 4%, M1 30%, M3 75%, M6 95%), the loans restructured out of each bucket (bucket, loans, defaulted,
    life-table rate), and the score run's mean PD by bucket."""
    counts = {b: (100, round(100 * PD_PRIOR[b])) for b in BUCKETS} | (counts or {})
    default = pl.DataFrame({"bucket": list(BUCKETS), "loans": [counts[b][0] for b in BUCKETS],
                            "defaulted": [counts[b][1] for b in BUCKETS],
                            "observed_from": [D("2025-11-30")] * 7, "observed_to": [DAY] * 7})
    frame = pl.DataFrame(list(restructured), schema={"bucket": pl.String, "loans": pl.Int64, "defaulted": pl.Int64,
                                                     "rate": pl.Float64}, orient="row")
    scores = {"day": score_day, "by_bucket": {b: {"bucket": b, "loans": 1000, "mean_pd": p}
                                              for b, p in (mean_pd or {}).items()}}
    nothing = {"rate": None, "months": None, "loans": 0, "balance": 0.0, "recovered": 0.0, "charged_off_by": DAY}
    return {"as_of": DAY, "default": default, "restructured": frame, "scores": scores, "recovery": nothing,
            "legal": nothing}


def state(dpd: int, score_pd=None, score_day=None, score_dpd=None, balance=1_000_000, overdue=0,
          contract=(100_000,) * 10) -> loan.LoanState:
    contract = np.array(contract, dtype=np.int64)
    return loan.LoanState(1, DAY, "on_book", "active", dpd=dpd, bucket=status.bucket_of(dpd), annual_rate=0.18,
                          principal_balance_fen=balance, overdue_fen=overdue, arrears_principal_fen=overdue,
                          contract_fen=contract, contract_principal_fen=contract, monthly_income_fen=800_000,
                          score_pd=score_pd, score_day=score_day, score_dpd=score_dpd)


def test_a_stale_pd_is_not_the_redefault_rate():
    """Issue 11, loan 28609: DPD 180, never paid; every option 'always better' even at 100% re-default, because its
    re-default rate (41%) was its early-warning PD of months ago, when it was current. Now: no loan was restructured
    out of M6, so its re-default is the prior, M6's 12-month default rate, 95%, the same as doing nothing's
    (cure 5%); the PD of 2026-06-30, scored in M0, is not used and the source says so."""
    book = hand_book(score_day=DAY, mean_pd={"M0": 0.04})
    late = state(180, score_pd=0.41, score_day=D("2026-06-30"), score_dpd=0, balance=1_960_000, overdue=575_580,
                 contract=(95_935,) * 18)
    defaults = assumptions.loan_defaults(book, late)
    assert defaults["redefault_rate"].value == pytest.approx(0.95)
    assert defaults["cure_rate"].value == pytest.approx(0.05)
    assert defaults["redefault_rate"].keys == ("simulator_loan.source.redefault_prior",
                                               "simulator_loan.source.score_other_bucket")
    values = assumptions.values(defaults) | {"monthly_income": 11_600}
    table = options.compare_options(late, values)
    for row in table.filter(pl.col("option").is_in(options.PLANS)).iter_rows(named=True):
        assert row["break_even_kind"] == "below" and row["break_even"] < 1, row["option"]  # worse at 100%
        assert row["pv_failure_fen"] < table.filter(option="do_nothing")["npv_fen"][0]


def test_doing_nothing_and_the_options_share_one_basis():
    """Issue 11, loan 44176 (M1, PD 80%): doing nothing used the bucket's average cure rate (81%) and the options the
    loan's own PD, so doing nothing won by construction. Now both start from M1's history and both take the
    loan's relative risk from its score of the day, made in M1: PD 0.8 over M1's mean PD 0.4 = 2. Doing nothing
    fails at 30% x 2 = 60% (cure 40%); no loan was restructured out of M1, so an option re-defaults at the prior,
    the same 30% x 2 = 60%."""
    book = hand_book(score_day=DAY, mean_pd={"M0": 0.04, "M1": 0.4})
    defaults = assumptions.loan_defaults(book, state(12, score_pd=0.8, score_day=DAY, score_dpd=10))
    assert defaults["cure_rate"].value == pytest.approx(0.4)
    assert defaults["redefault_rate"].value == pytest.approx(0.6)
    assert defaults["cure_rate"].basis["factor"] == pytest.approx(2.0)
    assert defaults["cure_rate"].notes == ("simulator_loan.source.score",)


def test_redefault_comes_from_the_bucket_restructured_out_of():
    """Issue 11: a loan at M6 re-defaulted at 25.6% after a re-installment (its 3-month 30+ PD, for every option),
    and M0's cure rate was 1 - PD. Now, at M6 with 10 loans restructured out of M6 of which the life table says
    20% defaulted within 12 months, pooled with the prior 95% counted as 20 loans: (10 x 0.2 + 20 x 0.95) / 30 =
    70%. At M3 with 186 loans at 18.78%: (186 x 0.1878 + 20 x 0.75) / 206 = 24.24%. A current loan with PD 2%
    where M0's mean PD is 8%: doing nothing fails at 4% x 0.25 = 1% (cure 99%, not 1 - PD = 98%)."""
    book = hand_book(restructured=[("M3", 186, 23, 0.1878), ("M6", 10, 2, 0.2)], score_day=DAY,
                     mean_pd={"M0": 0.08})
    assert assumptions.loan_defaults(book, state(170))["redefault_rate"].value == pytest.approx(0.7)
    m3 = assumptions.loan_defaults(book, state(75))["redefault_rate"]
    assert m3.value == pytest.approx((186 * 0.1878 + 20 * 0.75) / 206)
    assert m3.source == "simulator_loan.source.redefault" and m3.basis["weight"] == assumptions.PRIOR_WEIGHT
    current = assumptions.loan_defaults(book, state(0, score_pd=0.02, score_day=DAY, score_dpd=0))
    assert current["cure_rate"].value == pytest.approx(0.99)


def test_a_bucket_few_loans_were_in_is_pooled_with_the_prior():
    """A young book: 2 loans were in M5 at the base month-end and neither defaulted. Doing nothing does not cure
    at 100%: (0 + 20 x 90%) / (2 + 20) = 81.82% default, cure 18.18%."""
    book = hand_book({"M5": (2, 0)})
    cure = assumptions.loan_defaults(book, state(130))["cure_rate"]
    assert cure.value == pytest.approx(1 - 18 / 22)
    assert (cure.basis["loans"], cure.basis["defaulted"], cure.basis["prior"]) == (2, 0, 0.9)


def test_an_old_score_is_not_used():
    """A score of M1 from a run before the latest (or the latest more than 35 days ago): bucket rates alone."""
    book = hand_book(score_day=DAY, mean_pd={"M1": 0.4})
    defaults = assumptions.loan_defaults(book, state(12, score_pd=0.8, score_day=D("2026-10-31"), score_dpd=10))
    assert defaults["cure_rate"].value == pytest.approx(0.7)
    assert defaults["cure_rate"].notes == ("simulator_loan.source.score_stale",)


@pytest.fixture(scope="module")
def restructured_book(tmp_path_factory):
    """Three loans of ¥600 (six ¥100 installments, nothing paid) restructured out of M3 into new loans of ¥600:
    - A1 (due from 2026-02-05) on 2026-04-20, DPD 73 the day before -> N1, paid on time, paid off 2026-10-20;
    - A2 likewise -> N2, never paid: DPD 103 at the month-end 2026-08-31 (first due 05-20), charged off
      2026-11-17 (DPD 181);
    - A3 (due from 2026-08-05) on 2026-10-20, DPD 75 the day before -> N3, paid 11-20 and 12-20.
    The data ends 2026-12-20; the last month-end is 2026-11-30."""
    book = Book(tmp_path_factory.mktemp("restructured") / "r.duckdb")
    flat = [(f"2026-{m:02d}-05", "100.00", "0.00", "0.00") for m in range(2, 8)]
    later = [(f"2026-{m:02d}-05", "100.00", "0.00", "0.00") for m in range(8, 13)] + [("2027-01-05", "100", "0", "0")]
    new = [(f"2026-{m:02d}-20", "100.00", "0.00", "0.00") for m in range(5, 11)]
    newer = [(f"2026-{m:02d}-20", "100.00", "0.00", "0.00") for m in (11, 12)] + [
        (f"2027-{m:02d}-20", "100.00", "0.00", "0.00") for m in range(1, 5)]
    for old in (1, 2):
        book.loan(old, "2026-01-05", "600.00", flat, status="restructured", closed_date="2026-04-20",
                  customer_id=old)
    book.loan(3, "2026-07-05", "600.00", later, status="restructured", closed_date="2026-10-20", customer_id=3)
    book.loan(11, "2026-04-20", "600.00", new, status="paid_off", closed_date="2026-10-20", parent_loan_id=1)
    book.loan(12, "2026-04-20", "600.00", new, charge_off_date="2026-11-17", parent_loan_id=2, customer_id=2)
    book.loan(13, "2026-10-20", "600.00", newer, parent_loan_id=3, customer_id=3)
    for old, new_id, day in ((1, 11, "2026-04-20"), (2, 12, "2026-04-20"), (3, 13, "2026-10-20")):
        book.restructuring(old, new_id, day)
    for due, *_ in new:
        book.payment(11, f"{due} 09:00:00", "100.00")
    for due, *_ in newer[:2]:
        book.payment(13, f"{due} 09:00:00", "100.00")
    derive.derive(book.con)
    yield book.con
    book.close()


def test_the_life_table_of_the_restructured_loans(restructured_book):
    """All three were restructured out of M3. Months after restructuring at risk: N1 12 (paid off), N2 until its
    default in month date_diff(2026-04-20, 2026-08-31) = 4, N3 1 (restructured 10-20, seen to 11-30). Month 1: 3
    at risk, months 2-4: 2, one default in month 4 (hazard 1/2), months 5-12: 1, none. Rate = 1 - 1/2 = 50%."""
    found = assumptions.restructured_outcomes(restructured_book, D("2026-12-20"))
    assert found.to_dicts() == [{"bucket": "M3", "loans": 3, "defaulted": 1, "rate": pytest.approx(0.5)}]


def test_the_life_table_knows_only_what_was_known_on_the_day(restructured_book):
    """At 2026-07-15 the last month-end is 06-30: N1 and N2 are seen for date_diff(04-20, 06-30) = 2 months, N2's
    default (08-31) and N1's payoff (10-20) lie ahead, N3 does not exist: 2 loans, no default."""
    found = assumptions.restructured_outcomes(restructured_book, D("2026-07-15"))
    assert found.to_dicts() == [{"bucket": "M3", "loans": 2, "defaulted": 0, "rate": 0.0}]


def test_a_small_book_still_gives_every_default_a_value_and_a_source(restructured_book):
    """No seasoned charge-off and no lawsuit: those defaults are the stated policy constants, named as such."""
    book = assumptions.estimate_book(restructured_book, D("2026-12-20"))
    defaults = assumptions.loan_defaults(book, loan.loan_state(restructured_book, 13, D("2026-12-20")))
    assert defaults["recovery_rate"].source == "simulator_loan.source.policy"
    assert defaults["recovery_rate"].value == assumptions.POLICY["recovery_rate"]
    assert defaults["legal_recovery_rate"].source == "simulator_loan.source.policy"
    for name, default in defaults.items():
        assert np.isfinite(default.value), name
        for key in default.keys:
            assert key in CATALOG and t(key, "en", **default.basis), name


@pytest.fixture(scope="module")
def demo_book(demo_con):
    return assumptions.estimate_book(demo_con, DEMO_AS_OF)


def test_estimates_on_the_demo_book_are_rates(demo_book):
    assert demo_book["default"]["pd"].is_between(0, 1).all()
    assert demo_book["restructured"]["rate"].is_between(0, 1).all()
    for part in ("recovery", "legal"):
        assert demo_book[part]["rate"] is not None and 0 <= demo_book[part]["rate"] <= 1, part
        assert demo_book[part]["months"] is None or demo_book[part]["months"] >= 0


def test_the_demo_worst_loan_has_every_default_with_its_source(demo_book, demo_con):
    from monitor import account
    loan_id = account.default_loan(demo_con, DEMO_AS_OF)
    worst = loan.loan_state(demo_con, loan_id, DEMO_AS_OF)
    assert worst.active and worst.arrears_principal_fen + worst.arrears_charges_fen == worst.overdue_fen
    defaults = assumptions.loan_defaults(demo_book, worst)
    assert list(defaults) == list(assumptions.ASSUMPTIONS)
    for name, default in defaults.items():
        for lang in ("zh", "en"):
            assert loan_whatif.source_text(default, lang), name
    pd12, _ = assumptions.default_rate(demo_book, worst.bucket)
    assert defaults["cure_rate"].value == pytest.approx(1 - pd12)  # no current score at DPD 30+
    assert defaults["discount_rate"].value == worst.annual_rate
    table = options.compare_options(worst, assumptions.values(defaults))
    assert table.height == len(options.OPTIONS) and table["npv_fen"].is_finite().all()
