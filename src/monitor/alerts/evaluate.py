"""Evaluation: read every enabled limit's metric and move its alert state (DESIGN.md §10, issue 16).

The state machine of one limit, in the manner of Prometheus' pending period: each evaluation finds the level of
the value (ok, amber or red: strictly above the amber or red level for direction 'above', strictly below for
'below'); the level seen in a row is the candidate and `streak` counts its consecutive evaluations; the state moves
to the candidate once the streak reaches the limit's `pending`. Each move writes one alert_events row (to amber, to
red, or 'resolved' back to ok) with the value and the level crossed (a resolve: the amber level). A value that
cannot be read (None) keeps state, candidate and streak as they were and is reported with its reason.

An evaluation is keyed by what it read: the day, nightly or intraday, monitor.freshness.data_fingerprint, the
newest batch and model scoring, the limits' versions, and on the book's today the hour of the clock (the metrics
hours_since_batch and cash_against_expected move with the time). Evaluating again under the same key changes nothing
and returns what was stored. (A limit added or changed is a new key: the same data is then judged again, and the
other limits' streaks count that evaluation too.) A silenced limit is evaluated all the same; its events are
marked `silenced` so that notifications skip them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

import duckdb
import polars as pl

from monitor import day_status, db, freshness, query
from monitor.alerts import catalog
from monitor.alerts.limits import LimitRefused

KINDS = ("nightly", "intraday")


@dataclass(frozen=True)
class Evaluation:
    """One evaluation: its key, whether it had been done before (then nothing was written now), every enabled
    limit's state after it (`states`: one row per limit) and the events it wrote."""
    evaluation_id: str
    as_of: dt.date
    kind: str
    repeated: bool
    states: pl.DataFrame
    events: pl.DataFrame
    seconds: float


def level_of(value: float, direction: str, amber: float, red: float) -> str:
    """ok, amber or red: the worst level the value is beyond."""
    beyond = (lambda level: value > level) if direction == "above" else (lambda level: value < level)
    return "red" if beyond(red) else "amber" if beyond(amber) else "ok"


def _key(con: duckdb.DuckDBPyConnection, as_of: dt.date, kind: str, now: dt.datetime) -> str:
    found = con.execute("""
        SELECT (SELECT max(loaded_at) FROM ingest_batches), (SELECT max(scored_at) FROM score_runs),
               (SELECT max(promoted_at) FROM models),
               (SELECT string_agg(limit_id || ':' || version, ',' ORDER BY limit_id) FROM limits WHERE enabled)
    """).fetchall()[0]
    clock = f"{now:%Y-%m-%d %H}" if as_of >= now.date() else ""
    text = "|".join(str(part) for part in (as_of, kind, freshness.data_fingerprint(con), *found, clock))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _limits(con: duckdb.DuckDBPyConnection, kind: str) -> pl.DataFrame:
    """The enabled limits (intraday: those on a metric that moves with the day) and their state so far."""
    frame = query.frame(con, """
        SELECT l.limit_id, l.name, l.metric, l.segment, l.segment_value, l.direction, l.amber, l.red, l.pending,
               l.owner, coalesce(s.state, 'ok') AS state, coalesce(s.candidate, 'ok') AS candidate,
               coalesce(s.streak, 0) AS streak, s.since
        FROM limits l LEFT JOIN alert_state s USING (limit_id)
        WHERE l.enabled ORDER BY l.limit_id""")
    return _watched(frame, kind)


def _read(con: duckdb.DuckDBPyConnection, limits: pl.DataFrame, as_of: dt.date) -> dict[tuple, catalog.Reading]:
    """Each metric and scope read once, however many limits watch it; the values of one segment together; the day's
    loan status computed once for them all unless the derived tables hold it (pinned on the connection; on a live
    day from the day before)."""
    if not day_status.precomputed(con, as_of):
        day_status.pin_day(con, as_of)
    readings: dict[tuple, catalog.Reading] = {}
    scopes = limits.select("metric", "segment", "segment_value").unique(maintain_order=True)
    for metric, segment, value in scopes.filter(pl.col("segment").is_null()).iter_rows():
        readings[(metric, segment, value)] = catalog.read(con, metric, as_of)
    grouped = scopes.filter(pl.col("segment").is_not_null()).group_by("metric", "segment", maintain_order=True)
    for metric, segment, values in grouped.agg("segment_value").iter_rows():
        for value, reading in catalog.read_values(con, metric, as_of, segment, values).items():
            readings[(metric, segment, value)] = reading
    return readings


def _silenced(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> set[int]:
    return {row[0] for row in con.execute("SELECT DISTINCT limit_id FROM alert_silences WHERE until > ?",
                                          [now]).fetchall()}


def _watched(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The limits an evaluation of `kind` judges: intraday, those on a metric that moves during the day."""
    if kind == "nightly":
        return frame
    return frame.filter(pl.col("metric").is_in(catalog.INTRADAY))


def _stored(con: duckdb.DuckDBPyConnection, evaluation_id: str, kind: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    states = query.frame(con, """
        SELECT l.limit_id, l.name, l.metric, l.segment, l.segment_value, l.direction, l.amber, l.red, l.pending,
               l.owner, s.state, s.candidate, s.streak, s.since, s.value, s.why
        FROM limits l JOIN alert_state s USING (limit_id) WHERE l.enabled ORDER BY l.limit_id""")
    states = _watched(states, kind)
    events = query.frame(con, "SELECT * FROM alert_events WHERE evaluation_id = $id ORDER BY limit_id",
                         id=evaluation_id)
    return states, events


def evaluate(con: duckdb.DuckDBPyConnection, as_of: dt.date, kind: str = "nightly",
             now: dt.datetime | None = None) -> Evaluation:
    """Evaluate the enabled limits at the end of `as_of` (con read-write); see the module's docstring."""
    if kind not in KINDS:
        raise LimitRefused("kind", "kind", value=kind)
    started = time.perf_counter()
    now = now or catalog.book_now(con)
    evaluation_id = _key(con, as_of, kind, now)
    if con.execute("SELECT 1 FROM alert_evaluations WHERE evaluation_id = ?", [evaluation_id]).fetchall():
        states, events = _stored(con, evaluation_id, kind)
        return Evaluation(evaluation_id, as_of, kind, True, states, events, time.perf_counter() - started)
    limits = _limits(con, kind)
    with freshness.reading(con):  # every metric read before anything is written
        readings = _read(con, limits, as_of)
    silenced = _silenced(con, now)
    states, events = [], []
    for limit in limits.iter_rows(named=True):
        reading = readings[(limit["metric"], limit["segment"], limit["segment_value"])]
        state, candidate, streak, since = limit["state"], limit["candidate"], limit["streak"], limit["since"]
        if reading.value is not None:
            level = level_of(reading.value, limit["direction"], limit["amber"], limit["red"])
            streak = streak + 1 if level == candidate else 1
            candidate = level
            if level != state and streak >= limit["pending"]:
                events.append({
                    "event_id": f"{evaluation_id}-{limit['limit_id']}", "limit_id": limit["limit_id"],
                    "evaluation_id": evaluation_id, "happened_at": now, "as_of": as_of, "from_state": state,
                    "to_state": "resolved" if level == "ok" else level, "value": reading.value,
                    "level": limit["red"] if level == "red" else limit["amber"],
                    "silenced": limit["limit_id"] in silenced})
                state, since = level, now
        states.append({**limit, "state": state, "candidate": candidate, "streak": streak, "since": since,
                       "value": reading.value, "why": reading.why})
    seconds = time.perf_counter() - started
    states_frame = pl.DataFrame(states, schema={**limits.schema, "value": pl.Float64, "why": pl.String})
    events_frame = pl.DataFrame(events, schema=_EVENT_SCHEMA)
    with db.transaction(con):
        con.register("evaluated_states", states_frame)
        con.register("evaluated_events", events_frame)
        db.run(con, """
            INSERT OR REPLACE INTO alert_state
            SELECT limit_id, state, candidate, streak, since, value, why, $evaluation_id FROM evaluated_states""",
               {"evaluation_id": evaluation_id})
        db.run(con, "INSERT INTO alert_events SELECT * FROM evaluated_events")
        db.run(con, "INSERT INTO alert_evaluations VALUES (?, ?, ?, ?, ?, ?)",
               [evaluation_id, as_of, kind, now, len(states), seconds])
        con.unregister("evaluated_states")
        con.unregister("evaluated_events")
    return Evaluation(evaluation_id, as_of, kind, False, states_frame, events_frame, seconds)


_EVENT_SCHEMA = {"event_id": pl.String, "limit_id": pl.Int32, "evaluation_id": pl.String,
                 "happened_at": pl.Datetime("us"), "as_of": pl.Date, "from_state": pl.String, "to_state": pl.String,
                 "value": pl.Float64, "level": pl.Float64, "silenced": pl.Boolean}
