"""Runs the live-data benchmarks and writes their section of bench/RESULTS.md: `ingest` of 1,000,000 payment rows
into a copy of the 1M-loan book (bench/ingest.py), the Today refresh and the delinquency and executive figures on
a live day of that book (bench/live_day.py), and the load test of the feed at 200 events/s with browser sessions
open on the Today page (bench/load_test.py, 10 minutes by default).

    .venv/bin/python bench/live.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # ui/
from results import replace_section  # noqa: E402
from run import machine  # noqa: E402

from ui.today_data import REFRESH_SECONDS  # noqa: E402

HERE = Path(__file__).resolve().parent
HEADING = "## Live data at scale (issue 6)"


def figures(script: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{script} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", default="10")
    minutes = parser.parse_args().minutes
    write(figures("ingest.py"), figures("live_day.py"), figures("load_test.py", "--minutes", minutes))


def write(ingest: dict, refresh: dict, load: dict) -> None:
    latency = load["refresh_latency_s"]
    lost = {table: n for table, n in load["lost_or_doubled"].items() if n}
    problems = load["page_problems"] + load["server_log_problems"] + load["feed_stderr_problems"]
    events = sum(load["feed"].get(kind, 0) for kind in ("payments", "loans", "collection_actions"))
    lines = [
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}. Produced by `.venv/bin/python bench/live.py`.",
        "",
        f"- `ingest` of {ingest['rows']:,} payment rows ({ingest['file_mb']} MB CSV) into a copy of the 1,000,000-loan "
        f"book: {ingest['ingest_s']:.1f} s ({ingest['rows_per_s']:,} rows/s), exit {ingest['exit_code']}; the same "
        f"file again: {ingest['again_s']:.1f} s, nothing changed. Target 30 s: "
        f"{'met' if ingest['ingest_s'] <= 30 else 'MISSED'}.",
        f"- Today's figures on a live day of the 1,000,000-loan book ({refresh['active_loans']:,} active loans, "
        f"{refresh['payments_today']:,} payments so far today from 30 s of the feed), each on a fresh read-only "
        f"connection: the first view (yesterday read from the night's snapshot, today pinned from it) "
        f"{refresh['full_s']:.2f} s; every refresh after it "
        f"{refresh['refresh_s']:.2f} s (max {refresh['refresh_max_s']:.2f} s), with yesterday kept by the server and "
        f"{refresh['computed_again']:,} of today's loans computed again, the others carrying yesterday's row. "
        f"On the same live day (derived tables built the night before, stale since the feed's first event), "
        f"the delinquency page's figures {refresh['delinquency_s']:.2f} s and the executive summary's "
        f"{refresh['executive_s']:.2f} s, cold (the same figures at rest, just after a derive: section Page data).",
        f"- Load test: the feed at {load['rate']:.0f} events/s for {load['minutes']:g} minutes into a 50,000-loan book "
        f"with {load['sessions']} browser sessions on the Today page and one cycling through the other pages, server, "
        f"browsers and feed on the same 2 cores: {events:,} events; rows added against events reported: "
        f"{'all equal (none lost, none doubled)' if not lost else lost}; errors in pages, server log and feed: "
        f"{problems}.",
        f"- Refresh: from a batch's commit to a Today session showing it (fragment every {REFRESH_SECONDS:g} s, "
        f"so up to {REFRESH_SECONDS:g} s of it is waiting for the timer; stamped in the page by a MutationObserver),"
        f" over {latency['batches']:,} batch arrivals in the {load['sessions']} sessions: "
        f"median {latency.get('p50')} s, p95 {latency.get('p95')} s, max {latency.get('max')} s. Target 2 s: "
        f"{_verdict(latency)}.",
    ]
    replace_section(HEADING, "\n".join(lines))


def _verdict(latency: dict) -> str:
    if not latency.get("batches"):
        return "NOT MEASURED (no batch reached a page)"
    if latency["max"] <= 2:
        return "met by every arrival"
    share = f"{latency['over_2s']:,} of {latency['batches']:,} arrivals ({latency['over_2s'] / latency['batches']:.2%})"
    return f"met at p95; {share} took longer" if latency["p95"] <= 2 else f"MISSED: {share} took longer"


if __name__ == "__main__":
    main()
