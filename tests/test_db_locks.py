"""A reader's lock holds while the same process opens the book again: the dashboard opens one read-only connection
per loader, from several threads (sessions, the cache warmer), while the live feed waits to write. Closing any
descriptor of a file drops the process's fcntl locks on it, DuckDB's too; a header read at each connect let the feed
write under a reader, which then read torn blocks ("Corrupted DICT_FSST segment")."""

from __future__ import annotations

import shutil
import subprocess
import sys

from monitor import db

WRITER = """
import sys, duckdb
try:
    duckdb.connect(sys.argv[1]).close()
    print("written")
except duckdb.IOException as exc:
    print("locked" if "lock" in str(exc).lower() else exc)
"""


def _writer(path) -> str:
    """What another process gets when it opens the book read-write, as the feed does."""
    return subprocess.run([sys.executable, "-c", WRITER, str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_second_connection_keeps_the_first_ones_lock(demo_db, tmp_path):
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    reader = db.connect(path, read_only=True)
    try:
        assert _writer(path) == "locked"
        db.connect(path, read_only=True).close()  # another session's loader, in this same process
        assert _writer(path) == "locked"
    finally:
        reader.close()
    assert _writer(path) == "written"


def test_a_file_that_is_not_duckdb_is_still_refused(tmp_path):
    path = tmp_path / "book.duckdb"
    path.write_bytes(b"id,amount\n1,2\n")
    try:
        db.connect(path, read_only=True)
    except db.DatabaseError as exc:
        assert "DuckDB" in str(exc) or "duckdb" in str(exc).lower()
    else:
        raise AssertionError("a CSV named .duckdb was opened")
