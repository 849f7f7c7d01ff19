"""Contact check before a call (issue 17): how long `may_contact` takes to answer a dialer, on a book.

Opens each book read-only once and asks --questions questions drawn from its collection actions of the last 7 days:
the loan, contact id and party of a random action, on that action's day at a random minute (a fifth of them between
22:00 and 08:00), by a random channel. After a few warm-up calls, each `may_contact` call is timed on its own
(median, p95, p99 and max in ms; the questions about a third party apart too), and the answers are counted by the
rule that blocked them. The command line (`python -m monitor contact-check`) is also timed end to end a few times,
each a new process: Python's start-up and opening the file included. Prints one JSON object per book; writes the
section of bench/RESULTS.md.

    .venv/bin/python bench/contact_check.py [--db BOOK.duckdb ...] [--questions 2000] [--seed 1] [--no-write]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import replace_section  # noqa: E402
from run import OUT, machine, monitor_cmd  # noqa: E402

from monitor import db  # noqa: E402
from monitor.compliance import rules  # noqa: E402
from monitor.compliance.contact_check import may_contact  # noqa: E402

HEADING = "## Contact check before a call (issue 17)"
TARGET_MS = 10.0
WARM_UP = 20
CLI_RUNS = 5
CHANNELS = ("call", "ivr", "sms", "field_visit")
CHANNEL_WEIGHTS = (60, 20, 15, 5)


def questions(con, count: int, seed: int) -> list[dict]:
    """`count` questions about contacts of the book's actions of its last 7 days."""
    actions = con.execute(f"""
        SELECT loan_id, contact_id, coalesce(contact_party, 'debtor'), CAST(action_at AS DATE)
        FROM collection_actions
        WHERE action_type IN {rules.CONTACT_TYPES}
          AND action_at >= (SELECT CAST(max(action_at) AS DATE) - 6 FROM collection_actions)
        ORDER BY action_id""").fetchall()
    rng = random.Random(seed)
    asked = []
    for loan_id, contact_id, party, day in rng.choices(actions, k=count):
        minute = rng.randrange(22 * 60, 32 * 60) % (24 * 60) if rng.random() < 0.2 else rng.randrange(8 * 60, 22 * 60)
        asked.append({"loan_id": loan_id, "contact_id": contact_id, "party": party,
                      "at": dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute),
                      "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]})
    return asked


def ask(con, question: dict):
    return may_contact(con, question["loan_id"], question["contact_id"], question["party"], question["at"],
                       channel=question["channel"])


def cli_args(path: Path, question: dict) -> list[str]:
    args = ["contact-check", "--db", str(path), "--loan", str(question["loan_id"]), "--party", question["party"],
            "--channel", question["channel"], "--at", f"{question['at']:%Y-%m-%d %H:%M}", "--format", "json"]
    if question["contact_id"] is not None:
        args += ["--contact", question["contact_id"]]
    return monitor_cmd(*args)


def bench_book(path: Path, count: int, seed: int) -> dict:
    con = db.connect(path, read_only=True)
    try:
        loans = con.execute("SELECT count(*) FROM loans").fetchall()[0][0]
        drawn = questions(con, WARM_UP + count, seed)
        for question in drawn[:WARM_UP]:  # questions of their own: not timed
            ask(con, question)
        asked = drawn[WARM_UP:]
        seconds, blocked, answers = [], collections.Counter(), []
        for question in asked:
            started = time.perf_counter()
            decision = ask(con, question)
            seconds.append(time.perf_counter() - started)
            blocked.update(decision.reasons)
            answers.append(decision.allowed)
    finally:
        con.close()
    cli = []
    for question, allowed in zip(asked[:CLI_RUNS], answers, strict=False):
        started = time.perf_counter()
        done = subprocess.run(cli_args(path, question), capture_output=True, text=True)
        cli.append(time.perf_counter() - started)
        if done.returncode != (0 if allowed else 1):
            raise RuntimeError(f"the command answered otherwise (exit {done.returncode}): {done.stderr}")
    ms = np.array(seconds) * 1000
    third = ms[np.array([question["party"] != "debtor" for question in asked])]
    return {"book": str(path), "loans": loans, "questions": count, "allowed": sum(answers),
            "blocked": count - sum(answers), "blocked_by": dict(blocked.most_common()),
            "median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)),
            "p99_ms": float(np.percentile(ms, 99)), "max_ms": float(ms.max()),
            "third_party": {"questions": len(third), "median_ms": float(np.median(third)),
                            "max_ms": float(third.max())} if len(third) else None,
            "cli_median_ms": float(np.median(cli) * 1000), "cli_max_ms": float(max(cli) * 1000)}


def third_party(row: dict) -> str:
    third = row["third_party"]
    return f"{third['questions']}: {third['median_ms']:.2f} / {third['max_ms']:.2f}" if third else "none"


def verdict(*ms: float) -> str:
    return "met" if max(ms) < TARGET_MS else "MISSED"


def section(rows: list[dict], command: str, load: float) -> str:
    largest = max(rows, key=lambda row: row["loans"])
    lines = [
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}; load average {load:.1f} at the start. "
        f"Produced by `{command}`.",
        "",
        "Questions drawn from each book's collection actions of its last 7 days (a random action's loan, contact "
        "and party, on its day at a random minute, a fifth between 22:00 and 08:00, by call, IVR, SMS or visit "
        "60/20/15/5). In process: one read-only connection, each `may_contact` call timed after "
        f"{WARM_UP} warm-up calls. Command line: `python -m monitor contact-check` as a new process, {CLI_RUNS} "
        "runs, Python's start-up and opening the file included.",
        "",
        "| loans | questions | median (ms) | p95 (ms) | p99 (ms) | max (ms) | of them about a third party: number: "
        "median / max (ms) | command line, process start included: median / max (ms) | blocked: by rule |",
        "|---|---|---|---|---|---|---|---|---|",
        *(f"| {r['loans']:,} | {r['questions']:,} | {r['median_ms']:.2f} | {r['p95_ms']:.2f} | {r['p99_ms']:.2f} | "
          f"{r['max_ms']:.2f} | {third_party(r)} | {r['cli_median_ms']:.0f} / {r['cli_max_ms']:.0f} | "
          f"{r['blocked']:,}: " + ", ".join(f"{code} {n:,}" for code, n in r["blocked_by"].items()) + " |"
          for r in rows),
        "",
        f"Target, in process under {TARGET_MS:.0f} ms on the largest book: median and p95 "
        f"{verdict(largest['median_ms'], largest['p95_ms'])}"
        + (f"; the questions about a third party {verdict(largest['third_party']['median_ms'])} (median)"
           if largest["third_party"] else "") + ".",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, nargs="+", help="books, opened read-only (default: bench/run.py's, "
                        "50,000 and 1,000,000 loans)",
                        default=[OUT / "bench_50000.duckdb", OUT / "bench_1000000.duckdb"])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print the JSON only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    rows, load = [], os.getloadavg()[0]
    for path in args.db:
        rows.append(bench_book(path, args.questions, args.seed))
        print(json.dumps(rows[-1]), flush=True)
    if not args.no_write:
        command = " ".join([".venv/bin/python bench/contact_check.py", *sys.argv[1:]])
        replace_section(HEADING, section(rows, command, load))
        print(f"wrote {HEADING!r} in bench/RESULTS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
