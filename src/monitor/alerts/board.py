"""What the Limits and alerts page reads (issue 16 item 4), as stored: each enabled limit with its state, the event
that put it there and who acknowledged it, an active silence and its playbook; the limits in amber and red
evaluation by evaluation (the section's one trend); the history of events; the counts of the page's cards, which
the Executive summary's line shows too (figures, counts).
Nothing here evaluates: the page shows alert_state as the last evaluation left it (monitor.alerts.evaluate)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import query

HISTORY_ROWS = 500  # the newest events the page lists
TREND_EVALUATIONS = 60  # the newest evaluations the trend spans


def board(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> pl.DataFrame:
    """One row per enabled limit, breaches first (red, amber), then ok, by id: its levels and state, the value last
    read (or why none: `why`; `evaluated` false for a limit no evaluation has judged yet), the latest event (the one
    that set the state: its id, when, the value then), its newest acknowledgement and the end of a silence in force
    at `now`."""
    return query.frame(con, """
        WITH latest AS (
            SELECT limit_id, arg_max(event_id, happened_at) AS event_id, max(happened_at) AS happened_at,
                   arg_max(value, happened_at) AS event_value
            FROM alert_events GROUP BY limit_id),
        acked AS (
            SELECT event_id, arg_max(acked_by, acked_at) AS acked_by, max(acked_at) AS acked_at,
                   arg_max(comment, acked_at) AS ack_comment
            FROM alert_acks GROUP BY event_id),
        silenced AS (SELECT limit_id, max(until) AS silenced_until FROM alert_silences WHERE until > $now
                     GROUP BY limit_id)
        SELECT l.limit_id, l.name, l.name_key, l.metric, l.segment, l.segment_value, l.direction, l.amber, l.red,
               l.pending, l.owner, coalesce(s.state, 'ok') AS state, s.since, s.value, s.why,
               s.limit_id IS NOT NULL AS evaluated,
               e.event_id, e.happened_at AS event_at, e.event_value, a.acked_by, a.acked_at, a.ack_comment,
               q.silenced_until
        FROM limits l
        LEFT JOIN alert_state s USING (limit_id)
        LEFT JOIN latest e USING (limit_id)
        LEFT JOIN acked a ON a.event_id = e.event_id
        LEFT JOIN silenced q USING (limit_id)
        WHERE l.enabled
        ORDER BY CASE coalesce(s.state, 'ok') WHEN 'red' THEN 0 WHEN 'amber' THEN 1 ELSE 2 END, l.limit_id""",
                       now=now)


def last_evaluation(con: duckdb.DuckDBPyConnection) -> tuple[dt.datetime, dt.date] | None:
    """When the newest evaluation ran and the day it judged, or None before the first."""
    found = con.execute("SELECT evaluated_at, as_of FROM alert_evaluations ORDER BY evaluated_at DESC LIMIT 1"
                        ).fetchall()
    return found[0] if found else None


def trend(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """How many enabled limits stood at amber and at red after each of the newest evaluations (evaluated_at, state,
    limits), zero included: a limit's state after an evaluation is the to_state of its newest event up to then."""
    return query.frame(con, f"""
        WITH runs AS (SELECT evaluation_id, evaluated_at FROM alert_evaluations
                      ORDER BY evaluated_at DESC LIMIT {TREND_EVALUATIONS}),
        standing AS (
            SELECT r.evaluation_id, e.limit_id, arg_max(e.to_state, e.happened_at) AS state
            FROM runs r JOIN alert_events e ON e.happened_at <= r.evaluated_at
            WHERE e.limit_id IN (SELECT limit_id FROM limits WHERE enabled)
            GROUP BY r.evaluation_id, e.limit_id)
        SELECT r.evaluated_at, v.state, count(s.limit_id) AS limits
        FROM runs r CROSS JOIN (VALUES ('amber'), ('red')) v(state)
        LEFT JOIN standing s ON s.evaluation_id = r.evaluation_id AND s.state = v.state
        GROUP BY r.evaluated_at, v.state ORDER BY r.evaluated_at, v.state""")


def history(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The newest HISTORY_ROWS events, newest first, with the limit's name (and name_key) and metric and who
    acknowledged each (everyone, in order, with their comments)."""
    return query.frame(con, f"""
        SELECT e.event_id, e.limit_id, l.name, l.name_key, l.metric, e.from_state, e.to_state, e.value, e.level,
               e.happened_at, e.as_of, e.silenced,
               string_agg(a.acked_by || ': ' || a.comment, '; ' ORDER BY a.acked_at) AS acknowledged
        FROM alert_events e JOIN limits l USING (limit_id) LEFT JOIN alert_acks a USING (event_id)
        GROUP BY ALL ORDER BY e.happened_at DESC, e.event_id DESC LIMIT {HISTORY_ROWS}""")


def sections(limits: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The board's three parts: breached (red, amber, in the board's order; a value unread keeps its state), ok
    (within the levels, value read) and unread (ok, but the value could not be read or was never evaluated)."""
    unread = pl.col("why").is_not_null() | ~pl.col("evaluated")
    ok = limits.filter(pl.col("state") == "ok")
    return {"breached": limits.filter(pl.col("state") != "ok"), "ok": ok.filter(~unread), "unread": ok.filter(unread)}


def figures(limits: pl.DataFrame) -> dict[str, int]:
    """How many of the board's limits (board()) stand at red, at amber, within their levels, and without a value:
    the page's four cards, and (counts) the Executive summary's line, so that the two never disagree."""
    parts = sections(limits)
    breached = parts["breached"]["state"]
    return {"red": int((breached == "red").sum()), "amber": int((breached == "amber").sum()),
            "ok": parts["ok"].height, "unread": parts["unread"].height}


def counts(limits: pl.DataFrame) -> dict[str, int]:
    """How many of the board's limits stand at red and at amber (the Executive summary's line): the page's cards."""
    shown = figures(limits)
    return {state: shown[state] for state in ("red", "amber")}
