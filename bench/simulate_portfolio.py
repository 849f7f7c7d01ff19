"""Times the portfolio simulator at scale and prints one JSON object (the lead collects the figures):

- estimation, cold: the chain's counts and matrix from loan_month (monitor.simulate.markov.estimate) on a newly
  opened database, and the start balances;
- projection + Monte Carlo: 12 months, 1,000 paths, with a policy and a stress (numpy, no database);
- the `simulate` command end to end as a process (estimation, the ECL function, projection, bands, backtest, JSON).

    .venv/bin/python bench/simulate_portfolio.py [--db bench/out/bench_1000000.duckdb]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from monitor import db
from monitor.simulate import markov, policy, projection

AS_OF = dt.date(2026, 11, 29)
ROOT = Path(__file__).resolve().parents[1]


def _timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench/out/bench_1000000.duckdb"))
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--paths", type=int, default=1000)
    args = parser.parse_args()
    con = db.connect(args.db, read_only=True)
    try:
        loans = con.execute("SELECT count(*) FROM loans").fetchall()[0][0]
        fit, estimate_s = _timed(lambda: markov.estimate(con, AS_OF, 6))
        start, start_s = _timed(lambda: markov.start_balances(con, AS_OF))
        treated_filters = (("channel", "broker"),)
        treated, treated_s = _timed(lambda: (markov.estimate(con, AS_OF, 6, treated_filters),
                                             markov.start_balances(con, AS_OF, treated_filters)))
    finally:
        con.close()
    chosen = policy.make_policy("reinstallment", 0.3, "channel", "broker")

    def project_and_simulate():
        rng = np.random.default_rng(0)
        kwargs = {"treated_start": treated[1]["balance"]}
        mean = projection.scenario_path(start["balance"], fit.matrix(), args.months, 1.2, chosen,
                                        treated_matrix=treated[0].matrix(), **kwargs)
        drawn = projection.scenario_path(start["balance"], projection.draw_matrices(fit, args.paths, rng),
                                         args.months, 1.2, chosen,
                                         treated_matrix=projection.draw_matrices(treated[0], args.paths, rng),
                                         **kwargs)
        return mean, projection.bands(drawn, 0.5)  # a settlement LGD: the figures time the arithmetic

    _, projection_s = _timed(project_and_simulate)
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    command = [sys.executable, "-m", "monitor", "simulate", "--db", args.db, "--as-of", AS_OF.isoformat(),
               "--months", str(args.months), "--paths", str(args.paths), "--stress", "mild", "--format", "json"]
    finished, command_s = _timed(lambda: subprocess.run(command, env=env, capture_output=True, text=True,
                                                        cwd=ROOT, check=False))
    print(json.dumps({
        "db": args.db, "loans": loans, "as_of": AS_OF.isoformat(), "months": args.months, "paths": args.paths,
        "estimate_cold_s": round(estimate_s, 3), "start_balances_s": round(start_s, 3),
        "estimate_treated_segment_s": round(treated_s, 3),
        "projection_monte_carlo_s": round(projection_s, 3),
        "simulate_command_s": round(command_s, 3), "simulate_command_exit": finished.returncode,
        "simulate_command_error": finished.stderr.strip()[-300:] or None,
    }, indent=1))


if __name__ == "__main__":
    main()
