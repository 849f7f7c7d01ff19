"""Comparing two sets of derived tables row for row: to the fen and the day (every column exact, duplicates
counted)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from monitor import db
from monitor.engines import parquet


def differences(con: duckdb.DuckDBPyConnection, left: str, right: str) -> tuple[int, int]:
    """Rows of `left` not in `right`, and of `right` not in `left` (SQL relations; EXCEPT ALL, so a doubled row
    counts)."""
    return tuple(con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchall()[0][0]
                 for a, b in ((left, right), (right, left)))


def folder_against(con: duckdb.DuckDBPyConnection, folder: Path,
                   other: Callable[[str], str] = lambda table: table) -> dict[str, tuple]:
    """For each derived table: its rows in `folder` against the relation `other(table)` (the book's own by default),
    as (rows in the folder, differences). The column types are compared too."""
    found = {}
    for table in db.DERIVED_TABLES:
        mine = f"(SELECT * FROM {parquet.read_sql(folder, table)})"
        theirs = f"(SELECT * FROM {other(table)})"
        types = [row[:2] for row in con.execute(f"DESCRIBE {mine}").fetchall()]
        same_types = types == [row[:2] for row in con.execute(f"DESCRIBE {theirs}").fetchall()]
        rows = con.execute(f"SELECT count(*) FROM {mine}").fetchall()[0][0]
        found[table] = (rows, differences(con, mine, theirs), same_types)
    return found
