"""freshness.reading(): on a read-write connection the answers are kept inside the block, and forgotten after it, so
a write after the block is seen (tests/alerts_book.py: derived on 2026-03-31)."""

from __future__ import annotations

from monitor import freshness
from tests import alerts_book


def test_answers_are_kept_inside_the_block_and_forgotten_after(tmp_path):
    book = alerts_book.build(tmp_path / "b.duckdb")
    try:
        with freshness.reading(book.con):
            assert freshness.derived_is_fresh(book.con)
            assert freshness.valid_through(book.con) == alerts_book.DAY
            book.payment(2, "2026-03-20 10:00:00", "100.00")  # a write inside the block is not seen: none is made
            assert freshness.derived_is_fresh(book.con)
        assert not freshness.derived_is_fresh(book.con)  # after it, the payment of 03-20 is
        assert freshness.valid_through(book.con) is None  # a payment before the build: the rows wait for derive
    finally:
        book.close()
