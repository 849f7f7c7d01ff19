"""Duplicate ids: a repeat within the file is rejected (naming the first row); an id the book already holds is
skipped when the row is identical and rejected when it differs."""

from tests.ingest.helpers import PAYMENTS_HEADER, assert_rejected, book, count, ingest, loan, query, write


def test_duplicate_within_the_file(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n"
                 f"900000001,{loan_id},2026-11-20 10:00:00,10,app\n"
                 f"900000002,{loan_id},2026-11-20 10:00:00,10,app\n"
                 f"900000001,{loan_id},2026-11-21 10:00:00,20,app\n")
    before = count(path, "payments")
    result = ingest(path, file)
    assert_rejected(result, file, 3, "duplicate_id", "column payment_id", "'900000001'", "repeats row 1")
    assert count(path, "payments") == before + 2


def test_duplicate_against_the_database(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    existing = query(path, "SELECT * FROM payments ORDER BY payment_id LIMIT 1").row(0, named=True)
    key = f"{existing['payment_id']},{existing['loan_id']},{existing['paid_at']}"
    same, other = f"{key},{existing['amount']},{existing['channel']}", f"{key},{existing['amount'] + 1},app"
    identical = write(tmp_path, "again.csv", f"{PAYMENTS_HEADER}\n{same}\n")
    before = count(path, "payments")
    result = ingest(path, identical)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 accepted, 0 rejected, 1 skipped as duplicates" in result.stdout
    changed = write(tmp_path, "changed.csv", f"{PAYMENTS_HEADER}\n{other}\n")
    result = ingest(path, changed)
    assert_rejected(result, changed, 1, "duplicate_id", f"'{existing['payment_id']}'", "already in the book")
    assert count(path, "payments") == before
