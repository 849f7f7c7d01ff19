"""monitor.months, the one calendar-month arithmetic: worked by hand, and its SQL twin against the Python."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from monitor.months import months_between, months_between_sql, same_day_months_before

D = dt.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2026, 3, 31), 1, D(2026, 2, 28)),   # February is shorter: its end
    (D(2024, 3, 30), 1, D(2024, 2, 29)),   # a leap February
    (D(2024, 2, 29), 12, D(2023, 2, 28)),
    (D(2026, 1, 15), 1, D(2025, 12, 15)),  # across the year
    (D(2026, 12, 4), 12, D(2025, 12, 4)),
])
def test_same_day_months_before(day, months, expected):
    assert same_day_months_before(day, months) == expected


@pytest.mark.parametrize(("first", "last", "expected"), [
    (D(2026, 1, 31), D(2026, 2, 1), 1), (D(2025, 12, 1), D(2026, 1, 31), 1), (D(2024, 5, 20), D(2026, 5, 1), 24),
    (D(2026, 5, 20), D(2026, 5, 1), 0),
])
def test_months_between_in_python_and_sql(first, last, expected):
    assert months_between(first, last) == expected
    con = duckdb.connect()
    try:
        found = con.execute(f"SELECT {months_between_sql('$first', '$last')}", {"first": first, "last": last})
        assert found.fetchall()[0][0] == expected
    finally:
        con.close()
