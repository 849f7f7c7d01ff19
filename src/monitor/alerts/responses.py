"""What people do with alerts: acknowledge an event with a comment, silence a limit until a time. Both are
recorded with who and when; a silence does not stop evaluation (monitor.alerts.evaluate marks the events it writes
meanwhile, and notifications skip those)."""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import db
from monitor.alerts import catalog
from monitor.alerts.limits import LimitRefused, get


def _text(field: str, value: str) -> str:
    if not str(value or "").strip():
        raise LimitRefused(field, "empty")
    return value


def acknowledge(con: duckdb.DuckDBPyConnection, who: str, event_id: str, comment: str,
                now: dt.datetime | None = None) -> None:
    """Record that `who` saw the event, with a comment (what is being done)."""
    _text("who", who)
    _text("comment", comment)
    if not con.execute("SELECT 1 FROM alert_events WHERE event_id = ?", [event_id]).fetchall():
        raise LimitRefused("event", "unknown_event", value=event_id)
    db.run(con, "INSERT INTO alert_acks VALUES (?, ?, ?, ?)",
           [event_id, now or catalog.book_now(con), who, comment])


def silence(con: duckdb.DuckDBPyConnection, who: str, limit_id: int, until: dt.datetime, comment: str,
            now: dt.datetime | None = None) -> None:
    """Silence a limit's notifications until `until` (book local time), which must lie ahead."""
    _text("who", who)
    _text("comment", comment)
    get(con, limit_id)
    now = now or catalog.book_now(con)
    if until <= now:
        raise LimitRefused("until", "until_past", value=f"{until:%Y-%m-%d %H:%M}")
    db.run(con, "INSERT INTO alert_silences VALUES (?, ?, ?, ?, ?)", [limit_id, until, now, who, comment])
