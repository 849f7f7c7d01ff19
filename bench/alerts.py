"""Runs the alerts benchmarks of issue 16 on a derived 1M-loan book and writes their section of bench/RESULTS.md:
50 limits evaluated (bench/alerts_evaluate.py) and from a feed batch that breaches a limit to the webhook
(bench/alerts_latency.py), each in a process of its own.

    .venv/bin/python bench/alerts.py --source BOOK.duckdb [--samples 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import duckdb  # noqa: E402
from results import replace_section  # noqa: E402
from run import machine  # noqa: E402

HERE = Path(__file__).resolve().parent
HEADING = "## Limits and alerts (issue 16)"
NIGHTLY_TARGET, INTRADAY_TARGET, LATENCY_TARGET = 2.0, 1.0, 5.0


def figures(script: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{script} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def _loans(path: str) -> int:
    con = duckdb.connect(path, read_only=True)  # the source as it is: an older schema's loans table is the same
    try:
        return con.execute("SELECT count(*) FROM loans").fetchall()[0][0]
    finally:
        con.close()


def _verdict(seconds: float, target: float) -> str:
    return "met" if seconds <= target else "MISSED"


def write(source: str, evaluated: dict, latency: dict, measured_at: dt.datetime) -> None:
    runs = evaluated["runs"]
    derived, after = runs[0]["as_of"], runs[2]["as_of"]
    lines = [
        f"Measured {measured_at:%Y-%m-%d %H:%M} on {machine()}. Produced by "
        f"`.venv/bin/python bench/alerts.py --source BOOK` on a copy of a derived book of {_loans(source):,} loans "
        "(as the nightly job leaves it).",
        "",
        "| what | limits | seconds | target |",
        "|---|---|---|---|",
    ]
    names = {(derived, "nightly"): f"nightly, the derived day ({derived})",
             (derived, "intraday"): f"intraday, the derived day ({derived})",
             (after, "nightly"): f"nightly, the day after ({after}: no data of it yet, its status pinned from the "
                                 "day before)",
             (after, "intraday"): f"intraday, the day after ({after})"}
    for run in runs:
        target = NIGHTLY_TARGET if run["kind"] == "nightly" else INTRADAY_TARGET
        what = "the same evaluation again (same data: nothing to do)" if run["repeated"] else \
            names[(run["as_of"], run["kind"])]
        verdict = f"<= {target:g} s: {_verdict(run['seconds'], target)}" if run["as_of"] == derived else \
            "none (not the state the targets name)"
        lines.append(f"| {what} | {run['limits']} | {run['seconds']:.2f} | {verdict} |")
    timing = latency["latency_s"] or {}
    lines += [
        "",
        f"{evaluated['limits']} limits: the starter set and limits on segment values (bench/alerts_evaluate.py's "
        "docstring), each evaluation on a fresh read-write connection as the nightly command, the deliverer and the "
        "writers open it. The targets name the book after `derive`: the derived day, which is also the state of a "
        "live day, whose snapshot the feed's and the loads' batches keep current (monitor.derive_update), and on "
        "which the writers evaluate the intraday limits. The day after is a day no batch has reached yet, its loan "
        "status pinned from the day before (about 0.5 s of it): only the deliverer's hourly round for the metrics "
        "that move with the clock meets it, before the first batch of a new day.",
        "",
        f"From a feed batch that breaches a limit to the webhook receiving it, with the dashboard running (a Streamlit "
        f"server, a headless Chromium session on the Today page refreshing every second), the feed at "
        f"{latency['rate']:.0f} events/s and `monitor alerts-deliver --loop {latency['deliver_loop_s']:g} --intraday` "
        f"beside it, all on the same 2 cores: {latency['received']} of {latency['samples']} breaches received, "
        f"median {timing.get('p50')} s, p95 {timing.get('p95')} s, max {timing.get('max')} s; target p95 <= "
        f"{LATENCY_TARGET:g} s: {_verdict(timing.get('p95', float('inf')), LATENCY_TARGET)}. The feed evaluates the "
        "intraday limits after a batch every 2 s at most, queues the events and sends them itself once it has let "
        "the book go (monitor.alerts.trigger, monitor.alerts.courier); the latency is counted from the batch's "
        "loaded_at, taken before its write.",
    ]
    replace_section(HEADING, "\n".join(lines))


def _from_log(path: str) -> tuple[dict, dict, dt.datetime]:
    """The figures a run printed (its first JSON object) and when (the file's time), to write the section again
    without measuring again."""
    text = Path(path).read_text()
    found = json.JSONDecoder().raw_decode(text[text.index("{"):])[0]
    return found["evaluated"], found["latency"], dt.datetime.fromtimestamp(Path(path).stat().st_mtime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="a derived book (copied, never changed)")
    parser.add_argument("--samples", default="30")
    parser.add_argument("--from-log", help="write the section from what a run printed, without measuring")
    args = parser.parse_args()
    if args.from_log:
        write(args.source, *_from_log(args.from_log))
        return
    started = dt.datetime.now()
    evaluated = figures("alerts_evaluate.py", "--db", args.source)
    latency = figures("alerts_latency.py", "--source", args.source, "--samples", args.samples)
    print(json.dumps({"evaluated": evaluated, "latency": latency}, indent=1))  # the figures, whatever follows
    write(args.source, evaluated, latency, started)


if __name__ == "__main__":
    main()
