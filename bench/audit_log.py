"""The audit log's cost (issue 14): what a page pays to write one row, and how long `audit verify` takes.

1. `--writes` rows written as a page writes them (ui.auth.record): open the access file, append one hash-chained
   row, close; median and 95th percentile.
2. A log grown to `--rows` rows (the rest of the chain built here, hashed as audit.record hashes, and inserted at
   once), then monitor.audit.verify over all of it.
Prints one JSON object.

    .venv/bin/python bench/audit_log.py [--writes 200] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

import polars as pl

from monitor import access, access_store, audit


def _grow(con, rows: int) -> None:
    """Continue the chain to `rows` rows in one insert: each row hashed with audit.row_hash, as record() does."""
    seq, prev = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()[0]
    at = dt.datetime(2026, 12, 4, 8, 0)
    who, role, parameters = access.LOCAL_USER.who, access.LOCAL_USER.role_text, audit.canonical({"as_of": "2026-12-04"})
    columns: dict[str, list] = {name: [] for name in audit.COLUMNS}
    for n in range(seq + 1, rows + 1):
        row = [n, at, who, role, "view_account", f"loan:{n}", parameters, None, prev]
        prev = audit.row_hash(*row)
        for name, value in zip(audit.COLUMNS, [*row, prev], strict=True):
            columns[name].append(value)
    frame = pl.DataFrame(columns, schema_overrides={"row_count": pl.Int64})
    con.register("grown", frame)
    con.execute("INSERT INTO audit_log SELECT * FROM grown")
    con.unregister("grown")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    book = Path(tempfile.mkdtemp()) / "book.duckdb"
    seconds = []
    for i in range(args.writes):
        started = time.perf_counter()
        con = access_store.connect(book)
        audit.record(con, access.LOCAL_USER, "view_account", f"loan:{i}", {"as_of": "2026-12-04"})
        con.close()
        seconds.append(time.perf_counter() - started)
    con = access_store.connect(book)
    try:
        _grow(con, args.rows)
        started = time.perf_counter()
        verdict = audit.verify(con)
        verified = time.perf_counter() - started
    finally:
        con.close()
    print(json.dumps({
        "write_ms_median": round(statistics.median(seconds) * 1000, 1),
        "write_ms_p95": round(statistics.quantiles(seconds, n=20)[-1] * 1000, 1),
        "rows": verdict.rows, "intact": verdict.intact,
        "verify_s": round(verified, 2),
        "access_file_mb": round(access_store.path_for(book).stat().st_size / 2**20, 1),
    }))


if __name__ == "__main__":
    main()
