"""An empty file, or a header without rows, is unusable: exit 2 naming the file; nothing is written."""

import pytest

from tests.ingest.helpers import PAYMENTS_HEADER, assert_unusable, book, count, ingest, write


@pytest.mark.parametrize("text", ["", "\n\n", f"{PAYMENTS_HEADER}\n"], ids=["zero-bytes", "blank", "header-only"])
def test_empty_file(demo_db, tmp_path, text):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "empty.csv", text)
    result = ingest(path, file)
    assert_unusable(result, file, "empty")
    assert count(path, "ingest_batches") == 0
