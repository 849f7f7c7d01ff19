"""`python -m monitor ingest`, held inside its write transaction until it is killed.

    python -m tests.ingest.paused_ingest PAUSE SIGNAL_FILE INGEST_ARGS...

Every statement the load runs goes through monitor.db.run. When the one named by PAUSE is about to run ("payments":
the INSERT of the payment rows has just run; "commit": every write of the batch has run, COMMIT is next), this
writes to SIGNAL_FILE how many payment rows the load's own open transaction sees, then waits to be killed. The
kill test reads the file, so it knows its kill lands inside the open transaction, after the batch was written in
it and before it was committed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from monitor import db
from monitor.cli import main

WAIT_SECONDS = 300  # longer than the test takes to kill; a child nobody kills ends with an error
PAUSES = {"payments", "commit"}


def hold_before(pause: str, signal_file: Path):
    """A db.run that runs every statement and, at the pause, signals and sleeps instead of going on."""
    run = db.run

    def paused_run(con, sql: str, params=None) -> None:
        if pause == "commit" and sql.strip().upper() == "COMMIT":
            _hold(con, signal_file)
        run(con, sql, params)
        if pause == "payments" and sql.lstrip().startswith("INSERT INTO payments"):
            _hold(con, signal_file)

    return paused_run


def _hold(con, signal_file: Path) -> None:
    rows = con.execute("SELECT count(*) FROM payments").fetchone()[0]
    signal_file.with_suffix(".tmp").write_text(str(rows))
    signal_file.with_suffix(".tmp").rename(signal_file)  # the test never reads a half-written file
    time.sleep(WAIT_SECONDS)
    raise SystemExit("paused_ingest: not killed")


if __name__ == "__main__":
    pause, signal_file, *args = sys.argv[1:]
    assert pause in PAUSES, f"PAUSE is one of {sorted(PAUSES)}"
    db.run = hold_before(pause, Path(signal_file))
    sys.exit(main(["ingest", *args]))
