"""A file that is not CSV (binary, undecodable, or text of no known kind) is unusable: exit 2 naming the file."""

from tests.ingest.helpers import assert_unusable, book, count, ingest


def test_binary_file(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = tmp_path / "photo.csv"
    file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_unusable(ingest(path, file), file, "not a CSV")
    assert count(path, "ingest_batches") == 0


def test_undecodable_text(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = tmp_path / "latin.csv"
    file.write_bytes(b"payment_id,loan_id\n1,\xff\xff\n")
    assert_unusable(ingest(path, file), file, "neither UTF-8 nor GB18030")


def test_prose_is_no_known_kind(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = tmp_path / "notes.txt"
    file.write_text("Dear team, please find the payments attached.\nRegards\n")
    assert_unusable(ingest(path, file), file, "matches no kind", "columns seen")


def test_missing_file(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = tmp_path / "nowhere.csv"
    assert_unusable(ingest(path, file), file, "cannot be read")
