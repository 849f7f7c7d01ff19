"""Loading the same file twice changes nothing; the same payment in another file is skipped as a duplicate."""

from monitor import db
from tests.ingest.helpers import PAYMENTS_HEADER, book, count, ingest, loan, query, write


def snapshot_rows(path) -> dict[str, int]:
    """Row counts of every table: equal snapshots mean the load changed nothing."""
    return {table: count(path, table) for table in (*db.SOURCE_TABLES, "ingest_batches", "quarantine")}


def test_same_file_twice_changes_nothing(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n"
                 f"900000001,{loan_id},2026-11-20 10:00:00,10,app\n"
                 f"900000002,{loan_id},2026-11-20 10:00:00,-1,app\n")
    first = ingest(path, file)
    assert first.returncode == 1
    before = snapshot_rows(path)
    second = ingest(path, file)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "skipped: already loaded on" in second.stdout and file.name in second.stdout
    assert snapshot_rows(path) == before


def test_same_payment_in_another_file_is_skipped(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    row = f"900000001,{loan_id},2026-11-20 10:00:00,10.00,app"
    one = write(tmp_path, "monday.csv", f"{PAYMENTS_HEADER}\n{row}\n")
    two = write(tmp_path, "tuesday.csv", f"{PAYMENTS_HEADER}\n{row}\n900000002,{loan_id},2026-11-21 10:00:00,5,app\n")
    before = count(path, "payments")
    assert ingest(path, one).returncode == 0
    result = ingest(path, two)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 accepted, 0 rejected, 1 skipped as duplicates" in result.stdout
    assert count(path, "payments") == before + 2
    batches = query(path, "SELECT file_name, rows_accepted, rows_duplicate FROM ingest_batches ORDER BY loaded_at")
    assert batches["rows_duplicate"].to_list() == [0, 1]
