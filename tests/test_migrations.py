"""The schema version is checked on every open: a book of an older version is migrated (monitor.migrations) by a
read-write open or `python -m monitor migrate`, refused read-only with the command to run; a newer one is refused.

A version-1 book is built as such books are: the tables added after the first schema (early warning, simulator,
loading, later quarantine.message_zh) missing, schema_info saying 1."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from monitor import day_status, db
from monitor.compliance import violations
from monitor.synth.book import generate
from tests.derived_parity import differences
from tests.test_cli import assert_bad_input, monitor
from ui.safe_text import escape

AS_OF = "2026-11-29"
ADDED_SINCE_VERSION_1 = ("models", "scores", "score_runs", "scenarios", "ingest_batches", "quarantine",
                         "book_history")


@pytest.fixture(scope="module")
def current_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("migrations") / "current.duckdb"
    generate(path, 300, 3, dt.date.fromisoformat(AS_OF))
    return path


def _raw(path, sql: str, params=None):
    con = duckdb.connect(str(path), config=db.CONFIG)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _tables(path) -> set[str]:
    return {row[0] for row in _raw(path, "SELECT table_name FROM duckdb_tables()")}


def _book_of_version(current_book, tmp_path, version: int, drop=ADDED_SINCE_VERSION_1):
    path = tmp_path / "book.duckdb"
    path.write_bytes(current_book.read_bytes())
    for name in drop:
        _raw(path, f"DROP TABLE {name}")
    _raw(path, "DELETE FROM schema_info")
    _raw(path, "INSERT INTO schema_info VALUES ($v, current_timestamp)", {"v": version})
    return path


def test_a_version_1_book_is_refused_read_only_with_the_command_to_run(current_book, tmp_path):
    path = _book_of_version(current_book, tmp_path, 1)
    for args in (["report", "--as-of", AS_OF], ["simulate", "--as-of", AS_OF, "--paths", "10"],
                 ["status", "--as-of", AS_OF]):
        result = monitor(*args, "--db", path.name, cwd=tmp_path)
        assert_bad_input(result, "schema version 1", "read-only", f"python -m monitor migrate --db {path.name}")
    assert not {"scores", "book_history"} & _tables(path)  # nothing was written


def test_migrate_brings_a_version_1_book_to_the_current_version(current_book, tmp_path):
    path = _book_of_version(current_book, tmp_path, 1)
    result = monitor("migrate", "--db", path.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "schema version 9" in result.stderr and "1 -> 2" in result.stderr and "8 -> 9" in result.stderr
    assert set(ADDED_SINCE_VERSION_1) <= _tables(path)
    assert [r[0] for r in _raw(path, "SELECT version FROM schema_info ORDER BY version")] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert _raw(path, "SELECT event, detail->>'from', detail->>'to' FROM book_history ORDER BY 2") == [
        ("migrate", "1", "2"), ("migrate", "2", "3"), ("migrate", "3", "4"), ("migrate", "4", "5"),
        ("migrate", "5", "6"), ("migrate", "6", "7"), ("migrate", "7", "8"), ("migrate", "8", "9")]
    report = monitor("report", "--as-of", AS_OF, "--db", path.name, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert monitor("migrate", "--db", path.name, cwd=tmp_path).returncode == 0  # again: nothing more to do
    assert len(_raw(path, "SELECT * FROM book_history")) == 8


def test_version_3_keeps_a_rejected_rows_raw_values_only_as_long_as_a_setting_says(current_book, tmp_path):
    """2 -> 3: the setting quarantine_raw_days (90) and a quarantine whose raw column may be emptied; the rows a
    version-2 book kept stay as they were."""
    path = _book_of_version(current_book, tmp_path, 2, drop=())
    _raw(path, "DELETE FROM settings WHERE key = 'quarantine_raw_days'")
    _raw(path, "ALTER TABLE quarantine ALTER COLUMN raw SET NOT NULL")
    _raw(path, "INSERT INTO quarantine VALUES ('b', 'f.csv', 'payments', 1, 'unknown_loan', 'm', '{\"a\":1}', 'zh')")
    con = db.connect(path)
    try:
        assert db.schema_version(con) == db.SCHEMA_VERSION
        assert db.setting(con, "quarantine_raw_days") == "90"
        assert con.execute("SELECT raw FROM quarantine").fetchall() == [('{"a":1}',)]
        db.run(con, "UPDATE quarantine SET raw = NULL")  # what the retention rule does once the days have passed
    finally:
        con.close()


def test_a_version_1_quarantine_gets_its_chinese_message_column(current_book, tmp_path):
    """The oldest loading tables: quarantine without message_zh (kept rows read NULL there)."""
    path = _book_of_version(current_book, tmp_path, 1, drop=("book_history",))
    _raw(path, "INSERT INTO quarantine VALUES ('b', 'f.csv', 'payments', 1, 'unknown_loan', 'm', '{}', 'zh')")
    _raw(path, "ALTER TABLE quarantine DROP COLUMN message_zh")
    con = db.connect(path)  # a read-write open migrates
    try:
        assert db.schema_version(con) == db.SCHEMA_VERSION
        assert con.execute("SELECT message, message_zh FROM quarantine").fetchall() == [("m", None)]
    finally:
        con.close()


def test_version_6_gives_the_derived_status_rows_their_installments_left(current_book, tmp_path):
    """5 -> 6: loan_month and day_snapshot as a version-5 derive built them (no installments_left) get the column,
    equal to what this version's derive builds; a loan's count falls by one at each due date."""
    path = _book_of_version(current_book, tmp_path, 5, drop=())
    rows = {"loan_month": "SELECT loan_id, month_end, installments_left FROM loan_month ORDER BY ALL",
            "day_snapshot": "SELECT loan_id, as_of, installments_left FROM day_snapshot ORDER BY ALL"}
    derived = {table: _raw(current_book, sql) for table, sql in rows.items()}
    for table in rows:
        _raw(path, f"ALTER TABLE {table} DROP COLUMN installments_left")
    db.connect(path).close()  # a read-write open migrates
    for table, sql in rows.items():
        assert _raw(path, sql) == derived[table] and len(derived[table]) > 1000
    loan, due = _raw(path, "SELECT loan_id, min(due_date) FROM installments GROUP BY 1 ORDER BY 1 LIMIT 1")[0]
    term = _raw(path, "SELECT count(*) FROM installments WHERE loan_id = ?", [loan])[0][0]
    con = db.connect(path, read_only=True)
    try:
        left = [day_status.status_as_of(con, day).filter(pl.col("loan_id") == loan)
                for day in (due - dt.timedelta(days=1), due)]
    finally:
        con.close()
    assert [frame["installments_left"].to_list() for frame in left] == [[term], [term - 1]]


def test_version_7_gives_the_collection_actions_what_the_rules_need(current_book, tmp_path):
    """6 -> 7: collection_actions as version 6 held them (no contact columns, the party third_party) are rebuilt with
    the new columns (NULL), the party read as unrelated_third_party; agencies, complaints and the violations table
    are created, the rules' settings written, and the violations judged as a rebuild would."""
    path = _book_of_version(current_book, tmp_path, 6, drop=("agencies", "complaints", "violations"))
    _raw(path, """CREATE TABLE v6 AS SELECT action_id, loan_id, action_at, action_type, agent_id,
                  CASE WHEN contact_party = 'debtor' THEN 'debtor' ELSE 'third_party' END AS contact_party, outcome,
                  ptp_amount, ptp_date FROM collection_actions WHERE outcome <> 'do_not_contact'""")
    _raw(path, "DROP TABLE collection_actions")
    _raw(path, "ALTER TABLE v6 RENAME TO collection_actions")
    _raw(path, "DELETE FROM settings WHERE key LIKE 'compliance_%'")
    third_parties = _raw(path, "SELECT count(*) FROM collection_actions WHERE contact_party = 'third_party'")[0][0]
    assert third_parties > 0
    db.connect(path).close()  # a read-write open migrates
    assert _raw(path, """SELECT count(*) FILTER (WHERE contact_party = 'unrelated_third_party'),
                                count(*) FILTER (WHERE contact_id IS NOT NULL OR agency_id IS NOT NULL)
                         FROM collection_actions""") == [(third_parties, 0)]
    assert _raw(path, "SELECT count(*) FROM settings WHERE key LIKE 'compliance_%'") == [(6,)]
    assert {"agencies", "complaints", "violations"} <= _tables(path)
    kept = _raw(path, "SELECT * FROM violations ORDER BY ALL")
    con = db.connect(path)
    try:
        violations.rebuild(con)
    finally:
        con.close()
    assert kept == _raw(path, "SELECT * FROM violations ORDER BY ALL") and kept  # judged by loan and party


def test_a_read_write_command_migrates_on_open(current_book, tmp_path):
    path = _book_of_version(current_book, tmp_path, 1)
    result = monitor("derive", "--db", path.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _raw(path, "SELECT max(version) FROM schema_info") == [(db.SCHEMA_VERSION,)]


@pytest.mark.parametrize("command", [["status", "--as-of", AS_OF], ["derive"], ["migrate"]])
def test_a_book_of_a_newer_version_is_refused(current_book, tmp_path, command):
    path = _book_of_version(current_book, tmp_path, db.SCHEMA_VERSION + 1, drop=())
    before = path.read_bytes()
    result = monitor(*command, "--db", path.name, cwd=tmp_path)
    assert_bad_input(result, f"schema version {db.SCHEMA_VERSION + 1}", "newer")
    assert path.read_bytes() == before


def test_a_failed_step_leaves_the_book_at_its_version(current_book, tmp_path, monkeypatch):
    """All steps or none: a step that fails rolls back the steps and the version rows before it."""
    from monitor import migrations

    path = _book_of_version(current_book, tmp_path, 1)

    def broken(con):
        migrations._v1_to_v2(con)
        raise duckdb.IOException("IO Error: Could not write file: No space left on device")

    monkeypatch.setitem(migrations.STEPS, 1, broken)
    with pytest.raises(duckdb.IOException):
        db.connect(path)
    assert _raw(path, "SELECT max(version) FROM schema_info") == [(1,)]
    assert "scores" not in _tables(path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_app_on_a_version_1_book_says_what_to_run_in_the_readers_language(current_book, tmp_path, monkeypatch,
                                                                              lang):
    from monitor.i18n import t
    from tests.test_pages_apptest import ROOT, TIMEOUT, run

    path = _book_of_version(current_book, tmp_path, 1)
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang=lang)
    expected = t("book.schema_older", lang, path=path, found=1, current=db.SCHEMA_VERSION)
    assert [e.value for e in at.error] == [t("error.database", lang, message=escape(expected))]  # shown as written


def test_version_8_adds_the_tables_of_applications_empty(current_book, tmp_path):
    """7 -> 8: a book without applications gains the tables of applications, the credit policy and the applicants'
    hidden truth, empty (a lender's older book holds no applications until a file of them is loaded)."""
    path = _book_of_version(current_book, tmp_path, 7,
                            drop=("applications", "credit_policy", "synthetic_application_truth"))
    assert not {"applications", "credit_policy"} & _tables(path)
    db.connect(path).close()  # a read-write open migrates
    assert {"applications", "credit_policy", "synthetic_application_truth"} <= _tables(path)
    assert _raw(path, "SELECT (SELECT count(*) FROM applications) + (SELECT count(*) FROM credit_policy)") == [(0,)]


def test_version_9_sums_the_month_end_totals_and_moves_from_loan_month(current_book, tmp_path):
    """8 -> 9: a derived book without month_totals and month_rolls gains them, equal row for row to what this
    version's derive builds (the current book's own)."""
    path = _book_of_version(current_book, tmp_path, 8, drop=("month_totals", "month_rolls"))
    assert not {"month_totals", "month_rolls"} & _tables(path)
    db.connect(path).close()  # a read-write open migrates
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute(f"ATTACH '{current_book}' AS derived_here (READ_ONLY)")
        for table in ("month_totals", "month_rolls"):
            assert differences(con, table, f"derived_here.{table}") == (0, 0)
            assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] > 0
