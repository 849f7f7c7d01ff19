"""status_as_of and loan_month against an independent pure-Python reference of DESIGN.md §4.

The reference walks the installments in order and pours paid(d) into each one, fees and interest first,
then principal (a waterfall), all in integer fen. It shares no code with monitor.status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import day_status, derive
from tests.builders import Book, yuan

ONE_DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------------------- reference --
@dataclass(frozen=True)
class Inst:
    due: dt.date
    principal: int   # fen
    interest: int
    fee: int

    @property
    def amount(self) -> int:
        return self.principal + self.interest + self.fee


@dataclass(frozen=True)
class Loan:
    loan_id: int
    origination: dt.date
    closed: dt.date | None
    schedule: tuple[Inst, ...]
    payments: tuple[tuple[dt.datetime, int], ...]   # (paid_at, fen)

    @property
    def principal(self) -> int:
        return sum(i.principal for i in self.schedule)


def ref_bucket(dpd: int) -> str:
    if dpd == 0:
        return "M0"
    if dpd >= 181:
        return "CO"
    for k, top in enumerate((30, 60, 90, 120, 150, 180), start=1):
        if dpd <= top:
            return f"M{k}"
    raise AssertionError(dpd)


def ref_paid(loan: Loan, d: dt.date) -> int:
    """paid(d): payments with paid_at before d + 1 day."""
    end = dt.datetime.combine(d + ONE_DAY, dt.time(0, 0))
    return sum(amount for at, amount in loan.payments if at < end)


def ref_status(loan: Loan, d: dt.date) -> tuple[int, str, int, int] | None:
    """(dpd, bucket, principal_balance fen, overdue fen) at the end of d, or None if not active."""
    if not (loan.origination <= d and (loan.closed is None or loan.closed > d)):
        return None
    paid = ref_paid(loan, d)
    left = paid
    repaid = 0
    dpd = None
    due_before = 0
    for inst in loan.schedule:
        to_charges = min(left, inst.interest + inst.fee)
        left -= to_charges
        to_principal = min(left, inst.principal)
        left -= to_principal
        repaid += to_principal
        settled = to_charges == inst.interest + inst.fee and to_principal == inst.principal
        if inst.due < d:
            due_before += inst.amount
            if not settled and dpd is None:
                dpd = (d - inst.due).days
    dpd = dpd or 0
    return dpd, ref_bucket(dpd), loan.principal - repaid, max(0, due_before - paid)


def fen(value: Decimal) -> int:
    """Decimal yuan from the database -> integer fen, refusing anything finer than a fen."""
    cents = value * 100
    assert cents == cents.to_integral_value(), value
    return int(cents)


# -------------------------------------------------------------------------------------- strategies --
@st.composite
def loans(draw, loan_id: int) -> Loan:
    origination = draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 6, 30)))
    n = draw(st.integers(1, 12))
    schedule = []
    due = origination
    for k in range(n):
        due = due + dt.timedelta(days=draw(st.sampled_from([28, 30, 31]) | st.integers(1, 45)))
        principal = draw(st.integers(1 if k == 0 else 0, 300_000))
        interest = draw(st.integers(0, 30_000))
        fee = draw(st.sampled_from([0, 0, 500]) | st.integers(0, 10_000))
        if principal + interest + fee == 0:
            fee = 1
        schedule.append(Inst(due, principal, interest, fee))
    total = sum(i.amount for i in schedule)
    cum = [sum(i.amount for i in schedule[: k + 1]) for k in range(n)]
    last = schedule[-1].due
    span = (last - origination).days + 60

    amount = (st.integers(1, total + total // 3 + 1)            # anything, over-payments included
              | st.sampled_from([i.amount for i in schedule])   # exactly one installment
              | st.sampled_from(cum)                            # exactly up to an installment
              | st.integers(1, 2_000))                          # small partials
    moment = st.builds(
        lambda day, sec: dt.datetime.combine(origination + dt.timedelta(days=day), dt.time()) + dt.timedelta(
            seconds=sec),
        st.integers(0, span),
        st.sampled_from([0, 86_399]) | st.integers(0, 86_399),  # midnight and the last second, often
    )
    payments = tuple(draw(st.lists(st.tuples(moment, amount), max_size=8)))
    closed = draw(st.none() | st.integers(0, span).map(lambda k: origination + dt.timedelta(days=k)))
    return Loan(loan_id, origination, closed, tuple(schedule), payments)


@st.composite
def books(draw) -> tuple[list[Loan], list[dt.date]]:
    book = [draw(loans(loan_id)) for loan_id in range(1, draw(st.integers(1, 3)) + 1)]
    first = min(loan.origination for loan in book) - dt.timedelta(days=3)
    last = max(loan.schedule[-1].due for loan in book) + dt.timedelta(days=200)
    days = set(draw(st.lists(st.dates(first, last), min_size=1, max_size=4)))
    # always some days around a due date: the day before, the day and the day after
    inst = draw(st.sampled_from([i for loan in book for i in loan.schedule]))
    days |= {inst.due - ONE_DAY, inst.due, inst.due + ONE_DAY}
    # and the day of a payment, if any
    moments = [at for loan in book for at, _ in loan.payments]
    if moments:
        days.add(draw(st.sampled_from(moments)).date())
    return book, sorted(days)


# ---------------------------------------------------------------------------------------- database --
@pytest.fixture(scope="module")
def db_book(tmp_path_factory):
    book = Book(tmp_path_factory.mktemp("props") / "props.duckdb")
    yield book
    book.close()


def load(book: Book, loans_: list[Loan]) -> None:
    book.con.begin()
    try:
        book.clear()
        for loan in loans_:
            book.loan(loan.loan_id, loan.origination, yuan(loan.principal),
                      [(i.due, yuan(i.principal), yuan(i.interest), yuan(i.fee)) for i in loan.schedule],
                      status=None if loan.closed is None else "paid_off", closed_date=loan.closed)
            for at, amount in loan.payments:
                book.payment(loan.loan_id, at, yuan(amount))
    except Exception:
        book.con.rollback()
        raise
    book.con.commit()


def ref_month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every calendar month-end e with first <= e <= last."""
    ends, year, month = [], first.year, first.month
    while True:
        end = dt.date(year + month // 12, month % 12 + 1, 1) - ONE_DAY
        if end > last:
            return ends
        ends.append(end)
        year, month = year + month // 12, month % 12 + 1


def db_status(book: Book, d: dt.date) -> dict[int, tuple[int, str, int, int]]:
    frame = day_status.status_as_of(book.con, d)
    return {r["loan_id"]: (r["dpd"], r["bucket"], fen(r["principal_balance"]), fen(r["overdue_amount"]))
            for r in frame.to_dicts()}


PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------------- tests --
@PROPS
@given(books())
def test_status_as_of_equals_the_reference(db_book, case):
    loans_, days = case
    load(db_book, loans_)
    previous_balance: dict[int, int] = {}
    for d in days:
        got = db_status(db_book, d)
        want = {loan.loan_id: s for loan in loans_ if (s := ref_status(loan, d)) is not None}
        assert got == want, f"on {d}"
        for loan in loans_:
            if loan.loan_id not in got:
                continue
            dpd, bucket, balance, overdue = got[loan.loan_id]
            assert 0 <= balance <= loan.principal
            assert overdue >= 0
            assert dpd >= 0
            # dpd == 0 iff no installment due before d is unsettled (cum_due(k) > paid(d))
            paid = ref_paid(loan, d)
            cum, unsettled_due_before = 0, False
            for inst in loan.schedule:
                cum += inst.amount
                unsettled_due_before |= inst.due < d and cum > paid
            assert (dpd == 0) == (not unsettled_due_before)
            assert (bucket == "M0") == (dpd == 0)
            # the principal balance never increases with d
            assert balance <= previous_balance.get(loan.loan_id, loan.principal)
            previous_balance[loan.loan_id] = balance


@PROPS
@given(books(), st.data())
def test_loan_month_equals_status_as_of_at_every_month_end(db_book, case, data):
    loans_, days = case
    load(db_book, loans_)
    as_of = days[-1]
    derive.derive(db_book.con, as_of)
    rows = db_book.con.sql(
        "SELECT loan_id, month_end, mob, dpd, bucket, principal_balance, overdue_amount, status "
        "FROM loan_month").fetchall()
    by_month: dict[dt.date, dict[int, tuple]] = {}
    for loan_id, month_end, mob, dpd, bucket, balance, overdue, state in rows:
        by_month.setdefault(month_end, {})[loan_id] = (dpd, bucket, fen(balance), fen(overdue))
        origination = next(loan.origination for loan in loans_ if loan.loan_id == loan_id)
        assert mob == (month_end.year - origination.year) * 12 + month_end.month - origination.month
        assert state == "active"
    first = min(loan.origination for loan in loans_)
    ends = ref_month_ends(first, as_of)
    assert set(by_month) <= set(ends)
    for end in ends:
        want = {loan.loan_id: s for loan in loans_ if (s := ref_status(loan, end)) is not None}
        assert by_month.get(end, {}) == want, f"loan_month at {end}"
    # status_as_of on some of those month-ends (each query costs ~15 ms; all of them are checked
    # against the reference above, and status_as_of against the reference on other days)
    if ends:
        for end in data.draw(st.lists(st.sampled_from(ends), min_size=1, max_size=3, unique=True)):
            assert db_status(db_book, end) == by_month.get(end, {}), f"status_as_of vs loan_month at {end}"
