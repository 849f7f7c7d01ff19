"""The command line of notifications (`python -m monitor contacts ...`, `python -m monitor alerts-deliver`, parsed
in monitor.cli): each opens the book only while it reads or writes; a refused contact point is bad input (one line,
exit 2)."""

from __future__ import annotations

import sys
import time

from monitor import db
from monitor.alerts import catalog, evaluate, notify
from monitor.alerts import contacts as store
from monitor.usage import UsageError

OPTIONS = {"list": (), "add": ("name", "kind", "target"), "change": ("name", "kind", "target"), "remove": ("name",)}


def contacts(args) -> int:
    wanted = OPTIONS[args.action]
    missing = [f"--{option}" for option in wanted if getattr(args, option) is None]
    if missing:
        raise UsageError(f"contacts {args.action} needs {', '.join(missing)}")
    extra = [f"--{option}" for option in OPTIONS["add"] if option not in wanted and getattr(args, option) is not None]
    if extra:
        raise UsageError(f"contacts {args.action} takes no {', '.join(extra)}")
    con = db.connect(db.resolve_db_path(args.db), read_only=args.action == "list")
    try:
        if args.action == "list":
            for name, kind, target in store.listing(con).iter_rows():
                print(f"{name}\t{kind}\t{target}")
            return 0
        if args.action == "remove":
            store.remove(con, args.name, who=args.by)
        else:
            {"add": store.add, "change": store.change}[args.action](con, args.name, args.kind, args.target,
                                                                    who=args.by)
    except store.ContactError as exc:
        raise UsageError(str(exc)) from None
    finally:
        con.close()
    print(f"contact point {args.name.strip()}: {args.action}{'d' if args.action.endswith('e') else 'ed'}",
          file=sys.stderr)
    return 0


def deliver(args) -> int:
    """Queue and send once, or every --loop seconds until stopped; in a loop, a book locked past the wait is tried
    again at the next round instead of ending the deliverer. With --intraday, each round first evaluates the limits
    on the metrics that move during the day, at the book's today: a batch of the live feed or a loaded file that
    crossed a level is queued and sent in the same round (an unchanged book is not evaluated again: the evaluation
    is keyed by the data it read)."""
    path = db.resolve_db_path(args.db)
    while True:
        try:
            _round(path, args.intraday)
        except db.DatabaseError as exc:
            if args.loop is None:
                raise
            print(f"monitor alerts-deliver: {exc}; trying again in {args.loop:g} s", file=sys.stderr)
        if args.loop is None:
            return 0
        time.sleep(args.loop)


def _round(path, intraday: bool) -> None:
    """Evaluate the intraday limits when asked, queue the new events (one short write), then send what is due
    (monitor.alerts.notify.deliver_due)."""
    con = db.connect(path)
    try:
        now = catalog.book_now(con)
        if intraday:
            evaluate.evaluate(con, now.date(), "intraday", now)  # its own transaction
        with db.transaction(con):
            queued = notify.enqueue(con, now)
    finally:
        con.close()
    summary = notify.deliver_due(path, now)
    print(f"monitor alerts-deliver: {now:%Y-%m-%d %H:%M:%S} queued {queued}, due {summary['due']}, delivered "
          f"{summary['delivered']}, failed {summary['failed']}", file=sys.stderr)
