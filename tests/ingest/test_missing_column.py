"""A missing or misnamed column makes the file unusable: exit 2, one line naming the file and the column."""

from tests.ingest.helpers import assert_unusable, book, count, ingest, write


def test_missing_column_names_the_file_and_the_column(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "payments.csv", "payment_id,loan_id,paid_at,amount\n1,1,2026-11-20,10\n")
    before = count(path, "payments")
    result = ingest(path, file, kind="payments")
    assert_unusable(result, file, "channel", "payments")
    assert count(path, "payments") == before
    assert count(path, "ingest_batches") == 0


def test_misnamed_column_is_reported_with_the_columns_seen(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "pay.csv", "payment_id,loan_id,paid_at,amount,chanel\n1,1,2026-11-20,10,app\n")
    result = ingest(path, file)
    assert_unusable(result, file, "matches no kind", "chanel")


def test_an_extra_column_is_reported_as_misnamed(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "pay.csv", "payment_id,loan_id,paid_at,amount,channel,note\n1,1,2026-11-20,10,app,x\n")
    result = ingest(path, file)
    assert_unusable(result, file, "note", "misnamed")
