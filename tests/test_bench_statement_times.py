"""bench/statement_times.py: each statement a page runs is counted once, timed, and named by the monitor function whose
query it is (not the helpers that pass SQL on), across the threads of a view (tests/alerts_book.py's four loans)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from monitor import alongside, db, status
from monitor.metrics import delinquency
from tests import alerts_book

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def statement_times():
    spec = importlib.util.spec_from_file_location("bench_statement_times", BENCH / "statement_times.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_statements_are_named_by_the_function_that_runs_them(tmp_path, statement_times):
    path = tmp_path / "b.duckdb"
    alerts_book.build(path).close()

    def page() -> None:
        con = db.connect(path, read_only=True)
        try:
            assert status.active_loans(con, alerts_book.DAY) == 4  # con.execute(...).fetchall(): one statement
            with alongside.Alongside(con) as threads:  # a cursor of its own, on another thread
                totals = threads.submit(delinquency.day_totals, alerts_book.DAY).result()
            assert totals is not None
        finally:
            con.close()

    causes = {cause["function"]: cause for cause in statement_times.explain(page, count=50)}
    assert causes["status.active_loans"]["statements"] == 1
    assert "metrics.delinquency.day_totals" in causes
    assert not any(name.startswith(("query.", "book_schema.run")) for name in causes)
    assert all(cause["seconds"] >= 0 for cause in causes.values())
    assert db.connect.__name__ == "connect"  # put back after the block
