"""The intraday limits judged where new data lands (issue 16, item 2): the live feed's batches and loaded files.

A writer calls after_batch on its read-write connection right after its batch committed, while it still holds the
file: the intraday limits are evaluated at the book's today (monitor.alerts.evaluate, its own transaction) and the
events are queued for their contact points (monitor.alerts.notify.enqueue), so the deliverer only has to send them
and no other process has to wait for the book to read what the batch did. `monitor alerts-deliver --intraday`
still evaluates on its own rounds: the metrics that move with the clock and not with data (hours since the last
batch, today's cash against the expected by this hour) change while no batch lands.

The batch has landed whatever happens here: an evaluation that fails is reported on stderr, the batch is not undone,
and the next evaluation (the next batch's or the deliverer's) judges the same data.
"""

from __future__ import annotations

import sys

import duckdb

from monitor import db
from monitor.alerts import catalog, evaluate, notify


def _intraday_limits(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM limits WHERE enabled AND list_contains(?, metric)",
                       [list(catalog.INTRADAY)]).fetchall()[0][0]


def after_batch(con: duckdb.DuckDBPyConnection, source: str) -> evaluate.Evaluation | None:
    """Evaluate the intraday limits at the book's now and queue their new events; None when the book has no
    intraday limit or the evaluation failed (said on stderr, naming `source`, the writer)."""
    try:
        if not db.table_exists(con, "limits") or not _intraday_limits(con):
            return None
        now = catalog.book_now(con)
        evaluation = evaluate.evaluate(con, now.date(), "intraday", now)
        if evaluation.events.height:
            with db.transaction(con):
                notify.enqueue(con, now)
        return evaluation
    except Exception as exc:  # noqa: BLE001 (the batch landed; the next evaluation judges the same data)
        print(f"monitor {source}: the intraday limits were not evaluated after the batch "
              f"({type(exc).__name__}: {exc}); the next batch or `monitor alerts-deliver --intraday` will",
              file=sys.stderr, flush=True)
        return None

