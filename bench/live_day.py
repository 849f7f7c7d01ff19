"""Times the dashboard's figures on a live day of the 1M-loan book: the Today page's refresh, and the delinquency and
executive pages while the feed's events make the derived tables stale.

On a copy of the book (as of a day before today), `derive` runs as it would at night, then the feed for
--feed-seconds at 200 events/s, so that today has payments, new loans and actions as on a live day. Then, each
time on a fresh read-only connection as the dashboard opens one per loader:
- today full: monitor.live.today.today_view without a memo, both days' status computed (a first view);
- today refresh: with the server's monitor.memo.PastDayMemo already holding yesterday (every refresh after the
  first), and how many of today's active loans it computed again (the others kept yesterday's row; none when the
  day is read from its derived snapshot);
- the delinquency page's and the executive summary's views for today (monitor.views), cold.
Prints one JSON object.

    .venv/bin/python bench/live_day.py [--db bench/out/bench_1000000.duckdb] [--work /tmp]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from monitor import db, memo, status, views
from monitor.live import today

REPEATS = 5


def timed_view(path: Path, past: memo.Memo) -> tuple[float, dict]:
    started = time.perf_counter()
    con = db.connect(path, read_only=True)
    try:
        day = status.latest_data_date(con)
        view = today.today_view(con, day, past)
        moved = None  # the day read from its derived snapshot: nothing computed
        if db.temp_table_exists(con, "pinned_day_status_kept"):  # pinned from yesterday: those not kept were computed
            moved = con.execute("SELECT count(*) FROM pinned_day_status WHERE as_of = ?", [day]).fetchall()[0][0] \
                - con.execute("SELECT count(*) FROM pinned_day_status_kept").fetchall()[0][0]
    finally:
        con.close()
    return time.perf_counter() - started, view | {"computed_again": moved}


def timed_page(path: Path, view) -> float:
    started = time.perf_counter()
    con = db.connect(path, read_only=True)
    try:
        view(con, status.latest_data_date(con))
    finally:
        con.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="bench/out/bench_1000000.duckdb")
    parser.add_argument("--feed-seconds", type=float, default=30)
    parser.add_argument("--work", default=tempfile.gettempdir(), help="folder for the copy")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_today_", dir=args.work))
    try:
        book = work / "book.duckdb"
        shutil.copyfile(args.db, book)
        subprocess.run([sys.executable, "-m", "monitor", "derive", "--db", str(book)], check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "monitor", "feed", "--db", str(book), "--rate", "200",
                        "--seconds", str(args.feed_seconds), "--seed", "3"], check=True, capture_output=True)
        full = [timed_view(book, memo.computed)[0] for _ in range(REPEATS)]
        past = memo.PastDayMemo()
        first, _ = timed_view(book, past)
        refreshes = [timed_view(book, past) for _ in range(REPEATS)]
        view = refreshes[-1][1]
        delinquency = [timed_page(book, lambda con, day: views.delinquency_view(con, day, None, None, "product"))
                       for _ in range(REPEATS)]
        executive = [timed_page(book, views.executive_view) for _ in range(REPEATS)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({
        "loans": 1_000_000, "day": view["day"].isoformat(), "active_loans": view["active_loans"],
        "payments_today": view["payments"], "computed_again": view["computed_again"],
        "full_s": round(statistics.median(full), 3), "first_with_cache_s": round(first, 3),
        "refresh_s": round(statistics.median(t for t, _ in refreshes), 3),
        "refresh_max_s": round(max(t for t, _ in refreshes), 3),
        "delinquency_s": round(statistics.median(delinquency), 3),
        "executive_s": round(statistics.median(executive), 3),
    }))


if __name__ == "__main__":
    main()
