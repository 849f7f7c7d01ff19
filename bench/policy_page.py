"""Credit policy what-if (issue 18) in the browser: what an analyst waits for on the strategy page, on a real
Streamlit server over a book with application scores, in headless Chromium, timed until the page is complete (all
charts and tables drawn: bench/browser_pages.py's COMPLETE_JS):
- open: the page opened in a new tab, the server's first view of it (its SQL aggregates computed and cached);
- change: a cut-off typed into the page (a channel's cash-loan cut-off, a new value each time) and Enter pressed,
  --runs times, timed from the Enter until the page is complete again with the new figures: what the what-if costs
  a person once the page is open (the target: <= 1 s on the 1M book's applications).
Each on a fresh server, once with its cache warmer off and once on (ui/warm.py: after the first page, every page's
figures of the latest day, a minute of both cores at 1M): with it, the changes of the server's first minute share the
CPU with the warmer.
Prints one JSON line per view and writes the section "Credit policy page in the browser (issue 18)" of
bench/RESULTS.md (bench/policy_whatif.py times the figures alone).

    .venv/bin/python bench/policy_page.py [--db BOOK.duckdb] [--runs 10] [--lang zh] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from browser_pages import _complete_since, _restart_watch, new_context
from results import replace_section
from run import OUT, machine

from monitor import notes
from monitor.i18n import LANGUAGES, t
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, serve
from ui import warm

CHANNELS = ("broker", "social_ads", "partner_api", "app")
TARGET_S = 1.0
HEADING = "## Credit policy page in the browser (issue 18)"


def time_cutoff_change(page, lang: str, channel: str, value: int) -> float | None:
    """Type `value` into the cash-loan cut-off of `channel`, press Enter: the seconds until the page is complete."""
    label = t("credit_policy.cutoff_label", lang, channel=notes.segment_value("channel", channel, lang),
              product=notes.segment_value("product", "cash_loan", lang))
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    started = _restart_watch(page, "credit_policy", lang, want=f"cut_{channel}_cash_loan={value}")
    box.press("Enter")
    return _complete_since(page, started)


def section(summaries: list[dict], book: Path, command: str, load: float) -> str:
    lines = [
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}; load average {load:.1f} at the start. "
        f"Produced by `{command}`. Book {book.name}, a fresh server for each row.",
        "",
        "| the server's cache warmer | page opened, the server's first view (s) | after a cut-off typed and Enter, "
        "until complete again: median / max (s) | target <= 1 s |",
        "|---|---|---|---|",
    ]
    for summary in summaries:
        met = "met" if summary["change_max_s"] <= TARGET_S else "missed"
        lines.append(f"| {'on: its first minute shares the CPU' if summary['warm'] else 'off'} | "
                     f"{summary['open_s']:.2f} | {summary['change_median_s']:.2f} / {summary['change_max_s']:.2f} "
                     f"({summary['runs']} changes) | {met} |")
    return "\n".join(lines)


def measure(book: Path, lang: str, runs: int, warm_cache: bool) -> dict:
    """The page opened on a fresh server, then `runs` changes of a cut-off; their summary."""
    from playwright.sync_api import sync_playwright

    os.environ[warm.ENABLED] = "1" if warm_cache else "0"  # the server started below inherits it
    rows = []
    with sync_playwright() as playwright, serve(book, Path(tempfile.mkdtemp(prefix="policy-page-"))) as server:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = new_context(browser, t("credit_policy.title", lang))
        page = context.new_page()
        page.goto(f"{server}/credit_policy?lang={lang}", wait_until="commit")
        rows.append({"view": "open", "warm": warm_cache, "seconds": _complete_since(page, 0.0)})
        print(json.dumps(rows[-1]), flush=True)
        for run in range(runs):
            channel, value = CHANNELS[run % len(CHANNELS)], 560 + 5 * run
            rows.append({"view": "change", "warm": warm_cache, "channel": channel, "cutoff": value,
                         "seconds": time_cutoff_change(page, lang, channel, value)})
            print(json.dumps(rows[-1]), flush=True)
        browser.close()
    changes = [row["seconds"] for row in rows if row["view"] == "change" and row["seconds"] is not None]
    return {"open_s": rows[0]["seconds"], "change_median_s": statistics.median(changes),
            "change_max_s": max(changes), "runs": len(changes), "warm": warm_cache}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=OUT / "bench_1000000.duckdb",
                        help="a book with application scores (bench/policy_whatif.py writes them into it)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lang", choices=LANGUAGES, default="zh")
    parser.add_argument("--no-write", action="store_true", help="print the JSON only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    summaries = [measure(args.db, args.lang, args.runs, warm_cache) for warm_cache in (False, True)]
    print(json.dumps(summaries))
    if not args.no_write:
        command = " ".join([".venv/bin/python bench/policy_page.py", *sys.argv[1:]])
        replace_section(HEADING, section(summaries, args.db, command, load))


if __name__ == "__main__":
    main()
