"""Benchmark of the early warning (issue 4) on a book bench/run.py generated: train, score, and the data behind the
Early-warning, Account and Model monitoring pages.

`train` and `score` run as their own processes, as a user runs them (wall time and peak memory by os.wait4);
`train` samples its training rows down to 500,000 (its default --max-rows). The page data is timed in one process:
cold (first call on a newly opened database) and warm (the same call again). Writes its section of
bench/RESULTS.md.

    .venv/bin/python bench/early_warning.py [--db bench/out/bench_1000000.duckdb]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import replace_section  # noqa: E402
from run import OUT, machine, monitor_cmd, run_measured  # noqa: E402

from monitor import account, db, early_warning, metrics  # noqa: E402
from monitor.cli import train_summary  # noqa: E402
from monitor.scoring import monitoring, store  # noqa: E402

HEADING = "## Early warning at scale (issue 4)"
TARGETS = {"score": 60.0, "train": 120.0, "page": 1.0}


def page_calls(con, as_of: dt.date, loan_id: int) -> dict:
    """The data each early-warning page loads, as the page calls it (see ui/*_data.py)."""

    def listed(filters: dict):
        return early_warning.action_list(con, early_warning.scored_day_for(con, as_of), filters, limit=500)

    return {
        "every page: the active-loan check (bucket distribution)": lambda: metrics.bucket_distribution(con, as_of),
        "early warning: list, no filter": lambda: listed({}),
        "early warning: list, tier E, call": lambda: listed({"tier": ["E"], "treatment": ["call"]}),
        "early warning: summary": lambda: early_warning.summary(con, early_warning.scored_day_for(con, as_of), {}),
        "early warning: filter options": lambda: early_warning.filter_options(
            con, early_warning.scored_day_for(con, as_of)),
        "account view (the riskiest loan)": lambda: account.account_view(con, loan_id, as_of),
        "model monitoring": lambda: monitoring.monitoring_view(con, as_of),
    }


def time_pages(path: Path, as_of: dt.date) -> list[dict]:
    """Each page's data on a newly opened connection (cold), then again (warm)."""
    con = db.connect(path, read_only=True)
    try:
        top = early_warning.action_list(con, early_warning.scored_day_for(con, as_of), {}, limit=1)
        loan_id = int(top["loan_id"][0])
        names = list(page_calls(con, as_of, loan_id))
    finally:
        con.close()
    rows = []
    for name in names:
        con = db.connect(path, read_only=True)
        try:
            call = page_calls(con, as_of, loan_id)[name]
            started = time.perf_counter()
            call()
            cold = time.perf_counter() - started
            started = time.perf_counter()
            call()
            rows.append({"page": name, "cold_s": cold, "warm_s": time.perf_counter() - started})
        finally:
            con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=OUT / "bench_1000000.duckdb")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 29))
    args = parser.parse_args()
    path = args.db

    train_s, train_gb = run_measured(monitor_cmd("train", "--db", str(path)))
    score_s, score_gb = run_measured(monitor_cmd("score", "--db", str(path), "--as-of", args.as_of.isoformat()))
    con = db.connect(path, read_only=True)
    try:
        scored = con.execute("SELECT count(*) FROM scores WHERE as_of = ?", [args.as_of]).fetchall()[0][0]
        loans = con.execute("SELECT count(*) FROM loans").fetchall()[0][0]
        meta = store.metadata(con)  # the model `train` just saved
    finally:
        con.close()
    summary = train_summary(meta)
    pages = time_pages(path, args.as_of)
    write(loans, summary, meta, train_s, train_gb, score_s, score_gb, scored, pages)


def write(loans, summary, meta, train_s, train_gb, score_s, score_gb, scored, pages) -> None:
    timings = meta["timings"]
    slowest_page = max(p["cold_s"] for p in pages)
    lines = [
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}; {loans:,} loans as of the book's last day. "
        "Produced by `.venv/bin/python bench/early_warning.py`.",
        "",
        "| step | wall (s) | peak memory (GB) | what |",
        "|---|---|---|---|",
        f"| `train` | {train_s:.1f} | {train_gb:.2f} | {summary['training_rows']:,} training rows (sampled from "
        f"{meta['data']['training_rows']:,} loan-months at 6 month-ends), scorecard + challenger, OOT "
        f"({summary['oot_rows']:,} loans), PSI/CSI of {meta['data']['current_rows']:,} current loans, "
        f"backtest at {len(meta['backtest'])} month-ends |",
        f"| `score` | {score_s:.1f} | {score_gb:.2f} | features and scores of {scored:,} loans (active, DPD < 30), "
        "written to `scores` |",
        "",
        "Inside `train` (s): " + ", ".join(f"{k.removesuffix('_s').replace('_', ' ')} {v:.1f}"
                                           for k, v in timings.items()) + ".",
        "",
        f"Out of time ({summary['oot_month_end']}): scorecard AUC {summary['auc_oot']:.4f}, Gini "
        f"{summary['gini_oot']:.4f}, KS {summary['ks_oot']:.4f}, Brier {summary['brier_oot']:.4f}; challenger AUC "
        f"{summary['challenger']['auc_oot']:.4f}; the generator's true default driver alone "
        f"{summary['auc_true_driver']:.4f}, one oracle fit that also sees it {summary['auc_driver_oracle']:.4f}; "
        f"PSI now {summary['psi']:.4f}.",
        "",
        "| page data | cold (s) | warm (s) |",
        "|---|---|---|",
        *(f"| {p['page']} | {p['cold_s']:.2f} | {p['warm_s']:.2f} |" for p in pages),
        "",
        "Targets (1,000,000 loans, 2 cores):",
        "",
        f"- {'met' if score_s <= TARGETS['score'] else 'MISSED'}: features and scoring of all active loans <= 60 s",
        f"- {'met' if train_s <= TARGETS['train'] else 'MISSED'}: training on up to 500k rows <= 120 s",
        f"- {'met' if slowest_page <= TARGETS['page'] else 'MISSED'}: pages <= 1 s (slowest cold: "
        f"{slowest_page:.2f} s)",
    ]
    replace_section(HEADING, "\n".join(lines))


if __name__ == "__main__":
    main()
