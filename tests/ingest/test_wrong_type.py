"""A value that does not cast to its column's type is rejected with the column and the value; the rest lands."""

from tests.ingest.helpers import PAYMENTS_HEADER, assert_rejected, book, count, ingest, loan, quarantine, write


def test_unparsable_number_and_date_are_rejected(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n"
                 f"900000001,{loan_id},2026-11-20 10:00:00,100.00,app\n"
                 f"900000002,{loan_id},2026-11-20 10:00:00,1O0.00,app\n"
                 f"900000003,{loan_id},2026/13/45,100.00,app\n")
    before = count(path, "payments")
    result = ingest(path, file)
    assert_rejected(result, file, 2, "wrong_type", "column amount", "'1O0.00'", "not a number")
    assert_rejected(result, file, 3, "wrong_type", "column paid_at", "'2026/13/45'")
    assert count(path, "payments") == before + 1
    rejected = quarantine(path)
    assert rejected["rule"].to_list() == ["wrong_type", "wrong_type"]
    assert rejected["file_name"].to_list() == [str(file)] * 2  # the path as given
    assert '"amount":"1O0.00"' in rejected["raw"][0]
