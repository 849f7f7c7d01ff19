"""Benchmark of the foundation: generate, derive and status at 50,000 and 1,000,000 loans.

Each command runs as its own process, as a user runs it, and is measured with os.wait4 (wall time and
that process's peak resident memory). `status` is also timed in-process, cold and warm, and set beside a
straightforward pandas computation of the same numbers (checked equal) for the speed ratio.
Writes bench/RESULTS.md; the databases go to bench/out/ (git-ignored).

    .venv/bin/python bench/run.py [--scales 50000 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pandas_status import load_tables, pandas_status  # noqa: E402
from results import sections_except  # noqa: E402

from monitor import day_status, db, derive  # noqa: E402

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
AS_OF = dt.date(2026, 11, 29)
STATUS_DAYS = (AS_OF, dt.date(2026, 6, 15), dt.date(2025, 11, 30))
TARGETS_1M = {"generate": 60.0, "status": 1.5, "loan_month": 20.0, "memory_gb": 4.0}


def run_measured(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in GB of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, code, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    if code != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {stderr}")
    return wall, usage.ru_maxrss / 1024 / 1024


def monitor_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", *args]


def bench_scale(loans: int) -> dict:
    path = OUT / f"bench_{loans}.duckdb"
    OUT.mkdir(exist_ok=True)
    row: dict = {"loans": loans}
    row["generate_s"], row["generate_gb"] = run_measured(
        monitor_cmd("generate", "--db", str(path), "--loans", str(loans), "--seed", "42", "--as-of", str(AS_OF),
                    "--force"))  # the book of the previous run
    row["derive_s"], row["derive_gb"] = run_measured(monitor_cmd("derive", "--db", str(path)))
    status_runs = [run_measured(monitor_cmd("status", "--db", str(path), "--as-of", str(day)))
                   for day in STATUS_DAYS]
    row["status_cmd_s"] = max(wall for wall, _ in status_runs)
    row["status_cmd_gb"] = max(gb for _, gb in status_runs)

    con = db.connect(path)
    try:
        started = time.perf_counter()
        loan_month = next(table for table in derive.derived_tables(AS_OF, db.charge_off_dpd(con))
                          if table.name == "loan_month")
        derive.build_table(con, loan_month)
        row["loan_month_s"] = time.perf_counter() - started
        row["loan_month_rows"] = con.execute("SELECT count(*) FROM loan_month").fetchall()[0][0]
        row["month_ends"] = con.execute("SELECT count(DISTINCT month_end) FROM loan_month").fetchall()[0][0]
    finally:
        con.close()

    pages = subprocess.run([sys.executable, str(ROOT / "pages.py"), "--db", str(path)], capture_output=True,
                           text=True, check=True).stdout
    row["pages"] = [json.loads(line) for line in pages.splitlines() if line.startswith("{")]
    row["report_json_s"], _ = run_measured(monitor_cmd("report", "--db", str(path), "--as-of", str(AS_OF)))
    row["report_html_s"], _ = run_measured(monitor_cmd("report", "--db", str(path), "--as-of", str(AS_OF),
                                                       "--format", "html", "--out", str(OUT / "report.html")))

    con = db.connect(path, read_only=True)
    try:
        started = time.perf_counter()
        tables = load_tables(con)  # once, as a notebook holds them: the yardstick is timed on its computation
        row["pandas_load_s"] = time.perf_counter() - started
        cold, warm, pandas_s, active = [], [], [], 0
        for day in STATUS_DAYS:
            started = time.perf_counter()
            ours = day_status.status_as_of(con, day)
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            day_status.status_as_of(con, day)
            warm.append(time.perf_counter() - started)
            started = time.perf_counter()
            theirs = pandas_status(tables, day)
            pandas_s.append(time.perf_counter() - started)
            _assert_same(ours, theirs, day)
            active = max(active, ours.height)
        row.update(status_fn_cold_s=max(cold), status_fn_warm_s=max(warm), pandas_s=max(pandas_s),
                   active_loans=active)
        row["counts"] = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                         for t in (*db.SOURCE_TABLES, *db.DERIVED_TABLES)}
    finally:
        con.close()
    return row


def _assert_same(ours: pl.DataFrame, theirs, day: dt.date) -> None:
    theirs = pl.from_pandas(theirs)
    joined = ours.with_columns(pl.col("principal_balance", "overdue_amount").cast(pl.Float64)).join(
        theirs, on="loan_id", how="full", suffix="_pd")
    bad = joined.filter(
        (pl.col("dpd") != pl.col("dpd_pd"))
        | ((pl.col("principal_balance") - pl.col("principal_balance_pd")).abs() > 0.001)
        | ((pl.col("overdue_amount") - pl.col("overdue_amount_pd")).abs() > 0.001)
        | pl.col("loan_id").is_null() | pl.col("dpd_pd").is_null())
    if bad.height:
        raise AssertionError(f"status differs from the pandas computation on {day}: {bad.head(5)}")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_gb = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except OSError:
        mem_gb = 0
    return f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB RAM, {platform.system()} {platform.release()}"


def write_results(rows: list[dict]) -> None:
    import duckdb

    lines = [
        "# Benchmark results",
        "",
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()};",
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, polars {pl.__version__}.",
        f"Book as of {AS_OF}, seed 42. Produced by `.venv/bin/python bench/run.py`.",
        "",
        "Each command runs in its own process; memory is that process's peak resident set.",
        "`status` (command) is the worst of three days "
        f"({', '.join(str(d) for d in STATUS_DAYS)}), including start-up and writing the CSV;",
        "the in-process figures time `monitor.day_status.status_as_of` alone, cold (first call) and warm.",
        "pandas is a straightforward pandas computation of the same numbers (bench/pandas_status.py),",
        "checked equal to ours to the fen and the day, timed on the three tables already in pandas",
        "(reading them out of DuckDB, done once, is the pandas load column and is not counted).",
        "",
        "| loans | generate + derive (s) | peak memory (GB) | derive (s) | loan_month build (s) | loan_month rows "
        "| status command (s) | status_as_of cold / warm (s) | pandas (s) | pandas / ours | pandas load (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['loans']:,} | {r['generate_s']:.1f} "
            f"| {max(r['generate_gb'], r['derive_gb'], r['status_cmd_gb']):.2f} "
            f"| {r['derive_s']:.1f} | {r['loan_month_s']:.1f} ({r['month_ends']} month-ends) "
            f"| {r['loan_month_rows']:,} "
            f"| {r['status_cmd_s']:.2f} | {r['status_fn_cold_s']:.2f} / {r['status_fn_warm_s']:.2f} "
            f"| {r['pandas_s']:.1f} | {r['pandas_s'] / r['status_fn_warm_s']:.0f}x | {r['pandas_load_s']:.1f} |")
    big = next((r for r in rows if r["loans"] == 1_000_000), None)
    if big:
        peak = max(big["generate_gb"], big["derive_gb"], big["status_cmd_gb"])
        checks = [
            ("generate + derive <= 60 s", big["generate_s"] <= TARGETS_1M["generate"]),
            ("status for any day <= 1.5 s", big["status_cmd_s"] <= TARGETS_1M["status"]),
            ("loan_month over 24 month-ends <= 20 s", big["loan_month_s"] <= TARGETS_1M["loan_month"]),
            ("peak memory <= 4 GB", peak <= TARGETS_1M["memory_gb"]),
        ]
        lines += ["", "Targets at 1,000,000 loans (2 cores):", ""]
        lines += [f"- {'met' if ok else 'MISSED'}: {name}" for name, ok in checks]
    lines += ["", PAGES_HEADING, "",
              "`bench/pages.py` times the data behind each page as the dashboard gets it, in one process: cold "
              "(first call on a newly opened database), warm (the same call again, what a rerun costs without "
              "the cache) and cached (through st.cache_data keyed by the data version, what a rerun costs). "
              f"{AS_OF} is the latest day, whose status `derive` precomputes (with the same day a month and a "
              "year earlier); 2026-06-15 is a day nothing was precomputed for. The report command is timed "
              "end to end as a process. The executive page and the report (which shows the executive page's "
              "figures) compute the expected credit loss (monitor.metrics.credit_loss: PDs by bucket, LGD, every "
              "active loan's stage and PD) at the day, a month and a year earlier.", "",
              "| loans | page | as of | cold (s) | warm (s) | cached (ms) |", "|---|---|---|---|---|---|"]
    for r in rows:
        for p in r["pages"]:
            lines.append(f"| {r['loans']:,} | {p['page']} | {p['as_of']} | {p['cold_s']:.2f} | {p['warm_s']:.2f} "
                         f"| {p['cached_s'] * 1000:.1f} |")
    lines += ["", "| loans | report --format json (s) | report --format html (s) |", "|---|---|---|"]
    lines += [f"| {r['loans']:,} | {r['report_json_s']:.2f} | {r['report_html_s']:.2f} |" for r in rows]
    lines += ["", "Table sizes:", ""]
    for r in rows:
        lines.append(f"- {r['loans']:,} loans: " + ", ".join(f"{t} {n:,}" for t, n in r["counts"].items()))
    kept = sections_except({PAGES_HEADING})  # what bench/scorecard_public.py and bench/early_warning.py wrote
    (ROOT / "RESULTS.md").write_text("\n".join(lines) + "\n\n" + kept)


PAGES_HEADING = "## Page data and the report (issue 3)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[50_000, 1_000_000])
    rows = [bench_scale(n) for n in parser.parse_args().scales]
    write_results(rows)
    print((ROOT / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
