"""The catalog's readings on a hand-built book (tests/alerts_book.py), worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.alerts import catalog
from tests import alerts_book


@pytest.fixture
def con(tmp_path):
    book = alerts_book.build(tmp_path / "b.duckdb")
    yield book.con
    book.close()


def test_30_plus_rate_by_balance(con):
    # 30+ at 03-31: loan 2 (DPD 49, 900) of 300 + 900 + 300 + 600 = 2100 active
    assert catalog.read(con, "dpd30_balance", alerts_book.DAY).value == pytest.approx(900 / 2100)
    # by count: 1 of 4; in a segment the book holds (every loan is channel app)
    assert catalog.read(con, "dpd30_count", alerts_book.DAY, "channel", "app").value == pytest.approx(0.25)


def test_m1_to_m2_roll_by_balance(con):
    # M1 at 02-28: loans 2 and 3, 900 each; at 03-31 loan 2 is in M2, loan 3 back in M0
    assert catalog.read(con, "roll_m1_m2", alerts_book.DAY).value == pytest.approx(0.5)
    assert catalog.read(con, "cure_m1", alerts_book.DAY).value == pytest.approx(0.5)


def test_hours_since_the_last_batch(con):
    # the batch landed 03-31 17:00: 7 hours to the end of 03-31, 31 to the end of 04-01
    assert catalog.read(con, "hours_since_batch", alerts_book.DAY).value == pytest.approx(7)
    assert catalog.read(con, "hours_since_batch", dt.date(2026, 4, 1)).value == pytest.approx(31)


def test_a_metric_without_a_value_says_why(con):
    con.execute("DELETE FROM ingest_batches").fetchall()
    assert catalog.read(con, "hours_since_batch", alerts_book.DAY) == catalog.Reading(None, "no_batch")
    assert catalog.read(con, "model_psi", alerts_book.DAY) == catalog.Reading(None, "no_model")
