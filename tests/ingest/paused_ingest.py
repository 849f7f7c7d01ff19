"""`python -m monitor ingest`, held inside its write transaction until it is killed.

    python -m tests.ingest.paused_ingest PAUSE SIGNAL_FILE INGEST_ARGS...

Every statement the load runs goes through monitor.db.run, its transaction through monitor.db.transaction. When
the point named by PAUSE is reached ("payments": the INSERT of the payment rows has just run; "commit": every write
of the batch has run, the commit is next), this
writes to SIGNAL_FILE how many payment rows the load's own open transaction sees, then waits to be killed. The
kill test reads the file, so it knows its kill lands inside the open transaction, after the batch was written in
it and before it was committed.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from monitor import db
from monitor.cli import main

WAIT_SECONDS = 300  # longer than the test takes to kill; a child nobody kills ends with an error
PAUSES = {"payments", "commit"}


def hold_after_payments(signal_file: Path):
    """A db.run that runs every statement and, after the INSERT of the payments, signals and sleeps."""
    run = db.run

    def paused_run(con, sql: str, params=None) -> None:
        run(con, sql, params)
        if sql.lstrip().startswith("INSERT INTO payments"):
            _hold(con, signal_file)

    return paused_run


def hold_before_commit(signal_file: Path):
    """A db.transaction that, once its body has run, signals and sleeps instead of committing."""
    transaction = db.transaction

    @contextlib.contextmanager
    def paused_transaction(con):
        with transaction(con):
            yield con
            _hold(con, signal_file)

    return paused_transaction


def _hold(con, signal_file: Path) -> None:
    rows = con.execute("SELECT count(*) FROM payments").fetchone()[0]
    signal_file.with_suffix(".tmp").write_text(str(rows))
    signal_file.with_suffix(".tmp").rename(signal_file)  # the test never reads a half-written file
    time.sleep(WAIT_SECONDS)
    raise SystemExit("paused_ingest: not killed")


if __name__ == "__main__":
    pause, signal_file, *args = sys.argv[1:]
    assert pause in PAUSES, f"PAUSE is one of {sorted(PAUSES)}"
    if pause == "payments":
        db.run = hold_after_payments(Path(signal_file))
    else:
        db.transaction = hold_before_commit(Path(signal_file))
    sys.exit(main(["ingest", *args]))
