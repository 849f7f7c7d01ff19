"""The credit-policy what-if (monitor.origination.whatif): a hand-built book of four applications in two channels
whose figures were worked out by hand; the pricing grid; the invariants of raising a cut-off (hypothesis); the demo
book; saved policies."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from monitor import db
from monitor.origination import backtest, policy_inputs, saved_policies, whatif
from monitor.origination.cutoffs import ANY, CutoffPolicy
from monitor.origination.whatif import Assumption, Assumptions, PolicyChoice
from monitor.origination.whatif_assumptions import EDITED, source_text
from monitor.origination.whatif_population import COLUMNS

from .builders import Book
from .conftest import DEMO_AS_OF

AS_OF = dt.date(2026, 6, 30)  # the window: 2025-07-01 .. 2026-06-30
TODAY = CutoffPolicy({(ANY, ANY): 600, ("broker", ANY): 620})


def interest(rate: float, term: int, months: int) -> float:
    """Interest per yuan of the first `months` installments of an equal-installment loan, month by month."""
    r = rate / 12
    payment = r / (1 - (1 + r) ** -term)
    balance, paid = 1.0, 0.0
    for _ in range(months):
        paid += balance * r
        balance -= payment - balance * r
    return paid


def test_the_hand_interest_is_the_textbook_one():
    assert interest(0.18, 12, 12) == pytest.approx(12 * 0.015 / (1 - 1.015 ** -12) - 1)
    assert interest(0.18, 12, 2) == pytest.approx(0.015 + 0.015 * (1 + 0.015 - 0.015 / (1 - 1.015 ** -12)))
    assert interest(0.18, 1, 1) == pytest.approx(0.015)


def assumptions(lgd=0.8, ead_share=0.9, funding_rate=0.04, operating_cost=150.0, fee_rate=0.001,
                by_product=None) -> Assumptions:
    return Assumptions(lgd=Assumption(lgd, "policy_source.lgd_observed"),
                       ead_share=Assumption(ead_share, "policy_source.ead_observed"),
                       funding_rate=Assumption(funding_rate, "policy_source.funding_stated", {"value": funding_rate}),
                       operating_cost=Assumption(operating_cost, "policy_source.operating_stated",
                                                 {"value": operating_cost}),
                       fee_rate=Assumption(fee_rate, "policy_source.fee_observed",
                                           {"by_product": by_product} if by_product else {}))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """Four applications of the window (all cash loans at 18%, the only price the booked loans show):
    #1 app 700, ¥10,000 x 12, PD 0.05, booked; #2 app 580, ¥5,000 x 12, PD 0.20, declined;
    #3 broker 650, ¥8,000 x 12, PD 0.10, booked; #4 broker 610, ¥4,000 x 6, PD 0.25, booked by an override.
    Outside: #5 applied before the window, #6 without a PD."""
    book = Book(tmp_path_factory.mktemp("whatif") / "book.duckdb")
    db.run(book.con, "INSERT INTO credit_policy VALUES ('2025-01-01', '*', '*', 600), "
                     "('2025-01-01', 'broker', '*', 620)")
    for loan_id, day in ((1, "2025-08-01"), (3, "2025-09-01"), (4, "2025-10-01")):
        book.loan(loan_id, day, "1000.00", [("2025-12-01", "1000.00", "15.00", "0.00")])
    book.application(1, "2025-07-30 10:00:00", channel="app", amount="10000", term=12, score=700, loan_id=1, pd=0.05)
    book.application(2, "2025-11-02 10:00:00", channel="app", amount="5000", term=12, score=580, pd=0.20)
    book.application(3, "2025-08-30 10:00:00", channel="broker", amount="8000", term=12, score=650, cutoff=620,
                     loan_id=3, pd=0.10)
    book.application(4, "2025-09-29 10:00:00", channel="broker", amount="4000", term=6, score=610, cutoff=620,
                     loan_id=4, pd=0.25)
    book.application(5, "2025-06-30 10:00:00", channel="app", amount="9000", score=640, pd=0.5)
    book.application(6, "2026-01-05 10:00:00", channel="app", amount="9000", score=640)
    yield book
    book.close()


@pytest.fixture(scope="module")
def pop(book):
    return whatif.population(book.con, AS_OF)


def test_the_population_is_the_window_scored_by_channel_product_and_score(pop):
    assert pop.select("channel", "product", "application_score", "applications", "recorded_approved",
                      "amount").rows() == [("app", "cash_loan", 580, 1, 0, 5000.0),
                                           ("app", "cash_loan", 700, 1, 1, 10000.0),
                                           ("broker", "cash_loan", 610, 1, 1, 4000.0),
                                           ("broker", "cash_loan", 650, 1, 1, 8000.0)]
    row = pop.row(1, named=True)  # #1: PD 0.05, 12 months at 18%
    assert row["pd_sum"] == pytest.approx(0.05) and row["pd_amount"] == pytest.approx(500)
    assert row["interest"] == pytest.approx(10000 * (0.95 * interest(0.18, 12, 12) + 0.05 * interest(0.18, 12, 2)))
    assert row["paying_months"] == pytest.approx(10000 * (0.95 * 12 + 0.05 * 2))
    assert row["funding_years"] == pytest.approx(10000 * 13 / 24)


def test_today_and_a_chosen_policy_by_hand(book, pop):
    today = whatif.today_policy(book.con, AS_OF)
    assert today == PolicyChoice(TODAY)
    chosen = PolicyChoice(CutoffPolicy({(ANY, ANY): 720, ("broker", ANY): 600}), ((640, 1.5),))
    result = whatif.compare(pop, today, chosen, assumptions())
    i12, i2_12, i6, i2_6 = (interest(0.18, 12, 12), interest(0.18, 12, 2), interest(0.18, 6, 6),
                            interest(0.18, 6, 2))
    # today: app 600 approves #1 (700), broker 620 approves #3 (650)
    income = 10000 * (0.95 * i12 + 0.05 * i2_12) + 8000 * (0.9 * i12 + 0.1 * i2_12)
    loss = 0.8 * 0.9 * (0.05 * 10000 + 0.10 * 8000)  # 936
    fees = 0.001 * (10000 * (0.95 * 12 + 0.05 * 2) + 8000 * (0.9 * 12 + 0.1 * 2))  # 203
    funding = 0.04 * 18000 * 13 / 24  # 390
    expected = {"applications": 4, "approved": 2, "approval_rate": 0.5, "amount": 18000.0, "expected_bad_rate": 0.075,
                "expected_loss": 936.0, "interest_income": income, "fee_income": 203.0, "funding_cost": 390.0,
                "operating_cost": 300.0, "expected_profit": income + fees - loss - funding - 300}
    assert result["today"] == pytest.approx(expected)
    # chosen: app 720 declines #1; broker 600 approves #3 (x1.5 from 640: ¥12,000) and #4 (¥4,000)
    income = 12000 * (0.9 * i12 + 0.1 * i2_12) + 4000 * (0.75 * i6 + 0.25 * i2_6)
    loss = 0.72 * (0.10 * 12000 + 0.25 * 4000)  # 1584
    fees = 0.001 * (12000 * (0.9 * 12 + 0.1 * 2) + 4000 * (0.75 * 6 + 0.25 * 2))  # 152
    funding = 0.04 * (12000 * 13 / 24 + 4000 * 7 / 24)
    assert result["chosen"] == pytest.approx({
        "applications": 4, "approved": 2, "approval_rate": 0.5, "amount": 16000.0, "expected_bad_rate": 0.175,
        "expected_loss": 1584.0, "interest_income": income, "fee_income": 152.0, "funding_cost": funding,
        "operating_cost": 300.0, "expected_profit": income + fees - loss - funding - 300})
    assert result["swap_in"] == pytest.approx({"count": 1, "amount": 4000.0, "expected_bad_rate": 0.25})
    assert result["swap_out"] == pytest.approx({"count": 1, "amount": 10000.0, "expected_bad_rate": 0.05})
    assert result["recorded"] == {"approved": 3, "approval_rate": 0.75}
    assert result["by_channel"].rows() == [("app", "cash_loan", 0.5, 0.0, 0.05, None),
                                           ("broker", "cash_loan", 0.5, 1.0, 0.1, pytest.approx(0.175))]
    assert whatif.evaluate(pop, chosen, assumptions()) == result["chosen"]


def test_nothing_approved_gives_no_rate_and_no_division(pop):
    closed = PolicyChoice(CutoffPolicy({(ANY, ANY): 900}))
    result = whatif.compare(pop, closed, closed, assumptions())
    assert result["today"]["approved"] == 0 and result["today"]["expected_bad_rate"] is None
    assert result["today"]["approval_rate"] == 0.0 and result["today"]["expected_profit"] == 0.0
    assert result["swap_in"] == {"count": 0, "amount": 0.0, "expected_bad_rate": None}
    empty = whatif.population(db.memory(), AS_OF)
    assert empty.is_empty() and whatif.evaluate(empty, closed, assumptions())["approval_rate"] is None


def test_fees_by_product_and_no_key_approves(pop):
    """A fee rate per product (the data's default) applies by the row's product; a channel with no key and no
    default cut-off is approved whatever its score."""
    only_broker = PolicyChoice(CutoffPolicy({("broker", ANY): 900}))
    figures = whatif.evaluate(pop, only_broker, assumptions(by_product={"cash_loan": 0.002, "installment": 0.0}))
    assert figures["approved"] == 2  # both app applications
    assert figures["fee_income"] == pytest.approx(0.002 * (5000 * (0.8 * 12 + 0.2 * 2)
                                                           + 10000 * (0.95 * 12 + 0.05 * 2)))


def test_the_frontier_approves_in_order_of_pd(pop):
    frontier = whatif.frontier(pop, assumptions())
    assert frontier["approval_rate"].to_list() == [0.25, 0.5, 0.75, 1.0]
    assert frontier["expected_bad_rate"].to_list() == pytest.approx([0.05, 0.075, 0.35 / 3, 0.15])
    everyone = whatif.evaluate(pop, PolicyChoice(CutoffPolicy({})), assumptions())
    assert frontier["expected_profit"][-1] == pytest.approx(everyone["expected_profit"])


def test_the_price_is_the_nearest_band_with_booked_loans(tmp_path):
    """Booked cash loans at 20% in band 640 and 12% in band 680; an application prices at its band's rate, else
    the nearest band's (a tie: the lower band), and a product without booked loans at the other product's."""
    book = Book(tmp_path / "price.duckdb")
    for loan_id, score, rate in ((1, 650, "0.2000"), (2, 690, "0.1200")):
        book.loan(loan_id, "2026-01-10", "1000.00", [("2026-02-10", "1000.00", "15.00", "0.00")])
        book.application(loan_id, "2026-01-08 10:00:00", score=score, loan_id=loan_id, pd=0.0)
        book.loan_terms(loan_id, annual_rate=rate)
    for application_id, score, product in ((3, 580, "cash_loan"), (4, 665, "cash_loan"), (5, 700, "cash_loan"),
                                           (6, 700, "installment")):
        book.application(application_id, "2026-02-01 10:00:00", product=product, score=score, cutoff=500, pd=0.0)
    pop = whatif.population(book.con, AS_OF)
    per_yuan = {(product, score): value for product, score, value in
                zip(pop["product"], pop["application_score"], pop["interest"] / pop["amount"], strict=True)}
    high, low = interest(0.20, 12, 12), interest(0.12, 12, 12)
    assert per_yuan == pytest.approx({("cash_loan", 580): high, ("cash_loan", 650): high, ("cash_loan", 665): high,
                                      ("cash_loan", 690): low, ("cash_loan", 700): low, ("installment", 700): low})
    book.close()


# ------------------------------------------------------------------------------------------------ invariants
GROUPS = (("app", "cash_loan"), ("app", "installment"), ("broker", "cash_loan"))


@st.composite
def populations(draw, monotone: bool = True, one_curve: bool = False):
    """An aggregated population: per group, distinct scores with 1-5 applications each and a PD that falls with the
    score (within each group; `one_curve`: the same function of the score in every group)."""
    rows = []
    curve = draw(st.floats(0.002, 0.03))
    for channel, product in GROUPS:
        scores = sorted(draw(st.sets(st.integers(300, 900), min_size=1, max_size=12)))
        slope = curve if one_curve else draw(st.floats(0.002, 0.03))
        for score in scores:
            n = draw(st.integers(1, 5))
            pd = 1 / (1 + np.exp((score - 600) * slope)) if monotone else draw(st.floats(0, 1))
            amount = draw(st.integers(1, 50)) * 1000.0
            rows.append((channel, product, score, n, 0, amount, n * pd, pd * amount, amount * 0.1,
                         amount * 10.0, amount * 0.5))
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


KEYS = st.sampled_from([(ANY, ANY), ("app", ANY), ("broker", ANY), ("app", "installment"), (ANY, "cash_loan")])
POLICIES = st.dictionaries(KEYS, st.integers(300, 900), min_size=1, max_size=4)


def raised(data, cutoffs: dict) -> tuple[PolicyChoice, PolicyChoice]:
    """A policy and the same with one of its cut-offs raised (a key it does not have would be a new, more specific
    cut-off, which may be lower than the one it replaces)."""
    key = data.draw(st.sampled_from(sorted(cutoffs)))
    before = PolicyChoice(CutoffPolicy(cutoffs))
    return before, before.with_cutoffs({key: min(900, cutoffs[key] + data.draw(st.integers(1, 300)))})


@settings(max_examples=150, deadline=None)
@given(pop=populations(monotone=False), cutoffs=POLICIES, data=st.data())
def test_raising_a_cut_off_never_raises_the_approval_rate(pop, cutoffs, data):
    before, after = raised(data, cutoffs)
    a, b = whatif.evaluate(pop, before, assumptions()), whatif.evaluate(pop, after, assumptions())
    assert b["approved"] <= a["approved"] and b["approval_rate"] <= a["approval_rate"]
    assert whatif.compare(pop, before, after, assumptions())["swap_in"]["count"] == 0


@settings(max_examples=150, deadline=None)
@given(pop=populations(), cutoffs=POLICIES, data=st.data())
def test_raising_a_cut_off_never_raises_a_group_s_bad_rate_when_pd_falls_with_the_score(pop, cutoffs, data):
    """Within each channel and product, where PD falls with the score: a higher cut-off keeps only the better
    applicants of the group. (The book's rate is not bound so: see the next test.)"""
    before, after = raised(data, cutoffs)
    rows = whatif.compare(pop, before, after, assumptions())["by_channel"].filter(
        pl.col("chosen_bad_rate").is_not_null())
    assert (rows["chosen_bad_rate"] <= rows["today_bad_rate"] + 1e-12).all()


def test_tightening_one_group_can_raise_the_book_s_bad_rate():
    """The book's expected bad rate is a mix: dropping a safe group's worst (still safer than the book) raises it."""
    rows = [("app", "cash_loan", 700, 1, 0, 1000.0, 0.01, 10.0, 100.0, 10000.0, 500.0),
            ("app", "cash_loan", 600, 1, 0, 1000.0, 0.02, 20.0, 100.0, 10000.0, 500.0),
            ("broker", "cash_loan", 600, 1, 0, 1000.0, 0.30, 300.0, 100.0, 10000.0, 500.0)]
    pop = pl.DataFrame(rows, schema=COLUMNS, orient="row")
    loose = PolicyChoice(CutoffPolicy({(ANY, ANY): 600}))
    tight = loose.with_cutoffs({("app", ANY): 650})
    assert whatif.evaluate(pop, tight, assumptions())["expected_bad_rate"] == pytest.approx(0.155)
    assert whatif.evaluate(pop, loose, assumptions())["expected_bad_rate"] == pytest.approx(0.11)


@settings(max_examples=150, deadline=None)
@given(pop=populations(one_curve=True), low=st.integers(300, 900), rise=st.integers(1, 300))
def test_one_cut_off_for_all_with_one_pd_curve_never_raises_the_bad_rate(pop, low, rise):
    a = whatif.evaluate(pop, PolicyChoice(CutoffPolicy({(ANY, ANY): low})), assumptions())
    b = whatif.evaluate(pop, PolicyChoice(CutoffPolicy({(ANY, ANY): min(900, low + rise)})), assumptions())
    if b["approved"]:
        assert b["expected_bad_rate"] <= a["expected_bad_rate"] + 1e-12


# ------------------------------------------------------------------------------------------ the policy's form
def test_multipliers_by_band_and_the_json_round_trip():
    choice = PolicyChoice(CutoffPolicy({(ANY, ANY): 600, ("broker", "cash_loan"): 650}), ((600, 0.5), (700, 2.0)))
    assert choice.multiplier_for(np.array([300, 599, 600, 699, 700, 900])).tolist() == [1, 1, 0.5, 0.5, 2, 2]
    assert PolicyChoice.from_json(choice.as_json()) == choice
    with pytest.raises(ValueError, match="increasing"):
        PolicyChoice(CutoffPolicy({}), ((700, 1.0), (600, 1.0)))
    with pytest.raises(ValueError, match="at most 5"):
        PolicyChoice(CutoffPolicy({}), ((600, 6.0),))
    with pytest.raises(ValueError, match="whole score"):
        PolicyChoice(CutoffPolicy({(ANY, ANY): 950}))


@pytest.mark.parametrize(("text", "parsed"), [
    ("broker=620", (("broker", ANY), 620)), ("default=580", ((ANY, ANY), 580)),
    ("app/installment=700", (("app", "installment"), 700)), ("*/cash_loan=640", ((ANY, "cash_loan"), 640))])
def test_cut_off_keys(text, parsed):
    assert whatif.parse_cutoff(text) == parsed


@pytest.mark.parametrize("text", ["broker", "broker=", "broker=62.5", "broker=1000", "=600", "app/=600"])
def test_bad_cut_offs(text):
    with pytest.raises(ValueError, match="KEY"):
        whatif.parse_cutoff(text)


def test_edits_are_checked_and_say_their_default():
    edited = assumptions().replace(lgd=0.5).replace(lgd=0.6)
    assert edited.lgd == Assumption(0.6, EDITED, {"default": 0.8})
    assert source_text(edited.lgd, "en") == "Edited (the default was 0.8)"
    with pytest.raises(ValueError, match="lgd must be from 0 to 1"):
        assumptions().replace(lgd=1.2)
    with pytest.raises(ValueError, match="fee_rate"):
        assumptions().replace(fee_rate=float("nan"))
    assert Assumptions.from_json(edited.as_json()) == edited


# ------------------------------------------------------------------------------------------------ saved
def test_save_load_replace_and_names(book):
    choice = PolicyChoice(CutoffPolicy({(ANY, ANY): 640}), ((700, 1.2),))
    saved_policies.save(book.con, " tight ", choice, assumptions(), "tester")
    assert saved_policies.names(book.con) == ["tight"]
    assert saved_policies.load(book.con, "tight") == (choice, assumptions())
    saved_policies.save(book.con, "tight", PolicyChoice(CutoffPolicy({})), assumptions().replace(lgd=0.5), "tester")
    assert saved_policies.load(book.con, "tight")[1].lgd.value == 0.5
    with pytest.raises(saved_policies.NotSaved, match="saved: tight"):
        saved_policies.load(book.con, "loose")
    with pytest.raises(ValueError, match="1 to 80"):
        saved_policies.save(book.con, "  ", choice, assumptions(), "tester")
    db.run(book.con, "DELETE FROM credit_policy_whatifs")


# ------------------------------------------------------------------------------------------------ the demo
@pytest.fixture(scope="module")
def demo(application_scored_db):
    con = db.connect(application_scored_db, read_only=True)
    yield con
    con.close()


def test_tightening_on_the_demo_lowers_approval_and_the_bad_rate(demo):
    pop = whatif.population(demo, DEMO_AS_OF)
    defaults = whatif.default_assumptions(demo, DEMO_AS_OF)
    today = whatif.today_policy(demo, DEMO_AS_OF)
    tighter = PolicyChoice(CutoffPolicy({key: c + 30 for key, c in today.cutoffs.cutoffs.items()}))
    result = whatif.compare(pop, today, tighter, defaults)
    assert result["chosen"]["approval_rate"] < result["today"]["approval_rate"]
    assert result["chosen"]["expected_bad_rate"] < result["today"]["expected_bad_rate"]
    assert result["swap_in"]["count"] == 0
    assert result["swap_out"]["expected_bad_rate"] > result["today"]["expected_bad_rate"]
    assert result["today"]["applications"] > 1000
    broker = today.with_cutoffs({("broker", ANY): today.cutoffs.cutoff("broker", "cash_loan") + 40})
    assert whatif.evaluate(pop, broker, defaults)["expected_bad_rate"] < result["today"]["expected_bad_rate"]
    for name in ("lgd", "ead_share", "fee_rate"):  # the demo has the history for each
        assert getattr(defaults, name).source.endswith(("_observed",)), name
        assert source_text(getattr(defaults, name), "zh")


def test_the_page_s_inputs_read_alongside_are_the_four_reads(demo):
    """policy_inputs computes the assumptions and the backtest on their own cursors: the same figures as each read
    alone on the connection."""
    inputs = policy_inputs.policy_inputs(demo, DEMO_AS_OF)
    assert_frame_equal(inputs.population, whatif.population(demo, DEMO_AS_OF))
    assert_frame_equal(inputs.backtest, backtest.backtest_population(demo, DEMO_AS_OF))
    assert inputs.backtest["bad"].sum() > 0 and inputs.population["applications"].sum() > 1000
    assert inputs.assumptions == whatif.default_assumptions(demo, DEMO_AS_OF)
    assert inputs.today == whatif.today_policy(demo, DEMO_AS_OF)


def test_the_share_of_bads_that_default_follows_the_score_band():
    """By band where the book saw enough seasoned bads, else the pooled share; the expected loss takes it per row."""
    share = Assumption(0.2, "policy_source.default_share_observed",
                       {"by_band": {"500": 0.48, "700": 0.05}, "band_width": 50})
    defaults = assumptions()
    with_share = Assumptions(**{**{f: getattr(defaults, f) for f in ("lgd", "ead_share", "funding_rate",
                                                                      "operating_cost", "fee_rate")},
                                "default_share": share})
    assert with_share.default_shares(np.array([510, 549, 550, 700, 749, 800])).tolist() == [
        0.48, 0.48, 0.2, 0.05, 0.05, 0.2]
    assert with_share.replace(default_share=0.3).default_shares(np.array([510, 700])).tolist() == [0.3, 0.3]
