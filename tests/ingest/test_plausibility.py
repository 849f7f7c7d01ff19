"""Plausibility rules that need only the file (issue 13): dates from 2000-01-01 and calendar days, ids from 1 to
2^53 - 1 written as digits, terms of 1..120 months, money with 2 decimals and rates with 4 (rejected, not rounded),
codes in plain ASCII (an invisible or look-alike character named in the message), zoned timestamps converted to
local time. Each case is rejected as a row of a file previewed against the demo book, never a crash."""

import datetime as dt

import pytest

from monitor import access, limits
from monitor.ingest import load, plausibility
from tests.ingest.helpers import PAYMENTS_HEADER, book, query

LOANS_HEADER = ("loan_id,customer_id,product,channel,origination_date,principal,annual_rate,term_months,"
                "repayment_method,status")
GOOD_LOAN = ["900000001", "1", "cash_loan", "app", "2026-11-01", "1000", "0.2", "3", "equal_installment", "active"]
ACTIONS_HEADER = "action_id,loan_id,action_at,action_type,outcome,ptp_amount,ptp_date"


def loan_row(**changes: str) -> str:
    names = LOANS_HEADER.split(",")
    return ",".join(changes.get(name, value) for name, value in zip(names, GOOD_LOAN, strict=True))


def previewed(con, name: str, text: str) -> load.Outcome:
    return load.preview(con, text.encode(), name)


def rejects(outcome: load.Outcome) -> dict[int, list[tuple[str, str, str]]]:
    """row -> [(rule, message, message_zh)]"""
    found: dict[int, list] = {}
    for row, rule, message, message_zh in outcome.rejects.select("row_number", "rule", "message",
                                                                 "message_zh").iter_rows():
        found.setdefault(row, []).append((rule, message, message_zh))
    return found


def reject_of(outcome: load.Outcome, row: int, rule: str) -> tuple[str, str, str]:
    """The one reject of the row under `rule` (the row may break other rules too)."""
    found = [r for r in rejects(outcome).get(row, []) if r[0] == rule]
    assert len(found) == 1, (row, rule, outcome.rejects)
    return found[0]


def only_reject(outcome: load.Outcome, row: int) -> tuple[str, str, str]:
    found = rejects(outcome).get(row, [])
    assert len(found) == 1, (row, found, outcome.rejects)
    return found[0]


@pytest.fixture()
def a_loan(demo_con) -> dict:
    return demo_con.sql("SELECT loan_id, origination_date FROM loans WHERE status = 'active' ORDER BY loan_id "
                        "LIMIT 1").pl().row(0, named=True)


@pytest.mark.parametrize(("value", "words"), [
    ("0044-03-15", ("before 2000-01-01",)),
    ("0044-03-15 (BC)", ("before 2000-01-01",)),
    ("1999-12-31", ("before 2000-01-01",)),
    ("infinity", ("not a calendar date",)),
    ("-infinity", ("not a calendar date",)),
])
def test_a_date_outside_the_calendar_is_a_rejected_row(demo_con, value, words):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(origination_date=value)}\n"
                                               f"{loan_row(loan_id='900000002')}\n")
    rule, message, message_zh = only_reject(outcome, 1)
    assert rule == "out_of_range"
    assert f"column origination_date: '{value}'" in message
    assert all(word in message for word in words), message
    assert f"列 origination_date：'{value}'" in message_zh
    assert outcome.rows_accepted == 1 and outcome.rows_rejected == 1
    assert outcome.sample["loan_id"].to_list() == [900000002]


def test_a_non_finite_timestamp_never_leaves_duckdb(demo_con, a_loan):
    """The rejected row's typed value is NULL in the frame: polars and Python never meet 'infinity' or 44 BC.
    (DuckDB casts both to a timestamp; the cast ingest uses takes only ISO text, with or without a zone.)"""
    checked = load.check_file(f"{PAYMENTS_HEADER}\n900000001,{a_loan['loan_id']},infinity,10,app\n"
                              f"900000002,{a_loan['loan_id']},0044-03-15 (BC) 10:00:00,10,app\n".encode(),
                              "payments.csv")
    assert checked.typed["paid_at"].to_list() == [None, None]
    assert checked.file_violations["rule"].to_list() == ["wrong_type", "wrong_type"]  # a timestamp is ISO or zoned


def test_a_non_finite_date_never_leaves_duckdb(demo_con):
    checked = load.check_file(f"{LOANS_HEADER}\n{loan_row(origination_date='infinity')}\n"
                              f"{loan_row(loan_id='900000002', origination_date='0044-03-15 (BC)')}\n".encode(),
                              "loans.csv")
    assert checked.typed["origination_date"].to_list() == [None, None]
    assert checked.file_violations["rule"].to_list() == ["out_of_range", "out_of_range"]


@pytest.mark.parametrize(("column", "value"), [
    ("loan_id", "0"), ("loan_id", "-5"), ("loan_id", "9007199254740992"), ("loan_id", "9223372036854775807"),
    ("customer_id", "0"), ("customer_id", "9007199254740992"),
])
def test_an_id_outside_1_to_2_53(demo_con, column, value):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(**{column: value})}\n")
    rule, message, message_zh = reject_of(outcome, 1, "out_of_range")
    assert (rule, message) == ("out_of_range", f"column {column}: '{value}' must be a whole number from 1 to "
                                                "9007199254740991")
    assert "9007199254740991" in message_zh


def test_the_largest_id_lands(demo_con):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(loan_id='9007199254740991')}\n")
    assert outcome.rows_rejected == 0, outcome.rejects
    assert outcome.sample["loan_id"].to_list() == [2 ** 53 - 1]


def test_a_whole_number_with_a_zero_fraction_is_whole(demo_con):
    """pandas writes a nullable integer column as doubles: 900000001.0 is the loan 900000001."""
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(loan_id='900000001.0')}\n")
    assert outcome.rows_rejected == 0, outcome.rejects
    assert outcome.sample["loan_id"].to_list() == [900000001]


@pytest.mark.parametrize("value", ["1.5", "0x10", "1_000", "1e3", "7.01"])
def test_an_id_must_be_written_in_digits(demo_con, value):
    """DuckDB would cast 1.5 to 2 and 0x10 to 16: an id written so is a wrong type, not a different loan."""
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(loan_id=value)}\n")
    assert only_reject(outcome, 1)[:2] == ("wrong_type", f"column loan_id: '{value}' is not a whole number")


@pytest.mark.parametrize("term", ["0", "121", "600000000"])
def test_a_term_outside_1_to_120_months(demo_con, term):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(term_months=term)}\n")
    rule, message, _ = only_reject(outcome, 1)
    assert (rule, message) == ("out_of_range", f"column term_months: '{term}' must be between 1 and 120")


def test_a_term_of_120_months_lands(demo_con):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(term_months='120')}\n")
    assert outcome.rows_rejected == 0, outcome.rejects


@pytest.mark.parametrize(("column", "value", "places"), [
    ("principal", "100.999", 2), ("principal", "1000.001", 2), ("principal", "1.00499e2", 2),
    ("annual_rate", "0.240049", 4), ("annual_rate", "0.12345", 4),
])
def test_too_many_decimals_are_rejected_not_rounded(demo_con, column, value, places):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(**{column: value})}\n")
    rule, message, message_zh = only_reject(outcome, 1)
    assert (rule, message) == ("too_many_decimals",
                               f"column {column}: '{value}' has more than {places} decimals (not rounded)")
    assert "不做四舍五入" in message_zh


@pytest.mark.parametrize(("column", "value", "landed"), [
    ("principal", "100.990", "100.99"), ("principal", "1e3", "1000.00"), ("annual_rate", "0.24000", "0.2400"),
])
def test_trailing_zeros_are_not_decimals(demo_con, column, value, landed):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(**{column: value})}\n")
    assert outcome.rows_rejected == 0, outcome.rejects
    assert str(outcome.sample[column][0]) == landed


def test_payment_amount_with_three_decimals(demo_con, a_loan):
    outcome = previewed(demo_con, "payments.csv",
                        f"{PAYMENTS_HEADER}\n900000001,{a_loan['loan_id']},2026-11-20 10:00:00,100.999,app\n")
    assert only_reject(outcome, 1)[:2] == ("too_many_decimals",
                                           "column amount: '100.999' has more than 2 decimals (not rounded)")


@pytest.mark.parametrize(("value", "code"), [
    ("app\u200b", "U+200B"), ("\ufeffapp", "U+FEFF"), ("a\u202epp", "U+202E"), ("app\u00a0", "U+00A0"),
    ("ap\u200dp", "U+200D"),
])
def test_a_code_with_an_invisible_character(demo_con, a_loan, value, code):
    outcome = previewed(demo_con, "payments.csv",
                        f"{PAYMENTS_HEADER}\n900000001,{a_loan['loan_id']},2026-11-20 10:00:00,10,{value}\n")
    rule, message, message_zh = only_reject(outcome, 1)
    assert rule == "invalid_value"
    assert message == f"column channel: '{value}' holds an invisible character {code}"
    assert message_zh == f"列 channel：'{value}' 含有不可见字符 {code}"


@pytest.mark.parametrize(("kind", "header", "column", "value", "char", "code"), [
    ("loans", LOANS_HEADER, "channel", "\u0430pp", "\u0430", "U+0430"),         # Cyrillic a
    ("loans", LOANS_HEADER, "channel", "\uff41pp", "\uff41", "U+FF41"),         # full-width a (NFKC: a)
    ("loans", LOANS_HEADER, "product", "cash_lo\u0430n", "\u0430", "U+0430"),
    ("loans", LOANS_HEADER, "status", "\u0430ctive", "\u0430", "U+0430"),
])
def test_a_code_with_a_look_alike_letter(demo_con, kind, header, column, value, char, code):
    outcome = previewed(demo_con, f"{kind}.csv", f"{header}\n{loan_row(**{column: value})}\n")
    rule, message, message_zh = reject_of(outcome, 1, "invalid_value")
    assert rule == "invalid_value"
    assert message.startswith(f"column {column}: '{value}' holds the character '{char}' ({code}), not plain ASCII")
    assert f"'{char}'（{code}）" in message_zh


def test_a_zoned_timestamp_lands_in_local_time(demo_db, tmp_path, a_loan):
    """2026-03-01T00:30:00Z is 08:30 in Shanghai; +08:00 is local already; -05:00 is 13 hours behind; no zone:
    local time as written (Excel's 2026/11/1 0:30 too, as DuckDB reads it)."""
    path = book(demo_db, tmp_path)
    loan_id = a_loan["loan_id"]
    paid = ["2026-11-01T00:30:00Z", "2026-11-01 00:30:00+08:00", "2026-11-01 00:30:00-0500", "2026-11-01 00:30:00+08",
            "2026-11-01 00:30:00", "2026/11/1 0:30"]
    rows = "".join(f"{900000001 + i},{loan_id},{value},10,app\n" for i, value in enumerate(paid))
    outcome = load.load_bytes(path, f"{PAYMENTS_HEADER}\n{rows}".encode(), "payments.csv", actor=access.COMMAND_USER)
    assert outcome.rows_rejected == 0, outcome.rejects
    landed = query(path, "SELECT paid_at FROM payments WHERE payment_id >= 900000001 ORDER BY payment_id")
    assert landed["paid_at"].to_list() == [dt.datetime(2026, 11, 1, 8, 30), dt.datetime(2026, 11, 1, 0, 30),
                                           dt.datetime(2026, 11, 1, 13, 30), dt.datetime(2026, 11, 1, 0, 30),
                                           dt.datetime(2026, 11, 1, 0, 30), dt.datetime(2026, 11, 1, 0, 30)]


def test_the_conversion_is_stated(a_loan):
    text = (f"{PAYMENTS_HEADER}\n900000001,{a_loan['loan_id']},2026-03-01T00:30:00Z,10,app\n"
            f"900000002,{a_loan['loan_id']},2026-03-01 00:30:00,10,app\n"
            f"900000003,{a_loan['loan_id']},2026-03-01 00:30:00-05:00,10,app\n")
    checked = load.check_file(text.encode(), "payments.csv")
    assert plausibility.zone_note(checked.parsed, "payments", "en") == (
        "payments.csv: 2 times written with a time zone were converted to local time (Asia/Shanghai).")
    assert plausibility.zone_note(checked.parsed, "payments", "zh") == (
        "payments.csv：2 个带时区的时间已换算为 Asia/Shanghai 本地时间。")
    local = load.check_file(f"{PAYMENTS_HEADER}\n1,1,2026-03-01 00:30:00,10,app\n".encode(), "p.csv")
    assert plausibility.zone_note(local.parsed, "payments", "en") is None


def test_a_zone_is_converted_before_the_future_is_judged(demo_con, a_loan):
    """16:30Z on the book's today is 00:30 the next day in Shanghai: a future payment; 15:30Z is 23:30 today."""
    today = limits.book_today(demo_con)
    outcome = previewed(demo_con, "payments.csv", f"{PAYMENTS_HEADER}\n"
                        f"900000001,{a_loan['loan_id']},{today}T16:30:00Z,10,app\n"
                        f"900000002,{a_loan['loan_id']},{today}T15:30:00Z,10,app\n")
    rule, message, _ = only_reject(outcome, 1)
    assert rule == "future_date"
    assert f"'{today + dt.timedelta(days=1)} 00:30:00' is after today" in message
    assert 2 not in rejects(outcome)


def test_an_implausible_zone_is_a_wrong_type(demo_con, a_loan):
    outcome = previewed(demo_con, "payments.csv",
                        f"{PAYMENTS_HEADER}\n900000001,{a_loan['loan_id']},2026-11-01 00:30:00+25:00,10,app\n")
    assert only_reject(outcome, 1)[0] == "wrong_type"


def test_dates_of_actions_and_promises(demo_con, a_loan):
    outcome = previewed(demo_con, "actions.csv", f"{ACTIONS_HEADER}\n"
                        f"900000001,{a_loan['loan_id']},infinity,call,promise_to_pay,100,2026-12-01\n"
                        f"900000002,{a_loan['loan_id']},2026-11-20 10:00:00,call,promise_to_pay,100,-infinity\n")
    assert [r[0] for r in rejects(outcome)[1]] == ["wrong_type"]
    assert [r[0] for r in rejects(outcome)[2]] == ["out_of_range"]
    assert "column ptp_date: '-infinity' is not a calendar date" in rejects(outcome)[2][0][1]
