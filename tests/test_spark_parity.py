"""Parity of the two engines (issue 19): a 20,000-loan book derived on Apache Spark and on DuckDB from the same
Parquet, every derived row equal to the fen and the day, and the report JSON of the book with Spark's tables
attached equal to the report after the book's own derive. Runs with `make test-spark` (pyspark and Java 17)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from monitor import db, report
from monitor.engines import attach, duckdb_engine, parquet, spark_engine
from monitor.synth.book import generate
from tests.derived_parity import folder_against

pytestmark = pytest.mark.spark

AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """A 20k-loan book (derived in the book by the generator), its source as Parquet, and both engines' derive."""
    work = tmp_path_factory.mktemp("parity")
    book = work / "book.duckdb"
    generate(book, 20_000, 19, AS_OF)
    con = db.connect(book, read_only=True)
    try:
        parquet.export(con, work / "source")
    finally:
        con.close()
    built = {"duckdb": duckdb_engine.derive_parquet(work / "source", work / "duckdb"),
             "spark": spark_engine.derive_parquet(work / "source", work / "spark")}
    return work, book, built


def test_spark_derives_every_row_as_duckdb_does(engines):
    work, book, built = engines
    assert built["spark"].as_of == built["duckdb"].as_of == AS_OF
    assert built["spark"].rows == built["duckdb"].rows
    assert built["spark"].settings[2:] == built["duckdb"].settings[2:]  # the same source read (derived_at aside)
    con = db.connect(book, read_only=True)
    try:
        against_duckdb = folder_against(con, work / "spark", lambda table: parquet.read_sql(work / "duckdb", table))
        against_book = folder_against(con, work / "spark")
    finally:
        con.close()
    for table in db.DERIVED_TABLES:
        rows, diff, same_types = against_book[table]
        assert rows == built["duckdb"].rows[table] > 0
        assert (diff, same_types) == ((0, 0), True), table
        assert against_duckdb[table][1:] == ((0, 0), True), table


def test_report_from_sparks_tables_equals_the_books_own(engines, tmp_path):
    work, book, _ = engines
    attached = tmp_path / "attached.duckdb"
    shutil.copy(book, attached)
    con = db.connect(attached)
    try:
        attach.attach(con, work / "spark")
    finally:
        con.close()
    reports = []
    for path in (book, attached):
        con = db.connect(path, read_only=True)
        try:
            figures = report.build_report(con, AS_OF)
        finally:
            con.close()
        assert figures["derived"].pop("built_at")  # when each was built: the one figure that differs
        reports.append(report.to_json(figures))
    assert reports[0] == reports[1]
    assert '"state": "complete"' in reports[0]  # every derived row read as it is
