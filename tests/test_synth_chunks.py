"""The generator in chunks (issue 19): a book of more than CHUNK_LOANS loans is drawn a chunk at a time and is whole
and consistent; a book of one chunk is the book it was before chunks."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest

from monitor import db, derive
from monitor.synth import book

from .conftest import DEMO_AS_OF

LOANS = 4000
CHUNK = 1500  # three chunks: 1,334, 1,333 and 1,333 loans


@pytest.fixture(scope="module")
def chunked(tmp_path_factory):
    path = tmp_path_factory.mktemp("chunked") / "book.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(book, "CHUNK_LOANS", CHUNK)
        book.generate(path, LOANS, 7, DEMO_AS_OF)
    return path


@pytest.fixture
def con(chunked):
    con = db.connect(chunked, read_only=True)
    yield con
    con.close()


def one(con, sql: str, **params):
    return con.sql(sql, params=params or None).fetchall()[0]


def test_chunk_sizes(monkeypatch):
    assert book.chunk_sizes(1_000_000) == [1_000_000]
    assert book.chunk_sizes(1_000_001) == [500_001, 500_000]
    assert book.chunk_sizes(10_000_000) == [1_000_000] * 10
    monkeypatch.setattr(book, "CHUNK_LOANS", CHUNK)
    assert book.chunk_sizes(LOANS) == [1334, 1333, 1333]
    assert book.chunk_sizes(1) == [1]


def test_same_seed_same_chunked_book(chunked, tmp_path):
    """The chunks are drawn on a thread while the one before is loaded: the book is still the seed's alone."""
    again = tmp_path / "again.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(book, "CHUNK_LOANS", CHUNK)
        book.generate(again, LOANS, 7, DEMO_AS_OF)
    con = db.connect(again, read_only=True)
    try:
        con.execute(f"ATTACH '{chunked}' AS first (READ_ONLY)")
        for table in ("customers", "loans", "installments", "payments", "restructurings", "collection_actions",
                      "applications", "synthetic_truth", "synthetic_application_truth"):
            for a, b in ((table, f"first.{table}"), (f"first.{table}", table)):
                assert one(con, f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})") == (0,), a
    finally:
        con.close()


def test_ids_unique_and_following_each_other(con):
    # The loans drawn are 1..LOANS; the restructured ones follow them, each with its parent and its restructuring.
    assert one(con, """SELECT count(*), count(DISTINCT loan_id), min(loan_id), max(loan_id)
                       FROM loans WHERE parent_loan_id IS NULL""") == (LOANS, LOANS, 1, LOANS)
    restructured, distinct, first = one(con, """SELECT count(*), count(DISTINCT loan_id), min(loan_id)
                                                FROM loans WHERE parent_loan_id IS NOT NULL""")
    assert restructured == distinct > 10 and first > LOANS
    assert one(con, """SELECT count(*), count(DISTINCT restructuring_id), max(restructuring_id) FROM restructurings
                       JOIN loans n ON n.loan_id = new_loan_id AND n.parent_loan_id = old_loan_id""") == (
        restructured, restructured, one(con, "SELECT max(restructuring_id) FROM restructurings")[0])
    n_customers = one(con, "SELECT count(*) FROM customers")[0]
    assert one(con, "SELECT count(DISTINCT customer_id), min(customer_id), max(customer_id) FROM customers") == (
        n_customers, 1, n_customers)
    assert one(con, "SELECT count(*) FROM loans WHERE customer_id NOT IN (SELECT customer_id FROM customers)") == (0,)
    # A customer's loans all come from one chunk (each chunk draws its own customers), and every chunk has some.
    per_chunk = con.sql("""SELECT (loan_id - 1) // 1334 AS chunk, count(DISTINCT customer_id) FROM loans
                           WHERE parent_loan_id IS NULL GROUP BY 1 ORDER BY 1""").fetchall()
    assert [c for c, _ in per_chunk] == [0, 1, 2] and sum(n for _, n in per_chunk) == n_customers
    assert one(con, "SELECT count(DISTINCT id_number), count(DISTINCT phone) FROM customers")[0] > 0.99 * n_customers
    ids, distinct_ids = one(con, "SELECT count(*), count(DISTINCT payment_id) FROM payments")
    assert ids == distinct_ids == one(con, "SELECT max(payment_id) FROM payments")[0]
    # Payment ids in the order the payments were made, across the chunks.
    assert one(con, """SELECT count(*) FROM (SELECT paid_at, lag(paid_at) OVER (ORDER BY payment_id) AS before
                                             FROM payments) WHERE paid_at < before""") == (0,)
    assert one(con, "SELECT count(*), count(DISTINCT loan_id) FROM synthetic_truth") == (LOANS + restructured,) * 2


def test_chunks_are_drawn_apart(con):
    """Each chunk on a stream of its own: no chunk repeats another's draws."""
    rows = con.sql("""SELECT (loan_id - 1) // 1334 AS chunk, list(principal ORDER BY loan_id)[1:20]
                      FROM loans WHERE parent_loan_id IS NULL GROUP BY 1""").fetchall()
    assert len({tuple(r[1]) for r in rows}) == 3
    first, last = one(con, """SELECT min(origination_date), max(origination_date) FROM loans
                              WHERE loan_id BETWEEN 2668 AND 4000""")
    assert first == dt.date(2024, 11, 1) and last >= DEMO_AS_OF - dt.timedelta(days=3)


def test_every_loan_has_its_installments_and_payments(con):
    assert one(con, "SELECT count(*) FROM loans WHERE loan_id NOT IN (SELECT loan_id FROM installments)") == (0,)
    assert one(con, "SELECT count(*) FROM installments WHERE loan_id NOT IN (SELECT loan_id FROM loans)") == (0,)
    assert one(con, "SELECT count(*) FROM payments WHERE loan_id NOT IN (SELECT loan_id FROM loans)") == (0,)
    # A schedule numbered 1..k without gaps, and a loan paid off has paid every installment by its closing day.
    assert one(con, """SELECT count(*) FROM (SELECT loan_id, count(*) AS n, max(installment_no) AS last
                                             FROM installments GROUP BY 1) WHERE n <> last""") == (0,)
    assert one(con, """SELECT count(*) FROM installment_settlement s JOIN loans l USING (loan_id)
                       WHERE l.status = 'paid_off'
                         AND (s.settled_on IS NULL OR s.settled_on > l.closed_date)""") == (0,)
    paid_off, with_payments = one(con, """SELECT count(*), count(*) FILTER (loan_id IN (SELECT loan_id FROM payments))
                                          FROM loans WHERE status = 'paid_off'""")
    assert paid_off == with_payments > 1000


def test_derived_tables_are_a_fresh_derive(chunked, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(chunked, copy)
    con = db.connect(copy)
    try:
        con.execute(f"ATTACH '{chunked}' AS generated (READ_ONLY)")
        derive.derive(con, DEMO_AS_OF)
        for table in db.DERIVED_TABLES:
            rows = one(con, f"SELECT count(*) FROM {table}")[0]
            assert rows > 0, table
            for a, b in ((table, f"generated.{table}"), (f"generated.{table}", table)):
                assert one(con, f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})") == (0,), a
    finally:
        con.close()


def test_applications_tie_to_the_loans(con):
    approved, distinct_loans, customers_match = one(con, """
        SELECT count(*), count(DISTINCT a.loan_id),
               count(*) FILTER (a.customer_id = l.customer_id AND a.channel = l.channel AND a.product = l.product
                                AND a.amount = l.principal AND a.term_months = l.term_months
                                AND a.application_score = l.application_score
                                AND CAST(a.applied_at AS DATE) <= l.origination_date)
        FROM applications a JOIN loans l USING (loan_id) WHERE a.decision = 'approved'""")
    assert approved == distinct_loans == customers_match == LOANS
    n, distinct_ids, last, declined = one(con, """SELECT count(*), count(DISTINCT application_id), max(application_id),
                                                         count(*) FILTER (decision = 'declined') FROM applications""")
    assert n == distinct_ids == last and declined > 1000
    # Each declined application has its hidden truth, and only those.
    assert one(con, """SELECT count(*) FROM synthetic_application_truth t JOIN applications a USING (application_id)
                       WHERE a.decision = 'declined'""") == (declined,)
    assert one(con, "SELECT count(*) FROM applications WHERE decision = 'declined' AND application_score >= cutoff") \
        == (0,)


def test_a_book_of_one_chunk_is_the_book_of_before(demo_db):
    """The demo book (4,000 loans, seed 7), figures recorded from the generator before chunks."""
    con = db.connect(demo_db, read_only=True)
    try:
        assert one(con, """SELECT count(*), sum(principal), sum(customer_id), count(*) FILTER (status = 'charged_off'),
                                  count(*) FILTER (status = 'paid_off'), max(loan_id) FROM loans""") == (
            4046, Decimal("30172526.01"), 6237365, 88, 2136, 4046)
        assert one(con, """SELECT count(*), sum(monthly_income), count(DISTINCT name), min(phone), max(id_number)
                           FROM customers""") == (3069, Decimal("23556800.00"), 2787, "13001197429",
                                                  "650119199910148168")
        assert one(con, "SELECT count(*), sum(amount_due), sum(interest_due) FROM installments") == (
            35909, Decimal("32092968.13"), Decimal("1838048.06"))
        assert one(con, """SELECT count(*), sum(amount), max(payment_id), min(paid_at), max(paid_at),
                                  sum(payment_id * loan_id) FROM payments""") == (
            20166, Decimal("21528401.64"), 20166, dt.datetime(2024, 11, 12, 10, 56, 39),
            dt.datetime(2026, 11, 29, 22, 59, 52), 391187841469)
        assert one(con, """SELECT count(*), sum(loan_id), count(*) FILTER (outcome = 'promise_to_pay')
                           FROM collection_actions""") == (17214, 24203314, 1421)
        assert one(con, "SELECT count(*), sum(arrears_capitalized), sum(new_loan_id) FROM restructurings") == (
            46, Decimal("8226.01"), 185081)
        assert one(con, """SELECT count(*), count(*) FILTER (decision = 'declined'),
                                  sum(application_id * coalesce(loan_id, 0)), sum(amount) FROM applications""") == (
            5456, 1456, 29009025225, Decimal("42645172.00"))
        assert one(con, "SELECT count(*), round(sum(latent_risk), 6) FROM synthetic_truth") == (4046, 44.161815)
        assert one(con, "SELECT round(sum(latent_risk), 6) FROM synthetic_application_truth") == (3672.019143,)
        assert one(con, "SELECT count(*) FROM complaints") == (8,)
    finally:
        con.close()
