"""Whether the credit-policy what-if can run on a book at a day, and on what (the strategy page's first question):
a book without applications, or with applications not scored by an application scorecard, or with none in the
what-if's window, says which, so the page says why instead of showing empty figures."""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import db
from monitor.origination import application_store
from monitor.origination.whatif_population import has_scores, window


def readiness(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """{"state": "ready" | "no_applications" | "no_scores" | "no_window", "first": the window's first day,
    "applications": in the window, "model": the application scorecard's version}."""
    first, last = window(as_of)
    out = {"first": first.isoformat()}
    if not db.table_exists(con, "applications") or not con.execute(
            "SELECT count(*) > 0 FROM applications").fetchall()[0][0]:
        return out | {"state": "no_applications"}
    if not has_scores(con):
        return out | {"state": "no_scores"}
    applications = con.execute("SELECT count(*) FROM applications WHERE CAST(applied_at AS DATE) BETWEEN ? AND ?",
                               [first, last]).fetchall()[0][0]
    if not applications:
        return out | {"state": "no_window"}
    meta = application_store.metadata(con) or {}
    return out | {"state": "ready", "applications": applications, "model": meta.get("model_version", "–")}
