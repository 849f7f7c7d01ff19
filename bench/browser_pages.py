"""Time to a complete page (issue 15): every page of the app in headless Chromium on a real Streamlit server, timed
from a person's action (a navigation, a click in the menu, Enter in the date field) until the page is complete (see
`COMPLETE_JS` and `_complete_since`).

For each book (a copy, so the feed can write into it, derived by this code as the nightly job leaves it) and each
language, a fresh server (local mode: the loopback
user holds every role); then, for --repeats as-of days (the latest day, the day before, ...), every page of
ui.navigation.PAGES and each section of the Delinquency page (measured_views: the page shows one at a time), each
(page, day) in a new browser context:
- cold, in an open tab (time_typed_day): the page opened at a primer day (60 days before the earliest measured day;
  not timed; it pays the server's first run of the page and the browser's start of the app), then the measured day
  typed into the sidebar's date field and Enter pressed; timed from the Enter until the page is complete and its URL
  holds the new day. Each (page, day) is measured once per server: the first view of that page's figures for that
  day and language (what other pages viewed before it that day read, and what does not depend on the day, is
  cached, as for a person; the latest day's main figures may also be in the cache warmer's hands, ui/warm.py, which
  starts on the server's first run);
- cold_older: the same, once per page and language after those days, at older_day (about three weeks back): a day
  derive's snapshots (the last week's days) and month-ends do not hold, so the page pins its status from the loans'
  status paths;
- new_tab: the same URL (with the day) in a new tab of that context: a new session with the data cached, which
  pays the app's start in the browser (reported, no target);
- warm, as a user works all day: the page again through the menu of an open tab after another page
  (time_menu_return), from the click.
Then, with `python -m monitor feed` writing into the book at --feed-rate events/s (a separate process, as
bench/load_test.py runs it; the server opens the file read-only for each read, DESIGN.md §7), one tab open all
along at the latest day, which is the feed's day and changes with every batch, and --repeats rounds over the pages:
- feed, in an open tab (time_feed_views; each page at the section it opens on): every page viewed once first (not
  timed: a server in use), then for each view the tab on the next page of the menu (not timed) until the feed has
  written a new batch since that page was complete, then the page through the menu, timed from the click; every
  view finds the data changed since any page's last read, so nothing it reads for the day is cached (the month-ends
  already past may be: monitor.memo).
Each view also records what the browser received: the charts and tables drawn and the websocket bytes (the page's
data and chart specs). Prints one JSON line per view; writes the section "## Time to a complete page (issue 15)"
of bench/RESULTS.md (median and max per page and kind), keeping the other sections.

    .venv/bin/python bench/browser_pages.py [--scales 50000 1000000] [--db PATH ...] [--repeats 3]
        [--langs zh en] [--pages delinquency today ...] [--kinds cold cold_older warm new_tab feed]
        [--feed-rate 200] [--no-feed]
        [--no-write] [--work /tmp]

--scales      books bench/out/bench_<loans>.duckdb (made by bench/run.py), with their models/ folder
--db          other books instead (each copied; its loan count is read from it)
--repeats     cold/warm days and feed views per page (default 3)
--langs       languages, a fresh server for each (default: zh en)
--pages       a subset of the pages and sections, as measured_views names them (default: all)
--kinds       a subset of cold, cold_older, warm, new_tab, feed (default: all five)
--feed-rate   events per second of the feed (default 200, as the load test); --no-feed leaves the feed out
--no-write    print the JSON lines only, leave bench/RESULTS.md alone
--work        folder for the copies of the books (default: the system's temporary folder)
--keep FILE --kept-from TEXT
              the output of an earlier run, and when it was measured: the views of the (loans, kind) pairs this run
              does not measure are kept in the table (a change that touched some kinds is measured again alone)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results import replace_section  # noqa: E402
from run import machine  # noqa: E402

from monitor import db, derive, status  # noqa: E402
from monitor.i18n import LANGUAGES, t  # noqa: E402
from monitor.months import month_end  # noqa: E402
from monitor.views import DELINQUENCY_SECTIONS  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, serve  # noqa: E402
from ui import data, navigation  # noqa: E402

HEADING = "## Time to a complete page (issue 15)"
TARGETS = {"cold": 2.0, "cold_older": 2.0, "warm": 0.7, "feed": 3.0}  # seconds, at 1,000,000 loans
KINDS = ("cold", "cold_older", "warm", "new_tab", "feed")
OLDER_GAP = dt.timedelta(days=20)  # cold_older: about this long before the latest day (see older_day)
MENU_LINKS = '[data-testid="stSidebarNav"] a'
DATE_SEGMENTS = '[data-testid="stSidebar"] [data-testid="stDateInputField"] [role="spinbutton"]'  # year, month, day
TIMEOUT_S = 120
FEED_START_S = 300  # the feed's first batch into a 1M-loan book on a busy machine
SETTLE_MS = 300  # a page counts as complete once it has stayed complete this long (a rerun may follow a first run)
POLL_MS = 20
PRIMER_GAP = dt.timedelta(days=60)  # the primer day of a cold view: this long before the earliest measured day

COMPLETE_JS = r"""
/* Whether the page titled `title` is complete: what a user waits for before reading it.
   - the app has finished running its script (the "running" indicator is gone) and shows the page's title; after
     that first run, a fragment's timed refresh (the Today page's, every second) runs with the page on screen and
     counts only through what it leaves stale or spinning;
   - nothing left over from an earlier run (no stale element), no spinner, no skeleton of an element still loading;
   - every chart drawn: each visible vega-embed holds its canvas or svg, with a size;
   - every table drawn: each visible dataframe holds its grid canvas, with a size.
   Elements hidden on purpose (a closed expander) are not waited for. */
window.__pageComplete = (title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const titles = document.querySelectorAll('[data-testid="stMain"] h1');
  if (!app || ![...titles].some(e => e.innerText.includes(title))) return false;
  if (app.getAttribute('data-test-script-state') === 'notRunning') window.__ranOnce = true;
  else if (!window.__ranOnce) return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSpinner"], [data-testid="stSkeleton"]'))
    return false;
  const sized = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const visible = e => e.checkVisibility();
  for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
    if (visible(chart) && ![...chart.querySelectorAll('canvas, svg.marks')].some(sized)) return false;
  for (const frame of document.querySelectorAll('[data-testid="stDataFrame"]'))
    if (visible(frame) && ![...frame.querySelectorAll('canvas')].some(sized)) return false;
  return true;
};
"""

WATCH_JS = r"""
/* Installed before the app's own scripts: every POLL ms, note since when the page has been complete (null while
   it is not), in ms from the start of the navigation. With window.__want set (e.g. "as_of=2026-11-15"), the page
   counts only once its URL holds it: the app writes a new day there in the run that draws it, so the page of the
   day before, still complete on screen before that run starts, is never taken for the new one. */
(() => {
  window.__completeSince = null;
  setInterval(() => {
    if (!window.__pageComplete) return;
    const wanted = !window.__want || window.location.search.includes(window.__want);
    const done = wanted && window.__pageComplete(window.__title);
    if (!done) window.__completeSince = null;
    else if (window.__completeSince === null) window.__completeSince = performance.now();
  }, POLL);
})();
"""

COUNTS_JS = r"""() => ({
  charts: document.querySelectorAll('[data-testid="stVegaLiteChart"]').length,
  tables: document.querySelectorAll('[data-testid="stDataFrame"]').length,
  errors: [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')]
    .map(e => e.innerText.slice(0, 200)),
})"""


def measured_views() -> list[str]:
    """What is measured: every page of the menu, each right after it the other sections of the Delinquency page
    (which opens on its first), named "delinquency/<section>" and opened by their URL (?section=)."""
    return [view for stem, _ in navigation.PAGES
            for view in [stem, *(f"{stem}/{s}" for s in DELINQUENCY_SECTIONS[1:] if stem == "delinquency")]]


def page_of(view: str) -> str:
    """The page (its stem) of a measured view."""
    return view.partition("/")[0]


def page_url(server: str, view: str, lang: str, day: dt.date | None) -> str:
    section = view.partition("/")[2]
    query = f"lang={lang}" + (f"&as_of={day.isoformat()}" if day else "") + (f"&section={section}" if section else "")
    return f"{server}/{navigation.url_path(page_of(view))}?{query}"


def new_context(browser, title: str):
    """A new browser context (empty cache, new sessions) whose pages watch for the page titled `title` to be
    complete."""
    context = browser.new_context(locale="en-US", viewport=VIEWPORT)
    context.add_init_script(COMPLETE_JS + f"window.__title = {json.dumps(title)};"
                            + WATCH_JS.replace("POLL", str(POLL_MS)))
    return context


def _watch_websocket(page) -> list[int]:
    received = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.__setitem__(
        0, received[0] + len(frame if isinstance(frame, (bytes, str)) else b""))))
    return received


def _complete_since(page, started_ms: float) -> float | None:
    """Wait until the page watched by WATCH_JS is complete (and still complete SETTLE_MS later); the seconds from
    `started_ms` (the page's performance.now()) to the moment it became complete, None after TIMEOUT_S."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        since, now = page.evaluate("[window.__completeSince, performance.now()]")
        if since is not None and since >= started_ms and now - since >= SETTLE_MS:
            return round((since - started_ms) / 1000, 3)
        if time.monotonic() > deadline:  # counted as TIMEOUT_S, so that one page does not lose the others
            return None
        page.wait_for_timeout(50)


def _result(page, seconds: float | None, received: list[int]) -> dict:
    return {"seconds": TIMEOUT_S if seconds is None else seconds, "timed_out": seconds is None,
            **page.evaluate(COUNTS_JS), "ws_kb": round(received[0] / 1024)}


def time_page(context, url: str) -> dict:
    """Open `url` in a new tab of `context` (a new session of the app) and wait until the page is complete
    (COMPLETE_JS): complete, and still complete SETTLE_MS later. Returns the seconds from navigation start to the
    moment it became complete (TIMEOUT_S, timed_out true, when it was not complete by then), the charts, tables and
    error boxes it shows, and the websocket bytes it received."""
    page = context.new_page()
    try:
        received = _watch_websocket(page)
        page.goto(url, wait_until="commit")
        return _result(page, _complete_since(page, 0.0), received)
    finally:
        page.close()


def _restart_watch(page, stem: str, lang: str, want: str | None = None) -> float:
    """From now on the watcher waits for page `stem`'s title from a new run (and, with `want`, a URL holding it);
    returns this moment (performance.now())."""
    return page.evaluate(f"""() => {{ window.__title = {json.dumps(t(f"{stem}.title", lang))};
        window.__want = {json.dumps(want)}; window.__ranOnce = false; window.__completeSince = null;
        return performance.now(); }}""")


def _menu_click(page, stem: str, lang: str) -> float:
    """Click the menu entry of page `stem` and return the click's moment (performance.now()); the watcher now waits
    for that page's title, from a new run."""
    started = _restart_watch(page, stem, lang)
    page.locator(MENU_LINKS).filter(has_text=t(f"nav.{stem}", lang)).first.click()
    return started


def time_typed_day(context, server: str, stem: str, lang: str, day: dt.date, primer: dt.date) -> dict:
    """cold, in an open tab: the page (a view of measured_views) opened at the `primer` day (not timed), then `day`
    typed into the sidebar's date field (year, month, day, each segment clicked and typed) and Enter pressed, as a
    person does; timed from the Enter until the page is complete with the URL holding the new day. Checks that the
    field shows `day`."""
    page = context.new_page()
    try:
        received = _watch_websocket(page)
        page.goto(page_url(server, stem, lang, primer), wait_until="commit")
        if _complete_since(page, 0.0) is None:
            return _result(page, None, received)
        for segment, digits in enumerate((f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}")):
            page.locator(DATE_SEGMENTS).nth(segment).click()
            page.keyboard.type(digits, delay=50)
        received[0] = 0  # from here: what the new day's page received
        started = _restart_watch(page, page_of(stem), lang, want=f"as_of={day.isoformat()}")
        page.keyboard.press("Enter")
        seconds = _complete_since(page, started)
        shown = [int(text) for text in page.locator(DATE_SEGMENTS).all_inner_texts()]
        if seconds is not None and shown != [day.year, day.month, day.day]:
            raise RuntimeError(f"{stem}: the date field shows {shown} after {day} was typed")
        return _result(page, seconds, received)
    finally:
        page.close()


def time_menu_return(context, url: str, stem: str, lang: str) -> dict:
    """warm, as a user works all day: in one tab, the page opened (not timed), another page opened through the
    menu, then the page again through the menu, timed from the click until it is complete."""
    page = context.new_page()
    try:
        received = _watch_websocket(page)
        page.goto(url, wait_until="commit")
        if _complete_since(page, 0.0) is None:
            return _result(page, None, received)
        via = "data" if stem == "admin" else "admin"
        _menu_click(page, via, lang)
        _complete_since(page, 0.0)
        received[0] = 0  # from here: what the timed page received
        started = _menu_click(page, stem, lang)
        return _result(page, _complete_since(page, started), received)
    finally:
        page.close()


def copy_book(source: Path, work: Path) -> Path:
    """A copy of the book at `source` (and its models, models/<stem>/ beside it) in `work`, migrated to this
    monitor's schema (a book made by an earlier bench/run.py may be older) and derived by this monitor, as the
    nightly job leaves a book (the derived tables hold what this code precomputes)."""
    book = work / source.name
    shutil.copyfile(source, book)
    models = source.parent / "models" / source.stem
    if models.is_dir():
        shutil.copytree(models, work / "models" / source.stem)
    for command in ("migrate", "derive"):
        subprocess.run([sys.executable, "-m", "monitor", command, "--db", str(book)], cwd=ROOT, check=True,
                       capture_output=True)
    return book


def older_day(latest: dt.date) -> dt.date:
    """The day of the cold_older views: OLDER_GAP or a little more before `latest`, neither a snapshot day of
    derive.snapshot_days nor a month-end (its status is pinned from the status paths, monitor.status_path)."""
    day = latest - OLDER_GAP
    while day in derive.snapshot_days(latest) or day == month_end(day):
        day -= dt.timedelta(days=1)
    return day


def book_facts(path: Path) -> tuple[int, dt.date]:
    con = db.connect(path, read_only=True)
    try:
        loans = con.execute("SELECT count(*) FROM loans").fetchall()[0][0]
        return loans, status.latest_data_date(con)
    finally:
        con.close()


def bench_book(browser, source: Path, args, work: Path) -> list[dict]:
    """Every view of one book: cold, new tab and warm per language and day, then the feed's."""
    book = copy_book(source, work)
    loans, latest = book_facts(book)
    days = [latest - dt.timedelta(days=i) for i in range(args.repeats)]
    older = older_day(latest)
    primer = older - PRIMER_GAP
    views = []

    def record(kind: str, stem: str, lang: str, day: str | None, repeat: int, timed: dict) -> None:
        row = {"loans": loans, "kind": kind, "page": stem, "lang": lang, "day": day, "repeat": repeat, **timed}
        print(json.dumps(row), flush=True)
        views.append(row)

    def view(kinds: tuple[str, ...], server: str, stem: str, lang: str, day: dt.date, repeat: int) -> None:
        """The page once per kind, each in a new tab of one new browser context (as a user opens it again)."""
        context = new_context(browser, t(f"{page_of(stem)}.title", lang))
        try:
            for kind in kinds:
                url = page_url(server, stem, lang, day)
                if kind in ("cold", "cold_older"):
                    timed = time_typed_day(context, server, stem, lang, day, primer)
                elif kind == "warm":  # the session keeps the view's section when it comes back to the page
                    timed = time_menu_return(context, url, page_of(stem), lang)
                else:
                    timed = time_page(context, url)
                record(kind, stem, lang, day.isoformat(), repeat, timed)
        finally:
            context.close()

    for lang in args.langs if {"cold", "cold_older", "warm", "new_tab"} & set(args.kinds) else ():
        logs = Path(tempfile.mkdtemp(prefix=f"server-{lang}-", dir=work))
        with serve(book, logs) as server:
            for repeat, day in enumerate(days):
                for stem in args.pages:
                    kinds = tuple(k for k in ("cold", "new_tab", "warm") if k in args.kinds)
                    view(kinds, server, stem, lang, day, repeat)
            if "cold_older" in args.kinds:
                for stem in args.pages:
                    view(("cold_older",), server, stem, lang, older, 0)
    if args.feed_rate and "feed" in args.kinds:
        lang = args.langs[-1]
        logs = Path(tempfile.mkdtemp(prefix="server-feed-", dir=work))
        with serve(book, logs) as server, (logs / "feed.log").open("w") as feed_log:
            before_feed = data.data_version(book)
            feed = subprocess.Popen([sys.executable, "-m", "monitor", "feed", "--db", str(book),
                                     "--rate", str(args.feed_rate), "--seed", "7"],
                                    cwd=ROOT, stdout=feed_log, stderr=subprocess.STDOUT)
            try:
                _wait_for_feed(book, before_feed, feed)
                pages = [view for view in args.pages if view == page_of(view)]  # each page at the section it opens on
                for repeat, stem, timed in time_feed_views(browser, server, book, pages, lang, args.repeats):
                    record("feed", stem, lang, timed.pop("day"), repeat, timed)
            finally:
                feed.terminate()
                feed.wait(timeout=60)
    book.unlink()
    return views


def time_feed_views(browser, server: str, book: Path, stems: list[str], lang: str, repeats: int):
    """feed, in one tab open all along while the feed writes: for each page (`repeats` rounds over `stems`), the tab
    on the next page of the menu (not timed), a wait until the feed has written a new batch since that page was
    complete (the file's version, ui.data.data_version, that keys the app's cache, has changed), then the page
    through the menu, timed from the click until it is complete; so every view finds data changed since any page's
    last read. Each page is opened once first (not timed), after the feed's first batch: a server the feed writes
    into has its pages in use (the first view of a page on a server is the cold kind), so a feed view pays for what
    the new batches change, not for a first view. Yields (repeat, stem, the result with the day in the page's URL)."""
    menu = [stem for stem, _ in navigation.PAGES]
    following = {stem: menu[(menu.index(stem) + 1) % len(menu)] for stem in stems}
    shown = following[stems[0]]
    context = new_context(browser, t(f"{shown}.title", lang))
    try:
        page = context.new_page()
        received = _watch_websocket(page)
        page.goto(page_url(server, shown, lang, None), wait_until="commit")
        _complete_since(page, 0.0)
        for stem in stems:  # in use: each page viewed once
            _menu_click(page, stem, lang)
            _complete_since(page, 0.0)
            shown = stem
        for repeat in range(repeats):
            for stem in stems:
                if shown != following[stem]:
                    shown = following[stem]
                    _menu_click(page, shown, lang)
                    _complete_since(page, 0.0)
                _wait_for_batch(book, data.data_version(book))
                received[0] = 0
                started = _menu_click(page, stem, lang)
                timed = _result(page, _complete_since(page, started), received)
                shown = stem
                yield repeat, stem, {**timed, "day": parse_qs(urlsplit(page.url).query).get("as_of", [None])[0]}
    finally:
        context.close()


def _wait_for_batch(book: Path, version: tuple) -> None:
    """Until the book's file (or its write-ahead log) is no longer at `version`: the feed wrote a batch."""
    deadline = time.monotonic() + FEED_START_S
    while data.data_version(book) == version:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the feed wrote nothing into {book} within {FEED_START_S} s")
        time.sleep(POLL_MS / 1000)


def _wait_for_feed(book: Path, version: tuple, feed: subprocess.Popen) -> None:
    """Until the feed's first batch is in the book: the file is no longer at `version`, its version before the feed
    started (a book generated today is already at the feed's day, so its latest day need not move)."""
    deadline = time.monotonic() + FEED_START_S
    while time.monotonic() < deadline:
        if feed.poll() is not None:
            raise RuntimeError(f"the feed exited with code {feed.returncode}")
        if data.data_version(book) != version:
            return
        time.sleep(1)
    raise RuntimeError(f"no feed batch reached {book} within {FEED_START_S} s")


def kept_views(path: Path, measured: set[tuple[int, str]]) -> list[dict]:
    """The views of an earlier run (its printed JSON lines, in a log among other lines) of the (loans, kind) pairs
    this run did not measure: a run that measures again only what a change touched keeps the rest of the table."""
    found = (json.loads(line) for line in path.read_text().splitlines() if line.startswith('{"loans"'))
    return [view for view in found if (view["loans"], view["kind"]) not in measured]


def summary(views: list[dict], load: float, kept_from: str | None = None) -> str:
    """The RESULTS.md section: per book and page, median and max of each kind; targets checked at 1M. `kept_from`
    says when the views kept from an earlier run (--keep) were measured."""
    measured = {(r["loans"], r["kind"]) for r in views if not r.get("kept")}

    def cell(rows: list[dict]) -> str:
        seconds = [r["seconds"] for r in rows]
        if not seconds:
            return "–"
        late = any(r["timed_out"] for r in rows)
        return f"{statistics.median(seconds):.2f} / {'>' if late else ''}{max(seconds):.2f}"

    lines = [
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}; load average {load:.1f} at the start (other "
        "work on the machine slows every figure). Produced by `.venv/bin/python bench/browser_pages.py`."
        + (f" Measured in this run: {', '.join(f'{kind} at {loans:,} loans' for loans, kind in sorted(measured))}; "
           f"the other figures are kept from the run of {kept_from}." if kept_from else ""),
        "",
        "Seconds from a person's action until the page is complete in headless Chromium at 1440x900: the script "
        "has run, no stale element or spinner is left, every chart (vega-embed) and table is drawn. cold: in an open "
        "tab on the page at another day (a primer 60 days back, not timed), the measured day typed into the sidebar's "
        "date field, from the Enter until the page shows that day complete; the first view of the page for that day "
        "and language on a running server (a fresh server per language; the latest day and the days before it; on "
        "the latest day the server's cache warmer may have computed the main figures already); cold, older day: the "
        "same, at a day about three weeks back that is neither one of derive's snapshot days of the last week nor a "
        "month-end (its status is pinned from the loans' status paths); warm: the page "
        "again through the menu of an open tab after another page, from the click; new tab: the same URL again in a "
        "new tab (a new session with the data cached, which pays the app's start in the browser; no target); feed: "
        "with `monitor feed` writing into the book, in one open tab at the feed's day (every page viewed once first, "
        "not timed: a server in use), the page through the menu from the next page of the menu once a new batch is "
        "in the book, from the click. The book is a copy derived by this code, as the nightly job leaves it. "
        "Median / max over the views "
        f"(both languages for cold and warm); `>`: a view not complete within {TIMEOUT_S} s, counted as {TIMEOUT_S}. "
        "Charts and KB: what the page draws and the websocket bytes it received. The Delinquency page shows one "
        "section at a time: its row is the section it opens on (rates and trend), delinquency/<section> rows the "
        "others, each opened by its URL (?section=); with the feed, only the section it opens on.",
        "",
        "| loans | page | cold (s) | cold, older day (s) | warm (s) | new tab (s) | feed (s) | charts | tables | "
        "KB received |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for loans in sorted({r["loans"] for r in views}):
        for stem in dict.fromkeys(r["page"] for r in views):
            rows = [r for r in views if r["loans"] == loans and r["page"] == stem]
            if not rows:
                continue
            by_kind = {kind: [r for r in rows if r["kind"] == kind] for kind in KINDS}
            last = rows[-1]
            lines.append(f"| {loans:,} | {stem} | {cell(by_kind['cold'])} | {cell(by_kind['cold_older'])} | "
                         f"{cell(by_kind['warm'])} | "
                         f"{cell(by_kind['new_tab'])} | {cell(by_kind['feed'])} | {last['charts']} | "
                         f"{last['tables']} | "
                         f"{statistics.median(r['ws_kb'] for r in rows):,.0f} |")
    biggest = max(r["loans"] for r in views)
    lines += ["", f"Targets at {biggest:,} loans (2 cores), every page, the max of its views:", ""]
    for kind, target in TARGETS.items():
        rows = [r for r in views if r["loans"] == biggest and r["kind"] == kind]
        if not rows:
            continue
        slow = sorted({r["page"] for r in rows if r["seconds"] > target})
        worst = max(rows, key=lambda r: r["seconds"])
        lines.append(f"- {kind} <= {target:g} s: {'met' if not slow else 'MISSED on ' + ', '.join(slow)} "
                     f"(slowest: {worst['page']}, {worst['seconds']:.2f} s)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[50_000, 1_000_000])
    parser.add_argument("--db", type=Path, nargs="+")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--langs", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument("--pages", nargs="+", choices=measured_views(), default=measured_views())
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--feed-rate", type=float, default=200)
    parser.add_argument("--no-feed", dest="feed_rate", action="store_const", const=0)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--keep", type=Path, help="the output of an earlier run: its views of the (loans, kind) "
                                                  "pairs this run does not measure are kept in the table")
    parser.add_argument("--kept-from", help="when that earlier run was measured and its load, for the text")
    args = parser.parse_args()
    if bool(args.keep) != bool(args.kept_from):
        raise SystemExit("--keep and --kept-from go together")
    sources = args.db or [ROOT / "bench" / "out" / f"bench_{loans}.duckdb" for loans in args.scales]
    missing = [str(p) for p in sources if not p.exists()]
    if missing:
        raise SystemExit(f"no such book: {', '.join(missing)} (make them with bench/run.py, or give --db)")
    from playwright.sync_api import sync_playwright

    views, load = [], os.getloadavg()[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for source in sources:
            work = Path(tempfile.mkdtemp(prefix="browser_pages_", dir=args.work))
            try:
                views += bench_book(browser, source, args, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        browser.close()
    if args.keep:
        measured = {(r["loans"], r["kind"]) for r in views}
        views = [{**view, "kept": True} for view in kept_views(args.keep, measured)] + views
    if not args.no_write:
        replace_section(HEADING, summary(views, load, args.kept_from))
        print(f"wrote {HEADING!r} in bench/RESULTS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
