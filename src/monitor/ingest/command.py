"""`python -m monitor ingest`: load files, one batch each, and say what became of every row.

Exit code: 0 every row of every file landed (or had landed before), 1 some rows were rejected (they are in
quarantine), 2 a file could not be used at all (nothing of it was written; the message names the file): unreadable,
not a regular file, or over a limit of monitor.limits.
Files of one command load loans first, then installments, payments, collection actions, applications and credit
policies (schema.KINDS), so a payment file or an application file may refer to loans in a loan tape given beside it.
--purge-raw drops the quarantine's rows as read older than the setting quarantine_raw_days (each load does it too,
so this is for a book that loads nothing for a while); rule, message, file and row number stay.
"""

from __future__ import annotations

import sys

from monitor import access, db
from monitor.ingest import read, schema
from monitor.ingest.load import Outcome, already_loaded, batch_id, check_file, land, purge_raw, raw_days
from monitor.usage import UsageError

EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2
SHOWN_REJECTS = 20  # lines per file; the rest are in quarantine


def run_ingest(args) -> int:
    path = db.resolve_db_path(args.db)
    if not args.files and not args.purge_raw:
        raise UsageError("give the files to load, or --purge-raw")
    if args.purge_raw:
        print(_purge(path))
    checked = []
    worst = EXIT_OK
    for name in args.files:
        try:
            data = read.read_path(name)  # a device, a pipe or a file over the size limit is refused unread
            batch = batch_id(data)
            loaded_on = already_loaded(path, batch)
            if loaded_on is not None:
                print(_skipped(name, loaded_on, batch))
                continue
            checked.append((check_file(data, name, args.kind), batch))
        except OSError as exc:
            worst = _unusable(f"{name}: cannot be read ({exc.strerror})")
        except read.FileError as exc:
            worst = _unusable(str(exc))
    for file, batch in sorted(checked, key=lambda item: schema.KINDS.index(item[0].kind)):
        outcome = land(path, file, batch, actor=access.COMMAND_USER)  # a local tool (README)
        print(summary(outcome))
        worst = max(worst, EXIT_REJECTED if outcome.rows_rejected else EXIT_OK)
    return worst


def _purge(path) -> str:
    con = db.connect(path)
    try:
        with db.transaction(con):
            dropped = purge_raw(con)
            days = raw_days(con)
    finally:
        con.close()
    return f"quarantine: dropped the rows as read of {dropped:,} rejected rows loaded more than {days} days ago"


def _unusable(message: str) -> int:
    print(f"monitor ingest: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def _skipped(name: str, loaded_on, batch: str) -> str:
    return f"{name}: skipped: already loaded on {loaded_on:%Y-%m-%d %H:%M} (batch {batch[:12]})"


def summary(outcome: Outcome) -> str:
    """The lines printed for one file: counts, rejected rows by rule, the times converted from a time zone (if any),
    and the first rejects one by one."""
    name = outcome.file_name
    if outcome.loaded_on is not None:
        return _skipped(name, outcome.loaded_on, outcome.batch_id)
    by_rule = ", ".join(f"{rule} {n:,}" for rule, n in outcome.by_rule.items())
    lines = [f"{name}: {outcome.kind}, {outcome.rows_total:,} rows: {outcome.rows_accepted:,} accepted, "
             f"{outcome.rows_rejected:,} rejected{f' ({by_rule})' if by_rule else ''}, "
             f"{outcome.rows_duplicate:,} skipped as duplicates; batch {outcome.batch_id[:12]}"]
    if "en" in outcome.zone_notes:
        lines.append(outcome.zone_notes["en"])
    shown = outcome.rejects.head(SHOWN_REJECTS)
    lines += [f"{name} row {row}: {rule}: {message}"
              for row, rule, message in shown.select("row_number", "rule", "message").iter_rows()]
    if outcome.rejects.height > SHOWN_REJECTS:
        lines.append(f"{name}: ... and {outcome.rejects.height - SHOWN_REJECTS:,} more in the quarantine table "
                     f"(batch {outcome.batch_id[:12]})")
    return "\n".join(lines)
