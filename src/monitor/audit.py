"""The audit trail (个人信息保护法: records of processing): who did what to which object, and when.

`audit_log` is append only: the code has no statement that updates or deletes it, and each row carries the hash of
the row before it (sha256 over the row's fields and that hash), so a row edited or deleted in the file breaks the
chain and `verify` (python -m monitor audit verify) names the first row that no longer fits. Removing the newest
rows leaves a shorter chain that still fits: `verify` reports the head (last seq and hash) so that a copy kept
elsewhere (the Admin page shows it) exposes a truncated tail.

Parameters are stored as canonical JSON and never hold personal data: an account view names the loan, a reveal
the loan and the reason, never the phone revealed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading

import duckdb
import polars as pl

from monitor.access import Actor
from monitor.book_schema import run, transaction
from monitor.i18n import t
from monitor.query import frame

GENESIS = "0" * 64  # the prev_hash of the first row
COLUMNS = ("seq", "at_utc", "who", "role", "action", "object", "parameters", "row_count", "prev_hash", "hash")
_WRITING = threading.Lock()  # two sessions of one server append one after the other (seq is the chain's order)
_VERIFY_BATCH = 10_000


def canonical(parameters: dict | None) -> str | None:
    """The JSON text stored and hashed for `parameters`: sorted keys, no spaces, dates as ISO text."""
    if parameters is None:
        return None
    return json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(seq: int, at: dt.datetime, who: str, role: str, action: str, object_: str | None,
             parameters: str | None, row_count: int | None, prev_hash: str) -> str:
    """sha256 (hex) of one row's fields and the previous row's hash, in a fixed order."""
    fields = [seq, at.isoformat(timespec="microseconds"), who, role, action, object_, parameters, row_count, prev_hash]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def record(con: duckdb.DuckDBPyConnection, actor: Actor, action: str, object_: str | None = None,
           parameters: dict | None = None, row_count: int | None = None) -> int:
    """Append one row to the audit log (in its own transaction); returns its seq."""
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    text = canonical(parameters)
    with _WRITING, transaction(con):
        last = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
        seq, prev_hash = (last[0][0] + 1, last[0][1]) if last else (1, GENESIS)
        digest = row_hash(seq, at, actor.who, actor.role_text, action, object_, text, row_count, prev_hash)
        run(con, "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [seq, at, actor.who, actor.role_text, action, object_, text, row_count, prev_hash, digest])
    return seq


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What `verify` found: `rows` that fit; `broken_at` the seq of the first row that does not (None: the chain
    holds) and `reason` why: 'missing' (no row with that seq: removed), 'unlinked' (its prev_hash is not the hash
    of the row before: that one was changed or removed) or 'changed' (its fields no longer give its hash);
    `head_seq`/`head_hash` the last row's, to compare with a copy kept elsewhere."""

    rows: int
    broken_at: int | None
    reason: str | None
    head_seq: int | None
    head_hash: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    def text(self, lang: str) -> str:
        """The verdict in words (catalog audit.verdict.*)."""
        if self.intact:
            return (t("audit.verdict.intact", lang, seq=self.head_seq, hash=self.head_hash) if self.rows
                    else t("audit.verdict.empty", lang))
        return t(f"audit.verdict.{self.reason}", lang, seq=self.broken_at, rows=self.rows)


def verify(con: duckdb.DuckDBPyConnection) -> Verdict:
    """Walk the chain in seq order: each row's seq follows the last (no gap), its prev_hash is the last row's hash
    and its hash is that of its own fields. Reads in batches, so a long log needs little memory."""
    cursor = con.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_log ORDER BY seq")
    expected_seq, prev_hash, rows = 1, GENESIS, 0
    while batch := cursor.fetchmany(_VERIFY_BATCH):
        for seq, at, who, role, action, object_, parameters, row_count, stored_prev, digest in batch:
            if seq != expected_seq:
                return Verdict(rows, expected_seq, "missing", None, None)
            if stored_prev != prev_hash:
                return Verdict(rows, seq, "unlinked", None, None)
            if row_hash(seq, at, who, role, action, object_, parameters, row_count, stored_prev) != digest:
                return Verdict(rows, seq, "changed", None, None)
            expected_seq, prev_hash, rows = seq + 1, digest, rows + 1
    return Verdict(rows, None, None, expected_seq - 1 if rows else None, prev_hash if rows else None)


FILTERS = ("who", "action", "object")  # the text columns entries() filters on (an allow-list: they name columns)


def entries(con: duckdb.DuckDBPyConnection, *, since: dt.date | None = None, until: dt.date | None = None,
            limit: int = 1000, **filters: str | None) -> pl.DataFrame:
    """The newest `limit` rows of the audit log, newest first, from `since` to `until` (UTC days, both included),
    filtered by exact who / action / object (keys of FILTERS; None or '' is no filter)."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"no audit filter {sorted(unknown)}; the filters are {FILTERS}")
    conditions = ["($since IS NULL OR at_utc >= CAST($since AS DATE))",
                  "($until IS NULL OR at_utc < CAST($until AS DATE) + INTERVAL 1 DAY)"]
    conditions += [f"(CAST(${name} AS VARCHAR) IS NULL OR {name} = ${name})" for name in FILTERS]
    params = {name: (filters.get(name) or None) for name in FILTERS}
    return frame(
        con,
        f"""SELECT seq, at_utc, who, role, action, object, parameters, row_count FROM audit_log
            WHERE {' AND '.join(conditions)} ORDER BY seq DESC LIMIT $limit""",
        since=since, until=until, limit=limit, **params,
    )


def actions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The actions the log holds, for a filter's choices."""
    return [row[0] for row in con.execute("SELECT DISTINCT action FROM audit_log ORDER BY action").fetchall()]
