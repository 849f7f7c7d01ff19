"""Time the loan-level simulator on the 1M bench book: the book-wide assumption estimation (cold, once per
as-of day), one loan's state, and a recomputation of every option given loaded assumptions (median of 50).
Prints JSON. Usage: .venv/bin/python bench/simulate_loan.py [--db bench/out/bench_1000000.duckdb]"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from monitor import account, db, status
from monitor.simulate import assumptions, loan, options

DEFAULT_DB = Path(__file__).resolve().parent / "out" / "bench_1000000.duckdb"
REPEATS = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=str(DEFAULT_DB))
    path = Path(parser.parse_args().db)
    if not path.exists():
        print(json.dumps({"skipped": f"{path} not found"}))
        return 0
    con = db.connect(path, read_only=True)
    try:
        as_of = status.latest_data_date(con)
        started = time.perf_counter()
        book = assumptions.estimate_book(con, as_of)
        estimate_s = time.perf_counter() - started
        loan_id = account.default_loan(con, as_of)
        started = time.perf_counter()
        state = loan.loan_state(con, loan_id, as_of)
        state_s = time.perf_counter() - started
    finally:
        con.close()
    values = {name: a.value for name, a in assumptions.loan_defaults(book, state).items()}
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        options.compare(state, values)
        times.append(time.perf_counter() - started)
    print(json.dumps({"db": str(path), "as_of": as_of.isoformat(), "loan_id": loan_id,
                      "estimate_book_cold_s": round(estimate_s, 3), "loan_state_s": round(state_s, 3),
                      "recompute_median_ms": round(statistics.median(times) * 1000, 2),
                      "recompute_max_ms": round(max(times) * 1000, 2), "options": len(options.OPTIONS)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
