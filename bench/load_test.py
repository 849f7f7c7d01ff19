"""Load test of the live book: the feed at 200 events/s while browsers watch the Today page.

On a copy of a 50,000-loan demo book (generated, or --source to copy one), start a real Streamlit server and
the feed, keep --sessions headless Chromium sessions on the Today page and one more cycling through the other
pages, and record:
- errors: exceptions, error boxes, tracebacks and lock messages seen in any page and in the server log;
- the feed's reported events against the rows counted in the database after it stopped (lost, doubled);
- refresh latency: for each committed feed batch, the time from its commit (ingest_batches.loaded_at, local
  time, taken just before the write) to the first change of each Today session's payments card that shows it.
  A MutationObserver in each session stamps every change of the card with the browser's clock (the same
  machine's), so the figure has no polling delay in it and the harness stays off the CPU the pages need.
  Which change shows batch k: the page reads committed data, so every count it shows is the count after some
  batch; one above C(k-1), the payments of the day paid by the commit of batch k-1, is the count after batch k
  or a later one. (C(k) itself may include a few payments of batch k+1, drawn for the moments between batch
  k's draw and its commit, so "at least C(k)" would credit batch k with batch k+1's arrival.)
Prints one JSON object. Smoke run: `.venv/bin/python bench/load_test.py --minutes 1`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor import db  # noqa: E402
from monitor.i18n import t  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, RUN_TIMEOUT_MS, VIEWPORT, _open, serve  # noqa: E402
from ui import navigation  # noqa: E402

POLL = 2  # seconds between two checks of the pages for errors
TABLES = ("payments", "loans", "collection_actions", "customers", "installments")
ERROR_WORDS = re.compile(r"Traceback|locked|LockException|Could not set lock|stException", re.IGNORECASE)
ZONE = ZoneInfo("Asia/Shanghai")
WATCH_JS = """label => {
  window.__shown = [];
  const read = () => {
    const m = [...document.querySelectorAll('[data-testid="stMetric"]')].find(e => e.innerText.includes(label));
    return m ? m.querySelector('[data-testid="stMetricValue"]').innerText : null; };
  let last = null;
  new MutationObserver(() => {
    const value = read();
    if (value !== null && value !== last) { last = value; window.__shown.push([Date.now(), value]); }
  }).observe(document.body, {childList: true, subtree: true, characterData: true}); }"""
CAPTION_JS = """day => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
  .some(e => e.innerText.includes(day))"""
PROBLEMS_JS = """() =>
  document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]').length
  + (/Traceback|locked/i.test(document.body.innerText) ? 1 : 0)"""


def _counts(path: Path) -> dict[str, int]:
    con = db.connect(path, read_only=True)
    try:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in TABLES}
    finally:
        con.close()


def _book(args, folder: Path) -> Path:
    path = folder / "load.duckdb"
    if args.source:
        shutil.copyfile(args.source, path)
    else:
        # as of the day before the feed's: the generator spreads a day's payments over all its hours, later ones too
        yesterday = dt.datetime.now(ZONE).date() - dt.timedelta(days=1)
        subprocess.run([sys.executable, "-m", "monitor", "generate", "--db", str(path), "--loans", str(args.loans),
                        "--seed", "42", "--as-of", yesterday.isoformat()], cwd=ROOT, check=True)
    return path


def _batches(path: Path, since: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """(loaded_at, the lowest count of the day's payments that shows it) for every feed batch committed after
    `since`: one more than the payments of that day paid by the previous commit (or by `since`)."""
    con = db.connect(path, read_only=True)
    try:
        return con.execute("""
            WITH moments AS (
                SELECT loaded_at, true AS batch FROM ingest_batches WHERE source = 'feed' AND loaded_at >= $since
                UNION ALL SELECT $since, false),
            paid AS (
                SELECT m.loaded_at, m.batch,
                       (SELECT count(*) FROM payments p WHERE p.paid_at <= m.loaded_at
                        AND p.paid_at >= CAST(CAST(m.loaded_at AS DATE) AS TIMESTAMP)) AS paid
                FROM moments m)
            SELECT loaded_at, shown FROM (
                SELECT loaded_at, batch, lag(paid) OVER (ORDER BY loaded_at) + 1 AS shown FROM paid)
            WHERE batch ORDER BY loaded_at""", {"since": since}).fetchall()
    finally:
        con.close()


def _latencies(batches, seen: list[list[tuple[dt.datetime, int]]]) -> list[float]:
    """Per session and batch: seconds from the commit to the first change of the page that showed its count."""
    out = []
    for polls in seen:
        times = [p[0] for p in polls]
        counts = np.maximum.accumulate([p[1] for p in polls]) if polls else np.array([])
        for loaded_at, shown in batches:
            i = int(np.searchsorted(counts, shown))
            if i < len(polls) and times[i] >= loaded_at:
                out.append((times[i] - loaded_at).total_seconds())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--loans", type=int, default=50_000)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--source", help="copy this book (its last day before today) instead of generating one")
    parser.add_argument("--lang", default="en", choices=("zh", "en"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="load_test_"))
    path = _book(args, folder)
    before = _counts(path)
    label = t("today.payments", args.lang)
    others = [stem for stem, _ in navigation.PAGES if stem != "today"]
    problems = []
    with serve(path, folder) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        today_url = f"{url}/{navigation.url_path('today')}?lang={args.lang}"
        sessions = [_open(browser, today_url, t("today.title", args.lang))[1] for _ in range(args.sessions)]
        cycler = browser.new_context(viewport=VIEWPORT).new_page()
        feed_log = (folder / "feed.log").open("w")  # a file, not a pipe: nobody reads it until the end
        feed = subprocess.Popen([sys.executable, "-m", "monitor", "feed", "--db", str(path), "--rate", str(args.rate),
                                 "--seconds", str(args.minutes * 60), "--seed", "1"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=feed_log, text=True)
        today = dt.datetime.now(ZONE).date().isoformat()
        for page in sessions:  # each page moves to the feed's day by itself; from then on, count
            page.wait_for_function(CAPTION_JS, arg=today, timeout=RUN_TIMEOUT_MS)
            page.evaluate(WATCH_JS, label)
        started_at = dt.datetime.now(ZONE).replace(tzinfo=None)
        page_index, next_switch = 0, 0.0
        while feed.poll() is None:
            if time.monotonic() >= next_switch:  # the fourth session: another page every 10 s
                stem = others[page_index % len(others)]
                cycler.goto(f"{url}/{navigation.url_path(stem)}?lang={args.lang}")
                page_index, next_switch = page_index + 1, time.monotonic() + 10
                if cycler.evaluate(PROBLEMS_JS):
                    problems.append({"page": stem, "text": cycler.inner_text("body")[:500]})
            for i, page in enumerate(sessions):
                if page.evaluate(PROBLEMS_JS):
                    problems.append({"page": "today", "session": i, "text": page.inner_text("body")[:500]})
            time.sleep(POLL)
        out, _ = feed.communicate()
        feed_log.close()
        err = (folder / "feed.log").read_text()
        time.sleep(3)  # the last batch reaches the pages
        seen = [[(dt.datetime.fromtimestamp(ms / 1000, ZONE).replace(tzinfo=None), int(re.sub(r"\D", "", value)))
                 for ms, value in page.evaluate("window.__shown")] for page in sessions]
        browser.close()
    if feed.returncode != 0 or not out.strip():
        raise RuntimeError(f"the feed failed (exit {feed.returncode}); its log, {folder / 'feed.log'}, ends:\n"
                           + err[-3000:])
    totals = json.loads(out.strip().splitlines()[-1])
    after = _counts(path)
    log = (folder / "streamlit.log").read_text(errors="replace")
    latency = _latencies(_batches(path, started_at), seen)
    result = {
        "minutes": args.minutes, "rate": args.rate, "sessions": args.sessions, "feed_exit": feed.returncode,
        "feed": totals,
        "rows_added": {table: after[table] - before[table] for table in TABLES},
        "lost_or_doubled": {table: totals[table] - (after[table] - before[table]) for table in TABLES},
        "page_problems": len(problems), "page_problem_samples": problems[:3],
        "server_log_problems": len(ERROR_WORDS.findall(log)),
        "feed_stderr_problems": len(ERROR_WORDS.findall(err)),
        "refresh_latency_s": {"batches": len(latency),
                              **({"p50": round(float(np.percentile(latency, 50)), 2),
                                  "p95": round(float(np.percentile(latency, 95)), 2),
                                  "max": round(float(max(latency)), 2),
                                  "over_2s": sum(x > 2 for x in latency)} if latency else {})},
        "last_shown": [polls[-1][1] if polls else None for polls in seen],
    }
    print(json.dumps(result, indent=1, default=str))
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
