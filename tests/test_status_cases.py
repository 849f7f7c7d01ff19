"""Hand-worked loans: DPD, bucket, principal balance and overdue amount exactly as DESIGN.md §4 defines them.

Every expected number below was worked out by hand; the arithmetic is in the comment next to it.
Most loans use the same three-installment schedule (origination 2026-01-10, principal 900.00):

    no  due date     principal  interest  fee   amount_due  cum_due
    1   2026-02-10   300.00     15.00     5.00  320.00      320.00
    2   2026-03-10   300.00     10.00     5.00  315.00      635.00
    3   2026-04-10   300.00      5.00     5.00  310.00      945.00

Rows are (dpd, bucket, principal_balance, overdue_amount); None means "not in the status (not active)".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from monitor import day_status, db, derive, status, status_path
from tests.builders import Book

ORIG = "2026-01-10"
STD = [
    ("2026-02-10", "300.00", "15.00", "5.00"),
    ("2026-03-10", "300.00", "10.00", "5.00"),
    ("2026-04-10", "300.00", "5.00", "5.00"),
]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def book(tmp_path):
    b = Book(tmp_path / "cases.duckdb")
    yield b
    b.close()


def at(book: Book, day: str) -> dict[int, tuple]:
    """loan_id -> (dpd, bucket, principal_balance, overdue_amount) for every loan in status_as_of(day)."""
    frame = day_status.status_as_of(book.con, d(day))
    assert frame.columns == ["loan_id", "dpd", "bucket", "principal_balance", "overdue_amount", "installments_left"]
    return {r["loan_id"]: (r["dpd"], r["bucket"], r["principal_balance"], r["overdue_amount"])
            for r in frame.to_dicts()}


def month_rows(book: Book, loan_id: int) -> dict[str, tuple]:
    """month_end -> (mob, dpd, bucket, principal_balance, overdue_amount, status) from loan_month."""
    rows = book.con.sql(
        "SELECT month_end, mob, dpd, bucket, principal_balance, overdue_amount, status FROM loan_month "
        "WHERE loan_id = $id ORDER BY month_end", params={"id": loan_id}).fetchall()
    return {r[0].isoformat(): tuple(r[1:]) for r in rows}


def on_path(book: Book, loan_id: int, day: str) -> tuple | None:
    """(dpd, bucket, principal_balance, overdue_amount) of the loan on `day` from its status path (None: no row)."""
    rows = book.con.sql(f"SELECT dpd, bucket, principal_balance, overdue_amount FROM ({status_path.day_rows_sql()}) "
                        "WHERE loan_id = $id", params={**status.status_params(book.con, d(day)), "id": loan_id}
                        ).fetchall()
    assert len(rows) <= 1
    return rows[0] if rows else None


def check(book: Book, loan_id: int, expected: dict[str, tuple | None]) -> None:
    """The loan's status on each day as computed, then as its status path holds it once derive has run through the
    last of those days."""
    for day, want in expected.items():
        got = at(book, day).get(loan_id)
        assert got == want, f"loan {loan_id} on {day}: got {got}, want {want}"
    derive.derive(book.con, max(d(day) for day in expected))
    for day, want in expected.items():
        got = on_path(book, loan_id, day)
        assert got == want, f"loan {loan_id} on {day}, from its status path: got {got}, want {want}"


def settled_on(book: Book, loan_id: int) -> list:
    rows = book.con.sql("SELECT installment_no, settled_on FROM installment_settlement WHERE loan_id = $id "
                        "ORDER BY installment_no", params={"id": loan_id}).fetchall()
    return [r[1] for r in rows]


def left(book: Book, loan_id: int, day: str) -> int | None:
    """The loan's installments due after `day` in its status that day (None: not active)."""
    frame = day_status.status_as_of(book.con, d(day)).filter(loan_id=loan_id)
    return frame["installments_left"][0] if frame.height else None


# ---------------------------------------------------------------------------------------------------
def test_installments_left_count_those_due_after_the_day_paid_or_not(book):
    book.loan(1, ORIG, "900.00", STD)  # never paid: active through its last due date and after
    book.loan(2, ORIG, "900.00", STD, status="paid_off", closed_date="2026-02-01")
    book.payment(2, "2026-01-31 09:00:00", "945.00")  # paid ahead in full on 01-31, closed the day after
    expected = {"2026-01-10": 3,  # originated: all three due after the day
                "2026-02-09": 3,  # the first falls due tomorrow
                "2026-02-10": 2,  # due on the day: no longer after it (and unpaid: DPD counts from tomorrow)
                "2026-03-10": 1, "2026-04-09": 1,
                "2026-04-10": 0, "2026-06-30": 0}  # nothing left, still active (in arrears)
    assert {day: left(book, 1, day) for day in expected} == expected
    assert left(book, 2, "2026-01-31") == 3  # paying ahead does not change what falls due when
    assert left(book, 2, "2026-02-01") is None  # closed: no status


# ---------------------------------------------------------------------------------------------------
def test_payment_on_the_due_date(book):
    book.loan(1, ORIG, "900.00", STD)
    book.payment(1, "2026-02-10 09:00:00", "320.00")
    check(book, 1, {
        "2026-01-09": None,                                    # before origination
        "2026-01-10": (0, "M0", D("900.00"), D("0.00")),       # originated today: active, nothing due
        "2026-02-09": (0, "M0", D("900.00"), D("0.00")),       # paid 0, nothing due before 02-09
        # paid 320 = inst 1 (20 charges, then 300 principal): 900 - 300 = 600; due before 02-10: none
        "2026-02-10": (0, "M0", D("600.00"), D("0.00")),
        # due before 02-11: 320; paid 320 -> overdue 0; cum_due(1) 320 <= 320 settled -> DPD 0
        "2026-02-11": (0, "M0", D("600.00"), D("0.00")),
        "2026-02-28": (0, "M0", D("600.00"), D("0.00")),
        # inst 2 falls due today unpaid: 0 days past due; due before 03-10 still 320 - 320 = 0
        "2026-03-10": (0, "M0", D("600.00"), D("0.00")),
        # inst 2 unsettled (635 > 320), due 03-10: DPD 1; overdue 635 - 320 = 315
        "2026-03-11": (1, "M1", D("600.00"), D("315.00")),
    })
    derive.derive(book.con, d("2026-03-31"))
    assert month_rows(book, 1) == {
        "2026-01-31": (0, 0, "M0", D("900.00"), D("0.00"), "active"),   # mob 0 in origination month
        "2026-02-28": (1, 0, "M0", D("600.00"), D("0.00"), "active"),
        # 03-31 - 03-10 = 21 days; overdue 635 - 320 = 315
        "2026-03-31": (2, 21, "M1", D("600.00"), D("315.00"), "active"),
    }
    assert settled_on(book, 1) == [d("2026-02-10"), None, None]


def test_one_day_late(book):
    book.loan(2, ORIG, "900.00", STD)
    book.payment(2, "2026-02-12 10:00:00", "320.00")
    check(book, 2, {
        "2026-02-10": (0, "M0", D("900.00"), D("0.00")),       # due today, unpaid: DPD 0, nothing due before
        "2026-02-11": (1, "M1", D("900.00"), D("320.00")),     # 02-11 - 02-10 = 1; overdue 320 - 0
        "2026-02-12": (0, "M0", D("600.00"), D("0.00")),       # paid 320 today: settled, 900 - 300
        "2026-02-13": (0, "M0", D("600.00"), D("0.00")),
    })
    derive.derive(book.con, d("2026-02-28"))
    assert settled_on(book, 2) == [d("2026-02-12"), None, None]
    assert month_rows(book, 2)["2026-02-28"] == (1, 0, "M0", D("600.00"), D("0.00"), "active")


def test_partial_payments_pay_fees_and_interest_before_principal(book):
    book.loan(3, ORIG, "900.00", STD)
    book.payment(3, "2026-02-10 08:00:00", "12.00")    # less than inst 1's 20.00 of interest and fee
    book.payment(3, "2026-03-05 12:00:00", "100.00")
    check(book, 3, {
        # paid 12 < 20 charges of inst 1: no principal repaid; nothing due before 02-10
        "2026-02-10": (0, "M0", D("900.00"), D("0.00")),
        # inst 1 unsettled (320 > 12): DPD 1; overdue 320 - 12 = 308
        "2026-02-11": (1, "M1", D("900.00"), D("308.00")),
        "2026-02-28": (18, "M1", D("900.00"), D("308.00")),   # 02-28 - 02-10 = 18
        "2026-03-04": (22, "M1", D("900.00"), D("308.00")),   # 02-10 + 22 = 03-04 (Feb has 28 days)
        # paid 112: 20 to charges, 92 to principal -> 900 - 92 = 808; overdue 320 - 112 = 208; DPD 23
        "2026-03-05": (23, "M1", D("808.00"), D("208.00")),
        # inst 2 due 03-10 now also past; DPD still from inst 1: 03-11 - 02-10 = 29; overdue 635 - 112
        "2026-03-11": (29, "M1", D("808.00"), D("523.00")),
        "2026-03-12": (30, "M1", D("808.00"), D("523.00")),   # 30: last day of M1
        "2026-03-13": (31, "M2", D("808.00"), D("523.00")),   # 31: first day of M2
    })
    derive.derive(book.con, d("2026-03-31"))
    assert month_rows(book, 3) == {
        "2026-01-31": (0, 0, "M0", D("900.00"), D("0.00"), "active"),
        "2026-02-28": (1, 18, "M1", D("900.00"), D("308.00"), "active"),
        # 03-31 - 02-10 = 49; overdue 635 - 112 = 523
        "2026-03-31": (2, 49, "M2", D("808.00"), D("523.00"), "active"),
    }
    assert settled_on(book, 3) == [None, None, None]


def test_over_payment_prepays_next_installment_charges_then_principal(book):
    book.loan(4, ORIG, "900.00", STD)
    book.payment(4, "2026-02-10 09:00:00", "400.00")
    check(book, 4, {
        # 400: inst 1 takes 320 (300 principal); 80 left -> inst 2's 15 charges, then 65 principal
        # balance 900 - 300 - 65 = 535
        "2026-02-10": (0, "M0", D("535.00"), D("0.00")),
        "2026-02-11": (0, "M0", D("535.00"), D("0.00")),      # overdue max(0, 320 - 400) = 0
        "2026-03-10": (0, "M0", D("535.00"), D("0.00")),      # inst 2 due today: not yet past due
        # inst 2 unsettled (635 > 400): DPD 1; overdue 635 - 400 = 235
        "2026-03-11": (1, "M1", D("535.00"), D("235.00")),
    })


def test_paying_more_than_everything_due(book):
    book.loan(41, ORIG, "900.00", STD)
    book.payment(41, "2026-02-01 09:00:00", "1000.00")   # 1000 > 945 total due: every installment settled
    check(book, 41, {
        "2026-01-31": (0, "M0", D("900.00"), D("0.00")),
        "2026-02-01": (0, "M0", D("0.00"), D("0.00")),       # all 900 of principal repaid, never negative
        "2026-04-11": (0, "M0", D("0.00"), D("0.00")),       # due before 945 - 1000 < 0 -> overdue 0
    })


def test_two_installments_missed(book):
    book.loan(5, ORIG, "900.00", STD)
    book.payment(5, "2026-04-01 11:00:00", "320.00")
    check(book, 5, {
        "2026-03-10": (28, "M1", D("900.00"), D("320.00")),   # 03-10 - 02-10 = 28; inst 2 due today
        "2026-03-11": (29, "M1", D("900.00"), D("635.00")),   # DPD from the oldest (02-10); 320 + 315
        "2026-03-31": (49, "M2", D("900.00"), D("635.00")),   # 18 + 31 = 49
        # paid 320 settles inst 1 (oldest first): DPD from inst 2: 04-01 - 03-10 = 22; 635 - 320 = 315
        "2026-04-01": (22, "M1", D("600.00"), D("315.00")),
        # inst 3 past too: DPD 04-11 - 03-10 = 32; overdue 945 - 320 = 625
        "2026-04-11": (32, "M2", D("600.00"), D("625.00")),
    })
    derive.derive(book.con, d("2026-04-30"))
    rows = month_rows(book, 5)
    assert rows["2026-03-31"] == (2, 49, "M2", D("900.00"), D("635.00"), "active")
    # 04-30 - 03-10 = 51; overdue 945 - 320 = 625
    assert rows["2026-04-30"] == (3, 51, "M2", D("600.00"), D("625.00"), "active")


def test_early_payoff_leaves_the_book_on_closed_date(book):
    book.loan(6, ORIG, "900.00", STD, status="paid_off", closed_date="2026-02-20")
    book.payment(6, "2026-02-10 09:00:00", "320.00")
    book.payment(6, "2026-02-20 14:00:00", "600.00")
    check(book, 6, {
        "2026-02-19": (0, "M0", D("600.00"), D("0.00")),      # the day before: still active, 900 - 300
        "2026-02-20": None,                                     # closed on d: not active on d
        "2026-02-21": None,
        "2026-04-11": None,
    })
    derive.derive(book.con, d("2026-03-31"))
    assert month_rows(book, 6) == {"2026-01-31": (0, 0, "M0", D("900.00"), D("0.00"), "active")}


def test_active_loans_counts_the_rows_of_the_days_status(book):
    """status.active_loans: from origination to the day before closing, as the status has a row."""
    book.loan(6, ORIG, "900.00", STD, status="paid_off", closed_date="2026-02-20")
    book.loan(7, "2026-02-01", "900.00", STD)
    for day, active in (("2026-01-09", 0), ("2026-01-10", 1), ("2026-02-01", 2), ("2026-02-19", 2),
                        ("2026-02-20", 1)):
        assert status.active_loans(book.con, d(day)) == active, day
        assert status.active_loans(book.con, d(day)) == day_status.status_as_of(book.con, d(day)).height, day


def test_charge_off(book):
    # One installment: due 2025-07-01, 1000.00 principal + 30.00 interest = 1030.00. Never paid.
    # 2025-07-01 + 180 days = 2025-12-28 (30 + 31 + 30 + 31 + 30 + 28); DPD 181 on 2025-12-29.
    book.loan(7, "2025-06-01", "1000.00", [("2025-07-01", "1000.00", "30.00", "0.00")],
              charge_off_date="2025-12-29")
    book.payment(7, "2026-01-10 10:00:00", "500.00", channel="recovery")   # after charge-off
    check(book, 7, {
        "2025-11-28": (150, "M5", D("1000.00"), D("1030.00")),  # 30+31+30+31+28 = 150
        "2025-11-29": (151, "M6", D("1000.00"), D("1030.00")),
        "2025-12-28": (180, "M6", D("1000.00"), D("1030.00")),  # the day before charge-off
        "2025-12-29": None,                                      # charge_off_date = closed_date
        "2026-01-10": None,                                      # a recovery does not bring it back
    })
    derive.derive(book.con, d("2026-01-31"))
    rows = month_rows(book, 7)
    # month-ends while active: 06-30 .. 11-30; 12-31 is after the charge-off on 12-29
    assert sorted(rows) == ["2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31",
                            "2025-11-30"]
    assert rows["2025-07-31"] == (1, 30, "M1", D("1000.00"), D("1030.00"), "active")   # 07-31 - 07-01
    assert rows["2025-11-30"] == (5, 152, "M6", D("1000.00"), D("1030.00"), "active")  # 150 + 2
    assert settled_on(book, 7) == [None]    # recoveries after charge-off settle nothing


def test_restructuring_closes_old_loan_and_opens_new_one_the_same_day(book):
    book.loan(8, ORIG, "900.00", STD, status="restructured", closed_date="2026-04-05")
    # new loan: 900.00 principal + 35.00 arrears of interest and fee (15 + 5 + 10 + 5) capitalized
    book.loan(9, "2026-04-05", "935.00", [("2026-05-05", "467.50", "9.35", "0.00"),     # 476.85
                                          ("2026-06-05", "467.50", "4.68", "0.00")],    # 472.18
              parent_loan_id=8)
    book.restructuring(8, 9, "2026-04-05", arrears_capitalized="35.00")
    book.payment(9, "2026-05-05 09:30:00", "476.85")
    check(book, 8, {
        # 04-04 - 02-10 = 53 (28 + 25); overdue 320 + 315 = 635 (inst 3 due 04-10 not yet)
        "2026-04-04": (53, "M2", D("900.00"), D("635.00")),
        "2026-04-05": None,
    })
    check(book, 9, {
        "2026-04-04": None,                                      # not yet originated
        "2026-04-05": (0, "M0", D("935.00"), D("0.00")),
        "2026-05-05": (0, "M0", D("467.50"), D("0.00")),        # 476.85 - 9.35 = 467.50 principal
        "2026-06-05": (0, "M0", D("467.50"), D("0.00")),
        "2026-06-06": (1, "M1", D("467.50"), D("472.18")),      # 949.03 due - 476.85 paid
    })
    assert sorted(at(book, "2026-04-04")) == [8]
    assert sorted(at(book, "2026-04-05")) == [9]
    derive.derive(book.con, d("2026-04-30"))
    assert month_rows(book, 8) == {
        "2026-01-31": (0, 0, "M0", D("900.00"), D("0.00"), "active"),
        "2026-02-28": (1, 18, "M1", D("900.00"), D("320.00"), "active"),
        "2026-03-31": (2, 49, "M2", D("900.00"), D("635.00"), "active"),
    }
    assert month_rows(book, 9) == {"2026-04-30": (0, 0, "M0", D("935.00"), D("0.00"), "active")}


# One installment due 2025-03-01, never paid: on 2025-03-01 + k the DPD is k.
BOUNDARIES = [
    ("2025-03-01", 0, "M0"),
    ("2025-03-02", 1, "M1"),
    ("2025-03-31", 30, "M1"),
    ("2025-04-01", 31, "M2"),     # 30 (rest of March) + 1
    ("2025-04-30", 60, "M2"),
    ("2025-05-01", 61, "M3"),
    ("2025-05-30", 90, "M3"),     # 61 + 29
    ("2025-05-31", 91, "M4"),
    ("2025-06-29", 120, "M4"),    # 91 + 29
    ("2025-06-30", 121, "M5"),
    ("2025-07-29", 150, "M5"),    # 121 + 29
    ("2025-07-30", 151, "M6"),
    ("2025-08-28", 180, "M6"),    # 151 + 29
]


@pytest.mark.parametrize(("day", "dpd", "bucket"), BOUNDARIES)
def test_bucket_boundaries(book, day, dpd, bucket):
    book.loan(20, "2025-02-01", "500.00", [("2025-03-01", "500.00", "10.00", "2.50")])   # 512.50 due
    assert at(book, day) == {20: (dpd, bucket, D("500.00"), D("0.00") if dpd == 0 else D("512.50"))}
    assert status.bucket_of(dpd) == bucket


def test_dpd_181_on_a_loan_still_open_is_charged_off_bucket(book):
    book.loan(20, "2025-02-01", "500.00", [("2025-03-01", "500.00", "10.00", "2.50")])
    assert at(book, "2025-08-29") == {20: (181, "CO", D("500.00"), D("512.50"))}
    assert status.bucket_of(181) == "CO"


def test_payment_time_of_day(book):
    book.loan(10, ORIG, "900.00", STD)
    book.loan(11, ORIG, "900.00", STD)
    book.payment(10, "2026-02-11 23:59:59", "320.00")     # last second of 02-11: counts on 02-11
    book.payment(11, "2026-02-12 00:00:00", "320.00")     # first second of 02-12: counts on 02-12
    assert at(book, "2026-02-10") == {10: (0, "M0", D("900.00"), D("0.00")),
                                      11: (0, "M0", D("900.00"), D("0.00"))}
    assert at(book, "2026-02-11") == {10: (0, "M0", D("600.00"), D("0.00")),
                                      11: (1, "M1", D("900.00"), D("320.00"))}
    assert at(book, "2026-02-12") == {10: (0, "M0", D("600.00"), D("0.00")),
                                      11: (0, "M0", D("600.00"), D("0.00"))}
    derive.derive(book.con, d("2026-02-28"))
    assert settled_on(book, 10) == [d("2026-02-11"), None, None]
    assert settled_on(book, 11) == [d("2026-02-12"), None, None]


def test_active_window_origination_and_closing_days(book):
    book.loan(12, "2026-03-15", "900.00", [("2026-04-15", "900.00", "13.50", "0.00")])
    book.loan(13, ORIG, "900.00", STD, status="settled", closed_date="2026-03-01")
    assert sorted(at(book, "2026-02-28")) == [13]
    assert sorted(at(book, "2026-03-01")) == []            # 13 closed on 03-01; 12 not yet originated
    assert sorted(at(book, "2026-03-14")) == []
    assert at(book, "2026-03-15") == {12: (0, "M0", D("900.00"), D("0.00"))}


def test_mob_counts_month_ends_from_the_origination_month(book):
    # originated on a month-end: in that month-end's snapshot with mob 0; across a year boundary
    book.loan(14, "2025-12-31", "300.00", [("2026-01-31", "100.00", "4.50", "0.00"),
                                           ("2026-02-28", "100.00", "3.00", "0.00"),
                                           ("2026-03-31", "100.00", "1.50", "0.00")])
    book.payment(14, "2026-01-31 20:00:00", "104.50")
    derive.derive(book.con, d("2026-03-30"))                    # 03-31 is after as_of: not built
    assert month_rows(book, 14) == {
        "2025-12-31": (0, 0, "M0", D("300.00"), D("0.00"), "active"),
        "2026-01-31": (1, 0, "M0", D("200.00"), D("0.00"), "active"),      # 300 - 100
        "2026-02-28": (2, 0, "M0", D("200.00"), D("0.00"), "active"),      # inst 2 due today
    }
    derive.derive(book.con, d("2026-04-30"))
    rows = month_rows(book, 14)
    # 03-31 - 02-28 = 31 days; overdue 104.50 + 103.00 - 104.50 = 103.00 (inst 3 due today)
    assert rows["2026-03-31"] == (3, 31, "M2", D("200.00"), D("103.00"), "active")
    # 04-30 - 02-28 = 61; overdue 309.00 - 104.50 = 204.50
    assert rows["2026-04-30"] == (4, 61, "M3", D("200.00"), D("204.50"), "active")


# ------------------------------------------------- the generated book follows the same definitions --
def test_generated_charge_offs_are_dpd_180_in_m6_the_day_before(demo_db):
    con = db.connect(demo_db, read_only=True)
    try:
        days = con.sql("SELECT DISTINCT charge_off_date FROM loans WHERE status = 'charged_off' "
                       "ORDER BY charge_off_date").fetchall()
        assert len(days) >= 10                      # the demo book has charge-offs to check
        for (day,) in days[:: max(1, len(days) // 12)]:
            loans = {r[0] for r in con.sql("SELECT loan_id FROM loans WHERE charge_off_date = $d",
                                           params={"d": day}).fetchall()}
            before = day_status.status_as_of(con, day - dt.timedelta(days=1))
            rows = before.filter(before["loan_id"].is_in(list(loans))).to_dicts()
            assert len(rows) == len(loans), day        # all active the day before
            assert {(r["dpd"], r["bucket"]) for r in rows} == {(180, "M6")}, day
            on_day = day_status.status_as_of(con, day)
            assert not set(on_day["loan_id"].to_list()) & loans, day
            assert on_day["dpd"].max() <= 180             # no active loan is past the charge-off DPD
    finally:
        con.close()
