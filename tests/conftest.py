"""Shared fixtures: a small synthetic book, generated once per test session into a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, db, derive
from monitor.synth.book import generate

ROOT = Path(__file__).resolve().parents[1]
APPTEST_TIMEOUT = 60

# No cache warming in the tests' apps (ui.warm): its reads, in the background after a run, would race a test's own
# writes to the book; the servers the browser tests start inherit it. tests/test_warm.py turns it on.
os.environ["MONITOR_WARM_CACHE"] = "0"

DEMO_AS_OF = dt.date(2026, 11, 29)
DEMO_LOANS = 4000
DEMO_SEED = 7


class _Incidents(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_unexpected_incident(request):
    """A page that fails shows an incident message instead of raising (ui.incident), so AppTest's `exception`
    stays empty: every test fails on an incident logged while it ran, unless marked `incident_expected`."""
    if request.node.get_closest_marker("incident_expected"):
        yield
        return
    handler = _Incidents()
    logger = logging.getLogger("ui.incident")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not handler.records, [r.getMessage() + "\n" + logging.Formatter().formatException(r.exc_info)
                                 for r in handler.records if r.exc_info]


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Path to a generated book of 4,000 loans as of 2026-11-29 (seed 7). Treat it as read-only."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate(path, DEMO_LOANS, DEMO_SEED, DEMO_AS_OF)
    return path


@pytest.fixture(scope="session")
def demo_con(demo_db):
    """A read-only connection to the demo book, shared by the tests that only read it."""
    con = db.connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def scored_db(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo book with a trained model (its file in models/ beside the copy) and scores at the
    as-of day and the 3 month-ends before it, and the application scorecard with every application scored, as
    `make run` builds the demo: every page in full. Treat it as read-only; copy it to change it."""
    from monitor.origination import application_jobs  # scikit-learn only for the tests that score
    from monitor.scoring import jobs

    path = tmp_path_factory.mktemp("scored") / "scored.duckdb"
    shutil.copyfile(demo_db, path)
    jobs.train_model(path, actor=access.COMMAND_USER, promote=True, backtest_months=6)
    jobs.score_book(path, DEMO_AS_OF, month_ends=3)
    application_jobs.train_and_score(path, actor=access.COMMAND_USER)
    return path


@pytest.fixture(scope="session")
def scored_con(scored_db):
    """A read-only connection to the scored book, shared by the tests that only read it."""
    con = db.connect(scored_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def application_scored_db(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo book with the application scorecard trained (its file in models/ beside the copy) and
    every application, approved and declined, scored. Treat it as read-only; copy it to change it."""
    from monitor.origination import application_jobs  # scikit-learn only for the tests that score

    path = tmp_path_factory.mktemp("application_scored") / "application_scored.duckdb"
    shutil.copyfile(demo_db, path)
    application_jobs.train_and_score(path, actor=access.COMMAND_USER)
    return path


@pytest.fixture(scope="session")
def closed_db(tmp_path_factory) -> Path:
    """One loan, paid off on the day it was made: a book with a date but no active loan."""
    path = tmp_path_factory.mktemp("closed") / "closed.duckdb"
    con = db.connect(path, create=True)
    try:
        db.create_schema(con)
        db.run(con, """INSERT INTO loans VALUES (1, 1, 'cash_loan', 'app', DATE '2026-05-01', 1000, 0.2, 1,
                       'equal_installment', 700, 'paid_off', DATE '2026-05-01', NULL, NULL)""")
        db.run(con, "INSERT INTO installments VALUES (1, 1, DATE '2026-06-01', 1000, 16.67, 0, 1016.67)")
        derive.derive(con)
    finally:
        con.close()
    return path


@pytest.fixture
def app(demo_db, monkeypatch) -> AppTest:
    """A fresh app session over the demo book (not yet run)."""
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
