"""The access file: the `users` table and the `audit_log`, in a DuckDB file of their own beside the book
(data/monitor.duckdb -> data/monitor.access.duckdb; $MONITOR_ACCESS_DB names another).

Why not in the book: the dashboard writes an audit row on every account view, reveal and export, and those writes
must not wait behind a load or the live feed holding the book read-write (DESIGN.md §7: one writer per file), nor
make the book's readers wait. A separate file also keeps who-looked-at-what out of copies of the book handed to
analysts, and can be given its own permissions and backups. The file is created, readable by its owner only, on
first use.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from monitor import access, audit, db

ACCESS_DDL = """
CREATE TABLE IF NOT EXISTS users (
    email      VARCHAR PRIMARY KEY,       -- lower case
    roles      VARCHAR[] NOT NULL,        -- in monitor.access.ROLES order
    updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
    seq        BIGINT PRIMARY KEY,        -- 1, 2, 3, ... with no gap
    at_utc     TIMESTAMP NOT NULL,        -- when, UTC
    who        VARCHAR NOT NULL,          -- the signed-in email, 'local' or 'command-line'
    role       VARCHAR NOT NULL,          -- the roles held, comma-separated
    action     VARCHAR NOT NULL,          -- sign_in, view_account, reveal_phone, export, land_files, denied, ...
    object     VARCHAR,                   -- what it acted on: a page, a loan, a file, a user
    parameters VARCHAR,                   -- canonical JSON (sorted keys), never personal data
    row_count  BIGINT,
    prev_hash  VARCHAR NOT NULL,
    hash       VARCHAR NOT NULL           -- sha256 of this row's fields and prev_hash
);
"""


def path_for(book: str | Path) -> Path:
    """$MONITOR_ACCESS_DB, else the book's path with .access before its suffix."""
    named = os.environ.get("MONITOR_ACCESS_DB")
    if named:
        return Path(named)
    book = Path(book)
    return book.with_name(f"{book.stem}.access{book.suffix or '.duckdb'}")


def connect(book: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the access file of the book at `book` read-write (briefly: close it after use), creating it and its
    tables when missing."""
    path = path_for(book)
    created = not path.exists()
    con = db.connect(path, create=True)
    try:
        if created:
            os.chmod(path, 0o600)
        db.run(con, ACCESS_DDL)
    except BaseException:
        con.close()
        raise
    return con


@contextlib.contextmanager
def opened(book: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The access file of the book at `book`, open read-write for the `with` block (connect, then close)."""
    con = connect(book)
    try:
        yield con
    finally:
        con.close()


def record(book: str | Path, actor: access.Actor, action: str, object_: str | None = None,
           parameters: dict | None = None, row_count: int | None = None) -> int:
    """monitor.audit.record in the access file of the book at `book`, opened for this one row; returns its seq."""
    with opened(book) as con:
        return audit.record(con, actor, action, object_, parameters, row_count)
