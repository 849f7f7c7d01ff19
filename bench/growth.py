"""The growth curve on one machine (issue 19): every step a user pays for, 50,000 to 10,000,000 loans, in one command.

For each scale: the book is generated (or a given one copied: --book SCALE=PATH), then each step runs as its user runs
it. A step that is a command runs as its own process, measured with os.wait4 (wall time, and that process's peak
resident set, which includes the children it waited for) as bench/run.py does; the figures measured inside a process
say so (in-process). The steps, in order:

- generate: `monitor generate` (seed 42, as of --as-of), which derives the new book itself;
- derive: `monitor derive` again, as the nightly job rebuilds the derived tables;
- status: `monitor status` (CSV) on the latest day, whose status derive keeps as a snapshot, and on a day nothing was
  precomputed for (about 24 weeks earlier, neither a snapshot nor a month-end);
- report: `monitor report` as JSON, and as HTML into a file, at the latest day;
- train: `monitor train` (early warning, its default 500,000 sampled rows), `monitor train-application` (the
  application scorecard, which the credit policy page needs); score: `monitor score` of the latest day;
- simulate: `monitor simulate`, 12 months, 1,000 paths, mild stress (as bench/simulate_portfolio.py);
- page data: bench/growth_pages.py, every page's loaders as the page calls them, cold, warm and cached (bench/pages.py's
  three figures) on both days, in one process; its rows are in-process figures, the process's peak is a server's;
  each page over the cold target (COLD_TARGET_S) is opened cold once more with its SQL statements timed (--explain):
  the monitor functions that cost it most, the measured cause of the miss;
- ingest: 1,000,000 payment rows (bench/ingest.py's file) into a copy of the book with `monitor ingest`, then the same
  file again (nothing new: the batch's hash and a lookup);
- Today refresh: bench/live_day.py on a copy of the book (derive, 30 s of the feed at 200 events/s, then the Today
  page's figures refreshed 5 times with the server's memo of yesterday): in-process, the slowest refresh.

Per step: time, peak memory, cost per loan (µs per loan of the book), and between consecutive scales the growth
exponent log(t2/t1)/log(n2/n1): 1 is linear, above SUPERLINEAR is flagged. The targets of issue 19 (set for 10M loans)
are checked at every scale measured. A step that fails (an error, a kill by the memory guard or the timeout) is
recorded with its reason and the run goes on. Raw JSON: bench/out/growth_<time>.json (rewritten after every step);
the section "## Growth to 10M loans (issue 19)" of bench/RESULTS.md unless --no-write.

    .venv/bin/python bench/growth.py [--scales 50000 1000000 3000000 10000000] [--book 10000000=PATH ...]
        [--work DIR] [--as-of 2026-11-29] [--skip today ingest ...] [--max-gb 18] [--timeout 7200]
        [--feed-seconds 30] [--ingest-rows 1000000] [--drop-books] [--no-write]
    .venv/bin/python bench/growth.py --render bench/out/growth_A.json [bench/out/growth_B.json ...] [--no-write]

--book SCALE=PATH  use this book for that scale instead of generating one (copied into --work first: the steps write)
--work DIR         the working books, their models and copies (default bench/out/); a book is growth_<scale>.duckdb,
                   kept for the next run (--book SCALE=DIR/growth_SCALE.duckdb uses it in place) unless --drop-books
--skip GROUP       leave out derive, status, report, train, score, simulate, pages, ingest or today
--max-gb GB        memory guard: a step whose processes together hold more is killed and recorded as failed (the
                   machine has 24 GiB and no swap; default 18)
--timeout S        a step still running after S seconds is killed and recorded as failed (default 7200)
--render FILE...   no measuring: the section from raw JSON files of earlier runs (a later run's step replaces the
                   same step of the same scale of an earlier one; each run is named with the steps it measured),
                   printed, and written unless --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

HEADING = "## Growth to 10M loans (issue 19)"
DEFAULT_SCALES = (50_000, 1_000_000, 3_000_000, 10_000_000)
AS_OF = dt.date(2026, 11, 29)
SEED = 42
SUPERLINEAR = 1.15  # a growth exponent above this is flagged: the step costs more per loan as the book grows
OTHER_DAY_BACK = 167  # days before the latest: 2026-06-15 for 2026-11-29, bench/pages.py's day, not a snapshot day
GROUPS = ("derive", "status", "report", "train", "score", "simulate", "pages", "ingest", "today")

# (step, group, what it measures); the order they run in and are shown
STEPS = (
    ("generate", None, "`monitor generate`, which derives the new book"),
    ("derive", "derive", "`monitor derive` again, as at night"),
    ("status, derived day", "status", "`monitor status` (CSV), the latest day (a derived snapshot)"),
    ("status, other day", "status", "`monitor status` (CSV), a day nothing was precomputed for"),
    ("report json", "report", "`monitor report` (JSON), the latest day"),
    ("report html", "report", "`monitor report --format html --out`, the latest day"),
    ("train", "train", "`monitor train` (early warning, 500,000 sampled rows)"),
    ("train-application", "train", "`monitor train-application` (application scorecard)"),
    ("score", "score", "`monitor score`, the latest day"),
    ("simulate", "simulate", "`monitor simulate`, 12 months, 1,000 paths, mild stress"),
    ("page data (process)", "pages", "bench/growth_pages.py: every page, both days, cold, warm and cached"),
    ("page data, slowest cold", "pages", "in-process: the slowest page's first view (caches and memo empty)"),
    ("page data, slowest warm", "pages", "in-process: the slowest page after a data change (memo kept)"),
    ("page data, slowest cached", "pages", "in-process: the slowest page's rerun (st.cache_data hits)"),
    ("ingest 1M payments", "ingest", "`monitor ingest` of the payments file into a copy of the book"),
    ("ingest again", "ingest", "`monitor ingest` of the same file again (nothing new)"),
    ("live day (process)", "today", "bench/live_day.py: copy, derive, the feed, the Today page's views"),
    ("Today refresh", "today", "in-process: the Today page's figures refreshed, slowest of 5"),
)
IN_PROCESS = {"page data, slowest cold", "page data, slowest warm", "page data, slowest cached", "Today refresh"}
# whole benchmark processes, shown for their peak memory and total time: no cost per loan, no growth exponent
CONTAINERS = {"page data (process)", "live day (process)"}


def _step(name: str) -> Callable[[dict], dict | None]:
    return lambda scale: scale["steps"].get(name)


def _worst(*names: str, field: str = "wall_s") -> Callable[[dict], dict | None]:
    """The slowest of several steps, or the first failed one (a target is not met by a step that did not run)."""
    def pick(scale: dict) -> dict | None:
        found = [scale["steps"].get(name) for name in names]
        if any(step is None for step in found):
            return None
        failed = [step for step in found if not step["ok"]]
        return failed[0] if failed else max(found, key=lambda step: step[field])
    return pick


def _peak(scale: dict) -> dict | None:
    """The highest peak of any process at the scale, failed ones included; a step the memory guard killed first
    (it would have grown further)."""
    found = [step for step in scale["steps"].values() if step.get("peak_gb") is not None]
    killed = [step for step in found if step.get("memory_guard") is not None]
    return max(killed or found, key=lambda step: step["peak_gb"]) if found else None


COLD_TARGET_S = 3.0  # every page's data cold, at 10,000,000 loans; a page over it is explained (growth_pages --explain)

# (target, limit, unit, the step it is read from, the step's field); limits at 10,000,000 loans (issue 19)
TARGETS = (
    ("generate + derive", 600.0, "s", _step("generate"), "wall_s"),
    ("peak memory", 16.0, "GB", _peak, "peak_gb"),
    ("status of any day", 8.0, "s", _worst("status, derived day", "status, other day"), "wall_s"),
    ("every page's data, cold", COLD_TARGET_S, "s", _step("page data, slowest cold"), "wall_s"),
    ("every page's data, cached", 0.1, "s", _step("page data, slowest cached"), "wall_s"),
    ("report", 15.0, "s", _worst("report json", "report html"), "wall_s"),
    ("score", 180.0, "s", _step("score"), "wall_s"),
    ("Today refresh", 2.0, "s", _step("Today refresh"), "wall_s"),
)


# ------------------------------------------------------------------------------------------------ pure helpers
def growth_exponent(loans_1: int, seconds_1: float, loans_2: int, seconds_2: float) -> float | None:
    """log(t2/t1) / log(n2/n1): 1 when the cost grows as the book, 2 when as its square; None when undefined (a time
    not above zero, or the same number of loans)."""
    if seconds_1 <= 0 or seconds_2 <= 0 or loans_1 <= 0 or loans_2 <= 0 or loans_1 == loans_2:
        return None
    return math.log(seconds_2 / seconds_1) / math.log(loans_2 / loans_1)


def micros_per_loan(seconds: float, loans: int) -> float | None:
    """The step's cost per loan of the book in microseconds."""
    return seconds * 1e6 / loans if loans > 0 else None


def check_targets(scale: dict) -> list[dict]:
    """Each target of issue 19 against one scale's steps: the figure, and met (True/False), or None with the reason
    when the step it is read from did not run or failed (a memory target is still judged on a failed step's peak)."""
    checks = []
    for name, limit, unit, source, field in TARGETS:
        step = source(scale)
        check = {"target": name, "limit": limit, "unit": unit, "measured": None, "met": None, "why": None}
        if step is None:
            check["why"] = "not measured"
        elif not step["ok"] and field != "peak_gb":
            check["why"] = f"{step['step']} failed"
        elif step.get("memory_guard") is not None and step["peak_gb"] <= limit:  # stopped before it got there
            check["why"] = f"{step['step']} killed at {step['peak_gb']:.1f} GB (--max-gb {step['memory_guard']:g})"
        else:
            check["measured"] = step[field]
            check["met"] = step[field] <= limit
        checks.append(check)
    return checks


def other_day(latest: dt.date, precomputed: set[dt.date]) -> dt.date:
    """A day of no snapshot: OTHER_DAY_BACK days before `latest`, moved earlier past any derived snapshot day and any
    month-end (loan_month holds the month-ends); its status is read from the status paths (monitor.status_path)."""
    day = latest - dt.timedelta(days=OTHER_DAY_BACK)
    while day in precomputed or (day + dt.timedelta(days=1)).day == 1:
        day -= dt.timedelta(days=1)
    return day


def parse_book(text: str) -> tuple[int, Path]:
    """SCALE=PATH of --book."""
    scale, _, path = text.partition("=")
    if not scale.strip().isdigit() or not path:
        raise argparse.ArgumentTypeError(f"expected SCALE=PATH, got {text!r}")
    return int(scale), Path(path)


# ------------------------------------------------------------------------------------------------ measuring
class Guard(threading.Thread):
    """Kills a step's process group when its processes together hold more than `max_gb` resident, or after
    `timeout` seconds; the reason is kept for the record."""

    def __init__(self, pgid: int, max_gb: float, timeout: float):
        super().__init__(daemon=True)
        self.pgid, self.max_gb, self.timeout = pgid, max_gb, timeout
        self.done = threading.Event()
        self.reason: str | None = None
        self.peak_gb = 0.0

    def resident_gb(self) -> float:
        page = os.sysconf("SC_PAGE_SIZE")
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
                fields = stat[stat.rindex(")") + 2:].split()  # after the command's name, which may hold spaces
                if int(fields[2]) == self.pgid:  # pgrp
                    total += int(Path(entry.path, "statm").read_text().split()[1]) * page
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
        return total / 1024 ** 3

    def run(self) -> None:
        started = time.monotonic()
        while not self.done.wait(0.25):
            gb = self.resident_gb()
            self.peak_gb = max(self.peak_gb, gb)
            if gb > self.max_gb:
                self.reason = f"killed by the memory guard: {gb:.2f} GB resident, over --max-gb {self.max_gb:g}"
            elif time.monotonic() - started > self.timeout:
                self.reason = f"killed after the --timeout of {self.timeout:g} s"
            if self.reason:
                _kill_group(self.pgid)
                return


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_measured(name: str, args: list[str], *, opts: argparse.Namespace, stdout: Path | None = None,
                 env: dict | None = None) -> dict:
    """One step as its own process (and process group): wall time and peak resident set by os.wait4, ok or the
    reason it failed (its exit and the end of its stderr, or the guard's kill). stdout: kept in that file, else
    discarded."""
    env = env if env is not None else {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    err_path = opts.logs / f"{name.replace(' ', '_').replace(',', '')}.err"
    with open(stdout or os.devnull, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env, cwd=REPO, start_new_session=True)
        guard = Guard(proc.pid, opts.max_gb, opts.timeout)
        guard.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            _kill_group(proc.pid)  # an interrupted run leaves no step behind
            raise
        finally:
            guard.done.set()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    step = {"step": name, "kind": "process", "wall_s": wall, "peak_gb": usage.ru_maxrss / 1024 / 1024,
            "ok": proc.returncode == 0, "error": None, "command": " ".join(_shown(a) for a in args)}
    if guard.reason:
        step["error"] = guard.reason
        step["peak_gb"] = max(step["peak_gb"], guard.peak_gb)
        step["memory_guard"] = guard.max_gb if guard.peak_gb > guard.max_gb else None
    elif proc.returncode != 0:
        tail = err_path.read_text(errors="replace").strip().splitlines()[-3:]
        how = f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}"
        step["error"] = f"{how}: {' / '.join(tail)}"[:400]
    return step


def _shown(arg: str) -> str:
    return os.path.relpath(arg, REPO) if arg.startswith("/") and not arg.startswith("/tmp") else arg


def monitor_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", *args]


def failed(name: str, why: str, kind: str = "process") -> dict:
    return {"step": name, "kind": kind, "wall_s": None, "peak_gb": None, "ok": False, "error": why}


def in_process(name: str, seconds: float, note: str | None = None) -> dict:
    return {"step": name, "kind": "in-process", "wall_s": seconds, "peak_gb": None, "ok": True, "error": None,
            "note": note}


class Scale:
    """One scale's run: its book, the steps measured so far, saved to the raw JSON after each."""

    def __init__(self, loans: int, given: Path | None, opts: argparse.Namespace, save: Callable[[], None]):
        self.opts, self.save = opts, save
        self.book = opts.work / f"growth_{loans}.duckdb"
        self.result: dict = {"scale": loans, "given_book": str(given) if given else None, "steps": {},
                             "pages": [], "details": {}}
        self.given = given

    def record(self, step: dict) -> dict:
        self.result["steps"][step["step"]] = step
        self.save()
        state = "ok" if step["ok"] else f"FAILED ({step['error']})"
        wall = f"{step['wall_s']:.2f} s" if step["wall_s"] is not None else "-"
        peak = f", {step['peak_gb']:.2f} GB" if step["peak_gb"] is not None else ""
        print(f"[{self.result['scale']:,}] {step['step']}: {wall}{peak} {state}", file=sys.stderr, flush=True)
        return step

    def run(self, name: str, args: list[str], **kwargs) -> dict:
        return self.record(run_measured(name, args, opts=self.opts, **kwargs))

    def wanted(self, group: str) -> bool:
        return group not in self.opts.skip

    def measure(self) -> dict:
        if self.given is not None and self.given.resolve() == self.book.resolve():
            pass  # the working book itself, from an earlier run: used as it is
        elif self.given is not None:
            self._clean(self.book.stem)
            started = time.perf_counter()
            try:
                _copy_book(self.given, self.book)
            except OSError as exc:  # a full disk, a missing file
                return self._none_after(1, f"the book could not be copied: {exc}")
            self.result["details"]["copy_s"] = time.perf_counter() - started
        else:
            self._clean(self.book.stem)
            step = self.run("generate", monitor_cmd("generate", "--db", str(self.book), "--loans",
                                                    str(self.result["scale"]), "--seed", str(SEED), "--as-of",
                                                    self.opts.as_of.isoformat(), "--force"))
            if not step["ok"]:
                self._clean(self.book.stem)  # a killed generate leaves its temporary file
        if not self.book.exists():
            return self._none_after(1, "no book: generate failed")
        if self.wanted("derive"):
            self.run("derive", monitor_cmd("derive", "--db", str(self.book)))
        try:
            self.result.update(probe(self.book))
        except Exception as exc:  # noqa: BLE001 - recorded: every step of the day needs it
            return self._none_after(2, f"the book could not be read: {type(exc).__name__}: {exc}")
        latest, other = self.result["latest_day"], self.result["other_day"]
        db_arg = ["--db", str(self.book)]
        if self.wanted("status"):
            self.run("status, derived day", monitor_cmd("status", *db_arg, "--as-of", latest))
            self.run("status, other day", monitor_cmd("status", *db_arg, "--as-of", other))
        if self.wanted("report"):
            self.run("report json", monitor_cmd("report", *db_arg, "--as-of", latest))
            self.run("report html", monitor_cmd("report", *db_arg, "--as-of", latest, "--format", "html", "--out",
                                                str(self.opts.logs / "report.html")))
        if self.wanted("train"):
            self.run("train", monitor_cmd("train", *db_arg))
            self.run("train-application", monitor_cmd("train-application", *db_arg))
        if self.wanted("score"):
            self.run("score", monitor_cmd("score", *db_arg, "--as-of", latest))
        if self.wanted("simulate"):
            self.run("simulate", monitor_cmd("simulate", *db_arg, "--as-of", latest, "--months", "12", "--paths",
                                             "1000", "--stress", "mild", "--format", "json"))
        if self.wanted("pages"):
            self._pages(latest, other)
        if self.wanted("ingest"):
            self._ingest()
        if self.wanted("today"):
            self._today()
        return self.result

    def _none_after(self, first: int, why: str) -> dict:
        """Every step from STEPS[first] on recorded as failed for `why` (those of groups skipped left out)."""
        for name, group, _ in STEPS[first:]:
            if group is None or self.wanted(group):
                self.record(failed(name, why, "in-process" if name in IN_PROCESS else "process"))
        return self.result

    def _pages(self, latest: str, other: str) -> None:
        out = self.opts.logs / "pages.jsonl"
        step = self.run("page data (process)", [sys.executable, str(HERE / "growth_pages.py"), "--db", str(self.book),
                                                "--day", latest, "--day", other, "--explain", str(COLD_TARGET_S)],
                        stdout=out)
        rows = [json.loads(line) for line in out.read_text().splitlines() if line.startswith("{")]
        self.result["pages"] = rows
        timed = [row for row in rows if "error" not in row]
        for name, field in (("page data, slowest cold", "cold_s"), ("page data, slowest warm", "warm_s"),
                            ("page data, slowest cached", "cached_s")):
            if not timed:
                self.record(failed(name, step["error"] or "no page timed", "in-process"))
                continue
            worst = max(timed, key=lambda row: row[field])  # noqa: B023 - used at once
            self.record(in_process(name, worst[field], f"{worst['page']} ({worst['as_of']})"))
        if timed and len(timed) < len(rows):
            broken = "; ".join(f"{row['page']} ({row['as_of']}): {row['error']}" for row in rows if "error" in row)
            self.result["steps"]["page data, slowest cold"].update(ok=False, error=f"pages failed: {broken}"[:400])

    def _ingest(self) -> None:
        from ingest import FIRST_ID, write_payments  # bench/ingest.py's file: valid payments on the book's loans

        copy, file = self.opts.work / f"ingest_{self.result['scale']}.duckdb", self.opts.work / "growth_payments.csv"
        self._clean(copy.stem)
        try:
            _copy_book(self.book, copy)
            started = time.perf_counter()
            write_payments(copy, file, self.opts.ingest_rows, first_id=FIRST_ID)
            self.result["details"]["ingest_file"] = {"rows": self.opts.ingest_rows, "write_s": time.perf_counter()
                                                     - started, "mb": file.stat().st_size / 1e6}
            for name in ("ingest 1M payments", "ingest again"):
                self.run(name, monitor_cmd("ingest", "--db", str(copy), str(file)))
        except Exception as exc:  # noqa: BLE001 - the copy or the file failed (a full disk): recorded
            self.record(failed("ingest 1M payments", f"{type(exc).__name__}: {exc}"))
        finally:
            file.unlink(missing_ok=True)
            self._clean(copy.stem)

    def _today(self) -> None:
        out = self.opts.logs / "live_day.json"
        step = self.run("live day (process)", [sys.executable, str(HERE / "live_day.py"), "--db", str(self.book),
                                               "--work", str(self.opts.work), "--feed-seconds",
                                               str(self.opts.feed_seconds)], stdout=out)
        lines = [line for line in out.read_text().splitlines() if line.startswith("{")] if step["ok"] else []
        if not lines:
            self.record(failed("Today refresh", step["error"] or "bench/live_day.py printed nothing", "in-process"))
            return
        live = json.loads(lines[-1])
        live.pop("loans", None)  # bench/live_day.py names 1M whatever the book
        self.result["details"]["live_day"] = live
        self.record(in_process("Today refresh", live["refresh_max_s"],
                               f"median {live['refresh_s']:.3f} s, {live['computed_again']} loans computed again"))

    def drop(self) -> None:
        """The working book, its access file and models removed (a given book's original is left alone)."""
        if self.given is None or self.given.resolve() != self.book.resolve():
            self._clean(self.book.stem)

    def _clean(self, stem: str) -> None:
        """A working book's leftovers of an earlier run: the file, its WAL, access file and models, and what a
        killed `generate` left (its temporary file)."""
        for path in [*self.opts.work.glob(f"{stem}.*"), *self.opts.work.glob(f".{stem}.duckdb.*.generating*")]:
            if path.is_file() and path.suffix in (".duckdb", ".wal", ".generating"):
                path.unlink()
        shutil.rmtree(self.opts.work / "models" / stem, ignore_errors=True)


def _copy_book(source: Path, target: Path) -> None:
    """The book and its WAL, readable by the owner only as `generate` leaves a book (personal data), and its models
    (models/<stem>/ beside it, where `train` keeps them: `score` reads them)."""
    for old, new in ((source, target), (Path(f"{source}.wal"), Path(f"{target}.wal"))):
        if old.exists():
            new.unlink(missing_ok=True)
            with open(old, "rb") as read, os.fdopen(os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                                                    "wb") as write:
                shutil.copyfileobj(read, write, 16 * 1024 * 1024)
    models = source.parent / "models" / source.stem
    if models.is_dir():
        shutil.copytree(models, target.parent / "models" / target.stem, dirs_exist_ok=True)


def probe(book: Path) -> dict:
    """The book's loans, latest day, the other day and the table sizes, read on a short read-only connection."""
    from monitor import db, status

    con = db.connect(book, read_only=True)
    try:
        latest = status.latest_data_date(con)
        snapshots = {row[0] for row in con.execute("SELECT DISTINCT as_of FROM day_snapshot").fetchall()}
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in (*db.SOURCE_TABLES, *db.DERIVED_TABLES)}
    finally:
        con.close()
    return {"loans": counts["loans"], "latest_day": latest.isoformat(),
            "other_day": other_day(latest, snapshots).isoformat(), "counts": counts}


# ------------------------------------------------------------------------------------------------ the section
def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def _cost(value: float | None) -> str:
    return "" if value is None else f"{value:.3g} µs/loan" if value < 1000 else f"{value:,.0f} µs/loan"


def growth_rows(scales: list[dict]) -> list[dict]:
    """Per step: each scale's time, peak, µs per loan and error, and the exponent between consecutive scales."""
    rows = []
    for name, _, what in STEPS:
        cells = [scale["steps"].get(name) for scale in scales]
        if all(cell is None for cell in cells):
            continue
        per_loan = name not in CONTAINERS
        exponents = []
        measured = list(zip(scales, cells, strict=True))
        for (a, cell_a), (b, cell_b) in zip(measured, measured[1:], strict=False):
            good = per_loan and cell_a and cell_b and cell_a["ok"] and cell_b["ok"] and a.get("loans") \
                and b.get("loans")
            exponents.append(growth_exponent(a["loans"], cell_a["wall_s"], b["loans"], cell_b["wall_s"])
                             if good else None)
        rows.append({"step": name, "what": what, "cells": [
            None if cell is None else cell | {"us_per_loan": micros_per_loan(cell["wall_s"], scale.get("loans", 0))
                                              if per_loan and cell["ok"] and scale.get("loans") else None}
            for scale, cell in zip(scales, cells, strict=True)], "exponents": exponents})
    return rows


def _run_line(run: dict) -> str:
    return (f"measured {run['measured']} on {run['machine']}; Python {run['versions']['python']}, DuckDB "
            f"{run['versions']['duckdb']}, polars {run['versions']['polars']}, Streamlit "
            f"{run['versions']['streamlit']}; code {run['commit']}; load average {run['load_before']} before, "
            f"{run['load_after']} after. Produced by `{run['command']}`.")


def render(scales: list[dict], runs: list[dict]) -> str:
    """The RESULTS.md section: the runs' circumstances, the growth table, the page table and the targets."""
    scales = sorted(scales, key=lambda scale: scale["scale"])
    heads = [f"{scale['scale']:,}" for scale in scales]
    pairs = [f"{_short(a['scale'])} → {_short(b['scale'])}" for a, b in zip(scales, scales[1:], strict=False)]
    if len(runs) == 1:
        line = _run_line(runs[0])
        lines = [line[0].upper() + line[1:], ""]
    else:
        lines = [f"{len(runs)} runs, each step from the last run that measured it:", ""]
        lines += [f"- Run {run['number']}, {_run_line(run)} Steps: " + "; ".join(run["measured_steps"]) + "."
                  for run in runs]
        lines += [""]
    lines += [
        "Books: " + "; ".join(_book_line(scale) for scale in scales) + ".",
        "Each command runs as its own process, measured by os.wait4: wall time and peak resident memory (its waited "
        "children included). `generate` derives the new book itself; `derive` runs again as at night. Page data: "
        "bench/growth_pages.py, each page's own loaders (ui/*_data.py) as it calls them on opening, cold (loaders' "
        "cache, memo of past days and answers about the file empty), warm (cache and answers emptied, memo kept: "
        "after a data change) and cached (a rerun), in-process; the slowest page is shown here, every page below, "
        f"and where the time goes of each page over {COLD_TARGET_S:g} s cold. Ingest: 1,000,000 payment rows "
        "(bench/ingest.py's file) into a copy. Today refresh: bench/live_day.py (derive, 30 s of the feed), the "
        "slowest of 5 refreshes, in-process. Each cell: time, then its cost per loan of the book; growth: the exponent "
        f"log(t2/t1)/log(n2/n1) between the scales, 1 = linear, **bold** above {SUPERLINEAR} (start-up of about "
        "1-2 s per process flattens it at the small scales).",
        "",
        "| step | " + " | ".join(heads) + (" | growth " + " | growth ".join(pairs) if pairs else "") + " |",
        "|---|" + "---|" * (len(heads) + len(pairs)),
    ]
    notes: dict[str, int] = {}  # a failure's reason and its footnote's number, one per reason
    flagged = []
    for row in growth_rows(scales):
        cells = []
        for cell in row["cells"]:
            if cell is None:
                cells.append("")
            elif not cell["ok"]:
                number = notes.setdefault(cell["error"], len(notes) + 1)
                cells.append(f"failed [{number}]")
            else:
                cost = _cost(cell["us_per_loan"])
                cells.append(_seconds(cell["wall_s"]) + (f" · {cost}" if cost else ""))
        exps = []
        for pair, exponent in zip(pairs, row["exponents"], strict=True):
            if exponent is None:
                exps.append("")
            elif exponent > SUPERLINEAR:
                exps.append(f"**{exponent:.2f}**")
                flagged.append(f"{row['step']} ({pair}: {exponent:.2f})")
            else:
                exps.append(f"{exponent:.2f}")
        marker = " (in-process)" if any(c and c["kind"] == "in-process" for c in row["cells"]) else ""
        lines.append(f"| {row['step']}{marker} | " + " | ".join(cells + exps) + " |")
    lines += ["", "Faster than linear: " + ("; ".join(flagged) if flagged else "none") + "."]
    slowest = [f"{scale['scale']:,}: " + ", ".join(
        f"{kind} {scale['steps'][f'page data, slowest {kind}'].get('note')}" for kind in ("cold", "warm", "cached")
        if scale["steps"].get(f"page data, slowest {kind}", {}).get("note"))
        for scale in scales if scale["steps"].get("page data, slowest cold", {}).get("note")]
    if slowest:
        lines += ["", "The slowest page: " + "; ".join(slowest) + "."]
    if notes:
        lines += ["", *(f"[{number}] {reason}" for reason, number in notes.items())]

    lines += ["", "Peak memory of each process (GB):", "",
              "| step | " + " | ".join(heads) + " |", "|---|" + "---|" * len(heads)]
    for row in growth_rows(scales):
        peaks = [cell["peak_gb"] if cell else None for cell in row["cells"]]
        if any(peak is not None for peak in peaks):
            lines.append(f"| {row['step']} | " + " | ".join("" if p is None else f"{p:.2f}" for p in peaks) + " |")

    lines += ["", "Targets of issue 19 (for 10,000,000 loans), checked at each scale measured:", "",
              "| target | limit | " + " | ".join(heads) + " |", "|---|---|" + "---|" * len(heads)]
    checks = [check_targets(scale) for scale in scales]
    for index, (name, limit, unit, _, _) in enumerate(TARGETS):
        cells = []
        for per_scale in checks:
            check = per_scale[index]
            if check["met"] is None:
                cells.append(check["why"])
            else:
                shown = _seconds(check["measured"]) if unit == "s" else f"{check['measured']:.2f} GB"
                cells.append(f"{shown} {'met' if check['met'] else '**MISSED**'}")
        lines.append(f"| {name} | {_seconds(limit) if unit == 's' else f'{limit:g} GB'} | " + " | ".join(cells) + " |")
    big = next((c for s, c in zip(scales, checks, strict=True) if s["scale"] == 10_000_000), None)
    if big is None:
        lines += ["", "10,000,000 loans not measured in this run: the targets above are read at smaller scales."]
    else:
        met = sum(1 for check in big if check["met"])
        lines += ["", f"At 10,000,000 loans: {met} of {len(big)} targets met."]

    lines += ["", "Every page's data (cold / warm / cached), in-process:", "",
              "| page | day | " + " | ".join(heads) + " |", "|---|---|" + "---|" * len(heads)]
    for page, day_kind in _page_keys(scales):
        cells = []
        for scale in scales:
            day = scale.get("latest_day") if day_kind == "latest" else scale.get("other_day")
            row = next((r for r in scale["pages"] if r["page"] == page and r["as_of"] == day), None)
            if row is None:
                cells.append("")
            elif "error" in row:
                cells.append("failed: " + row["error"][:80].replace("|", "/"))
            else:
                cells.append(f"{_seconds(row['cold_s'])} / {_seconds(row['warm_s'])} / "
                             f"{row['cached_s'] * 1000:.1f} ms" + (" (stopped early)" if row.get("note") else ""))
        lines.append(f"| {page} | {day_kind} | " + " | ".join(cells) + " |")
    stopped = {(r["page"], r["note"]) for s in scales for r in s["pages"] if r.get("note")}
    if stopped:
        lines += ["", "Stopped early: " + "; ".join(f"{page}: {note}" for page, note in sorted(stopped)) + "."]
    return "\n".join(lines + _causes(scales))


def _causes(scales: list[dict]) -> list[str]:
    """Where the time goes of each page over the cold target, at each scale: the monitor functions whose SQL took
    most (bench/statement_times.py; threads side by side overlap, so they can add up to more than the page)."""
    rows = [(scale, row) for scale in scales for row in scale["pages"] if row.get("causes")]
    if not rows:
        return []
    lines = ["", f"Where the time goes, each page over {COLD_TARGET_S:g} s cold: the page opened cold once more with "
             "every SQL statement timed (bench/statement_times.py), the monitor functions whose statements took most "
             "(statements run by threads side by side overlap):", "",
             "| loans | page | day | cold | the costliest functions: statement time (statements) |",
             "|---|---|---|---|---|"]
    for scale, row in rows:
        day = "latest" if row["as_of"] == scale.get("latest_day") else "other"
        costliest = "; ".join(f"{cause['function']} {_seconds(cause['seconds'])} ({cause['statements']})"
                              for cause in row["causes"][:4])
        lines.append(f"| {scale['scale']:,} | {row['page']} | {day} | {_seconds(row['cold_s'])} | {costliest} |")
    return lines


def _book_line(scale: dict) -> str:
    origin = f"given: {scale['given_book']}" if scale.get("given_book") else "generated, seed 42"
    if "loans" not in scale:
        return f"{scale['scale']:,} ({origin}; not read)"
    return (f"{scale['scale']:,} ({scale['loans']:,} loans with the restructured ones, as of {scale['latest_day']}, "
            f"other day {scale['other_day']}; {origin})")


def _page_keys(scales: list[dict]) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    for scale in scales:
        for row in scale["pages"]:
            key = (row["page"], "latest" if row["as_of"] == scale.get("latest_day") else "other")
            if key not in keys:
                keys.append(key)
    return sorted(keys, key=lambda key: key[1] != "latest")  # stable: the pages in menu order, latest day first


def _short(loans: int) -> str:
    return f"{loans // 1_000_000}M" if loans % 1_000_000 == 0 else f"{loans // 1000}k"


def run_info(argv: list[str]) -> dict:
    import duckdb
    import polars
    import streamlit
    from run import machine

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True,
                           text=True).stdout.strip()
    return {"measured": f"{dt.datetime.now():%Y-%m-%d %H:%M}", "machine": machine(),
            "versions": {"python": platform.python_version(), "duckdb": duckdb.__version__,
                         "polars": polars.__version__, "streamlit": streamlit.__version__},
            "commit": commit.stdout.strip() + (" with uncommitted changes" if dirty else ""),
            "command": " ".join([".venv/bin/python", "bench/growth.py", *argv]),
            "load_before": _load(), "load_after": None}


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=list(DEFAULT_SCALES))
    parser.add_argument("--book", type=parse_book, action="append", default=[], metavar="SCALE=PATH")
    parser.add_argument("--work", type=Path, default=HERE / "out")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF, help="of the books generated")
    parser.add_argument("--skip", nargs="+", choices=GROUPS, default=[])
    parser.add_argument("--max-gb", type=float, default=18.0)
    parser.add_argument("--timeout", type=float, default=7200.0)
    parser.add_argument("--feed-seconds", type=float, default=30.0)
    parser.add_argument("--ingest-rows", type=int, default=1_000_000)
    parser.add_argument("--drop-books", action="store_true", help="remove each working book after its scale")
    parser.add_argument("--no-write", action="store_true", help="leave bench/RESULTS.md alone")
    parser.add_argument("--render", type=Path, nargs="+", metavar="RAW_JSON")
    opts = parser.parse_args(argv)

    if opts.render:
        scales, runs = merge([json.loads(path.read_text()) for path in opts.render])
        finish(scales, runs, opts)
        return

    books = dict(opts.book)
    opts.work = opts.work.resolve()
    opts.work.mkdir(parents=True, exist_ok=True)
    raw_path = HERE / "out" / f"growth_{dt.datetime.now():%Y%m%d_%H%M%S}.json"
    raw_path.parent.mkdir(exist_ok=True)
    run, scales = run_info(argv), []

    def save() -> None:
        raw_path.write_text(json.dumps({"run": run, "scales": scales}, indent=1, default=str))

    for loans in sorted(set(opts.scales) | set(books)):
        opts.logs = opts.work / f"growth_{loans}_logs"
        opts.logs.mkdir(exist_ok=True)
        scale = Scale(loans, books.get(loans), opts, save)
        scales.append(scale.result)
        scale.measure()
        if opts.drop_books:
            scale.drop()
    run["load_after"] = _load()
    save()
    print(f"raw figures: {raw_path}", file=sys.stderr)
    finish(*merge([{"run": run, "scales": scales}]), opts)


def merge(raws: list[dict]) -> tuple[list[dict], list[dict]]:
    """The scales of several runs' raw JSON, in order: a later run's step replaces an earlier one's of the same scale
    and name, its pages all the earlier pages (they are measured together); each step and page row keeps the number
    of its run. Returns the scales and the runs, each with the steps it still contributes ("measured")."""
    runs, merged = [], {}
    for number, raw in enumerate(raws, start=1):
        runs.append({**raw["run"], "number": number})
        for scale in raw["scales"]:
            into = merged.setdefault(scale["scale"], {"scale": scale["scale"], "steps": {}, "pages": [],
                                                      "details": {}})
            into.update({key: value for key, value in scale.items() if key not in ("steps", "pages", "details")})
            into["steps"].update({name: {**step, "run": number} for name, step in scale["steps"].items()})
            into["details"].update(scale.get("details", {}))
            if scale.get("pages"):
                into["pages"] = [{**row, "run": number} for row in scale["pages"]]
    for run in runs:
        run["measured_steps"] = [f"{_short(scale['scale'])}: " + ", ".join(
            name for name, step in scale["steps"].items() if step["run"] == run["number"])
            for scale in sorted(merged.values(), key=lambda scale: scale["scale"])
            if any(step["run"] == run["number"] for step in scale["steps"].values())]
    return list(merged.values()), [run for run in runs if run["measured_steps"]]


def finish(scales: list[dict], runs: list[dict], opts: argparse.Namespace) -> None:
    from results import replace_section

    body = render(scales, runs)
    print(HEADING + "\n\n" + body)
    if not opts.no_write:
        replace_section(HEADING, body)


if __name__ == "__main__":
    main()
