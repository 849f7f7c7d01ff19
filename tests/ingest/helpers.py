"""Shared helpers of the ingest tests: a private copy of the demo book, files written into tmp_path, the command
run as a user runs it, and what the book holds afterwards."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polars as pl

from monitor import db
from tests.test_cli import monitor

PAYMENTS_HEADER = "payment_id,loan_id,paid_at,amount,channel"


def book(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo book the test may change (the shared demo_db is never written)."""
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def ingest(path: Path, *files: Path, kind: str | None = None) -> subprocess.CompletedProcess:
    extra = ["--kind", kind] if kind else []
    return monitor("ingest", "--db", str(path), *map(str, files), *extra, cwd=path.parent)


def query(path: Path, sql: str, params: dict | None = None) -> pl.DataFrame:
    con = db.connect(path, read_only=True)
    try:
        return con.sql(sql, params=params).pl()
    finally:
        con.close()


def loan(path: Path) -> dict:
    """An active loan of the book: loan_id and origination_date."""
    return query(path, "SELECT loan_id, origination_date FROM loans WHERE status = 'active' ORDER BY loan_id "
                       "LIMIT 1").row(0, named=True)


def quarantine(path: Path) -> pl.DataFrame:
    return query(path, "SELECT file_name, row_number, rule, message, CAST(raw AS VARCHAR) AS raw FROM quarantine "
                       "ORDER BY row_number, rule")


def count(path: Path, table: str) -> int:
    return query(path, f"SELECT count(*) AS n FROM {table}")["n"][0]


def assert_rejected(result: subprocess.CompletedProcess, file: Path, row: int, rule: str, *words: str) -> None:
    """Exit 1, and a line naming the file, the row and the rule, with the words given (column, value...)."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    line = f"{file.name} row {row}: {rule}: "
    found = [text for text in result.stdout.splitlines() if line in text and all(w in text for w in words)]
    assert found, (line, words, result.stdout)


def assert_unusable(result: subprocess.CompletedProcess, file: Path, *words: str) -> None:
    """Exit 2 and one line on stderr naming the file."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert file.name in result.stderr
    for word in words:
        assert word.lower() in result.stderr.lower(), (word, result.stderr)
