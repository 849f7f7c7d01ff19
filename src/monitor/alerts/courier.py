"""Delivery carried by the live feed: the messages its batches queue reach their receivers without waiting for the
book (issue 16, item 6: from a batch that breaches a limit to the webhook in seconds while the dashboard runs).

At 1M loans the feed and the pages' readers keep the book's file busy nearly all the time, and a separate deliverer
(`monitor alerts-deliver`) waits for a moment when nobody holds it, twice per message (claim, then record). The feed
holds the file every half second anyway, so on each batch's connection it records the outcomes of the sends that
finished since the last batch and claims the messages now due (monitor.alerts.notify.claim, record: the same leases
and backoff, so a deliverer running beside it never sends the same message); the claimed messages are sent on a
thread of their own once the file is let go, never while holding it. A message whose send has not finished when the
feed stops is recorded by its last write; one the feed could not record (killed) is sent again after its backoff,
as notify's docstring says of any deliverer, carrying its delivery_id for the receiver to drop the repeat.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading

import duckdb

from monitor.alerts import notify


class Courier:
    """Claims and records on a writer's connection (exchange), sends on threads (dispatch)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outcomes: dict[str, str | None] = {}
        self._threads: list[threading.Thread] = []

    def exchange(self, con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[tuple]:
        """On the writer's read-write connection: record the outcomes gathered so far, then claim what is due.
        A failure leaves the outcomes for the next exchange (said on stderr); the batch is not undone."""
        try:
            self.record(con, now)
            return notify.claim(con, now)
        except duckdb.Error as exc:
            print(f"monitor feed: notifications not claimed or recorded ({exc}); trying at the next batch",
                  file=sys.stderr, flush=True)
            return []

    def record(self, con: duckdb.DuckDBPyConnection, now: dt.datetime) -> None:
        """Record the outcomes gathered so far (kept for the next call when the write fails)."""
        with self._lock:
            outcomes, self._outcomes = self._outcomes, {}
        if not outcomes:
            return
        try:
            notify.record(con, now, outcomes)
        except BaseException:
            with self._lock:
                self._outcomes = outcomes | self._outcomes
            raise

    def dispatch(self, claimed: list[tuple]) -> None:
        """Send the claimed messages on a thread of their own (the writer has let the file go)."""
        self._threads = [thread for thread in self._threads if thread.is_alive()]
        if claimed:
            thread = threading.Thread(target=self._send, args=(claimed,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _send(self, claimed: list[tuple]) -> None:
        outcomes = notify.send_all(claimed)
        with self._lock:
            self._outcomes.update(outcomes)

    def settle(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the sends under way; whether any outcome is left to record."""
        for thread in self._threads:
            thread.join(timeout)
        with self._lock:
            return bool(self._outcomes)
