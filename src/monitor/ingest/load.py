"""Landing a file: one batch, one write transaction, all or nothing.

A batch is one file, named by the sha256 of its bytes. Its accepted rows, its rejected rows (into quarantine, with
the rule, a message and the raw row) and its ingest_batches record are written in ONE transaction: a load killed
at any point leaves the whole batch or none of it (DuckDB rolls back what was not committed when the file is
opened again). A batch id already recorded is skipped, so loading a file twice changes nothing; a row identical
to one the book already holds is skipped as a duplicate; a different row under an existing id is rejected.

The file is read, cast and checked against the file rules before the database is opened; the write connection
is held only for the book rules and the inserts. The derived tables are not rebuilt: the rows of the loans the file
touched are brought up to date in the same transaction (monitor.derive_update), so they keep equal to a full derive;
into derived tables that already waited for derive (monitor.freshness), nothing changes until the next derive.
Once the batch has committed, the intraday limits are evaluated on the same connection (monitor.alerts.trigger).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from monitor import access, access_store, db, derive_update, pii
from monitor.alerts import trigger
from monitor.compliance import violations
from monitor.i18n import LANGUAGES
from monitor.ingest import plausibility, read, rules, schema
from monitor.ingest.read import RAW, ROW

PREVIEW_ROWS = 20
PREVIEW_CHECKED_ROWS = 10_000  # the preview reads and checks a file's first rows only; the load checks them all
TIMEZONE = ZoneInfo(db.BOOK_TIMEZONE)  # loaded_at is local time, as every event
STAGED = "ingest_staged"
REJECTS = "ingest_rejects"


@dataclass
class Outcome:
    """What a file gives (preview) or gave (load)."""
    file_name: str
    batch_id: str
    kind: str
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    rows_duplicate: int
    rejects: pl.DataFrame = field(repr=False)   # row_number, rule, message, message_zh (one per rule broken)
    sample: pl.DataFrame = field(repr=False)    # the first rows that land (or would land)
    landed: bool = False
    loaded_on: dt.datetime | None = None        # set when the batch had been loaded before: nothing was done
    rows_checked: int | None = None             # rows the counts cover when fewer than rows_total (a preview)
    zone_notes: dict[str, str] = field(default_factory=dict)  # by language: the times converted from a zone, if any

    @property
    def by_rule(self) -> dict[str, int]:
        """Rejected rows per rule, in the order of rules.RULES."""
        counts = dict(self.rejects.group_by("rule").agg(pl.col("row_number").n_unique()).iter_rows())
        return {rule: counts[rule] for rule in rules.RULES if rule in counts}


@dataclass
class _Checked:
    parsed: read.Parsed
    kind: str
    typed: pl.DataFrame
    file_violations: pl.DataFrame


def batch_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_file(data: bytes, file_name: str, kind: str | None = None, sample_rows: int | None = None) -> _Checked:
    """Read (the first `sample_rows` rows only, when given), detect the kind and apply the file rules; raises
    read.FileError for a file that cannot be used."""
    parsed = read.read_bytes(data, file_name, sample_rows)
    kind = read.detect_kind(parsed, kind)
    typed, violations = rules.file_rules(parsed, kind)
    return _Checked(parsed, kind, typed, violations)


def _loaded_on(con: duckdb.DuckDBPyConnection, batch: str) -> dt.datetime | None:
    if not _has_ingest_tables(con):
        return None
    found = con.sql("SELECT loaded_at FROM ingest_batches WHERE batch_id = $batch", params={"batch": batch}).pl()
    return found["loaded_at"][0] if found.height else None


def already_loaded(db_path: str | Path, batch: str) -> dt.datetime | None:
    """When the batch was loaded, on a short read-only look (None: never): a file loaded before is skipped
    without being read. land() asks again inside its transaction."""
    con = db.connect(db_path, read_only=True)
    try:
        return _loaded_on(con, batch)
    finally:
        con.close()


def _has_ingest_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return db.table_exists(con, "ingest_batches") and db.table_exists(con, "quarantine")


def _classify(con: duckdb.DuckDBPyConnection, checked: _Checked, batch: str) -> tuple[Outcome, pl.DataFrame]:
    """Apply the book rules on `con` (the typed rows registered as STAGED): the outcome and the rows that land."""
    violations, duplicates = rules.book_rules(con, checked.kind, STAGED)
    rejects = pl.concat([checked.file_violations, violations]).sort("row_number", "rule")
    rejected = rejects["row_number"].unique()
    skipped = duplicates["row_number"].filter(~duplicates["row_number"].is_in(rejected.implode()))
    landing = checked.typed.filter(~pl.col(ROW).is_in(rejected.implode()) & ~pl.col(ROW).is_in(skipped.implode()))
    rejects = mask_messages(con, rejects)
    total, checked_rows = checked.parsed.rows_total, checked.parsed.frame.height
    notes = {lang: plausibility.zone_note(checked.parsed, checked.kind, lang) for lang in LANGUAGES}
    return Outcome(checked.parsed.file_name, batch, checked.kind, total, landing.height, rejected.len(),
                   skipped.len(), rejects, landing.head(PREVIEW_ROWS).drop(ROW),
                   rows_checked=checked_rows if checked_rows < total else None,
                   zone_notes={lang: note for lang, note in notes.items() if note}), landing


def mask_messages(con: duckdb.DuckDBPyConnection, rejects: pl.DataFrame) -> pl.DataFrame:
    """Rejects whose messages quote no full phone, ID number or customer's name (of the book on `con`): a value a
    message quotes may be any of them when a file is misaligned (monitor.pii.mask_text)."""
    if not rejects.height:
        return rejects
    texts = pl.concat([rejects.select("message"), rejects.select(pl.col("message_zh").alias("message"))])
    names = pii.names_in(con, texts.drop_nulls(), "message")
    return pii.mask_column(pii.mask_column(rejects, "message", names), "message_zh", names)


def raw_days(con: duckdb.DuckDBPyConnection) -> int:
    """The setting quarantine_raw_days: how many days a rejected row is kept as it was read."""
    return int(db.setting(con, "quarantine_raw_days"))


def purge_raw(con: duckdb.DuckDBPyConnection, now: dt.datetime | None = None) -> int:
    """Drop the raw rows (quarantine.raw) of the batches loaded more than the setting quarantine_raw_days ago (book
    time, like loaded_at); their file, row number, rule and message stay. Returns how many rows lost their raw."""
    if not _has_ingest_tables(con):
        return 0
    now = now or dt.datetime.now(TIMEZONE).replace(tzinfo=None)
    cutoff = now - dt.timedelta(days=raw_days(con))
    return con.execute("""UPDATE quarantine SET raw = NULL
                          WHERE raw IS NOT NULL
                            AND batch_id IN (SELECT batch_id FROM ingest_batches WHERE loaded_at < $cutoff)""",
                       {"cutoff": cutoff}).fetchone()[0]


def preview(db_path_or_con, file_bytes: bytes, file_name: str, kind: str | None = None) -> Outcome:
    """What loading the file would do, judged on its first PREVIEW_CHECKED_ROWS rows (rows_checked says so when the
    file has more), on a read-only look at the book: nothing is written. The file's limits are checked before
    anything is read. Raises read.FileError for a file that cannot be used."""
    checked = check_file(file_bytes, file_name, kind, PREVIEW_CHECKED_ROWS)
    batch = batch_id(file_bytes)
    own = not isinstance(db_path_or_con, duckdb.DuckDBPyConnection)
    con = db.connect(db_path_or_con, read_only=True) if own else db_path_or_con
    try:
        con.register(STAGED, checked.typed)
        try:
            outcome, _ = _classify(con, checked, batch)
            outcome.loaded_on = _loaded_on(con, batch)
        finally:
            con.unregister(STAGED)
    finally:
        if own:
            con.close()
    return outcome


def load_bytes(db_path: str | Path, file_bytes: bytes, file_name: str, kind: str | None = None,
               source: str = "file", *, actor: access.Actor) -> Outcome:
    """Validate and land one file as one batch (see the module's docstring), as `actor` (land_files). Raises
    access.AccessDenied before the file is read when `actor` may not land files, read.FileError for a file that
    cannot be used, db.DatabaseError for a database that cannot be opened."""
    access.require(actor, "land_files")
    return land(db_path, check_file(file_bytes, file_name, kind), batch_id(file_bytes), source, actor=actor)


# the kinds whose rows change the derived rows of their loans (collection actions change the violations only)
_CHANGES_DERIVED_ROWS = ("loans", "installments", "payments")


def land(db_path: str | Path, checked: _Checked, batch: str, source: str = "file", *,
         actor: access.Actor) -> Outcome:
    """Land a file check_file has read and checked, as the batch `batch`, in one write transaction (db.transaction:
    a write the disk refuses raises its own error, which db.disk_full_kept turns into "disk full", not a failed
    rollback's), as `actor`, who must hold land_files (access.AccessDenied before anything is written). A batch
    written is audited (land_files: the file name, its batch and row counts). The derived tables are brought up
    to date for the loans the file touched, in the same transaction (monitor.derive_update)."""
    access.require(actor, "land_files")
    con = db.connect(db_path)
    try:
        with db.transaction(con):
            db.run(con, db.INGEST_DDL)
            loaded_on = _loaded_on(con, batch)
            if loaded_on is not None:  # loaded by another process since already_loaded(): nothing to write
                return Outcome(checked.parsed.file_name, batch, checked.kind, checked.parsed.frame.height, 0, 0, 0,
                               checked.file_violations.clear(), checked.typed.clear().drop(ROW), False, loaded_on)
            derived_before = derive_update.before_write(con)
            con.register(STAGED, checked.typed)
            outcome, landing = _classify(con, checked, batch)
            _write(con, checked, outcome, landing, source)
            if checked.kind in _CHANGES_DERIVED_ROWS:
                derive_update.after_write(con, derived_before, landing["loan_id"])
            if checked.kind == "collection_actions":
                violations.update(con, landing["action_id"])
            purge_raw(con)
        trigger.after_batch(con, "ingest")  # the file has landed: its own transactions
    finally:
        con.close()
    outcome.landed = True
    _audit(db_path, actor, outcome, source)
    return outcome


def _audit(db_path: str | Path, actor: access.Actor, outcome: Outcome, source: str) -> None:
    access_store.record(db_path, actor, "land_files", outcome.file_name,
                        {"batch": outcome.batch_id[:12], "kind": outcome.kind, "source": source,
                         "rows_total": outcome.rows_total, "accepted": outcome.rows_accepted,
                         "rejected": outcome.rows_rejected, "duplicate": outcome.rows_duplicate},
                        outcome.rows_accepted)


def _write(con, checked: _Checked, outcome: Outcome, landing: pl.DataFrame, source: str) -> None:
    columns = ", ".join(f'"{c}"' for c in schema.names(checked.kind))
    con.register(STAGED, landing)
    db.run(con, f"INSERT INTO {checked.kind} ({columns}) SELECT {columns} FROM {STAGED} ORDER BY {ROW}")
    raws = checked.parsed.frame.select(ROW, RAW).filter(pl.col(ROW).is_in(outcome.rejects["row_number"].implode()))
    con.register(REJECTS, outcome.rejects.join(raws, left_on="row_number", right_on=ROW, how="left"))
    params = {"batch": outcome.batch_id, "file": outcome.file_name, "kind": outcome.kind}
    db.run(con, f"""INSERT INTO quarantine (batch_id, file_name, kind, row_number, rule, message, raw, message_zh)
                    SELECT $batch, $file, $kind, row_number, rule, message, CAST({RAW} AS JSON), message_zh
                    FROM {REJECTS} ORDER BY row_number, rule""", params)
    db.run(con, """INSERT INTO ingest_batches VALUES ($batch, $source, $file, $kind, $loaded_at, $total,
                                                      $accepted, $rejected, $duplicate)""",
           {**params, "source": source, "loaded_at": dt.datetime.now(TIMEZONE).replace(tzinfo=None),
            "total": outcome.rows_total, "accepted": outcome.rows_accepted,
            "rejected": outcome.rows_rejected, "duplicate": outcome.rows_duplicate})
    con.unregister(REJECTS)
    con.unregister(STAGED)


def recent_batches(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pl.DataFrame:
    """The newest batches first: batch_id, source, file_name, kind, loaded_at, the row counts and `batches`. A file
    is one line (batches 1); the live feed's micro-batches (one every few seconds) are one line per hour (batch_id
    NULL, loaded_at the hour's last, the counts summed), so that a file loaded among them stays in sight. The feed
    rejects nothing, so no quarantine row hides in a grouped line."""
    if not _has_ingest_tables(con):
        return pl.DataFrame(schema={"batch_id": pl.String, "source": pl.String, "file_name": pl.String,
                                    "kind": pl.String, "loaded_at": pl.Datetime, "rows_total": pl.Int64,
                                    "rows_accepted": pl.Int64, "rows_rejected": pl.Int64,
                                    "rows_duplicate": pl.Int64, "batches": pl.Int64})
    return con.sql(
        """
        SELECT batch_id, source, file_name, kind, loaded_at, CAST(rows_total AS BIGINT) AS rows_total,
               CAST(rows_accepted AS BIGINT) AS rows_accepted, CAST(rows_rejected AS BIGINT) AS rows_rejected,
               CAST(rows_duplicate AS BIGINT) AS rows_duplicate, CAST(1 AS BIGINT) AS batches
        FROM ingest_batches WHERE source <> 'feed'
        UNION ALL
        SELECT NULL, 'feed', any_value(file_name), 'feed', max(loaded_at), sum(rows_total), sum(rows_accepted),
               sum(rows_rejected), sum(rows_duplicate), count(*)
        FROM ingest_batches WHERE source = 'feed'
        GROUP BY date_trunc('hour', loaded_at)
        ORDER BY loaded_at DESC, batch_id NULLS LAST
        LIMIT $limit
        """,
        params={"limit": limit}).pl()


def quarantined(con: duckdb.DuckDBPyConnection, batch: str | None = None, limit: int = 1000,
                raw: bool = False) -> pl.DataFrame:
    """Rejected rows, newest batch first (one batch when `batch` is given): batch_id, file_name, kind, row_number,
    rule, message, message_zh, and with `raw` (for a role that may view_quarantine_rows) the row as it was read,
    masked (monitor.pii.mask_column with raw; None once purge_raw dropped it). Messages are masked too (a book may hold
    messages written before they were)."""
    if not _has_ingest_tables(con):
        return pl.DataFrame(schema={"batch_id": pl.String, "file_name": pl.String, "kind": pl.String,
                                    "row_number": pl.Int32, "rule": pl.String, "message": pl.String,
                                    "message_zh": pl.String, **({"raw": pl.String} if raw else {})})
    rows = _quarantine_rows(con, batch, limit)
    rows = mask_messages(con, rows)
    if not raw:
        return rows.drop("raw")
    return pii.mask_column(rows, "raw", pii.names_in(con, rows.drop_nulls("raw"), "raw"), raw=True)


def _quarantine_rows(con: duckdb.DuckDBPyConnection, batch: str | None, limit: int) -> pl.DataFrame:
    kept = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'quarantine' "
                       "AND column_name = 'message_zh'").fetchall()[0][0]
    message_zh = "q.message_zh" if kept else "CAST(NULL AS VARCHAR)"  # a book not written since it was added
    return con.sql(f"""SELECT q.batch_id, q.file_name, q.kind, q.row_number, q.rule, q.message,
                             {message_zh} AS message_zh,
                             CAST(q.raw AS VARCHAR) AS raw
                      FROM quarantine q LEFT JOIN ingest_batches b USING (batch_id)
                      WHERE CAST($batch AS VARCHAR) IS NULL OR q.batch_id = $batch
                      ORDER BY b.loaded_at DESC, q.batch_id, q.row_number, q.rule LIMIT $limit""",
                   params={"batch": batch, "limit": limit}).pl()
