"""Where a page's time goes: every SQL statement its loaders run, timed and attributed to the monitor function that
ran it. For the benchmark only (bench/growth_pages.py --explain): it wraps the connections monitor.db.connect opens
in a proxy, which the dashboard never does.

A statement is attributed to the innermost frame in src/monitor that is not plumbing (the helpers that only pass the
SQL on: query.frame, query.rows, db.run): the function whose query it is. Its time is the wall time of running it and
fetching its result (a lazy relation's time is taken when it is fetched). Statements run by threads side by side
(monitor.alongside) overlap, so the times of one page can add up to more than the page took.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

MONITOR = str(Path(__file__).resolve().parents[1] / "src" / "monitor") + "/"
PLUMBING = {(MONITOR + "query.py", "frame"), (MONITOR + "query.py", "rows"), (MONITOR + "book_schema.py", "run")}
FETCHES = ("pl", "fetchall", "fetchone", "fetchdf", "df", "arrow", "fetchnumpy", "to_arrow_table")


class StatementLog:
    """(seconds, function) of each statement, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[tuple[float, str, bool]] = []

    def add(self, seconds: float, function: str, statement: bool = True) -> None:
        """Time spent by `function`'s statements; `statement` false for fetching the result of one counted already."""
        with self._lock:
            self.entries.append((seconds, function, statement))

    def top(self, count: int) -> list[dict]:
        """The `count` functions with the most statement time: function, seconds, statements."""
        totals: dict[str, list] = defaultdict(lambda: [0.0, 0])
        for seconds, function, statement in self.entries:
            totals[function][0] += seconds
            totals[function][1] += statement
        ranked = sorted(totals.items(), key=lambda item: -item[1][0])[:count]
        return [{"function": name, "seconds": round(seconds, 3), "statements": statements}
                for name, (seconds, statements) in ranked]


def _function() -> str:
    """The monitor function whose statement this is (module path and function name)."""
    for frame in reversed(traceback.extract_stack()):
        if frame.filename.startswith(MONITOR) and (frame.filename, frame.name) not in PLUMBING:
            module = frame.filename[len(MONITOR):-3].replace("/", ".")
            return f"{module}.{frame.name}"
    return "outside monitor"


class _Relation:
    """A lazy relation whose fetch is timed, with the time its creation took (`prepared_s`: parsing and binding)."""

    def __init__(self, relation, function: str, log: StatementLog, prepared_s: float = 0.0, counted: bool = False):
        self._relation, self._function, self._log, self._prepared_s = relation, function, log, prepared_s
        self._counted = counted

    def __getattr__(self, name: str):
        value = getattr(self._relation, name)
        if name not in FETCHES:
            return value

        def fetch(*args, **kwargs):
            started = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                self._log.add(time.perf_counter() - started + self._prepared_s, self._function, not self._counted)
                self._prepared_s, self._counted = 0.0, True
        return fetch


class TimedConnection:
    """A DuckDB connection whose execute, sql and cursors are timed into `log`."""

    def __init__(self, connection, log: StatementLog):
        self._connection, self._log = connection, log

    def __getattr__(self, name: str):
        value = getattr(self._connection, name)
        if name in FETCHES:  # the result of the statement execute ran (and counted)
            return _Relation(self._connection, _function(), self._log, counted=True).__getattr__(name)
        if name == "cursor":
            return lambda *args, **kwargs: TimedConnection(value(*args, **kwargs), self._log)
        if name == "execute":
            def execute(*args, **kwargs):
                function, started = _function(), time.perf_counter()
                try:
                    value(*args, **kwargs)
                finally:
                    self._log.add(time.perf_counter() - started, function)
                return self
            return execute
        if name == "sql":
            def sql(*args, **kwargs):
                function, started = _function(), time.perf_counter()
                relation = value(*args, **kwargs)
                elapsed = time.perf_counter() - started
                if relation is None:  # a statement that is not a query: it ran here
                    self._log.add(elapsed, function)
                    return None
                return _Relation(relation, function, self._log, elapsed)
            return sql
        return value


@contextlib.contextmanager
def timing_statements() -> Iterator[StatementLog]:
    """Within the block, every connection monitor.db.connect opens is timed into the log yielded."""
    from monitor import db

    log, connect = StatementLog(), db.connect

    def timed_connect(*args, **kwargs):
        return TimedConnection(connect(*args, **kwargs), log)

    db.connect = timed_connect
    try:
        yield log
    finally:
        db.connect = connect


def explain(call: Callable[[], object], count: int = 5) -> list[dict]:
    """The `count` monitor functions whose statements took the most time while `call` ran."""
    with timing_statements() as log:
        call()
    return log.top(count)
