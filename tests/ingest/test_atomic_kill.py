"""kill -9 inside the open write transaction of a load leaves none of the batch: no payment row, no quarantine row,
no batch record once the file is opened again (DuckDB rolls back what was not committed), and the file, never
recorded as loaded, lands whole when loaded again.

The load runs as `python -m monitor ingest` in a child held inside its transaction (tests/ingest/paused_ingest.py):
it signals through a file that its own transaction holds the batch's payment rows, uncommitted, and waits; the test
kills it only once it has read that signal. Two points: right after the INSERT of the payment rows, and right
before COMMIT (every write of the batch done). 300,000 rows: enough for DuckDB to write row groups of the uncommitted
rows into the database file itself (DuckDB 2.0.1 did: 46.4 MB to 48.8 MB on the demo book, no WAL yet), so what is
undone is not only in memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ingest.bigfile import write_payments
from tests.ingest.helpers import book, count, ingest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 300_000
SIGNAL_SECONDS = 300  # the child reads, checks and writes 300,000 rows before it signals
TABLES = ("payments", "quarantine", "ingest_batches")


def _start_paused(pause: str, signal_file: Path, path: Path, big: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    return subprocess.Popen([sys.executable, "-m", "tests.ingest.paused_ingest", pause, str(signal_file),
                             "--db", str(path), str(big)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for_signal(signal_file: Path, process: subprocess.Popen) -> int:
    """The payment rows the child's open transaction sees, once it says it holds them."""
    deadline = time.monotonic() + SIGNAL_SECONDS
    while not signal_file.exists():
        assert process.poll() is None, f"the load ended before it signalled: {process.stderr.read().decode()}"
        assert time.monotonic() < deadline, f"no signal from the load within {SIGNAL_SECONDS} s"
        time.sleep(0.05)
    return int(signal_file.read_text())


@pytest.fixture(scope="module")
def big_file(demo_db, tmp_path_factory):
    """(a pristine copy of the book, a file of ROWS valid payments on its loans)."""
    folder = tmp_path_factory.mktemp("kill")
    pristine = book(demo_db, folder)
    big = folder / "big_payments.csv"
    write_payments(pristine, big, ROWS)
    return pristine, big


@pytest.mark.parametrize("pause", ["payments", "commit"])
def test_kill_inside_the_open_transaction_leaves_none_of_the_batch(big_file, tmp_path, pause):
    pristine, big = big_file
    path = book(pristine, tmp_path)
    before = {table: count(path, table) for table in TABLES}
    signal_file = tmp_path / "in_transaction"
    process = _start_paused(pause, signal_file, path, big)
    try:
        seen = _wait_for_signal(signal_file, process)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the load ended on its own, not by the kill"
    assert seen == before["payments"] + ROWS, "the open transaction held the whole batch's payment rows"
    assert {table: count(path, table) for table in TABLES} == before
    result = ingest(path, big)
    assert result.returncode == 0, result.stdout + result.stderr
    assert count(path, "payments") == before["payments"] + ROWS
    assert count(path, "ingest_batches") == before["ingest_batches"] + 1
