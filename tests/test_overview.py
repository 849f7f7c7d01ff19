"""The Data page's figures against the demo book, each recomputed here with plain SQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from monitor import db, overview

from .conftest import DEMO_AS_OF


@pytest.fixture
def con(demo_db):
    con = db.connect(demo_db, read_only=True)
    yield con
    con.close()


def test_table_summary_lists_every_table_in_order(con):
    summary = overview.table_summary(con)
    expected = [*db.SOURCE_TABLES, *db.DERIVED_TABLES, overview.TRUTH_TABLE]
    assert summary["table"].to_list() == expected
    assert summary.columns == ["table", "kind", "rows", "date_column", "first_date", "last_date"]
    kinds = dict(zip(summary["table"], summary["kind"], strict=True))
    assert kinds["loans"] == "source" and kinds["loan_month"] == "derived"
    assert kinds[overview.TRUTH_TABLE] == "synthetic"


def test_table_summary_counts_and_date_ranges(con):
    for row in overview.table_summary(con).iter_rows(named=True):
        table = row["table"]
        assert row["rows"] == con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0], table
        column = overview.DATE_COLUMNS.get(table)
        assert row["date_column"] == column
        if column is None:
            assert row["first_date"] is None and row["last_date"] is None
            continue
        first, last = con.execute(
            f"SELECT CAST(min({column}) AS DATE), CAST(max({column}) AS DATE) FROM {table}").fetchall()[0]
        assert (row["first_date"], row["last_date"]) == (first, last), table


def test_table_summary_of_the_demo_book(con):
    rows = {r["table"]: r for r in overview.table_summary(con).iter_rows(named=True)}
    assert rows["loans"]["rows"] >= 4000  # the new loans plus their restructured successors
    assert rows["loans"]["last_date"] == DEMO_AS_OF
    assert rows["payments"]["last_date"] <= DEMO_AS_OF
    assert rows["loan_month"]["last_date"] == dt.date(2026, 10, 31)  # the last month-end on or before as-of
    assert rows["installments"]["last_date"] > DEMO_AS_OF  # schedules run into the future


def test_table_summary_skips_tables_not_built(tmp_path):
    con = db.connect(tmp_path / "empty.duckdb", create=True)
    try:
        db.create_schema(con)
        summary = overview.table_summary(con)
    finally:
        con.close()
    assert summary["table"].to_list() == list(db.SOURCE_TABLES)  # no truth: a lender's book never mentions it
    assert summary["rows"].to_list() == [0] * len(summary)


def test_freshness(con):
    fresh = overview.freshness(con)
    assert fresh.latest_data_date == DEMO_AS_OF
    assert fresh.first_data_date == con.execute("SELECT min(origination_date) FROM loans").fetchall()[0][0]
    assert fresh.derived_as_of == DEMO_AS_OF
    assert fresh.derived_as_of == fresh.latest_data_date
    assert fresh.schema_version == db.SCHEMA_VERSION
    assert fresh.timezone == "Asia/Shanghai"


def test_days_old_counts_in_the_books_time_zone(con):
    fresh = overview.freshness(con)
    assert fresh.days_old(dt.datetime(2026, 11, 29, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))) == 0
    assert fresh.days_old(dt.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))) == 2
    # 20:00 UTC on the 29th is already 30 November in Shanghai
    assert fresh.days_old(dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.UTC)) == 1


def test_freshness_without_derived_tables(tmp_path):
    con = db.connect(tmp_path / "empty.duckdb", create=True)
    try:
        db.create_schema(con)
        fresh = overview.freshness(con)
    finally:
        con.close()
    assert fresh.latest_data_date is None and fresh.derived_as_of is None
    assert fresh.days_old() is None


def test_charge_off_policy(con):
    policy = overview.charge_off_policy(con)
    value, description = con.execute(
        "SELECT value, description FROM settings WHERE key = 'charge_off_dpd'").fetchall()[0]
    assert policy.dpd == int(value) == db.DEFAULT_CHARGE_OFF_DPD
    assert policy.description == description
