"""month_totals: loan_month summed by month-end, bucket and segment value (monitor.month_totals), on the eight-loan
book of tests/test_metrics.py, whose month-end states were worked out by hand there:

  01-31: L1 M0 200, L5 M0 200, L2 M1 300 (16), L3 M1 300 (16), L4 M2 400 (47), L7 M3 300 (77), L6 M6 300 (164)
  02-28: L1 M0 100, L2 M0 100, L8 M0 300, L4 M1 200 (13), L3 M2 300 (44)

and a ninth loan past the charge-off DPD at a month-end that was never charged off (bucket CO, active), which the
flow-rate chain must not count as a charge-off.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from monitor import derive, metrics, month_rolls, month_totals, segments

from .test_metrics import FEB, JAN, eight_loan_book, monthly

D = dt.date


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    book = eight_loan_book(tmp_path_factory.mktemp("totals") / "hand.duckdb")
    yield book.con
    book.close()


def book_rows(con, month_end: dt.date) -> dict:
    """The whole book's rows of a month-end: bucket -> (loans, balance, loans_1, balance_1, ..., balance_90)."""
    found = con.execute(f"SELECT bucket, {', '.join(month_totals.SUMS)} FROM month_totals "
                        "WHERE segment = 'book' AND month_end = ? ORDER BY bucket", [month_end]).fetchall()
    return {row[0]: tuple(int(v) if isinstance(v, int) else v for v in row[1:]) for row in found}


def test_the_whole_books_month_end_totals_by_bucket(con):
    d = Decimal
    #          loans balance  1+ loans/balance  30+             60+             90+
    assert book_rows(con, JAN) == {
        "M0": (2, d("400.00"), 0, d("0.00"), 0, d("0.00"), 0, d("0.00"), 0, d("0.00")),
        "M1": (2, d("600.00"), 2, d("600.00"), 0, d("0.00"), 0, d("0.00"), 0, d("0.00")),
        "M2": (1, d("400.00"), 1, d("400.00"), 1, d("400.00"), 0, d("0.00"), 0, d("0.00")),
        "M3": (1, d("300.00"), 1, d("300.00"), 1, d("300.00"), 1, d("300.00"), 0, d("0.00")),
        "M6": (1, d("300.00"), 1, d("300.00"), 1, d("300.00"), 1, d("300.00"), 1, d("300.00")),
    }
    assert book_rows(con, FEB) == {
        "M0": (3, d("500.00"), 0, d("0.00"), 0, d("0.00"), 0, d("0.00"), 0, d("0.00")),
        "M1": (1, d("200.00"), 1, d("200.00"), 0, d("0.00"), 0, d("0.00"), 0, d("0.00")),
        "M2": (1, d("300.00"), 1, d("300.00"), 1, d("300.00"), 0, d("0.00"), 0, d("0.00")),
    }


@pytest.mark.parametrize("segment", list(segments.SEGMENTS))
def test_each_segments_values_add_up_to_the_whole_book(con, segment):
    differing = con.execute(f"""
        SELECT count(*) FROM (
            SELECT month_end, bucket, {', '.join(f'sum({s}) AS {s}' for s in month_totals.SUMS)}
            FROM month_totals WHERE segment = $segment GROUP BY ALL
            EXCEPT ALL
            SELECT month_end, bucket, {', '.join(month_totals.SUMS)} FROM month_totals WHERE segment = 'book')""",
                            {"segment": segment}).fetchall()[0][0]
    assert differing == 0


def test_a_segment_values_rates_read_from_the_totals(con):
    """The 30+ balance rate of January's cohort-2025-12 loans (L1, L2, L3, L5: 1,000 yuan, of which none at 30+ at
    01-31; at 02-28 L1, L2 100 each, L3 300 at DPD 44: 300 / 500)."""
    series = metrics.dpd_rate_series(con, JAN, FEB, "cohort", "2025-12")
    rate = {row["month_end"]: row["coincident"] for row in series.filter(
        (series["threshold"] == "30+") & (series["measure"] == "balance")).iter_rows(named=True)}
    assert rate == {JAN: 0.0, FEB: pytest.approx(300 / 500)}


def test_a_loan_past_the_charge_off_dpd_but_not_charged_off_is_no_charge_off(tmp_path):
    """L9, never paid from 2025-06-10, is at DPD 235 on 01-31 and 263 on 02-28 (bucket CO, still active: it was not
    charged off). The M6 -> CO step of February counts L6 alone (300 charged off / 300 in M6 at 01-31), once."""
    book = eight_loan_book(tmp_path / "co.duckdb")
    try:
        book.loan(9, "2025-05-10", "300.00", monthly("2025-06-10", 3))
        derive.derive(book.con, FEB)
        assert book_rows(book.con, JAN)["CO"][:2] == (1, Decimal("300.00"))
        flows = metrics.flow_rate_series(book.con, FEB, FEB)
        assert flows.filter(flows["step"] == "M6->CO").select("rate", "numerator", "denominator").rows() == [
            (1.0, 300.0, 300.0)]
    finally:
        book.close()


def test_the_month_end_moves_of_january_to_february(con):
    """month_rolls' whole-book rows of the pair 01-31 -> 02-28: each loan's bucket at 01-31, its state at 02-28, its
    principal at both (none after a closing)."""
    found = con.execute("""SELECT from_bucket, to_state, loans, balance, balance_after FROM month_rolls
                           WHERE segment = 'book' AND from_month_end = ? AND to_month_end = ?
                           ORDER BY from_bucket, to_state""", [JAN, FEB]).fetchall()
    d = Decimal
    assert found == [
        ("M0", "M0", 1, d("200.00"), d("100.00")),              # L1
        ("M0", "paid_off", 1, d("200.00"), d("0.00")),          # L5
        ("M1", "M0", 1, d("300.00"), d("100.00")),              # L2 cured
        ("M1", "M2", 1, d("300.00"), d("300.00")),              # L3 rolled
        ("M2", "M1", 1, d("400.00"), d("200.00")),              # L4 rolled back
        ("M3", "restructured", 1, d("300.00"), d("0.00")),      # L7
        ("M6", "charged_off", 1, d("300.00"), d("0.00")),       # L6
    ]


@pytest.mark.parametrize("segment", list(segments.SEGMENTS))
def test_each_segments_moves_add_up_to_the_whole_books(con, segment):
    sums = ", ".join(f"sum({s}) AS {s}" for s in month_rolls.SUMS)
    differing = con.execute(f"""
        SELECT count(*) FROM (
            SELECT to_month_end, from_month_end, from_bucket, to_state, {sums}
            FROM month_rolls WHERE segment = $segment GROUP BY ALL
            EXCEPT ALL
            SELECT to_month_end, from_month_end, from_bucket, to_state, {', '.join(month_rolls.SUMS)}
            FROM month_rolls WHERE segment = 'book')""", {"segment": segment}).fetchall()[0][0]
    assert differing == 0


def test_roll_rates_of_two_segments_at_once_come_from_the_loans_moves(con):
    """The projection's loans in two segments at once (no sum of month_rolls holds them) pool the loans' own moves:
    with the whole book as both filters' values, the same estimate as the book's."""
    from monitor.simulate import markov
    channel = con.execute("SELECT DISTINCT channel FROM loan_segment").fetchall()
    product = con.execute("SELECT DISTINCT product FROM loan_segment").fetchall()
    assert len(channel) == len(product) == 1  # every loan of the eight in one channel and one product
    book = markov.estimate(con, FEB, 1)
    both = markov.estimate(con, FEB, 1, (("channel", channel[0][0]), ("product", product[0][0])))
    assert (book.flows == both.flows).all() and (book.counts == both.counts).all() and book.pairs == both.pairs == 1
