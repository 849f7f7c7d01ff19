"""freshness on read-only connections: one computation per state of the book file in a process, shared by every
read-only connection and cursor (the dashboard opens one per loader, a view one cursor per thread), and computed
again after any write (tests/alerts_book.py: four loans derived on 2026-03-31; 1,500.00 paid by then)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from monitor import db, freshness
from tests import alerts_book


@pytest.fixture
def computations(monkeypatch):
    """The days whose data_through was computed (not served from memory)."""
    days: list[dt.date] = []
    compute = freshness._data_through

    def counted(con, as_of):
        days.append(as_of)
        return compute(con, as_of)
    monkeypatch.setattr(freshness, "_data_through", counted)
    return days


def _paid_by(through: str) -> str:
    """The sum of the payments made by the day, as data_through writes it (its fifth value)."""
    return through.split(",")[4]


def test_read_only_connections_and_their_cursors_share_one_computation(tmp_path, computations):
    path = tmp_path / "b.duckdb"
    alerts_book.build(path).close()
    computations.clear()  # derive's own, on its read-write connection
    first = db.connect(path, read_only=True)
    assert _paid_by(freshness.data_through(first, alerts_book.DAY)) == "1500.00"
    assert _paid_by(freshness.data_through(first.cursor(), alerts_book.DAY)) == "1500.00"
    first.close()
    second = db.connect(path, read_only=True)
    assert _paid_by(freshness.data_through(second, alerts_book.DAY)) == "1500.00"
    assert freshness.derived_is_fresh(second)
    second.close()
    assert computations == [alerts_book.DAY]


def test_a_write_between_two_read_only_connections_is_seen(tmp_path, computations):
    path = tmp_path / "b.duckdb"
    alerts_book.build(path).close()
    computations.clear()
    reader = db.connect(path, read_only=True)
    before = freshness.data_through(reader, alerts_book.DAY)
    assert freshness.valid_through(reader) == alerts_book.DAY
    reader.close()

    writer = duckdb.connect(str(path))
    writer.execute("INSERT INTO payments SELECT max(payment_id) + 1, 2, TIMESTAMP '2026-03-20 10:00:00', 100.00, "
                   "'app' FROM payments")
    writer.close()

    reader = db.connect(path, read_only=True)
    after = freshness.data_through(reader, alerts_book.DAY)
    assert _paid_by(before) == "1500.00" and _paid_by(after) == "1600.00"
    assert not freshness.derived_is_fresh(reader)
    assert freshness.valid_through(reader) is None  # a payment before the build: the derived rows wait for derive
    reader.close()
    assert computations.count(alerts_book.DAY) == 2


def test_a_read_write_connection_computes_every_time(tmp_path, computations):
    book = alerts_book.build(tmp_path / "b.duckdb")
    computations.clear()
    try:
        freshness.data_through(book.con, alerts_book.DAY)
        freshness.data_through(book.con, alerts_book.DAY)
        assert computations == [alerts_book.DAY, alerts_book.DAY]
    finally:
        book.close()
