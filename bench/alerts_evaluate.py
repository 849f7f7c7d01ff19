"""Evaluating 50 limits (issue 16, item 6): the starter set plus limits on segment values (30+ balance by channel,
product, city tier and score band; 1+ count, 入催率, M1 -> M2 roll and FPD30 by channel; net charge-off by product;
the share of each channel), on a copy of a derived book, each evaluation on a fresh read-write connection as the
nightly command and the feed's trigger have: nightly and intraday on the derived day, then on the day after it (a
live day: the loan status pinned from the day before), and an evaluation repeated with the same data. Prints one
JSON object.

    cp bench/out/bench_1000000.duckdb /tmp/b.duckdb
    .venv/bin/python -m monitor migrate --db /tmp/b.duckdb && .venv/bin/python -m monitor derive --db /tmp/b.duckdb
    .venv/bin/python bench/alerts_evaluate.py --db /tmp/b.duckdb
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import time
from pathlib import Path

from monitor import db, segments
from monitor.alerts import evaluate, limits

PLAN = [("dpd30_balance", "channel"), ("dpd30_balance", "product"), ("dpd30_balance", "city_tier"),
        ("dpd30_balance", "score_band"), ("dpd1_count", "channel"), ("entry_rate_mtd", "channel"),
        ("roll_m1_m2", "channel"), ("fpd30_newest", "channel"), ("net_charge_off", "product"),
        ("segment_share", "channel")]
LIMITS = 50


def _add_limits(path: Path) -> int:
    con = db.connect(path)  # an older book is migrated: the starter set
    try:
        count = con.execute("SELECT count(*) FROM limits").fetchall()[0][0]
        for metric, segment in PLAN:
            for value in segments.values(con, segment):
                if count < LIMITS:
                    limits.add(con, "bench", name=f"{metric} {segment}={value}", metric=metric, segment=segment,
                               segment_value=value, amber=0.05, red=0.10, owner="risk_manager")
                    count += 1
        return count
    finally:
        con.close()


def _timed(path: Path, as_of: dt.date, kind: str) -> dict:
    con = db.connect(path)
    try:
        started = time.perf_counter()
        outcome = evaluate.evaluate(con, as_of, kind)
        return {"as_of": str(as_of), "kind": kind, "limits": outcome.states.height, "events": outcome.events.height,
                "repeated": outcome.repeated, "seconds": round(time.perf_counter() - started, 3)}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a derived book (copied, never changed)")
    args = parser.parse_args()
    path = Path(args.db).with_name(Path(args.db).stem + "_alerts.duckdb")
    shutil.copy(args.db, path)
    try:
        count = _add_limits(path)
        con = db.connect(path, read_only=True)
        derived = dt.date.fromisoformat(db.setting(con, "derived_as_of"))
        con.close()
        runs = [_timed(path, day, kind) for day in (derived, derived + dt.timedelta(days=1))
                for kind in ("nightly", "intraday")]
        runs.append(_timed(path, derived, "nightly"))  # the same data again: nothing to do
    finally:
        path.unlink(missing_ok=True)
        Path(str(path) + ".wal").unlink(missing_ok=True)
    print(json.dumps({"limits": count, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
