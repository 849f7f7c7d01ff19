"""The backtest of a credit policy (monitor.origination.backtest) on a small booked history worked out by hand: a
good loan, a bad one charged off with a recovery after, a late payer that cured, an override, a 12-month loan half
way through, and loans outside the window; and the assumptions' defaults from the same history."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor import db, derive, status_path
from monitor.metrics.credit_loss import LGD_PRIOR
from monitor.origination import whatif, whatif_assumptions
from monitor.origination.backtest import backtest, backtest_window
from monitor.origination.cutoffs import ANY, CutoffPolicy
from monitor.origination.whatif import Assumption, Assumptions, PolicyChoice
from monitor.origination.whatif_assumptions import source_text

from .builders import Book
from .test_policy_whatif import interest

AS_OF = dt.date(2026, 12, 31)  # applications of 2025-07-01 .. 2026-06-30, each observed 6 months by AS_OF


ASSUMPTIONS = Assumptions(lgd=Assumption(0.8, "policy_source.lgd_observed"),
                          ead_share=Assumption(0.9, "policy_source.ead_observed"),
                          funding_rate=Assumption(0.04, "policy_source.funding_stated", {"value": 0.04}),
                          operating_cost=Assumption(150.0, "policy_source.operating_stated", {"value": 150.0}),
                          fee_rate=Assumption(0.0, "policy_source.fee_observed"))


@pytest.fixture(scope="module", params=["computed", "from the status paths"])
def book(tmp_path_factory, request):
    """Derived through its latest data day (AS_OF is later: the interest received is computed from the payments), or
    through AS_OF (read from the loans' status paths).
    Cash loans at 18% (loan_id = application_id), today's cut-offs app 600, broker 620:
    L1 app 700, PD 0.05: ¥3,000 in 3, paid on time (interest 45 + 30 + 15).
    L2 broker 610, PD 0.30: ¥3,000 in 3; pays the first installment, then 20 on the second (interest first: 20 of
    its 30), nothing more: 30+ DPD on 2025-12-31, charged off 2026-05-31 with ¥2,000 of principal, ¥500 recovered
    on 2026-07-15. Interest received 65, net loss 1,500.
    L3 broker 640, PD 0.20: ¥2,000 in 2, the first paid 35 days late (bad), then all. Interest received 45.
    L4 app 560 (an override), PD 0.40: ¥1,000 in 1, paid. Interest 15.
    L7 app 590, PD 0.10: ¥1,200 in 12 from 2026-06-01, the first 6 paid (interest 10 each): 60.
    Outside: L5 applied 2026-07-08 (after the window); L6 applied 2026-06-30 but booked 2026-07-02, its 6 months
    not over by AS_OF; #8 declined (never booked)."""
    book = Book(tmp_path_factory.mktemp("backtest") / "book.duckdb")
    db.run(book.con, "INSERT INTO credit_policy VALUES ('2025-01-01', '*', '*', 600), "
                     "('2025-01-01', 'broker', '*', 620)")
    book.loan(1, "2025-09-01", "3000.00", [("2025-10-01", "1000.00", "45.00", "0.00"),
                                           ("2025-11-01", "1000.00", "30.00", "0.00"),
                                           ("2025-12-01", "1000.00", "15.00", "0.00")], closed_date="2025-12-01")
    for day, amount in (("2025-10-01", "1045.00"), ("2025-11-01", "1030.00"), ("2025-12-01", "1015.00")):
        book.payment(1, f"{day} 09:00:00", amount)
    book.loan(2, "2025-10-01", "3000.00", [("2025-11-01", "1000.00", "45.00", "0.00"),
                                           ("2025-12-01", "1000.00", "30.00", "0.00"),
                                           ("2026-01-01", "1000.00", "15.00", "0.00")], charge_off_date="2026-05-31")
    book.payment(2, "2025-11-01 09:00:00", "1045.00")
    book.payment(2, "2025-12-05 09:00:00", "20.00")
    book.payment(2, "2026-07-15 09:00:00", "500.00", channel="recovery")
    book.loan(3, "2025-11-01", "2000.00", [("2025-12-01", "1000.00", "30.00", "0.00"),
                                           ("2026-01-01", "1000.00", "15.00", "0.00")], closed_date="2026-01-10")
    book.payment(3, "2026-01-05 09:00:00", "1030.00")
    book.payment(3, "2026-01-10 09:00:00", "1015.00")
    book.loan(4, "2026-02-01", "1000.00", [("2026-03-01", "1000.00", "15.00", "0.00")], closed_date="2026-03-01")
    book.payment(4, "2026-03-01 09:00:00", "1015.00")
    book.loan(7, "2026-06-01", "1200.00", [(f"{2026 + (5 + k) // 12}-{(5 + k) % 12 + 1:02d}-01", "100.00", "10.00",
                                            "0.00") for k in range(1, 13)])
    for k in range(1, 7):
        book.payment(7, f"2026-{6 + k:02d}-01 09:00:00", "110.00")
    for loan_id, day in ((5, "2026-07-10"), (6, "2026-07-02")):
        book.loan(loan_id, day, "1000.00", [("2026-08-02", "1000.00", "15.00", "10.00")], closed_date="2026-08-02")
        book.payment(loan_id, "2026-08-02 09:00:00", "1025.00")
    book.loan_terms(6, product="installment")
    book.application(1, "2025-08-30 10:00:00", channel="app", amount="3000", term=3, score=700, loan_id=1, pd=0.05)
    book.application(2, "2025-09-29 10:00:00", channel="broker", amount="3000", term=3, score=610, cutoff=620,
                     loan_id=2, pd=0.30)
    book.application(3, "2025-10-30 10:00:00", channel="broker", amount="2000", term=2, score=640, cutoff=620,
                     loan_id=3, pd=0.20)
    book.application(4, "2026-01-30 10:00:00", channel="app", amount="1000", term=1, score=560, loan_id=4, pd=0.40)
    book.application(7, "2026-05-30 10:00:00", channel="app", amount="1200", term=12, score=590, loan_id=7, pd=0.10)
    book.application(5, "2026-07-08 10:00:00", channel="app", amount="1000", term=1, score=500, loan_id=5, pd=0.5)
    book.application(6, "2026-06-30 10:00:00", channel="app", product="installment", amount="1000", term=1,
                     score=500, loan_id=6, pd=0.5)
    book.application(8, "2026-03-01 10:00:00", channel="app", amount="1000", term=1, score=500, pd=0.5)
    derive.derive(book.con, AS_OF if request.param == "from the status paths" else None)
    assert status_path.covers(book.con, AS_OF) == (request.param == "from the status paths")
    yield book
    book.close()


def policy(cutoffs: dict) -> PolicyChoice:
    return PolicyChoice(CutoffPolicy(cutoffs))


def test_the_window():
    assert backtest_window(AS_OF) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30))


def test_the_swap_out_set_against_what_it_did(book):
    """A cut-off of 620 for all declines L2 (610), L4 (560) and L7 (590)."""
    result = backtest(book.con, AS_OF, policy({(ANY, ANY): 620}), ASSUMPTIONS)
    assert (result["first"], result["last"], result["booked"], result["empty"]) == (
        dt.date(2025, 7, 1), dt.date(2026, 6, 30), 5, False)
    rate = 0.18
    projected_interest = (3000 * (0.7 * interest(rate, 3, 3) + 0.3 * interest(rate, 3, 2))
                          + 1000 * interest(rate, 1, 1)
                          + 1200 * (0.9 * interest(rate, 12, 6) + 0.1 * interest(rate, 12, 2)))  # 6 of 12 due
    assert result["projected"] == pytest.approx({"loans": 3, "bad_rate": 0.8 / 3,
                                                 "loss": 0.8 * 0.9 * (0.3 * 3000 + 0.4 * 1000 + 0.1 * 1200),
                                                 "interest": projected_interest})
    assert result["actual"] == pytest.approx({"loans": 3, "bad_rate": 1 / 3, "loss": 1500.0, "interest": 140.0})
    assert result["error"] == pytest.approx({"loans": 0, "bad_rate": 0.8 / 3 - 1 / 3,
                                             "loss": 0.72 * 1420 - 1500, "interest": projected_interest - 140})


def test_a_tighter_broker_cut_off(book):
    """Broker 650 (app stays 600): L2 and L3 (broker, below 650), L4 (app, 560) and L7 (app, 590); L3, which
    cured, is bad all the same."""
    result = backtest(book.con, AS_OF, policy({(ANY, ANY): 600, ("broker", ANY): 650}), ASSUMPTIONS)
    assert result["actual"] == pytest.approx({"loans": 4, "bad_rate": 0.5, "loss": 1500.0, "interest": 185.0})
    assert result["projected"]["bad_rate"] == pytest.approx(1.0 / 4)


def test_an_empty_swap_out_set_says_so(book):
    result = backtest(book.con, AS_OF, policy({(ANY, ANY): 500}), ASSUMPTIONS)
    assert result["empty"] and result["booked"] == 5
    assert result["projected"] == {"loans": 0, "bad_rate": None, "loss": 0.0, "interest": 0.0}
    assert result["actual"] == {"loans": 0, "bad_rate": None, "loss": 0.0, "interest": 0.0}
    assert result["error"] == {"loans": 0, "bad_rate": None, "loss": 0.0, "interest": 0.0}


def test_no_application_scores_is_an_empty_backtest(tmp_path):
    book = Book(tmp_path / "empty.duckdb")
    db.run(book.con, "DROP TABLE application_scores")
    result = backtest(book.con, AS_OF, policy({(ANY, ANY): 620}), ASSUMPTIONS)
    assert result["empty"] and result["booked"] == 0
    book.close()


# ------------------------------------------------------------------------------------ the defaults' history
def test_defaults_before_any_charge_off_is_seasoned(book):
    """At AS_OF the charge-off (2026-05-31) is not 12 months old: the stated LGD; the EAD share from the bads at
    their first month-end at 30+ DPD: L2 ¥2,000 of ¥3,000 and L3 ¥2,000 of ¥2,000 at 2025-12-31."""
    defaults = whatif.default_assumptions(book.con, AS_OF)
    assert (defaults.lgd.value, defaults.lgd.source) == (LGD_PRIOR, "policy_source.lgd_prior")
    assert defaults.ead_share.value == pytest.approx(0.8)
    assert defaults.ead_share.detail == {"loans": 2, "balance": 4000.0, "principal": 5000.0, "as_of": "2026-12-31"}
    assert (defaults.funding_rate.value, defaults.operating_cost.value) == (0.04, 150.0)
    assert "4.0% a year" in source_text(defaults.funding_rate, "en")


def test_defaults_a_year_after_the_charge_off(book):
    """At 2027-06-30: LGD 1 - 500 / 2,000 over the one charge-off; of the bads booked by 2025-12-31 (L2, L3), one
    defaulted. Fees of the loans booked 2026-07-01 .. 2027-06-30 (L5 cash, L6 installment, ¥10 on ¥1,000 x 1
    month each)."""
    defaults = whatif.default_assumptions(book.con, dt.date(2027, 6, 30))
    assert defaults.lgd.value == pytest.approx(0.75)
    assert defaults.lgd.source == "policy_source.lgd_observed"
    assert defaults.lgd.detail == {"loans": 1, "balance": 2000.0, "recovered": 500.0, "charged_off_by": "2026-06-30"}
    share = defaults.default_share  # L2 and L3 (both 600-649) booked by 2025-12-31, L2 charged off
    assert (share.value, share.source) == (0.5, "policy_source.default_share_observed")
    assert share.detail == {"bads": 2, "defaulted": 1, "seasoned_by": "2025-12-31", "by_band": {}, "band_width": 50,
                            "bands": 0, "min_bads": 30}  # no band holds 30 seasoned bads: all at the pooled share
    assert "of the 2 bad loans (30+ DPD) booked by 2025-12-31, 1 were charged off" in source_text(share, "en")
    assert defaults.fee_rate.value == pytest.approx(20 / 2000)
    assert defaults.fee_rate.detail["by_product"] == pytest.approx({"cash_loan": 0.01, "installment": 0.01})
    assert defaults.fee_rate.detail["loans"] == 2


def test_a_band_with_enough_seasoned_bads_has_its_own_share(book, monkeypatch):
    monkeypatch.setattr(whatif_assumptions, "MIN_BAND_BADS", 2)
    share = whatif.default_assumptions(book.con, dt.date(2027, 6, 30)).default_share
    assert share.detail["by_band"] == {"600": 0.5}


def test_before_any_seasoned_bad_every_bad_counts_as_a_default(book):
    share = whatif.default_assumptions(book.con, AS_OF).default_share
    assert (share.value, share.source, share.detail) == (1.0, "policy_source.default_share_none",
                                                         {"seasoned_by": "2025-06-30"})
    assert "ceiling" in source_text(share, "en")


def test_no_loan_in_the_window_states_no_fee(book):
    defaults = whatif.default_assumptions(book.con, dt.date(2029, 6, 30))
    assert (defaults.fee_rate.value, defaults.fee_rate.source) == (0.0, "policy_source.fee_none")
    assert "no fee" in source_text(defaults.fee_rate, "en")
