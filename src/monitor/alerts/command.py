"""The command line of limits and alerts (`python -m monitor alerts ...`, `python -m monitor limits ...`, parsed in
monitor.cli): each opens the book read-write only while it works; a refused limit or event is bad input (one line,
exit 2)."""

from __future__ import annotations

import datetime as dt
import json
import sys

import polars as pl

from monitor import db, status
from monitor import limits as bounds
from monitor.alerts import evaluate, responses
from monitor.alerts import limits as store
from monitor.usage import UsageError

FIELDS = {"name": "name", "metric": "metric", "direction": "direction", "amber": "amber", "red": "red",
          "pending": "pending", "owner": "owner", "contact": "contact"}


def _open(args):
    return db.connect(db.resolve_db_path(args.db))


def _refused(exc: store.LimitRefused) -> UsageError:
    return UsageError(str(exc))


def _need(args, action: str, *flags: str) -> None:
    missing = [f"--{flag.replace('_', '-')}" for flag in flags if getattr(args, flag) is None]
    if missing:
        raise UsageError(f"{action} needs {' and '.join(missing)}")


def _json(frame: pl.DataFrame) -> list[dict]:
    return json.loads(frame.write_json())


def alerts(args) -> int:
    con = _open(args)
    try:
        if args.action == "ack":
            _need(args, "alerts ack", "event", "comment")
            responses.acknowledge(con, args.by, args.event, args.comment)
            print(f"acknowledged {args.event}", file=sys.stderr)
            return 0
        if args.action == "silence":
            _need(args, "alerts silence", "limit", "until", "comment")
            responses.silence(con, args.by, store.find(con, args.limit), args.until, args.comment)
            print(f"silenced {args.limit} until {args.until:%Y-%m-%d %H:%M}", file=sys.stderr)
            return 0
        kind = "intraday" if args.intraday else "nightly"
        as_of = args.as_of or (bounds.book_today(con) if args.intraday else status.latest_data_date(con))
        bounds.check_as_of(con, as_of or dt.date.min)
        outcome = evaluate.evaluate(con, as_of, kind)
    except store.LimitRefused as exc:
        raise _refused(exc) from None
    finally:
        con.close()
    if args.format == "json":
        sys.stdout.write(json.dumps({"evaluation_id": outcome.evaluation_id, "as_of": str(outcome.as_of),
                                     "kind": outcome.kind, "repeated": outcome.repeated,
                                     "states": _json(outcome.states), "events": _json(outcome.events)}) + "\n")
        return 0
    again = " (evaluated before with the same data: nothing changed)" if outcome.repeated else ""
    print(f"{kind} evaluation {outcome.evaluation_id} as of {as_of}{again}")
    for row in outcome.states.iter_rows(named=True):
        scope = f"{row['segment']}={row['segment_value']}" if row["segment"] else "book"
        value = f"{row['value']:.4g}" if row["value"] is not None else f"none ({row['why']})"
        since = f" since {row['since']:%Y-%m-%d %H:%M}" if row["since"] else ""
        print(f"{row['limit_id']:>4} {row['state']:<5} {row['name']} [{row['metric']}, {scope}]: {value}, "
              f"{row['direction']} amber {row['amber']:g} red {row['red']:g}{since}")
    for row in outcome.events.iter_rows(named=True):
        mark = " (silenced)" if row["silenced"] else ""
        print(f"event {row['event_id']}: limit {row['limit_id']} {row['from_state']} -> {row['to_state']}, value "
              f"{row['value']:.4g} against {row['level']:g}{mark}")
    return 0


def _fields(args) -> dict:
    fields = {field: getattr(args, flag) for flag, field in FIELDS.items() if getattr(args, flag) is not None}
    if (args.segment is None) != (args.value is None):
        raise UsageError("--segment and --value go together: give both or neither")
    if args.segment is not None:
        fields.update(segment=args.segment, segment_value=args.value)
    return fields


def limits(args) -> int:
    con = _open(args)
    try:
        if args.action == "list":
            frame = store.listing(con)
        elif args.action == "add":
            _need(args, "limits add", "name", "metric", "amber", "red", "owner")
            fields = _fields(args)
            fields.setdefault("pending", 1)
            limit_id = store.add(con, args.by, **fields)
            frame = store.listing(con).filter(pl.col("limit_id") == limit_id)
        else:
            _need(args, f"limits {args.action}", "limit")
            limit_id = store.find(con, args.limit)
            if args.action == "disable":
                store.disable(con, args.by, limit_id)
            else:
                fields = _fields(args)
                if args.book:
                    fields.update(segment=None, segment_value=None)
                if args.enable:
                    fields["enabled"] = True
                store.change(con, args.by, limit_id, **fields)
            frame = store.listing(con).filter(pl.col("limit_id") == limit_id)
    except store.LimitRefused as exc:
        raise _refused(exc) from None
    finally:
        con.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(_json(frame)) + "\n")
        return 0
    for row in frame.iter_rows(named=True):
        scope = f"{row['segment']}={row['segment_value']}" if row["segment"] else "book"
        enabled = "" if row["enabled"] else " (disabled)"
        print(f"{row['limit_id']:>4} {row['name']} [{row['metric']}, {scope}] {row['direction']} amber "
              f"{row['amber']:g} red {row['red']:g} pending {row['pending']} owner {row['owner']} "
              f"v{row['version']}{enabled}")
    return 0
