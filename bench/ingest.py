"""Times `python -m monitor ingest` on a 1,000,000-row payments CSV for the 1M-loan bench book, as a process.

Works on a copy of the book (the original serves the other benchmarks). The file's payments fall on the book's
loans, after their origination and before its latest day, so every row lands; the load is then timed again on
the same copy (the batch is skipped: idempotency costs a hash and a lookup). Prints one JSON object.

    .venv/bin/python bench/ingest.py [--db bench/out/bench_1000000.duckdb] [--rows 1000000] [--work /tmp]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the same file the load tests write
from tests.ingest.bigfile import write_payments  # noqa: E402

FIRST_ID = 9_000_000_000


def timed_ingest(book: Path, file: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "monitor", "ingest", "--db", str(book), str(file)],
                            env=env, capture_output=True, text=True)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="bench/out/bench_1000000.duckdb")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--work", default=tempfile.gettempdir(), help="folder for the copy and the file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_ingest_", dir=args.work))
    try:
        book = work / "book.duckdb"
        shutil.copyfile(args.db, book)
        file = work / "payments.csv"
        started = time.perf_counter()
        write_payments(book, file, args.rows, first_id=FIRST_ID)
        generated = time.perf_counter() - started
        seconds, result = timed_ingest(book, file)
        again, repeat = timed_ingest(book, file)
        print(json.dumps({
            "bench": "ingest", "book": args.db, "rows": args.rows, "file_mb": round(file.stat().st_size / 1e6, 1),
            "generate_file_s": round(generated, 2), "ingest_s": round(seconds, 2),
            "rows_per_s": round(args.rows / seconds), "exit_code": result.returncode,
            "summary": result.stdout.strip().splitlines()[0] if result.stdout else result.stderr.strip(),
            "again_s": round(again, 2), "again_summary": repeat.stdout.strip(), "cores": os.cpu_count(),
        }))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
