"""The collection rules (monitor.compliance.rules), worked by hand on each side of their lines: the violations table
(rebuilt, and kept current write by write) and the check before a call (may_contact) must give the same answers.

Loan 1 (customer 1) and loan 2 (customer 2) are in arrears in June 2026; the contact ids are hand-chosen strings
("p1": customer 1's phone, "t1"/"t2": two unrelated third parties of loan 1).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import db
from monitor.compliance import violations
from monitor.compliance.contact_check import may_contact
from monitor.compliance.rules import CODES

from .builders import Book

SCHEDULE = [("2026-05-10", "300.00", "15.00", "0.00"), ("2026-06-10", "300.00", "15.00", "0.00")]


def two_loans(path) -> Book:
    """A new book at `path` with loans 1 and 2 (customers 1 and 2), each in arrears from 11 May 2026."""
    book = Book(path)
    book.loan(1, "2026-04-10", "600.00", SCHEDULE, customer_id=1)
    book.loan(2, "2026-04-10", "600.00", SCHEDULE, customer_id=2)
    return book


@pytest.fixture
def book(tmp_path):
    book = two_loans(tmp_path / "rules.duckdb")
    yield book
    book.close()


def act(book, action_id, at, *, loan=1, contact="p1", party="debtor", outcome="no_answer", kind="call",
        consent=None, answered=None):
    book.action(action_id, loan, at, outcome=outcome, action_type=kind, party=party, contact_id=contact,
                consent=consent, answered=answered,
                ptp_amount="315.00" if outcome == "promise_to_pay" else None,
                ptp_date="2026-06-20" if outcome == "promise_to_pay" else None)


def found(book) -> set[tuple[str, int]]:
    violations.rebuild(book.con)
    return set(book.con.execute("SELECT rule, action_id FROM violations").fetchall())


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# -- quiet hours ---------------------------------------------------------------------------------------------------
def test_quiet_hours_start_at_22_and_end_at_8(book):
    act(book, 1, "2026-06-01 21:59:59", outcome="contacted")
    act(book, 2, "2026-06-01 22:00:00", outcome="contacted")
    act(book, 3, "2026-06-02 07:59:59", outcome="contacted", kind="sms")
    act(book, 4, "2026-06-02 08:00:00", outcome="contacted")
    act(book, 5, "2026-06-02 23:30:00", outcome="contacted", kind="letter")  # a letter is no contact at an hour
    assert found(book) == {("quiet_hours", 2), ("quiet_hours", 3)}
    assert may_contact(book.con, 1, "p1", "debtor", at("2026-06-03 21:59")).allowed
    late = may_contact(book.con, 1, "p1", "debtor", at("2026-06-03 22:00"))
    assert (late.allowed, late.reasons) == (False, ("quiet_hours",))
    assert not may_contact(book.con, 1, "p1", "debtor", at("2026-06-04 07:59")).allowed
    assert may_contact(book.con, 1, "p1", "debtor", at("2026-06-04 08:00")).allowed


def test_the_debtors_consent_allows_a_late_contact_with_them_only(book):
    act(book, 1, "2026-06-01 22:30:00", outcome="contacted", consent=True)
    act(book, 2, "2026-06-01 22:40:00", loan=2, contact="t1", party="unrelated_third_party", outcome="contacted",
        consent=True)
    assert found(book) == {("quiet_hours", 2)}
    assert may_contact(book.con, 1, "p1", "debtor", at("2026-06-02 22:30"), consent=True).allowed
    assert not may_contact(book.con, 1, "t9", "related_third_party", at("2026-06-02 22:30"), consent=True).allowed


def test_the_quiet_hours_are_a_setting(book):
    act(book, 1, "2026-06-01 21:30:00", outcome="contacted")
    assert found(book) == set()
    db.run(book.con, "UPDATE settings SET value = '21' WHERE key = 'compliance_quiet_start_hour'")
    assert found(book) == {("quiet_hours", 1)}
    assert may_contact(book.con, 1, "p1", "debtor", at("2026-06-02 21:30")).reasons == ("quiet_hours",)


# -- unanswered attempts -------------------------------------------------------------------------------------------
def _attempts(book, n, contact="p1", day="2026-06-01", first_id=1, answered_at=()):
    for k in range(n):
        act(book, first_id + k, f"{day} {9 + k:02d}:00:00", contact=contact,
            outcome="contacted" if k in answered_at else "no_answer")


def test_six_unanswered_attempts_a_day_are_allowed_and_a_seventh_is_not(book):
    _attempts(book, 6)
    assert found(book) == set()
    check = may_contact(book.con, 1, "p1", "debtor", at("2026-06-01 16:00"))
    assert (check.allowed, check.reasons, check.found["unanswered_today"]) == (False, ("attempts",), 6)
    assert may_contact(book.con, 1, "p1", "debtor", at("2026-06-01 13:30")).found["unanswered_today"] == 5
    assert may_contact(book.con, 1, "p1", "debtor", at("2026-06-01 13:30")).allowed
    act(book, 7, "2026-06-01 16:00:00")
    assert found(book) == {("attempts", 7)}


def test_attempts_count_per_contact_and_day_and_only_unanswered_calls(book):
    _attempts(book, 7, answered_at=(2,))                # one answered: 6 unanswered in 7 calls
    _attempts(book, 7, contact="p2", first_id=11, day="2026-06-02")  # another contact, another day: its own count
    act(book, 30, "2026-06-01 18:00:00", kind="sms", outcome="contacted")  # a message is no call attempt
    act(book, 31, "2026-06-02 10:30:00")                 # p1 the next day starts again
    assert found(book) == {("attempts", 17)}
    assert may_contact(book.con, 1, "p1", "debtor", at("2026-06-01 20:00"), channel="sms").allowed
    assert may_contact(book.con, 1, "p1", "debtor", at("2026-06-01 20:00")).reasons == ("attempts",)


def test_attempts_to_one_phone_count_across_loans(book):
    _attempts(book, 4)
    for k in range(3):
        act(book, 10 + k, f"2026-06-01 {14 + k}:30:00", loan=2)  # the same phone number, called about loan 2
    assert found(book) == {("attempts", 12)}


# -- unrelated third parties ---------------------------------------------------------------------------------------
def test_an_unrelated_third_party_only_while_the_debtor_cannot_be_reached(book):
    act(book, 1, "2026-06-01 10:00:00", outcome="contacted")          # the debtor answered on 1 June
    act(book, 2, "2026-06-04 10:00:00", contact="t1", party="unrelated_third_party", outcome="contacted")
    act(book, 3, "2026-06-04 11:00:00", contact="s1", party="related_third_party", outcome="contacted")
    act(book, 4, "2026-06-04 12:00:00", loan=2, contact="p2", outcome="no_answer")  # loan 2's debtor never answers
    act(book, 5, "2026-06-04 13:00:00", loan=2, contact="t2", party="unrelated_third_party", outcome="contacted")
    act(book, 6, "2026-06-04 14:00:00", loan=2, contact="p2", outcome="wrong_number")  # reached, but not the debtor
    act(book, 7, "2026-07-02 10:00:00", contact="t1", party="unrelated_third_party", outcome="contacted")
    assert found(book) == {("third_party_reachable", 2)}  # 7: 31 days after the debtor answered (30-day setting)
    blocked = may_contact(book.con, 1, "t1", "unrelated_third_party", at("2026-06-05 10:00"))
    assert (blocked.reasons, blocked.found["last_reached"]) == (("third_party_reachable",), at("2026-06-01 10:00"))
    assert may_contact(book.con, 1, "t1", "unrelated_third_party", at("2026-07-01 10:01")).allowed
    assert may_contact(book.con, 1, "s1", "related_third_party", at("2026-06-05 10:00")).allowed
    assert may_contact(book.con, 2, "t2", "unrelated_third_party", at("2026-06-05 10:00")).allowed


def test_a_third_party_who_asked_not_to_be_contacted_is_not_contacted_again(book):
    act(book, 1, "2026-06-01 10:00:00", contact="t1", party="unrelated_third_party", outcome="do_not_contact")
    act(book, 2, "2026-06-03 10:00:00", contact="t1", party="unrelated_third_party", outcome="contacted")
    act(book, 3, "2026-06-03 11:00:00", contact="t2", party="unrelated_third_party", outcome="contacted")
    act(book, 4, "2026-06-03 12:00:00", loan=2, contact="p2", outcome="do_not_contact")  # a debtor's request
    act(book, 5, "2026-06-04 12:00:00", loan=2, contact="p2", outcome="contacted")  # does not end collection
    assert found(book) == {("do_not_contact", 2)}
    check = may_contact(book.con, 1, "t1", "unrelated_third_party", at("2026-06-05 10:00"))
    assert (check.reasons, check.found["asked_at"]) == (("do_not_contact",), at("2026-06-01 10:00"))
    assert may_contact(book.con, 1, "t2", "unrelated_third_party", at("2026-06-05 10:00")).allowed
    assert may_contact(book.con, 2, "p2", "debtor", at("2026-06-05 10:00")).allowed


def test_every_reason_is_given_at_once_and_said_in_both_languages(book):
    act(book, 1, "2026-06-01 10:00:00", outcome="contacted")
    act(book, 2, "2026-06-01 10:30:00", contact="t1", party="unrelated_third_party", outcome="do_not_contact")
    violations.update(book.con, [1, 2])  # as the writer of the actions does: the request is kept
    check = may_contact(book.con, 1, "t1", "unrelated_third_party", at("2026-06-01 23:00"))
    assert check.reasons == ("quiet_hours", "third_party_reachable", "do_not_contact")
    assert "22" in check.text("en") and "22" in check.text("zh") and check.text("zh") != check.text("en")
    assert check.as_dict()["allowed"] is False


def test_older_rows_without_contact_ids_are_judged_by_loan_and_party(book):
    for k in range(7):
        book.action(k + 1, 1, f"2026-06-01 {9 + k:02d}:00:00", outcome="no_answer")  # no contact id, no answered flag
    assert found(book) == {("attempts", 7)}


# -- kept current write by write -----------------------------------------------------------------------------------
ACTIONS = st.lists(st.tuples(
    st.integers(0, 3 * 24 * 60 - 1),                      # minute of a 3-day window
    st.sampled_from([1, 2]),                              # loan
    st.sampled_from(["p1", "p2", "t1", "t2"]),           # contact (t*: unrelated third parties of the loan)
    st.sampled_from(["no_answer", "contacted", "do_not_contact"]),
    st.sampled_from(["call", "ivr", "sms"])), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(actions=ACTIONS, cuts=st.lists(st.integers(1, 39), max_size=4))
def test_the_table_kept_current_batch_by_batch_equals_a_rebuild(tmp_path_factory, actions, cuts):
    book = two_loans(tmp_path_factory.mktemp("batches") / "b.duckdb")
    try:
        ordered = actions  # in any order: a file of older actions may land after newer ones
        bounds = [0, *sorted({c for c in cuts if c < len(ordered)}), len(ordered)]
        next_id = 1
        for start, end in zip(bounds, bounds[1:], strict=False):
            ids = []
            for minute, loan, contact, outcome, kind in ordered[start:end]:
                party = "debtor" if contact.startswith("p") else "unrelated_third_party"
                act(book, next_id, dt.datetime(2026, 6, 1) + dt.timedelta(minutes=minute), loan=loan,
                    contact=contact, party=party, outcome=outcome, kind=kind)
                ids.append(next_id)
                next_id += 1
            violations.update(book.con, ids)
        tables = ("violations", "contact_requests")
        kept = {table: sorted(book.con.execute(f"SELECT * FROM {table}").fetchall()) for table in tables}
        violations.rebuild(book.con)
        assert kept == {table: sorted(book.con.execute(f"SELECT * FROM {table}").fetchall()) for table in tables}
    finally:
        book.close()


def test_a_batch_of_older_actions_is_judged_with_the_later_ones_it_changes(book):
    """A file of last week's calls lands after today's: today's seventh attempt becomes a violation."""
    act(book, 1, "2026-06-01 18:00:00")
    violations.update(book.con, [1])
    _attempts(book, 6, first_id=2)  # 09:00 .. 14:00, loaded later
    violations.update(book.con, range(2, 8))
    assert set(book.con.execute("SELECT rule, action_id FROM violations").fetchall()) == {("attempts", 1)}


def test_every_rule_has_its_labels(book):
    from monitor.i18n import LANGUAGES, t

    for code in CODES:
        for lang in LANGUAGES:
            assert t(f"compliance.rule.{code}", lang) != f"compliance.rule.{code}"
            assert t(f"compliance.check.blocked.{code}", lang, hour="22:00", unanswered_today=6, max_unanswered=6,
                     last_reached="2026-06-01 10:00", asked_at="2026-06-01 10:00", quiet_start=22, quiet_end=8,
                     reachable_days=30)
