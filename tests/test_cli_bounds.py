"""Every argument of every command has a range, checked before any work: a value outside it gives one line on stderr
that names the option and states the range (or, for a date, the book's span), exit 2, no traceback, and the book
and its folder unchanged. (Files a command cannot use: tests/ingest/test_bomb.py.)

Each command runs in a child process limited to 3 GB of address space and a timeout, so that code which started
the work it was asked for (a billion months, 100 million loans, a feed at an infinite rate) fails there instead of
growing or running on a shared machine."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from monitor import db, limits, status
from monitor.synth.book import generate
from tests.ingest.test_bomb import assert_refused, run
from tests.test_cli import snapshot

AS_OF = dt.date(2026, 11, 29)
LONG = "x" * 1000


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder holding book.duckdb: 300 loans as of 2026-11-29 (seed 3)."""
    folder = tmp_path_factory.mktemp("bounds")
    generate(folder / "book.duckdb", 300, 3, AS_OF)
    return folder


@pytest.fixture(scope="module")
def span(folder) -> tuple[str, str]:
    con = db.connect(folder / "book.duckdb", read_only=True)
    try:
        return str(status.first_data_date(con)), str(limits.book_today(con))
    finally:
        con.close()


@pytest.mark.parametrize(("args", "words"), [
    (["--loans", "100000000"], ["--loans", "at most 10,000,000", "got 100,000,000"]),
    (["--seed", "-1"], ["--seed", "at least 0", "4,294,967,295", "got -1"]),
    (["--seed", "4294967296"], ["--seed", "got 4,294,967,296"]),
    (["--as-of", "9999-12-31"], ["--as-of", "9999-12-31", "2002-01-01 to today"]),
    (["--as-of", "0044-03-15"], ["--as-of", "0044-03-15", "2002-01-01 to today"]),
])
def test_generate_out_of_range_writes_nothing(tmp_path, args, words):
    result = run("generate", "--db", "new.duckdb", "--loans", "10", *args, cwd=tmp_path, timeout=60)
    assert_refused(result, *words)
    assert list(tmp_path.iterdir()) == []


AFTER = ["is after the book's today"]


@pytest.mark.parametrize(("args", "words"), [
    (["derive", "--as-of", "9999-12-31"], ["--as-of 9999-12-31", *AFTER]),
    (["status", "--as-of", "9999-12-31"], ["--as-of 9999-12-31", *AFTER]),
    (["report", "--as-of", "9999-12-31"], ["--as-of 9999-12-31", *AFTER]),
    (["report", "--as-of", "2027-01-01", "--format", "html"], ["--as-of 2027-01-01", *AFTER]),
    (["score", "--as-of", "9999-12-31"], ["--as-of 9999-12-31", *AFTER]),
    (["score", "--month-ends", "100000"], ["--month-ends", "at most 120", "got 100,000"]),
    (["score", "--model", LONG], ["--model", "1,000 characters", "at most 200"]),
    (["simulate", "--as-of", "9999-12-31"], ["--as-of 9999-12-31", *AFTER]),
    (["simulate", "--as-of", str(AS_OF), "--months", "1000000000"], ["--months", "at most 120", "1,000,000,000"]),
    (["simulate", "--as-of", str(AS_OF), "--months", "100000"], ["--months", "at most 120", "got 100,000"]),
    (["simulate", "--as-of", str(AS_OF), "--paths", "10000000"], ["--paths", "at most 10,000"]),
    (["simulate", "--as-of", str(AS_OF), "--window", "1000"], ["--window", "at most 60"]),
    (["simulate", "--as-of", str(AS_OF), "--seed", "-1"], ["--seed", "at least 0", "got -1"]),
    (["simulate", "--as-of", str(AS_OF), "--policy", "/dev/zero"], ["--policy", "/dev/zero", "not a regular file"]),
    (["simulate", "--as-of", str(AS_OF), "--segment", "channel", "--value", LONG], ["--value", "at most 200"]),
    (["simulate-loan", "--loan-id", "9223372036854775807"], ["--loan-id", "at most 9,007,199,254,740,991"]),
    (["simulate-loan", "--loan-id", "99999999999999999999"], ["--loan-id", "at most 9,007,199,254,740,991"]),
    (["simulate-loan", "--loan-id", "1", "--as-of", "9999-12-31"], ["--as-of 9999-12-31", *AFTER]),
    (["train", "--max-rows", "1"], ["--max-rows", "at least 1,000", "got 1"]),
    (["train", "--train-months", "1000"], ["--train-months", "at most 60"]),
    (["feed", "--rate", "inf"], ["--rate", "above 0", "at most 10,000", "got inf"]),
    (["feed", "--rate", "nan"], ["--rate", "above 0", "got nan"]),
    (["feed", "--rate", "1e9"], ["--rate", "at most 10,000", "got 1e9"]),
    (["feed", "--seconds", "inf"], ["--seconds", "at most 31,622,400", "got inf"]),
    (["feed", "--seconds", "1e12"], ["--seconds", "at most 31,622,400"]),
    (["feed", "--seconds", "1", "--seed", "-1"], ["--seed", "at least 0", "got -1"]),
])
def test_out_of_range_arguments_change_nothing(folder, args, words):
    before = snapshot(folder)
    result = run(*args[:1], "--db", "book.duckdb", *args[1:], cwd=folder, timeout=60)
    assert_refused(result, *words)
    assert snapshot(folder) == before


@pytest.mark.parametrize("command", [["status", "--as-of", str(AS_OF)], ["ingest", "payments.csv"],
                                     ["generate", "--loans", "10"]])
def test_a_database_that_is_a_pipe_is_refused_without_waiting(tmp_path, command):
    os.mkfifo(tmp_path / "book.duckdb")
    before = sorted(tmp_path.iterdir())
    result = run(command[0], "--db", "book.duckdb", *command[1:], cwd=tmp_path, timeout=30)
    assert_refused(result, "--db", "book.duckdb is not a regular file (it is a pipe)")
    assert sorted(tmp_path.iterdir()) == before


def test_a_date_outside_the_book_states_its_span(folder, span):
    first, last = span
    before = snapshot(folder)
    result = run("derive", "--db", "book.duckdb", "--as-of", "9999-12-31", cwd=folder)
    assert_refused(result, f"--as-of 9999-12-31 is after the book's today ({last}); choose a day from {first} "
                           f"to {last}")
    assert snapshot(folder) == before


def test_the_last_day_of_the_span_is_accepted(folder, span):
    result = run("status", "--db", "book.duckdb", "--as-of", span[1], cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "data ends on 2026-11-29" in result.stderr  # the days after the data assume no further payments
