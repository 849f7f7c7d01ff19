"""The derive over Parquet (monitor.engines) on DuckDB: export, derive from the folder, attach; and the translation to
Spark's dialect. Spark itself runs in tests/test_spark_parity.py (make test-spark)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest

from monitor import db, derive, freshness
from monitor.engines import attach, build, duckdb_engine, parquet, spark_sql
from tests.derived_parity import differences, folder_against

DEMO_AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def exported(demo_db, tmp_path_factory):
    """The demo book's source tables exported, and derived from that folder by the DuckDB engine."""
    work = tmp_path_factory.mktemp("engines")
    con = db.connect(demo_db, read_only=True)
    try:
        counts = parquet.export(con, work / "source")
    finally:
        con.close()
    built = duckdb_engine.derive_parquet(work / "source", work / "derived")
    return work, counts, built


def test_export_writes_every_source_row(demo_db, exported):
    work, counts, _ = exported
    con = db.connect(demo_db, read_only=True)
    try:
        for table in (*db.SOURCE_TABLES, "settings"):
            assert differences(con, table, f"(SELECT * FROM {parquet.read_sql(work / 'source', table)})") == (0, 0)
            assert counts[table] == con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        months = con.execute("SELECT count(DISTINCT strftime(paid_at, '%Y-%m')) FROM payments").fetchall()[0][0]
    finally:
        con.close()
    folders = sorted(path.name for path in (work / "source" / "payments").iterdir())
    assert len(folders) == months and folders[0].startswith("paid_month=20")


def test_duckdb_over_parquet_equals_the_books_derive(demo_db, exported):
    """The demo book was derived through its latest day when generated; the folder's derive is the same, row for
    row, with the same column types."""
    work, _, built = exported
    assert built.as_of == DEMO_AS_OF and built.engine == "duckdb"
    con = db.connect(demo_db, read_only=True)
    try:
        found = folder_against(con, work / "derived")
        counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in found}
    finally:
        con.close()
    for table, (rows, diff, same_types) in found.items():
        assert (rows, diff, same_types) == (counts[table], (0, 0), True), table
    assert built.rows == counts


def test_attach_makes_the_folder_the_books_derived_tables(demo_db, exported, tmp_path):
    work, _, built = exported
    book = tmp_path / "book.duckdb"
    shutil.copy(demo_db, book)
    con = db.connect(book)
    try:
        derive.derive(con, dt.date(2026, 6, 30))  # tables of another day, which attach replaces
        assert freshness.fresh_through(con) == dt.date(2026, 6, 30)
        attach.attach(con, work / "derived")
        assert freshness.fresh_through(con) == DEMO_AS_OF
        found = folder_against(con, work / "derived")
        assert all(diff == (0, 0) and same for _, diff, same in found.values())
        assert con.execute("SELECT value FROM settings WHERE key = 'derived_as_of'").fetchall() == [("2026-11-29",)]
    finally:
        con.close()


def test_attach_after_new_data_leaves_the_month_end_rows_valid(demo_db, exported, tmp_path):
    """A payment of the latest day loaded after the export: the attached rows hold through the last month-end, as
    after the book's own derive (monitor.freshness)."""
    work, _, _ = exported
    book = tmp_path / "book.duckdb"
    shutil.copy(demo_db, book)
    con = db.connect(book)
    try:
        loan = con.execute("SELECT min(loan_id) FROM loans WHERE status = 'active'").fetchall()[0][0]
        db.run(con, "INSERT INTO payments SELECT max(payment_id) + 1, $loan, TIMESTAMP '2026-11-29 10:00:00', 12.34, "
                    "'app' FROM payments", {"loan": loan})
        attach.attach(con, work / "derived")
        assert not freshness.derived_is_fresh(con)
        assert freshness.valid_through(con) == dt.date(2026, 10, 31)
    finally:
        con.close()


def test_attach_refuses_a_folder_of_another_charge_off_rule(demo_db, exported, tmp_path):
    work, _, built = exported
    other = tmp_path / "derived"
    shutil.copytree(work / "derived", other)
    build.write(other, build.Build(built.as_of, built.charge_off_dpd + 30, built.engine, built.seconds, built.rows,
                                   built.settings))
    book = tmp_path / "book.duckdb"
    shutil.copy(demo_db, book)
    con = db.connect(book)
    try:
        with pytest.raises(attach.WrongBook, match="charge-off at 211 DPD"):
            attach.attach(con, other)
        (other / build.BUILD_FILE).unlink()
        with pytest.raises(build.NoBuildRecord, match="_build.json"):
            attach.attach(con, other)
    finally:
        con.close()


def _monitor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True, text=True, timeout=300)


def test_the_commands(demo_db, tmp_path):
    book = tmp_path / "book.duckdb"
    shutil.copy(demo_db, book)
    done = _monitor("export", "--db", str(book), "--to", str(tmp_path / "source"))
    assert done.returncode == 0 and "payments" in done.stderr
    done = _monitor("derive", "--source", str(tmp_path / "source"), "--to", str(tmp_path / "derived"))
    assert done.returncode == 0 and "derived through 2026-11-29 on duckdb" in done.stderr
    done = _monitor("attach", "--db", str(book), "--derived", str(tmp_path / "derived"))
    assert done.returncode == 0 and "they match the book's data" in done.stderr
    for args, message in (
            (("derive", "--source", str(tmp_path / "none"), "--to", str(tmp_path / "x")), "no Parquet files"),
            (("derive", "--source", str(tmp_path / "source")), "--source needs --to"),
            (("derive", "--source", str(tmp_path / "source"), "--to", str(tmp_path / "derived"), "--as-of",
              "2099-12-31"), "is after the book's today"),
            (("derive", "--db", str(book), "--engine", "spark"), "give --source too"),
            (("attach", "--db", str(book), "--derived", str(tmp_path / "source")), "no _build.json")):
        done = _monitor(*args)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    assert (tmp_path / "derived" / "_build.json").exists()  # the refused derive left the folder's build as it was


def test_translation_puts_typed_literals_for_the_parameters():
    sql = spark_sql.translate("SELECT $as_of AS d, $dpd AS n, unnest(CAST($days AS DATE[])) AS day",
                              {"as_of": dt.date(2026, 11, 29), "dpd": 181,
                               "days": [dt.date(2026, 11, 29), dt.date(2026, 10, 29)]})
    assert sql == ("SELECT CAST('2026-11-29' AS DATE) AS d, 181 AS n, EXPLODE(CAST(ARRAY(CAST('2026-11-29' AS DATE), "
                   "CAST('2026-10-29' AS DATE)) AS ARRAY<DATE>)) AS day")
    with pytest.raises(KeyError, match=r"\$as_of"):
        spark_sql.translate("SELECT $as_of", {})
    with pytest.raises(TypeError, match="no Spark literal for str"):
        spark_sql.translate("SELECT $name", {"name": "x'; DROP TABLE loans; --"})


def test_translation_spells_duckdb_functions_as_spark_does():
    sql = spark_sql.translate("SELECT strftime(d, '%Y-%m'), CAST(t AS VARCHAR), "
                              "unnest(generate_series(a, b, INTERVAL 1 MONTH)) FROM x", {})
    assert "DATE_FORMAT(d, 'yyyy-MM')" in sql and "CAST(t AS STRING)" in sql and "EXPLODE(SEQUENCE(a, b" in sql


@pytest.mark.parametrize("table", derive.derived_tables(DEMO_AS_OF, 181), ids=lambda table: table.name)
def test_derived_sql_keeps_to_the_portable_subset(table):
    """DESIGN.md §9: no ASOF join, QUALIFY or `::` cast in what both engines run."""
    text = table.rows.upper()
    assert "ASOF" not in text and "QUALIFY" not in text and "::" not in text
