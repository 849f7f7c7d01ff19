"""derive builds a large table in slices of its storage order (derive.ROWS_PER_STATEMENT), so that its memory stays
bounded at 10M loans: the slices together are exactly the table a single statement builds, stored in the same order.
The status paths are sliced by loans and stored by the day their rows end, so each slice is one run of that order."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from monitor import db, derive
from tests.derived_parity import differences

DEMO_AS_OF = dt.date(2026, 11, 29)
ORDER = {"installment_settlement": "loan_id", "loan_month": "month_end",
         "day_snapshot": "as_of", "month_totals": "month_end", "month_rolls": "to_month_end"}


@pytest.fixture
def book(demo_db, tmp_path):
    path = tmp_path / "book.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    yield con
    con.close()


def test_slices_give_the_tables_of_one_statement_in_storage_order(book, monkeypatch):
    for table in db.DERIVED_TABLES:  # the generator's derive: each table in one statement (4,000 loans)
        db.run(book, f"CREATE TABLE whole_{table} AS SELECT * FROM {table}")
    monkeypatch.setattr(derive, "ROWS_PER_STATEMENT", 2_000)
    tables = derive.derived_tables(DEMO_AS_OF, db.charge_off_dpd(book))
    slices = {table.name: derive.table_slices(book, table) for table in tables}
    assert len(slices["installment_settlement"]) >= 15  # about 9 installments a loan: 222 loans a slice
    assert len(slices["loan_status_path"]) >= 3 * len(slices["installment_settlement"]) - 2  # a third the loans each
    assert len(slices["loan_month"]) > 10 and len(slices["day_snapshot"]) == len(derive.snapshot_days(DEMO_AS_OF))
    assert len(slices["loan_segment"]) == 1
    ends = [(part["after"], part["as_of"]) for part in slices["loan_month"]]
    for table in ("month_totals", "month_rolls"):  # its sums of the month-ends sliced as loan_month is
        assert [(part["after"], part["as_of"]) for part in slices[table]] == ends
    derive.derive(book, DEMO_AS_OF)
    for table in db.DERIVED_TABLES:
        assert differences(book, table, f"whole_{table}") == (0, 0), table
    for table, column in ORDER.items():
        assert backward_steps(book, table, column) == 0, table
    # one run by the day the rows end per slice of loans: a day's read skips the row groups of other days
    assert 0 < backward_steps(book, "loan_status_path", "valid_to") < len(slices["loan_status_path"])


def backward_steps(book, table: str, column: str) -> int:
    """How often `column` falls from one stored row of `table` to the next."""
    return book.execute(f"""SELECT count(*) FROM (SELECT {column} < lag({column}) OVER (ORDER BY rowid) AS back
                            FROM {table}) WHERE back""").fetchall()[0][0]


def test_month_end_slices_follow_each_other(book, monkeypatch):
    """Each slice of loan_month takes the month-ends after the one before it up to its own last: none twice, none
    missed, the last one the last month-end on or before the day."""
    monkeypatch.setattr(derive, "ROWS_PER_STATEMENT", 5_000)
    loan_month = next(table for table in derive.derived_tables(DEMO_AS_OF, 181) if table.name == "loan_month")
    slices = derive.table_slices(book, loan_month)
    assert slices[0]["after"] == dt.date.min and slices[-1]["as_of"] == dt.date(2026, 10, 31)
    assert all(later["after"] == earlier["as_of"] for earlier, later in zip(slices, slices[1:], strict=False))
