"""Plausibility rules that compare a file with the book (issue 13): the customer exists, the loan's channel is from
the book's dictionary, due and promise dates lie within the horizon, installments fit their loan (numbers within the
term, due dates within the term and its grace, principal summing to the loan's, charges within the legal ceiling).
And the demo book's own rows pass every rule: the rules reject nothing a real book holds."""

import datetime as dt

import pytest

from monitor import access, db, limits
from monitor.ingest import load, plausibility, rules, schema
from tests.ingest.helpers import assert_rejected, book, count, ingest, query, write
from tests.ingest.test_plausibility import ACTIONS_HEADER, LOANS_HEADER, loan_row, previewed, reject_of, rejects

INSTALLMENTS_HEADER = "loan_id,installment_no,due_date,principal_due,interest_due,fee_due,amount_due"


def installment(loan_id, no, due, principal, interest="0", fee="0") -> str:
    amount = f"{float(principal) + float(interest) + float(fee):.2f}"
    return f"{loan_id},{no},{due},{principal},{interest},{fee},{amount}\n"


@pytest.fixture()
def a_loan(demo_con) -> dict:
    """An active loan of the demo book with its whole schedule."""
    return demo_con.sql("SELECT loan_id, origination_date, principal, term_months FROM loans "
                        "WHERE status = 'active' ORDER BY loan_id LIMIT 1").pl().row(0, named=True)


@pytest.mark.parametrize("kind", schema.KINDS)
def test_the_book_passes_its_own_rules(demo_db, demo_con, tmp_path, kind):
    """Every row of the demo book, written to a file and loaded into a copy of it, is a duplicate: no rule rejects
    it. (A load checks every row; a preview only the first PREVIEW_CHECKED_ROWS.)"""
    file = tmp_path / f"{kind}.csv"
    columns = ", ".join(schema.names(kind))
    db.run(demo_con, f"COPY (SELECT {columns} FROM {kind}) TO '{file}' (HEADER)")
    outcome = load.load_bytes(book(demo_db, tmp_path), file.read_bytes(), file.name, actor=access.COMMAND_USER)
    assert outcome.rows_rejected == 0, outcome.rejects.head(5)
    assert outcome.rows_duplicate == outcome.rows_total == count_rows(demo_con, kind)


def count_rows(con, kind: str) -> int:
    return con.sql(f"SELECT count(*) FROM {kind}").fetchall()[0][0]


def test_every_date_column_has_an_upper_bound():
    """A date either cannot lie after today (rules.NOT_FUTURE) or lies within today + the horizon."""
    for kind in schema.KINDS:
        dated = {c.name for c in schema.columns(kind) if c.sql_type in ("DATE", "TIMESTAMP")}
        assert dated == set(rules.NOT_FUTURE.get(kind, ())) | set(plausibility.FUTURE_OK.get(kind, ())), kind


def test_a_loan_of_no_customer(demo_con):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(customer_id='987654321')}\n"
                                               f"{loan_row(loan_id='900000002')}\n")
    assert reject_of(outcome, 1, "unknown_customer")[1:] == (
        "column customer_id: '987654321' is no customer in the book", "列 customer_id：'987654321' 不是库中的客户")
    assert list(rejects(outcome)) == [1]


def test_a_loan_channel_outside_the_dictionary(demo_con):
    outcome = previewed(demo_con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(channel='tiktok')}\n"
                                               f"{loan_row(loan_id='900000002', channel='broker')}\n")
    rule, message, _ = reject_of(outcome, 1, "invalid_value")
    assert message == "column channel: 'tiktok' is not one of app, broker, ecommerce, partner_api, social_ads"
    assert list(rejects(outcome)) == [1]


def test_a_channel_the_book_holds_is_in_its_dictionary(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    con = db.connect(path)
    try:
        db.run(con, "UPDATE loans SET channel = 'offline_store' WHERE loan_id = (SELECT min(loan_id) FROM loans)")
        outcome = previewed(con, "loans.csv", f"{LOANS_HEADER}\n{loan_row(channel='offline_store')}\n")
    finally:
        con.close()
    assert outcome.rows_rejected == 0, outcome.rejects


def test_a_billion_yuan_line_for_an_existing_loan(demo_db, tmp_path, a_loan):
    """The line of issue 13: 999,999,999.00 after the last installment of a loan whose schedule is whole."""
    path = book(demo_db, tmp_path)
    loan_id, term = a_loan["loan_id"], a_loan["term_months"]
    due = a_loan["origination_date"] + dt.timedelta(days=31 * term)
    file = write(tmp_path, "installments.csv",
                 INSTALLMENTS_HEADER + "\n" + installment(loan_id, term + 1, due, "999999999.00"))
    before = count(path, "installments")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "schedule_mismatch", f"installment_no: '{term + 1}' is beyond loan {loan_id}'s "
                                                          f"term of {term} months")
    assert_rejected(result, file, 1, "schedule_mismatch", f"loan {loan_id}: the schedule's principal_due sums to")
    assert count(path, "installments") == before
    assert query(path, "SELECT count(*) AS n FROM quarantine WHERE rule = 'schedule_mismatch'")["n"][0] == 2


def test_a_billion_yuan_of_interest(demo_db, tmp_path):
    """Within the term, for a loan landed without its schedule: a charge no loan can carry."""
    path = book(demo_db, tmp_path)
    new_loan(path, tmp_path)
    line = installment(900000001, 1, "2026-12-01", "0", "999999999.00")
    outcome = load.load_bytes(path, (INSTALLMENTS_HEADER + "\n" + line).encode(), "installments.csv",
                              actor=access.COMMAND_USER)
    assert rejects(outcome)[1] == [(
        "schedule_mismatch",
        "loan 900000001: the schedule's interest and fees sum to 999999999.00, above 90.00 (0.36 a year of the "
        "principal)",
        "贷款 900000001：还款计划的利息与费用合计 999999999.00，超过本金按年 0.36 计算的上限 90.00")]
    assert count(path, "installments WHERE loan_id = 900000001") == 0


def new_loan(path, tmp_path, principal="1000", term="3", origination="2026-11-01"):
    file = write(tmp_path, "loans.csv", f"{LOANS_HEADER}\n"
                 f"{loan_row(principal=principal, term_months=term, origination_date=origination)}\n")
    outcome = load.load_bytes(path, file.read_bytes(), file.name, actor=access.COMMAND_USER)
    assert outcome.rows_accepted == 1, outcome.rejects


def test_a_whole_schedule_must_sum_to_the_principal(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    new_loan(path, tmp_path)
    lines = (installment(900000001, 1, "2026-12-01", "333.33", "10") + installment(900000001, 2, "2027-01-01", "333.33")
             + installment(900000001, 3, "2027-02-01", "333.32"))
    outcome = load.load_bytes(path, (INSTALLMENTS_HEADER + "\n" + lines).encode(), "installments.csv",
                              actor=access.COMMAND_USER)
    assert sorted(rejects(outcome)) == [1, 2, 3]
    assert {rule for row in rejects(outcome).values() for rule, _, _ in row} == {"schedule_mismatch"}
    assert rejects(outcome)[1][0][1] == ("loan 900000001: the schedule's principal_due sums to 999.98, not the "
                                         "loan's principal 1000.00 (within 0.01)")
    assert count(path, "installments WHERE loan_id = 900000001") == 0


def test_a_whole_schedule_that_sums_lands(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    new_loan(path, tmp_path)
    lines = (installment(900000001, 1, "2026-12-01", "333.34", "10") + installment(900000001, 2, "2027-01-01", "333.33")
             + installment(900000001, 3, "2027-02-01", "333.33"))
    outcome = load.load_bytes(path, (INSTALLMENTS_HEADER + "\n" + lines).encode(), "installments.csv",
                              actor=access.COMMAND_USER)
    assert outcome.rows_rejected == 0, outcome.rejects
    assert count(path, "installments WHERE loan_id = 900000001") == 3


def test_a_schedule_in_pieces(demo_db, tmp_path):
    """A partial schedule may not exceed the principal; the piece that completes it must make the sum."""
    path = book(demo_db, tmp_path)
    new_loan(path, tmp_path)
    first = installment(900000001, 1, "2026-12-01", "400.00")
    outcome = load.load_bytes(path, (INSTALLMENTS_HEADER + "\n" + first).encode(), "first.csv",
                              actor=access.COMMAND_USER)
    assert outcome.rows_rejected == 0, outcome.rejects
    over = installment(900000001, 2, "2027-01-01", "700.00")
    outcome = load.load_bytes(path, (INSTALLMENTS_HEADER + "\n" + over).encode(), "over.csv", actor=access.COMMAND_USER)
    assert rejects(outcome)[1][0][1] == ("loan 900000001: the schedule's principal_due sums to 1100.00 so far, "
                                         "more than the loan's principal 1000.00")
    rest = installment(900000001, 2, "2027-01-01", "300.00") + installment(900000001, 3, "2027-02-01", "300.00")
    outcome = load.load_bytes(path, (INSTALLMENTS_HEADER + "\n" + rest).encode(), "rest.csv", actor=access.COMMAND_USER)
    assert outcome.rows_rejected == 0, outcome.rejects
    assert count(path, "installments WHERE loan_id = 900000001") == 3


def test_due_dates_within_the_term(demo_con, a_loan):
    loan_id, term, start = a_loan["loan_id"], a_loan["term_months"], a_loan["origination_date"]
    end = query_end(demo_con, loan_id)
    late = end + dt.timedelta(days=plausibility.DUE_GRACE_DAYS + 1)
    line = installment(loan_id, term, late, "1")
    outcome = previewed(demo_con, "installments.csv", INSTALLMENTS_HEADER + "\n" + line)
    messages = [m for rule, m, _ in rejects(outcome)[1] if rule == "schedule_mismatch"]
    assert (f"column due_date: '{late}' is more than {plausibility.DUE_GRACE_DAYS} days after loan {loan_id}'s "
            f"term ends on {end}") in messages, (start, messages)


def query_end(con, loan_id) -> dt.date:
    return con.sql("SELECT CAST(origination_date + to_months(term_months) AS DATE) FROM loans WHERE loan_id = $id",
                   params={"id": loan_id}).fetchall()[0][0]


def test_due_and_promise_dates_beyond_the_horizon(demo_con, a_loan):
    far = limits.book_today(demo_con) + dt.timedelta(days=plausibility.DATE_HORIZON_DAYS + 1)
    outcome = previewed(demo_con, "actions.csv", f"{ACTIONS_HEADER}\n"
                        f"900000001,{a_loan['loan_id']},2026-11-20 10:00:00,call,promise_to_pay,100,{far}\n")
    assert reject_of(outcome, 1, "future_date")[1] == (f"column ptp_date: '{far}' is more than "
                                                       f"{plausibility.DATE_HORIZON_DAYS} days after today "
                                                       f"({limits.book_today(demo_con)})")
    outcome = previewed(demo_con, "installments.csv",
                        INSTALLMENTS_HEADER + "\n" + installment(a_loan["loan_id"], 1, far, "1"))
    assert "future_date" in [rule for rule, _, _ in rejects(outcome)[1]]


def test_a_loan_and_its_schedule_in_one_command(demo_db, tmp_path):
    """The loan tape lands first (schema.KINDS), so its schedule is checked against it in the same command."""
    path = book(demo_db, tmp_path)
    schedule = write(tmp_path, "installments.csv", INSTALLMENTS_HEADER + "\n"
                     + installment(900000001, 1, "2026-12-01", "500.00", "15") + installment(900000001, 2, "2027-01-01",
                                                                                            "500.00", "7.5")
                     + installment(900000001, 3, "2027-02-01", "1.00"))
    loans = write(tmp_path, "loans.csv", f"{LOANS_HEADER}\n{loan_row(term_months='2')}\n")
    result = ingest(path, schedule, loans)
    assert_rejected(result, schedule, 3, "schedule_mismatch", "installment_no: '3' is beyond loan 900000001's term "
                                                              "of 2 months")
    assert count(path, "installments WHERE loan_id = 900000001") == 0  # the whole schedule sums to 1001.00
