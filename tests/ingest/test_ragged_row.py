"""A row with too few or too many fields is rejected with both counts; its text is kept in quarantine."""

from tests.ingest.helpers import PAYMENTS_HEADER, assert_rejected, book, count, ingest, loan, quarantine, write


def test_ragged_rows(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n"
                 f"900000001,{loan_id},2026-11-20 10:00:00,10\n"
                 f'900000002,{loan_id},2026-11-20 10:00:00,10,app,extra\n'
                 f'900000003,{loan_id},"2026-11-20 10:00:00",10,"app"\n')
    before = count(path, "payments")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "ragged_row", "has 4 fields, the header has 5")
    assert_rejected(result, file, 2, "ragged_row", "has 6 fields")
    assert count(path, "payments") == before + 1
    assert "extra" in quarantine(path)["raw"][1]
