"""Every metric on a hand-built portfolio whose rates were worked out by hand (DESIGN.md §4).

Eight loans, no interest or fees (so every payment is principal), seen at the month-ends 2026-01-31 and
2026-02-28; between them there is a cure, a roll, a roll-back, a payoff, a charge-off and a restructuring:

  loan  originated   schedule (100 yuan each)    what happens                     01-31          02-28
  L1    2025-12-15   01-15, 02-15, 03-15         pays on every due date           M0  200        M0  100
  L2    2025-12-15   01-15, 02-15, 03-15         misses 01-15, pays 200 on 02-20  M1  300 (16)   M0  100      cure
  L3    2025-12-15   01-15, 02-15, 03-15         never pays                       M1  300 (16)   M2  300 (44) roll
  L4    2025-11-15   12-15, 01-15, 02-15, 03-15  misses two, pays 200 on 02-10    M2  400 (47)   M1  200 (13) roll-back
  L5    2025-12-15   01-15, 02-15, 03-15         pays 01-15, pays off 200 02-10   M0  200        paid_off
  L6    2025-07-20   08-20, 09-20, 10-20         never pays, 30 recovered 02-25   M6  300 (164)  charged_off 02-17
  L7    2025-10-15   11-15, 12-15, 01-15         never pays, restructured 02-05   M3  300 (77)   restructured
  L8    2026-02-05   6 x 50 from 03-05 (of L7)   the restructured loan                           M0  300
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from monitor import day_status, derive, metrics

from .builders import Book

D = dt.date
JAN, FEB = D(2026, 1, 31), D(2026, 2, 28)


def monthly(first: str, n: int, amount: str = "100.00") -> list[tuple]:
    year, month, day = (int(x) for x in first.split("-"))
    dues = []
    for k in range(n):
        m = month - 1 + k
        dues.append((D(year + m // 12, m % 12 + 1, day), amount, "0.00", "0.00"))
    return dues


def eight_loan_book(path) -> Book:
    """The eight loans of the table above, derived as of the end of February 2026 (also used by
    tests/test_simulate_markov.py)."""
    book = Book(path)
    book.loan(1, "2025-12-15", "300.00", monthly("2026-01-15", 3))
    book.payment(1, "2026-01-15 09:00:00", "100.00")
    book.payment(1, "2026-02-15 09:00:00", "100.00")
    book.loan(2, "2025-12-15", "300.00", monthly("2026-01-15", 3))
    book.payment(2, "2026-02-20 10:00:00", "200.00")
    book.loan(3, "2025-12-15", "300.00", monthly("2026-01-15", 3))
    book.loan(4, "2025-11-15", "400.00", monthly("2025-12-15", 4))
    book.payment(4, "2026-02-10 11:00:00", "200.00")
    book.loan(5, "2025-12-15", "300.00", monthly("2026-01-15", 3), closed_date="2026-02-10")
    book.payment(5, "2026-01-15 08:00:00", "100.00")
    book.payment(5, "2026-02-10 08:00:00", "200.00")
    book.loan(6, "2025-07-20", "300.00", monthly("2025-08-20", 3), charge_off_date="2026-02-17")
    book.payment(6, "2026-02-25 15:00:00", "30.00", channel="recovery")
    book.loan(7, "2025-10-15", "300.00", monthly("2025-11-15", 3), status="restructured", closed_date="2026-02-05")
    book.loan(8, "2026-02-05", "300.00", monthly("2026-03-05", 6, "50.00"), parent_loan_id=7)
    book.restructuring(7, 8, "2026-02-05", "reinstallment")
    derive.derive(book.con, FEB)
    return book


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    book = eight_loan_book(tmp_path_factory.mktemp("metrics") / "hand.duckdb")
    yield book.con
    book.close()


def test_the_hand_built_states(con):
    def at(month_end):
        return {r[0]: r[1:] for r in con.execute(
            "SELECT loan_id, dpd, bucket, CAST(principal_balance AS DOUBLE) FROM loan_month WHERE month_end = ?",
            [month_end]).fetchall()}

    assert at(JAN) == {1: (0, "M0", 200.0), 2: (16, "M1", 300.0), 3: (16, "M1", 300.0), 4: (47, "M2", 400.0),
                       5: (0, "M0", 200.0), 6: (164, "M6", 300.0), 7: (77, "M3", 300.0)}
    assert at(FEB) == {1: (0, "M0", 100.0), 2: (0, "M0", 100.0), 3: (44, "M2", 300.0), 4: (13, "M1", 200.0),
                       8: (0, "M0", 300.0)}


def test_bucket_distribution(con):
    dist = metrics.bucket_distribution(con, JAN)
    assert dist["bucket"].to_list() == ["M0", "M1", "M2", "M3", "M4", "M5", "M6"]
    assert dist["loans"].to_list() == [2, 2, 1, 1, 0, 0, 1]
    assert dist["balance"].to_list() == [400.0, 600.0, 400.0, 300.0, 0.0, 0.0, 300.0]
    assert dist["balance_share"][0] == pytest.approx(400 / 2000)
    cohort = metrics.bucket_distribution(con, JAN, "cohort", "2025-12")
    assert cohort["loans"].to_list() == [2, 2, 0, 0, 0, 0, 0]


def test_dpd_rates_coincident_and_lagged(con):
    jan = metrics.dpd_rates(con, JAN)
    # 7 loans, 2,000 yuan: 1+ = L2 L3 L4 L6 L7 (1,600); 30+ = L4 L6 L7 (1,000); 60+ = L6 L7 (600); 90+ = L6 (300)
    assert jan["1+"] == {"count": pytest.approx(5 / 7), "balance": pytest.approx(0.8)}
    assert jan["30+"] == {"count": pytest.approx(3 / 7), "balance": pytest.approx(0.5)}
    assert jan["60+"] == {"count": pytest.approx(2 / 7), "balance": pytest.approx(0.3)}
    assert jan["90+"] == {"count": pytest.approx(1 / 7), "balance": pytest.approx(0.15)}
    feb = metrics.dpd_rates(con, FEB, lags=(3,))
    # 02-28: L1 100, L2 100, L3 300 (DPD 44), L4 200 (DPD 13), L8 300 = 1,000 yuan, 5 loans.
    # 3 months earlier (2025-11-30): L4 400, L6 300, L7 300 = 1,000 yuan, 3 loans.
    assert feb["30+"] == {"count": pytest.approx(1 / 5), "balance": pytest.approx(0.3),
                          "count_lag3": pytest.approx(1 / 3), "balance_lag3": pytest.approx(0.3)}
    assert feb["1+"]["balance"] == pytest.approx(0.5)


def test_dpd_rate_series_matches_the_day_figures(con):
    series = metrics.dpd_rate_series(con, JAN, FEB).filter(
        (pl.col("threshold") == "30+") & (pl.col("measure") == "balance"))
    assert series["coincident"].to_list() == pytest.approx([0.5, 0.3])
    # lag 3 over the month-ends 2025-10-31 (L6 300 + L7 300) and 2025-11-30 (L4 400 + L6 300 + L7 300)
    assert series["lag3"].to_list() == pytest.approx([1000 / 600, 300 / 1000])


def test_roll_rates_between_two_month_ends(con):
    rolls = metrics.roll_rates(con, JAN, FEB)
    got = {(r["from_bucket"], r["to_state"]): (r["loans"], r["count_rate"], r["balance_rate"])
           for r in rolls.iter_rows(named=True)}
    assert got == {
        ("M0", "M0"): (1, 0.5, 0.5), ("M0", "paid_off"): (1, 0.5, 0.5),
        ("M1", "M0"): (1, 0.5, 0.5), ("M1", "M2"): (1, 0.5, 0.5),
        ("M2", "M1"): (1, 1.0, 1.0),
        ("M3", "restructured"): (1, 1.0, 1.0),
        ("M6", "charged_off"): (1, 1.0, 1.0),
    }
    cures = metrics.cure_rates(rolls)
    assert dict(zip(cures["from_bucket"], cures["count_rate"], strict=True)) == {
        "M1": 0.5, "M2": 0.0, "M3": 0.0, "M6": 0.0}


def test_flow_rates_and_the_loss_they_imply(con):
    flows = metrics.flow_rate_series(con, FEB, FEB)
    rates = dict(zip(flows["step"], flows["rate"], strict=True))
    # M1 at 02-28 (L4 200) / M0 at 01-31 (400); M2 (L3 300) / M1 (600); M3 0 / M2 400; M4 0 / M3 300;
    # nothing in M4 or M5 at 01-31; charged off in February (L6, 300 the day before) / M6 at 01-31 (300).
    assert rates == {"M0->M1": 0.5, "M1->M2": 0.5, "M2->M3": 0.0, "M3->M4": 0.0, "M4->M5": None,
                     "M5->M6": None, "M6->CO": 1.0}
    implied = metrics.implied_loss_rate(flows, months=1)
    assert implied["steps"] == rates and implied["loss_rate"] is None  # no M4 or M5 balance to flow from


def test_vintages(con):
    v = metrics.vintages(con, FEB)
    dec = v.filter(pl.col("cohort") == "2025-12")
    # L1 L2 L3 L5 (1,200 yuan): only L3 is 30+ at a month-end (02-28, MOB 2). L2 reached DPD 36 on 02-20,
    # between month-ends, and had cured by 02-28, so it does not count.
    assert dec["mob"].to_list() == [0, 1, 2]
    assert dec["ever_30_balance"].to_list() == [0.0, 0.0, 0.25]
    assert dec["ever_30_count"].to_list() == [0.0, 0.0, 0.25]
    jul = v.filter(pl.col("cohort") == "2025-07")
    # L6: DPD 41 at 09-30 (MOB 2), 102 at 11-30 (MOB 4); observed to 02-28 (MOB 7).
    assert jul["ever_30_count"].to_list() == [0, 0, 1, 1, 1, 1, 1, 1]
    assert jul["ever_90_count"].to_list() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert set(v["cohort"]) == {"2025-07", "2025-10", "2025-11", "2025-12"}  # L8 is not a new loan


def test_first_payment_default(con):
    # First installments due by 01-29 (30 days before 02-28): L1 L2 L3 L5 (01-15), L4 (12-15), L6 (08-20),
    # L7 (11-15). Still unsettled 30 days after: L2 (paid 02-20), L3, L4 (paid 02-10), L6, L7.
    assert metrics.payment_default(con, FEB, 30, 1) == {"eligible": 7, "defaulted": 5, "rate": 5 / 7}
    # Second installments due by 01-29: L4 (01-15, settled 02-10: 26 days late, within 30), L6 (09-20),
    # L7 (12-15): two still unsettled 30 days after.
    assert metrics.payment_default(con, FEB, 30, 2) == {"eligible": 3, "defaulted": 2, "rate": 2 / 3}


def test_collection_entry_rate(con):
    # Due on 2026-01-15: L1 L2 L3 L5 (1st), L4 (2nd), L7 (3rd); L1 and L5 paid that day.
    series = metrics.collection_entry_series(con, D(2026, 1, 15), D(2026, 1, 15))
    assert series.row(0) == (D(2026, 1, 15), 6, 4, pytest.approx(4 / 6))


def test_net_charge_off_and_cash(con):
    nco = metrics.net_charge_off_rate(con, FEB)
    # (300 charged off - 30 recovered) / mean(2,000 at 01-31, 1,000 at 02-28) x 12
    assert nco["gross_charge_off"] == 300.0 and nco["recoveries"] == 30.0
    assert nco["rate"] == pytest.approx(270 / 1500 * 12)
    # February: L1 100, L2 200, L4 200, L5 200, L6 recovery 30
    assert metrics.cash_collected(con, D(2026, 2, 1), FEB) == 730.0


def test_segment_movers(con):
    movers = metrics.segment_movers(con, FEB, "cohort")
    dec = movers.filter(pl.col("value") == "2025-12").row(0, named=True)
    # 2025-12 cohort at 02-28: L1 100, L2 100, L3 300 (30+) -> 0.6; at 01-31: L1 200 L2 300 L3 300 L5 200 -> 0
    assert dec["rate"] == pytest.approx(0.6) and dec["rate_before"] == 0.0
    assert dec["change"] == pytest.approx(0.6)


def test_delinquent_loans_are_listed_worst_first_and_masked(con):
    listed = metrics.delinquent_loans(con, JAN)
    assert listed["loan_id"].to_list() == [6, 7, 4, 2, 3]
    assert listed["customer"][0] == "T*****" and listed["phone"][0] == "138****0001"  # "Test 1", 13800000001


def test_pinning_a_day_changes_no_number(con):
    """Pages pin the as-of day's status once; every metric must read the same numbers from it. A month-end the
    derived tables hold is read where it is (pinning it copies nothing); a day they do not hold is pinned."""
    mid = D(2026, 1, 20)
    before = (metrics.bucket_distribution(con, JAN), metrics.dpd_rates(con, JAN),
              metrics.segment_movers(con, FEB, "cohort"), metrics.delinquent_loans(con, JAN),
              metrics.bucket_distribution(con, mid), metrics.dpd_rates(con, mid))
    day_status.pin_day(con, JAN)
    day_status.pin_day(con, FEB)
    day_status.pin_day(con, mid)
    day_status.pin_day(con, mid)  # idempotent
    assert day_status.pinned_days(con) == {mid}
    after = (metrics.bucket_distribution(con, JAN), metrics.dpd_rates(con, JAN),
             metrics.segment_movers(con, FEB, "cohort"), metrics.delinquent_loans(con, JAN),
             metrics.bucket_distribution(con, mid), metrics.dpd_rates(con, mid))
    assert before[0].equals(after[0]) and before[1] == after[1]
    assert before[2].equals(after[2]) and before[3].equals(after[3])
    assert before[4].equals(after[4]) and before[5] == after[5]
    assert "loan_month" in day_status.source(con, JAN)
    assert "pinned_day_status" in day_status.source(con, mid)


def test_segment_values_and_segment_filters_on_early_defaults(con):
    from monitor import segments

    assert segments.values(con, "cohort") == ["2025-07", "2025-10", "2025-11", "2025-12", "2026-02"]
    # The 2025-12 cohort: L1 L2 L3 L5, first installments due 01-15; L2 and L3 still unpaid 30 days later.
    fpd = metrics.payment_default_by_cohort(con, FEB, segment="cohort", value="2025-12")
    assert fpd.rows() == [("2025-12", 4, 2, 0.5)]
    entry = metrics.collection_entry_series(con, D(2026, 1, 15), D(2026, 1, 15), "cohort", "2025-12")
    assert entry.row(0) == (D(2026, 1, 15), 4, 2, 0.5)
    assert metrics.delinquent_loans(con, JAN)["delinquent_total"].to_list() == [5] * 5
    assert metrics.delinquent_loans(con, JAN, limit=2)["delinquent_total"].to_list() == [5, 5]


def test_net_charge_off_of_one_segment(con):
    # The 2025-07 cohort is L6 alone: 300 charged off, 30 recovered; balance 300 at 01-31, nothing at 02-28.
    nco = metrics.net_charge_off_rate(con, FEB, segment="cohort", value="2025-07")
    assert (nco["gross_charge_off"], nco["recoveries"], nco["mean_balance"]) == (300.0, 30.0, 150.0)
    assert nco["rate"] == pytest.approx(270 / 150 * 12)
    assert metrics.net_charge_off_rate(con, FEB, segment="cohort", value="2025-12")["rate"] == 0.0


def test_net_charge_off_of_a_month_in_progress(con):
    """Through 2026-02-20: L6's 300 charged off on 02-17, no recovery yet (L6's 30 comes on 02-25). Active balance
    2,000 at 01-31 and 1,000 at 02-20 (L1 100, L2 100 after paying 200 on 02-20, L3 300, L4 200, L8 300): mean
    1,500. Annualized by the days elapsed: 300 / 1,500 x 12 x 28 / 20 = 3.36 (x 12 alone would read 2.40)."""
    nco = metrics.net_charge_off_rate(con, D(2026, 2, 20), D(2026, 2, 20))
    assert (nco["gross_charge_off"], nco["recoveries"], nco["mean_balance"]) == (300.0, 0.0, 1500.0)
    assert nco["month_to_date"] and nco["rate"] == pytest.approx(300 / 1500 * 12 * 28 / 20)
    assert not metrics.net_charge_off_rate(con, FEB, FEB)["month_to_date"]


def test_collection_entry_rate_of_the_day_and_month_to_date(con):
    """February's installments of active loans fall due on 02-15: L1 (paid that day), L2 (unpaid until 02-20), L3
    (never), L4 (its 200 on 02-10 settled 12-15 and 01-15 only): 3 of 4 entered collection. No installment falls due
    on 02-28: the day has no rate, the month to date still does."""
    assert metrics.collection_entry_rate(con, D(2026, 2, 15)) == {
        "first": D(2026, 2, 15), "last": D(2026, 2, 15), "due": 4, "entered": 3, "rate": 0.75}
    assert metrics.collection_entry_rate(con, FEB)["rate"] is None
    assert metrics.collection_entry_rate(con, FEB, month_to_date=True) == {
        "first": D(2026, 2, 1), "last": FEB, "due": 4, "entered": 3, "rate": 0.75}
