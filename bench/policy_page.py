"""Credit policy what-if (issue 18) in the browser: what an analyst waits for on the strategy page, on a real
Streamlit server over a book with application scores, in headless Chromium, timed until the page is complete (all
charts and tables drawn: bench/browser_pages.py's COMPLETE_JS):
- open: the page opened in a new tab, the server's first view of it (its SQL aggregates computed and cached);
- change: a cut-off typed into the page (a channel's cash-loan cut-off, a new value each time) and Enter pressed,
  --runs times, timed from the Enter until the page is complete again with the new figures: what the what-if costs
  a person once the page is open (the target: <= 1 s on the 1M book's applications).
Prints one JSON line per view; with --write, puts the rows under the section "Credit policy what-if (issue 18)" of
bench/RESULTS.md as a paragraph of its own (bench/policy_whatif.py writes the rest of the section).

    .venv/bin/python bench/policy_page.py --db BOOK.duckdb [--runs 10] [--lang zh] [--write]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from browser_pages import _complete_since, _restart_watch, new_context

from monitor import notes
from monitor.i18n import LANGUAGES, t
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, serve

CHANNELS = ("broker", "social_ads", "partner_api", "app")
TARGET_S = 1.0


def time_cutoff_change(page, lang: str, channel: str, value: int) -> float | None:
    """Type `value` into the cash-loan cut-off of `channel`, press Enter: the seconds until the page is complete."""
    label = t("credit_policy.cutoff_label", lang, channel=notes.segment_value("channel", channel, lang),
              product=notes.segment_value("product", "cash_loan", lang))
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    started = _restart_watch(page, "credit_policy", lang, want=f"cut_{channel}_cash_loan={value}")
    box.press("Enter")
    return _complete_since(page, started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lang", choices=LANGUAGES, default="zh")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright, serve(args.db, Path(tempfile.mkdtemp(prefix="policy-page-"))) as server:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = new_context(browser, t("credit_policy.title", args.lang))
        page = context.new_page()
        page.goto(f"{server}/credit_policy?lang={args.lang}", wait_until="commit")
        rows.append({"view": "open", "seconds": _complete_since(page, 0.0)})
        print(json.dumps(rows[-1]), flush=True)
        for run in range(args.runs):
            channel, value = CHANNELS[run % len(CHANNELS)], 560 + 5 * run
            rows.append({"view": "change", "channel": channel, "cutoff": value,
                         "seconds": time_cutoff_change(page, args.lang, channel, value)})
            print(json.dumps(rows[-1]), flush=True)
        browser.close()
    changes = [row["seconds"] for row in rows if row["view"] == "change" and row["seconds"] is not None]
    print(json.dumps({"open_s": rows[0]["seconds"], "change_median_s": statistics.median(changes),
                      "change_max_s": max(changes), "target_s": TARGET_S, "runs": len(changes)}))


if __name__ == "__main__":
    main()
