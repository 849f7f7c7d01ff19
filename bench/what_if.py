"""Runs the two what-if benchmarks (bench/simulate_loan.py, bench/simulate_portfolio.py) on the 1,000,000-loan
book bench/run.py generated and writes their section of bench/RESULTS.md.

    .venv/bin/python bench/what_if.py
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import replace_section  # noqa: E402
from run import machine  # noqa: E402

HERE = Path(__file__).resolve().parent
HEADING = "## What-if at scale (issue 5)"


def figures(script: str) -> dict:
    result = subprocess.run([sys.executable, str(HERE / script)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main() -> None:
    loan, book = figures("simulate_loan.py"), figures("simulate_portfolio.py")
    lines = [
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}; {book['loans']:,} loans as of "
        f"{book['as_of']}. Produced by `.venv/bin/python bench/what_if.py`.",
        "",
        "| step | time | target |",
        "|---|---|---|",
        f"| loan level: all {loan['options']} options recomputed for one loan (median of 50; slowest "
        f"{loan['recompute_max_ms']:.0f} ms) | {loan['recompute_median_ms']:.1f} ms | 100 ms |",
        f"| loan level: the book's default assumptions, estimated once per as-of day (cold) | "
        f"{loan['estimate_book_cold_s']:.2f} s | |",
        f"| loan level: one loan's state | {loan['loan_state_s'] * 1000:.0f} ms | |",
        f"| portfolio: chain estimated from loan_month (cold) | {book['estimate_cold_s']:.2f} s | |",
        f"| portfolio: {book['months']}-month projection with {book['paths']:,} Monte Carlo paths, policy and stress "
        f"| {book['projection_monte_carlo_s']:.2f} s | 2 s |",
        f"| portfolio: `simulate` command end to end (estimation, PD/LGD, bands, backtest, JSON) | "
        f"{book['simulate_command_s']:.2f} s | |",
    ]
    replace_section(HEADING, "\n".join(lines))


if __name__ == "__main__":
    main()
