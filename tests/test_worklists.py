"""The collectors' worklists and the daily cure curve (monitor.worklists) on a hand-built book, every figure worked
out by hand below; the same answers with derive never run, run through the latest day, and run the day before (a
live day); a past day judged with the data up to it; a young book; and, on the demo book, the M1 entries against
the day status itself.

The book (every loan 900 yuan from 2026-01-09; installments 320 due 02-09, 315 due 03-09, 310 due 04-09; the
charges 20, 15 and 10 are paid before principal):
    loan 1  pays 320 on 02-09                       promise (action 11, 03-08) of 315 for 03-09: nothing paid
    loan 2  pays 320 on 02-09, 315 on 03-10 10:00   promise (action 21, 03-08) of 315 for 03-09: paid a day late
    loan 3  pays 150 on 03-10 08:00 only            promises for 03-10: 500 (03-01), then 200 (03-05, agent A02)
    loan 4  pays 320 on 02-09, 315 on 03-09 10:00   promise (action 41, 03-01) of 100 for 03-09: kept
    loan 5  pays 320 on 02-12, 315 on 03-09 08:00
Entered collection: on 02-09 loans 3 and 5 (5 cured on 02-12, 3 days later), on 03-09 loans 1 and 2 (2 cured the
next day); loan 3 was past due on 03-09 already, so it did not enter again. Scores of 02-28: loan 1 'call',
loan 4 'reminder'; of 03-15 (after the days judged): loan 1 'field'.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from monitor import account, cli, day_status, derive, worklists
from monitor.live import today as live_today
from monitor.worklists import NOT_SCORED

from .builders import Book

D = dt.date(2026, 3, 10)
SCHEDULE = [("2026-02-09", "300", "15", "5"), ("2026-03-09", "300", "10", "5"), ("2026-04-09", "300", "5", "5")]


def build(path) -> Book:
    book = Book(path)
    for loan_id in range(1, 6):
        book.loan(loan_id, "2026-01-09", "900", SCHEDULE, customer_id=loan_id)
    for loan_id, paid_at, amount in ((1, "2026-02-09 09:00:00", "320"), (2, "2026-02-09 09:00:00", "320"),
                                     (2, "2026-03-10 10:00:00", "315"), (3, "2026-03-10 08:00:00", "150"),
                                     (4, "2026-02-09 09:00:00", "320"), (4, "2026-03-09 10:00:00", "315"),
                                     (5, "2026-02-12 11:00:00", "320"), (5, "2026-03-09 08:00:00", "315")):
        book.payment(loan_id, paid_at, amount)
    book.action(11, 1, "2026-03-08 09:00:00", ptp_amount="315", ptp_date="2026-03-09")
    book.action(21, 2, "2026-03-08 09:00:00", ptp_amount="315", ptp_date="2026-03-09")
    book.action(31, 3, "2026-03-01 10:00:00", ptp_amount="500", ptp_date="2026-03-10")
    book.action(32, 3, "2026-03-05 10:00:00", ptp_amount="200", ptp_date="2026-03-10", agent_id="A02")
    book.action(33, 3, "2026-03-06 10:00:00", outcome="no_answer")
    book.action(41, 4, "2026-03-01 09:00:00", ptp_amount="100", ptp_date="2026-03-09")
    for loan_id, day, treatment in ((1, "2026-02-28", "call"), (4, "2026-02-28", "reminder"),
                                    (1, "2026-03-15", "field")):
        book.con.execute("INSERT INTO scores VALUES (?, ?, 0.1, 550, 'D', NULL, NULL, NULL, ?, 'v1', 0, 600)",
                         [loan_id, dt.date.fromisoformat(day), treatment])
    return book


@pytest.fixture(params=["never_derived", "derived", "live_day"])
def con(request, tmp_path):
    """The book with derive never run, run through the latest day (03-10), or run through 03-09 with 03-10's
    payments come in since (a live day: the derived rows are completed on reading)."""
    book = build(tmp_path / "w.duckdb")
    if request.param == "derived":
        derive.derive(book.con)
    elif request.param == "live_day":
        derive.derive(book.con, dt.date(2026, 3, 9))
    yield book.con
    book.close()


def rows(frame: pl.DataFrame, *columns: str) -> list[tuple]:
    return frame.select(columns).rows()


def test_promises_due_today_the_latest_per_loan_with_what_was_paid_since(con):
    due = worklists.worklist(con, "due_today", D)
    assert due.columns == list(worklists.COLUMNS["due_today"])
    # loan 3's later promise (200, A02) replaces the 500 one; 150 paid on 03-10 after it: not kept
    assert rows(due, "loan_id", "customer", "phone", "agent_id", "promised_at", "ptp_amount", "paid", "kept") == [
        (3, "T*****", "138****0003", "A02", dt.datetime(2026, 3, 5, 10), 200.0, 150.0, False)]
    # 29 days past the 02-09 installment; overdue 635 - 150; 130 of the 150 went to principal (20 of charges first)
    assert rows(due, "dpd", "bucket", "overdue_amount", "principal_balance", "treatment") == [
        (29, "M1", 485.0, 770.0, NOT_SCORED)]


def test_promises_broken_yesterday_count_payments_through_the_end_of_the_promised_day(con):
    broken = worklists.worklist(con, "broken_yesterday", D)
    # loan 2 paid 315 on 03-10, a day after its date: broken all the same; loan 4's promise was kept
    assert rows(broken, "loan_id", "ptp_date", "ptp_amount", "paid", "shortfall", "dpd", "principal_balance",
                "treatment") == [(1, dt.date(2026, 3, 9), 315.0, 0.0, 315.0, 1, 600.0, "call"),
                                 (2, dt.date(2026, 3, 9), 315.0, 0.0, 315.0, 0, 300.0, NOT_SCORED)]
    # the account view calls the same promises by the same names (one definition: monitor.promises)
    states = {loan_id: account.collection_actions(con, loan_id, D)["promise"].drop_nulls().to_list()
              for loan_id in (1, 2, 4)}
    assert states == {1: ["broken"], 2: ["broken"], 4: ["kept"]}


def test_loans_entering_m1_today_are_yesterdays_entries_still_unpaid(con):
    m1 = worklists.worklist(con, "entering_m1", D)
    assert m1.columns == list(worklists.COLUMNS["entering_m1"])
    # loan 2 also entered on 03-09 but paid on 03-10; loan 3 was past due already
    assert rows(m1, "loan_id", "due_date", "amount_due", "product", "channel", "dpd", "bucket", "overdue_amount",
                "principal_balance", "treatment") == [
        (1, dt.date(2026, 3, 9), 315.0, "cash_loan", "app", 1, "M1", 315.0, 600.0, "call")]
    assert worklists.totals(m1) == {"loans": 1, "balance": 600.0}


def test_a_past_day_counts_only_what_was_known_by_its_end(con):
    day = dt.date(2026, 3, 9)
    due = worklists.worklist(con, "due_today", day)
    # loan 2's payment of 03-10 is not known on 03-09; not kept first, the most still to pay first
    assert rows(due, "loan_id", "paid", "kept", "dpd", "principal_balance", "treatment") == [
        (1, 0.0, False, 0, 600.0, "call"), (2, 0.0, False, 0, 600.0, NOT_SCORED),
        (4, 315.0, True, 0, 300.0, "reminder")]
    assert worklists.worklist(con, "broken_yesterday", day).height == 0
    assert worklists.worklist(con, "entering_m1", day).height == 0
    # on 02-10 loans 3 and 5 entered the day before and had not paid (5 paid on 02-12); no scores yet
    m1 = worklists.worklist(con, "entering_m1", dt.date(2026, 2, 10))
    assert rows(m1, "loan_id", "dpd", "overdue_amount", "principal_balance", "treatment") == [
        (3, 1, 320.0, 900.0, NOT_SCORED), (5, 1, 320.0, 900.0, NOT_SCORED)]


def test_the_cure_curve_by_entry_day_with_horizons_not_yet_reached_null(con):
    curve = worklists.cure_curve(con, D)
    assert curve.columns == ["entry_day", "loans", "cured_1", "cured_3", "cured_7", "cured_15", "cured_30"]
    # 02-09: loans 3 and 5, 5 cured on 02-12 (day 3); 02-09 + 30 = 03-11 is after 03-10. 03-09: loans 1 and 2,
    # 2 cured on 03-10 (day 1); day 3 onwards not reached
    assert curve.rows() == [(dt.date(2026, 2, 9), 2, 0.0, 0.5, 0.5, 0.5, None),
                            (dt.date(2026, 3, 9), 2, 0.5, None, None, None, None)]
    assert worklists.cure_curve_long(curve).rows() == [
        (dt.date(2026, 2, 9), 2, 1, 0.0), (dt.date(2026, 2, 9), 2, 3, 0.5), (dt.date(2026, 2, 9), 2, 7, 0.5),
        (dt.date(2026, 2, 9), 2, 15, 0.5), (dt.date(2026, 3, 9), 2, 1, 0.5)]


def test_the_cure_curve_of_a_past_day(con):
    assert worklists.cure_curve(con, dt.date(2026, 2, 11)).rows() == [
        (dt.date(2026, 2, 9), 2, 0.0, None, None, None, None)]
    assert worklists.cure_curve(con, dt.date(2026, 2, 12)).rows() == [
        (dt.date(2026, 2, 9), 2, 0.0, 0.5, None, None, None)]
    # the window: 03-10 with 20 days holds the entry day 03-09 only
    assert worklists.cure_curve(con, D, days=20)["entry_day"].to_list() == [dt.date(2026, 3, 9)]


def test_the_pages_view_holds_every_list_and_the_curve_as_computed_alone(con):
    """collections_view computes the lists on cursors alongside the curve: the same frames, in every derived state."""
    view = worklists.collections_view(con, D)
    assert list(view["lists"]) == list(worklists.LISTS)
    for name in worklists.LISTS:
        assert view["lists"][name].equals(worklists.worklist(con, name, D)), name
    assert view["lists"]["entering_m1"]["loan_id"].to_list() == [1]  # not empty: the cursors saw the book
    assert view["cure_curve"].equals(worklists.cure_curve(con, D))


def test_a_young_book_has_empty_lists_and_no_curve(tmp_path):
    book = Book(tmp_path / "young.duckdb")
    book.loan(1, "2026-03-01", "900", [("2026-04-01", "900", "10", "0")])
    try:
        for name in worklists.LISTS:
            frame = worklists.worklist(book.con, name, D)
            assert frame.height == 0 and frame.columns == list(worklists.COLUMNS[name])
        assert worklists.cure_curve(book.con, D).height == 0
        assert worklists.totals(worklists.worklist(book.con, "entering_m1", D)) == {"loans": 0, "balance": 0.0}
    finally:
        book.close()


def test_an_unknown_list_is_refused(con):
    with pytest.raises(ValueError, match="unknown worklist"):
        worklists.worklist(con, "everything", D)


def test_the_export_is_masked_in_words_with_headings(con):
    frame = worklists.export_frame(con, "broken_yesterday", D, "zh")
    assert frame.columns[:3] == ["贷款编号", "客户（已脱敏）", "手机号（已脱敏）"]
    assert frame.row(0)[1:3] == ("T*****", "138****0001")
    assert frame["建议处置"].to_list() == ["电话催收", "未评分"]
    text = worklists.export_csv(con, "due_today", D, "en").decode("utf-8-sig")
    assert "Not scored" in text and "13800000003" not in text and "Test 3" not in text


def test_m1_entries_agree_with_the_day_status(demo_con):
    """On the demo book: the loans entering M1 at d are exactly those at DPD 1 at d and DPD 0 at d - 1 (the Today
    page's entered M1), and the entry day's cohort less those cured the next day."""
    d = demo_con.execute("SELECT max(due_date) + 1 FROM installments WHERE due_date < DATE '2026-11-29'"
                         ).fetchall()[0][0]
    now = day_status.status_as_of(demo_con, d)
    before = day_status.status_as_of(demo_con, d - dt.timedelta(days=1))
    expected = set(now.filter(pl.col("dpd") == 1)["loan_id"]) & set(before.filter(pl.col("dpd") == 0)["loan_id"])
    m1 = worklists.worklist(demo_con, "entering_m1", d)
    assert len(expected) > 0 and set(m1["loan_id"]) == expected
    # the Today page's count of the loans that entered M1 on the day is the same set
    today = live_today.today_view(demo_con, d)
    assert today["entered_m1"] == m1.height
    assert today["entered_m1_balance"] == pytest.approx(worklists.totals(m1)["balance"])
    curve = worklists.cure_curve(demo_con, d)
    cohort = curve.filter(pl.col("entry_day") == d - dt.timedelta(days=1)).row(0, named=True)
    assert round(cohort["loans"] * (1 - cohort["cured_1"])) == m1.height


def test_the_command_line_gives_the_pages_numbers(tmp_path, capsys):
    book = build(tmp_path / "cli.duckdb")
    book.close()
    assert cli.main(["worklists", "--db", str(book.path), "--as-of", "2026-03-10", "--list", "broken_yesterday"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",") == list(worklists.COLUMNS["broken_yesterday"])
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2"] and "T*****" in lines[1]
    assert cli.main(["worklists", "--db", str(book.path), "--as-of", "2026-03-10", "--list", "cure_curve",
                     "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"entry_day": "2026-02-09", "loans": 2, "cured_1": 0.0, "cured_3": 0.5, "cured_7": 0.5, "cured_15": 0.5,
         "cured_30": None},
        {"entry_day": "2026-03-09", "loans": 2, "cured_1": 0.5, "cured_3": None, "cured_7": None, "cured_15": None,
         "cured_30": None}]
    assert cli.main(["worklists", "--db", str(book.path), "--as-of", "2020-01-01", "--list", "due_today"]) == 2
    assert capsys.readouterr().err.startswith("monitor worklists: ")
