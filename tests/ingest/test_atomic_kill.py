"""kill -9 in the middle of a load leaves the whole batch or none of it: the payment rows, the quarantine and the
batch record agree once the file is opened again (DuckDB rolls back an uncommitted transaction).

An uninterrupted load of a copy gives the load's duration; fresh copies are then killed at several points of it,
most of them inside the write transaction (it is the last part: the file is read and checked before)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.ingest.bigfile import write_payments
from tests.ingest.helpers import book, count, query

ROWS = 300_000
KILL_AT = (0.6, 0.75, 0.85, 0.92, 0.97)  # fractions of an uninterrupted load's duration


def _start(path, big) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    return subprocess.Popen([sys.executable, "-m", "monitor", "ingest", "--db", str(path), str(big)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def big_load(demo_db, tmp_path_factory):
    """(a pristine copy of the book, the big file, the seconds an uninterrupted load takes)."""
    folder = tmp_path_factory.mktemp("kill")
    pristine = book(demo_db, folder)
    big = folder / "big_payments.csv"
    write_payments(pristine, big, ROWS)
    timed = folder / "timed.duckdb"
    shutil.copyfile(pristine, timed)
    started = time.monotonic()
    process = _start(timed, big)
    assert process.wait(timeout=300) == 0, process.stderr.read()
    return pristine, big, time.monotonic() - started


@pytest.mark.parametrize("fraction", KILL_AT)
def test_kill_mid_load_leaves_all_or_nothing(big_load, tmp_path, fraction):
    pristine, big, duration = big_load
    path = tmp_path / "book.duckdb"
    shutil.copyfile(pristine, path)
    before = count(path, "payments")
    process = _start(path, big)
    time.sleep(duration * fraction)
    killed = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    added = count(path, "payments") - before
    batches = query(path, "SELECT rows_accepted FROM ingest_batches")
    if batches.height:
        assert batches["rows_accepted"].to_list() == [ROWS] and added == ROWS
    else:
        assert killed, "the load ended without recording its batch"
        assert added == 0 and count(path, "quarantine") == 0
