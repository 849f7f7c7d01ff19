"""The limits store: add, change and disable a limit as an actor, each change a new row of limit_versions (who,
when, the row before and after as JSON) and limits.version + 1. (monitor.limits, without `alerts`, is another
thing: the bounds of command-line arguments.)

A limit is checked whole before it is written; a bad one is refused with LimitRefused naming the field and the
rule, in English and Chinese (catalog keys alerts.refused.*), and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import duckdb
import polars as pl

from monitor import alerts_schema as schema
from monitor import db, query, segments
from monitor.alerts import catalog, names
from monitor.alerts_starter import COLUMNS
from monitor.i18n import t

EDITABLE = ("name", "metric", "segment", "segment_value", "direction", "amber", "red", "pending", "owner", "contact",
            "enabled")


class LimitRefused(ValueError):
    """A limit that may not be written: `field` names what is wrong; str() is the English message, text(lang) the
    message in a page's language."""

    def __init__(self, field: str, rule: str, **params):
        self.field, self.rule, self.params = field, rule, params
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(f"alerts.refused.{self.rule}", lang, field=self.field, **self.params)


def check(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Refuse a bad limit, field by field, in the order an editor shows them."""
    if not str(row["name"] or "").strip():
        raise LimitRefused("name", "empty")
    others = con.execute("SELECT limit_id, name, name_key FROM limits WHERE limit_id <> ? ORDER BY limit_id",
                         [row["limit_id"]]).fetchall()
    taken = [limit_id for limit_id, name, key in others if row["name"] in names.every_language(name, key)]
    if taken:  # stored, or how a starter limit is shown in some language
        raise LimitRefused("name", "duplicate_name", name=row["name"], limit_id=taken[0])
    metric = catalog.METRICS.get(row["metric"])
    if metric is None:
        raise LimitRefused("metric", "unknown_metric", value=row["metric"], allowed=", ".join(catalog.METRICS))
    segment, value = row["segment"], row["segment_value"]
    if (segment is None) != (value is None):
        raise LimitRefused("segment" if segment is None else "segment_value", "segment_pair")
    if segment is not None:
        if segment not in segments.SEGMENTS:
            raise LimitRefused("segment", "unknown_segment", value=segment, allowed=", ".join(segments.SEGMENTS))
        if metric.segment == "none":
            raise LimitRefused("segment", "segment_not_allowed", metric=row["metric"])
        if str(value) not in segments.values(con, segment):
            raise LimitRefused("segment_value", "unknown_segment_value", value=value, segment=segment)
    elif metric.segment == "required":
        raise LimitRefused("segment", "segment_required", metric=row["metric"])
    if row["direction"] not in schema.DIRECTIONS:
        raise LimitRefused("direction", "direction", value=row["direction"])
    for field in ("amber", "red"):
        if isinstance(row[field], bool) or not isinstance(row[field], int | float) or not math.isfinite(row[field]):
            raise LimitRefused(field, "not_a_number", value=row[field])
    if row["direction"] == "above" and not row["amber"] < row["red"]:
        raise LimitRefused("amber", "amber_above", amber=row["amber"], red=row["red"])
    if row["direction"] == "below" and not row["amber"] > row["red"]:
        raise LimitRefused("amber", "amber_below", amber=row["amber"], red=row["red"])
    if isinstance(row["pending"], bool) or not isinstance(row["pending"], int) or row["pending"] < 1:
        raise LimitRefused("pending", "pending", value=row["pending"])
    if not str(row["owner"] or "").strip():
        raise LimitRefused("owner", "empty")


def _who(who: str) -> str:
    if not str(who or "").strip():
        raise LimitRefused("who", "empty")
    return who


def _write(con: duckdb.DuckDBPyConnection, who: str, before: dict | None, after: dict) -> None:
    if before is None:
        db.run(con, f"INSERT INTO limits VALUES ({', '.join('?' * len(COLUMNS))})", [after[c] for c in COLUMNS])
    else:
        db.run(con, f"UPDATE limits SET {', '.join(f'{c} = ?' for c in COLUMNS[1:])} WHERE limit_id = ?",
               [after[c] for c in COLUMNS[1:]] + [after["limit_id"]])
    db.run(con, "INSERT INTO limit_versions VALUES (?, ?, ?, ?, ?, ?)",
           [after["limit_id"], after["version"], dt.datetime.now(), who,
            None if before is None else json.dumps(before), json.dumps(after)])


def get(con: duckdb.DuckDBPyConnection, limit_id: int) -> dict:
    """The limit as a row of `limits` (a dict by column), else LimitRefused on the field limit_id."""
    found = con.execute(f"SELECT {', '.join(COLUMNS)} FROM limits WHERE limit_id = ?", [limit_id]).fetchall()
    if not found:
        raise LimitRefused("limit_id", "unknown_limit", value=limit_id)
    return dict(zip(COLUMNS, found[0], strict=True))


def find(con: duckdb.DuckDBPyConnection, key: str) -> int:
    """A limit's id from its id or its exact name (the command line's way to name one)."""
    found = con.execute("SELECT limit_id FROM limits WHERE name = ? OR CAST(limit_id AS VARCHAR) = ?",
                        [key, key]).fetchall()
    if not found:
        raise LimitRefused("limit", "unknown_limit", value=key)
    return found[0][0]


def add(con: duckdb.DuckDBPyConnection, who: str, *, name: str, metric: str, amber: float, red: float,
        owner: str, segment: str | None = None, segment_value: str | None = None, direction: str | None = None,
        pending: int = 1, contact: str | None = None) -> int:
    """Add a limit (enabled, version 1) and return its id. The direction defaults to the metric's usual one."""
    with db.transaction(con):
        limit_id = con.execute("SELECT coalesce(max(limit_id), 0) + 1 FROM limits").fetchall()[0][0]
        default = catalog.METRICS[metric].direction if metric in catalog.METRICS else None
        row = {"limit_id": limit_id, "name": name, "metric": metric, "segment": segment,
               "segment_value": segment_value, "direction": direction or default, "amber": amber, "red": red,
               "pending": pending, "owner": owner, "contact": contact, "enabled": True, "version": 1,
               "name_key": None}
        check(con, row)
        _write(con, _who(who), None, row)
    return limit_id


def change(con: duckdb.DuckDBPyConnection, who: str, limit_id: int, **fields) -> dict:
    """Change some fields of a limit (those of EDITABLE); the limit as it now is. Nothing changed: no new version. A
    starter limit renamed is shown by its new name in every language."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise LimitRefused(sorted(unknown)[0], "not_editable", allowed=", ".join(EDITABLE))
    with db.transaction(con):
        before = get(con, limit_id)
        after = {**before, **fields}
        if after == before:
            return before
        if after["name"] != before["name"]:  # renamed: the name typed, no longer the starter's (monitor.alerts.names)
            after["name_key"] = None
        after["version"] = before["version"] + 1
        check(con, after)
        _write(con, _who(who), before, after)
    return after


def disable(con: duckdb.DuckDBPyConnection, who: str, limit_id: int) -> dict:
    """Stop evaluating a limit (kept, with its history; change(enabled=True) brings it back)."""
    return change(con, who, limit_id, enabled=False)


def listing(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every limit, by id."""
    return query.frame(con, f"SELECT {', '.join(COLUMNS)} FROM limits ORDER BY limit_id")


def versions(con: duckdb.DuckDBPyConnection, limit_id: int) -> list[dict]:
    """A limit's history, oldest first: version, changed_at, changed_by, the row before and after (dicts)."""
    found = con.execute("SELECT version, changed_at, changed_by, before, after FROM limit_versions "
                        "WHERE limit_id = ? ORDER BY version", [limit_id]).fetchall()
    return [{"version": v, "changed_at": at, "changed_by": by, "before": json.loads(b) if b else None,
             "after": json.loads(a)} for v, at, by, b, a in found]
