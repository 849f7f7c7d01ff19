"""The nightly derive on DuckDB and on Apache Spark, side by side (issue 19): one book, each step a process of its own
as a lender runs it: wall time, and the peak resident memory of the process with its descendants (for Spark, the Java
process it starts).

On a copy of the book: `derive` in the book (DuckDB, as every night), `export` to Parquet, `derive --source` on
DuckDB and on Spark (local[*], every core of this machine), and `attach` of Spark's folder. Then every derived row of
the two folders is compared (EXCEPT ALL both ways): the parity test's check at this book's scale. Writes the section
of bench/RESULTS.md.

    .venv/bin/python bench/engines.py --db BOOK.duckdb [--work DIR] [--no-write] [--note TEXT]
    .venv/bin/python bench/engines.py --render RUN.json [--note TEXT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import replace_section  # noqa: E402

from monitor import db  # noqa: E402
from monitor.engines import parquet  # noqa: E402

HEADING = "## Derive on DuckDB and on Spark (issue 19)"


def measured(args: list[str]) -> dict:
    """Wall seconds of a command, and the peak of the resident memory of it and its descendants together (sampled
    every 0.2 s from /proc: the Spark JVM is a child of the Python process, which does not always wait for it)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "monitor", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read()
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {stderr}")
    return {"seconds": round(wall, 1), "peak_gb": round(peak / 2**30, 2),
            "said": [line for line in stderr.splitlines() if line.startswith(("derived", "exported", "attached"))]}


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants now (0 for a process gone meanwhile)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def differing_rows(left: Path, right: Path) -> dict[str, list[int]]:
    con = db.memory()
    try:
        found = {}
        for table in db.DERIVED_TABLES:
            a, b = parquet.read_sql(left, table), parquet.read_sql(right, table)
            found[table] = [con.execute(f"SELECT count(*) FROM (SELECT * FROM {x} EXCEPT ALL SELECT * FROM {y})")
                            .fetchall()[0][0] for x, y in ((a, b), (b, a))]
        return found
    finally:
        con.close()


def run(book: Path, work: Path) -> dict:
    copy = work / "book.duckdb"
    shutil.copy(book, copy)
    con = db.connect(copy, read_only=True)
    loans = con.execute("SELECT count(*) FROM loans").fetchall()[0][0]
    con.close()
    steps = {
        "derive in the book (DuckDB)": measured(["derive", "--db", str(copy)]),
        "export to Parquet": measured(["export", "--db", str(copy), "--to", str(work / "source")]),
        "derive --engine duckdb --source": measured(["derive", "--source", str(work / "source"),
                                                     "--to", str(work / "duckdb")]),
        "derive --engine spark --source (local[*])": measured(["derive", "--engine", "spark", "--source",
                                                               str(work / "source"), "--to", str(work / "spark")]),
        "attach Spark's folder": measured(["attach", "--db", str(copy), "--derived", str(work / "spark")]),
    }
    return {"loans": loans, "steps": steps, "differing_rows": differing_rows(work / "duckdb", work / "spark"),
            "measured_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": _machine()}


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory_gb:.0f} GiB RAM"


def section(result: dict) -> str:
    lines = [f"Measured {result['measured_at']} on {result['machine']}; book of {result['loans']:,} loans. "
             "Produced by `.venv/bin/python bench/engines.py --db BOOK`. Each step is a process of its own, as a "
             "lender runs it; memory is the peak resident memory of the process and its descendants together "
             "(for Spark, the Python driver and its Java process), sampled every 0.2 s.", "",
             "| step | seconds | peak memory (GB) |", "|---|---|---|"]
    for name, step in result["steps"].items():
        lines.append(f"| {name} | {step['seconds']:.1f} | {step['peak_gb']:.2f} |")
    spark_said = result["steps"]["derive --engine spark --source (local[*])"]["said"]
    lines += ["", "Derived rows: " + (spark_said[0].split(": ", 1)[1] if spark_said else "(not said)") + "."]
    same = all(rows == [0, 0] for rows in result["differing_rows"].values())
    lines += ["", "Every derived row of Spark's folder against DuckDB's (EXCEPT ALL both ways): "
              + ("equal, every table." if same else f"DIFFERENT: {result['differing_rows']}")]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--render", type=Path, default=None, help="no measuring: the section from a run's JSON output")
    parser.add_argument("--note", default="", help="what else the machine ran meanwhile, said under the table")
    args = parser.parse_args()
    if args.render:
        result = json.loads(args.render.read_text())
    else:
        with tempfile.TemporaryDirectory(dir=args.work) as work:
            result = run(args.db, Path(work))
        print(json.dumps(result, indent=1))
    if not args.no_write:
        replace_section(HEADING, section(result) + (f"\n\n{args.note}" if args.note else ""))


if __name__ == "__main__":
    main()
