"""The one place that opens the DuckDB file and owns the schema.

Every table of DESIGN.md §3 is declared here with its key, NOT NULL and CHECK constraints.
No foreign keys: DuckDB turns updates of referenced rows into errors, so referential integrity is
checked by whoever writes (the generator's tests, the ingest validator) rather than declared.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import stat
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from monitor.i18n import t

SCHEMA_VERSION = 2  # monitor.migrations brings an older book up to it; its docstring says what each version holds
DEFAULT_DB = "data/monitor.duckdb"
DEFAULT_CHARGE_OFF_DPD = 181
DEFAULT_LOCK_WAIT = 60.0  # seconds; the longest a writer holds the file is a 1M-row load or a derive

LOAN_STATUSES = ("active", "paid_off", "charged_off", "restructured", "settled")
PRODUCTS = ("cash_loan", "installment")
REPAYMENT_METHODS = ("equal_installment", "equal_principal")
LOAN_CHANNELS = ("app", "ecommerce", "social_ads", "partner_api", "broker")  # acquisition; a book may hold more
PAYMENT_CHANNELS = ("auto_debit", "app", "collections", "legal", "recovery")
ACTION_TYPES = ("sms", "ivr", "call", "letter", "field_visit", "legal_notice", "lawsuit")
CONTACT_PARTIES = ("debtor", "third_party")
OUTCOMES = ("no_answer", "contacted", "promise_to_pay", "refused", "paid", "wrong_number")
RESTRUCTURING_KINDS = ("extension", "reinstallment", "rate_cut", "fee_waiver", "settlement")
RISK_TIERS = ("A", "B", "C", "D", "E")  # A lowest PD ... E highest (monitor.scoring.treatment)
TREATMENTS = ("reminder", "call", "plan_offer", "field", "legal")

# Source tables, in load order. Derived tables are rebuilt by monitor.derive.derive.
SOURCE_TABLES = ("customers", "loans", "installments", "payments", "collection_actions", "restructurings")
DERIVED_TABLES = ("installment_settlement", "loan_month", "day_snapshot", "loan_segment")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


MONEY = "DECIMAL(14,2)"

# Portfolio what-if scenarios saved from the simulator page (monitor.simulate.scenarios). Kept as its own
# statement so that saving can create it in a database built before it existed.
SCENARIOS_DDL = """
CREATE TABLE IF NOT EXISTS scenarios (
    name       VARCHAR PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    as_of      DATE NOT NULL,
    parameters JSON NOT NULL,         -- segment, policy, stress, window, months, paths, seed
    summary    JSON NOT NULL          -- totals, end values and monthly series of scenario and baseline
);
"""

# Loading (monitor.ingest) and the live feed (monitor.live): one row per batch that landed, and every row a batch
# rejected, with the file, its row number and the rule it broke (DESIGN.md §8).
INGEST_DDL = """
CREATE TABLE IF NOT EXISTS ingest_batches (
    batch_id       VARCHAR PRIMARY KEY,  -- a file: sha256 of its bytes (loaded again: nothing changes); feed: its id
    source         VARCHAR NOT NULL CHECK (source IN ('file', 'upload', 'feed')),
    file_name      VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,     -- loans, installments, payments, collection_actions, or feed
    loaded_at      TIMESTAMP NOT NULL,
    rows_total     INTEGER NOT NULL,
    rows_accepted  INTEGER NOT NULL,
    rows_rejected  INTEGER NOT NULL,
    rows_duplicate INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    batch_id   VARCHAR NOT NULL,
    file_name  VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,         -- 1 = the first data row after the header
    rule       VARCHAR NOT NULL,         -- the rule's code, e.g. unknown_loan (labels: catalog rule.<code>)
    message    VARCHAR NOT NULL,         -- what is wrong, in English, naming the column and the value
    raw        JSON NOT NULL,            -- the row as it was read, so nothing is lost
    message_zh VARCHAR                   -- the message in Chinese (NULL in rows from before it was kept)
);
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS message_zh VARCHAR;  -- a database built before it gets it
"""

# What was done to the book as a whole (schema version 2): generate (loans, seed, as_of), migrate (from, to).
BOOK_HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS book_history (
    happened_at TIMESTAMP NOT NULL,
    event       VARCHAR NOT NULL,
    detail      JSON NOT NULL
);
"""

DDL = f"""
CREATE TABLE IF NOT EXISTS schema_info (
    version     INTEGER NOT NULL,
    applied_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS settings (
    key         VARCHAR PRIMARY KEY,
    value       VARCHAR NOT NULL,
    description VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS customers (
    customer_id     BIGINT PRIMARY KEY,
    name            VARCHAR NOT NULL,
    phone           VARCHAR NOT NULL CHECK (length(phone) = 11),
    id_number       VARCHAR NOT NULL CHECK (length(id_number) = 18),
    birth_year      INTEGER NOT NULL CHECK (birth_year BETWEEN 1930 AND 2010),
    monthly_income  {MONEY} NOT NULL CHECK (monthly_income > 0),
    employment_type VARCHAR NOT NULL,
    province        VARCHAR NOT NULL,
    city_tier       INTEGER NOT NULL CHECK (city_tier BETWEEN 1 AND 5),
    bureau_score    INTEGER CHECK (bureau_score BETWEEN 300 AND 900),
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS loans (
    loan_id           BIGINT PRIMARY KEY,
    customer_id       BIGINT NOT NULL,
    product           VARCHAR NOT NULL CHECK (product IN {_in(PRODUCTS)}),
    channel           VARCHAR NOT NULL,
    origination_date  DATE NOT NULL,
    principal         {MONEY} NOT NULL CHECK (principal > 0),
    annual_rate       DECIMAL(6,4) NOT NULL CHECK (annual_rate >= 0 AND annual_rate <= 0.24),
    term_months       INTEGER NOT NULL CHECK (term_months > 0),
    repayment_method  VARCHAR NOT NULL CHECK (repayment_method IN {_in(REPAYMENT_METHODS)}),
    application_score INTEGER CHECK (application_score BETWEEN 300 AND 900),
    status            VARCHAR NOT NULL CHECK (status IN {_in(LOAN_STATUSES)}),
    closed_date       DATE,
    charge_off_date   DATE,
    parent_loan_id    BIGINT,
    CHECK ((status = 'active') = (closed_date IS NULL)),
    CHECK (closed_date IS NULL OR closed_date >= origination_date),
    CHECK ((status = 'charged_off') = (charge_off_date IS NOT NULL)),
    CHECK (charge_off_date IS NULL OR charge_off_date = closed_date)
);

CREATE TABLE IF NOT EXISTS installments (
    loan_id        BIGINT NOT NULL,
    installment_no INTEGER NOT NULL CHECK (installment_no > 0),
    due_date       DATE NOT NULL,
    principal_due  {MONEY} NOT NULL CHECK (principal_due >= 0),
    interest_due   {MONEY} NOT NULL CHECK (interest_due >= 0),
    fee_due        {MONEY} NOT NULL CHECK (fee_due >= 0),
    amount_due     {MONEY} NOT NULL CHECK (amount_due > 0),
    PRIMARY KEY (loan_id, installment_no),
    CHECK (amount_due = principal_due + interest_due + fee_due)
);

CREATE TABLE IF NOT EXISTS payments (
    payment_id BIGINT PRIMARY KEY,
    loan_id    BIGINT NOT NULL,
    paid_at    TIMESTAMP NOT NULL,
    amount     {MONEY} NOT NULL CHECK (amount > 0),
    channel    VARCHAR NOT NULL CHECK (channel IN {_in(PAYMENT_CHANNELS)})
);

CREATE TABLE IF NOT EXISTS collection_actions (
    action_id     BIGINT PRIMARY KEY,
    loan_id       BIGINT NOT NULL,
    action_at     TIMESTAMP NOT NULL,
    action_type   VARCHAR NOT NULL CHECK (action_type IN {_in(ACTION_TYPES)}),
    agent_id      VARCHAR,
    contact_party VARCHAR CHECK (contact_party IN {_in(CONTACT_PARTIES)}),
    outcome       VARCHAR NOT NULL CHECK (outcome IN {_in(OUTCOMES)}),
    ptp_amount    {MONEY} CHECK (ptp_amount > 0),
    ptp_date      DATE,
    CHECK ((outcome = 'promise_to_pay') = (ptp_date IS NOT NULL AND ptp_amount IS NOT NULL))
);

CREATE TABLE IF NOT EXISTS restructurings (
    restructuring_id    BIGINT PRIMARY KEY,
    old_loan_id         BIGINT NOT NULL,
    new_loan_id         BIGINT NOT NULL,
    restructured_on     DATE NOT NULL,
    kind                VARCHAR NOT NULL CHECK (kind IN {_in(RESTRUCTURING_KINDS)}),
    arrears_capitalized {MONEY} NOT NULL CHECK (arrears_capitalized >= 0),
    approved_by         VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS synthetic_truth (
    loan_id          BIGINT PRIMARY KEY,
    customer_id      BIGINT NOT NULL,
    latent_risk      DOUBLE NOT NULL,
    monthly_miss_prob DOUBLE NOT NULL,
    behaviour        VARCHAR NOT NULL
);

-- Early warning (monitor.scoring): the trained models, and each loan's score per day scored.
CREATE TABLE IF NOT EXISTS models (
    model_version VARCHAR PRIMARY KEY,
    created_at    TIMESTAMP NOT NULL,
    path          VARCHAR NOT NULL,   -- the pickled estimator's file name in models/<database name>/ (not in git)
    metadata      JSON NOT NULL       -- data range, features, metrics, monitoring baselines (monitor.scoring.store)
);

CREATE TABLE IF NOT EXISTS scores (
    loan_id           BIGINT NOT NULL,
    as_of             DATE NOT NULL,
    pd                DOUBLE NOT NULL CHECK (pd >= 0 AND pd <= 1),
    points            DOUBLE NOT NULL,
    tier              VARCHAR NOT NULL CHECK (tier IN {_in(RISK_TIERS)}),
    reason_1          VARCHAR,
    reason_2          VARCHAR,
    reason_3          VARCHAR,
    treatment         VARCHAR NOT NULL CHECK (treatment IN {_in(TREATMENTS)}),
    model_version     VARCHAR NOT NULL,
    dpd               INTEGER NOT NULL CHECK (dpd >= 0),
    principal_balance {MONEY} NOT NULL,
    PRIMARY KEY (loan_id, as_of)
);

CREATE TABLE IF NOT EXISTS score_runs (
    as_of         DATE NOT NULL,
    model_version VARCHAR NOT NULL,
    scored_at     TIMESTAMP NOT NULL,
    loans         INTEGER NOT NULL,
    stability     JSON NOT NULL,      -- PSI of the score and CSI per feature against the training population
    PRIMARY KEY (as_of)
);
""" + SCENARIOS_DDL + INGEST_DDL + BOOK_HISTORY_DDL

SETTINGS = (
    (
        "charge_off_dpd",
        str(DEFAULT_CHARGE_OFF_DPD),
        "A loan is charged off on the day its DPD reaches this value (DESIGN.md §4).",
    ),
    ("currency", "CNY", "All money is yuan with 2 decimals."),
    ("timezone", "Asia/Shanghai", "Event timestamps are local time."),
)


class DatabaseError(Exception):
    """A database that cannot be used as asked; the message says what to do. The message is English (the command
    line's); text(lang) says it in a page's language."""

    def __init__(self, message: str, text: Callable[[str], str] | None = None):
        super().__init__(message)
        self.text = text or (lambda lang: message)


def refused(text: Callable[[str], str]) -> DatabaseError:
    """A DatabaseError saying `text(lang)`, a catalog text (monitor.texts.book)."""
    return DatabaseError(text("en"), text)


def resolve_db_path(cli_value: str | None = None) -> Path:
    """--db wins, then MONITOR_DB, then the default demo database."""
    return Path(cli_value or os.environ.get("MONITOR_DB") or DEFAULT_DB)


def lock_wait() -> float:
    """Seconds a process waits for another's lock on the file: $MONITOR_LOCK_WAIT, else 60."""
    return float(os.environ.get("MONITOR_LOCK_WAIT", DEFAULT_LOCK_WAIT))


# No connection loads or downloads an extension on its own: a file DuckDB would read through one (a SQLite file
# needs the sqlite extension) is refused as not a monitor database instead of fetched for.
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def memory() -> duckdb.DuckDBPyConnection:
    """An in-memory database (for casting and checking a file's rows), configured as every connection is."""
    return duckdb.connect(config=CONFIG)


def connect(path: str | Path, *, read_only: bool = False, create: bool = False,
            wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database file, turning DuckDB's lock and missing-file errors into clear messages.

    DuckDB lets one process hold the file read-write, or several hold it read-only, never both (DESIGN.md §7).
    Every process here holds it only while it works, so a lock is brief: a locked file is tried again, with
    growing, jittered pauses, for up to `wait` seconds (default: lock_wait()) before the lock becomes an error.
    So is a connection of another configuration in this process (a page saving while another page reads).

    An existing book is checked before it is used: a DuckDB file holding a monitor schema (else "not a monitor
    database"), of this version or older (a newer one is refused). An older one is migrated when opened
    read-write (monitor.migrations) and refused read-only, with the command that migrates it. A read-write open of
    a file without write permission is refused at once."""
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(
            f"database file not found: {path}. Create it with `python -m monitor generate --db {path}` "
            "or point --db / MONITOR_DB at an existing file."
        )
    if path.exists():
        _check_file(path, read_only)
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    wait = lock_wait() if wait is None else wait
    deadline = time.monotonic() + wait
    pause = 0.02
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=CONFIG)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            locked = "lock" in str(exc).lower() or "different configuration" in str(exc)
            if locked and time.monotonic() + pause < deadline:
                time.sleep(pause * random.uniform(0.5, 1.5))
                pause = min(pause * 2, 0.5)
                continue
            if locked:
                waited = f" (waited {wait:.0f} s)" if wait else ""
                raise DatabaseError(
                    f"database file is locked by another process: {path}{waited}. Wait for it to finish "
                    "or stop it, then try again."
                ) from exc
            raise DatabaseError(f"cannot open database file {path}: {exc}") from exc
        except duckdb.Error as exc:
            raise DatabaseError(f"cannot open database file {path}: {exc}") from exc
    try:
        con.execute("SET enable_progress_bar = false").fetchall()
        if not create:
            _check_schema(con, path, read_only)
    except BaseException:
        con.close()
        raise
    return con


def _check_file(path: Path, read_only: bool) -> None:
    """A regular file (a pipe or a device would be read forever), DuckDB's (by its magic bytes: DuckDB is never
    asked to guess), writable when opened read-write."""
    if path.exists() and not path.is_file() and not path.is_dir():  # a folder: open() below says so
        raise refused(lambda lang: t("book.not_regular", lang, path=path))
    try:
        with open(path, "rb") as handle:
            header = handle.read(12)
    except OSError as exc:  # a folder, a file this user may not read
        raise DatabaseError(f"cannot open database file {path}: {exc.strerror}") from None
    if header[8:12] != DUCKDB_MAGIC:
        raise refused(lambda lang: t("book.not_duckdb", lang, path=path))
    if not read_only:
        check_writable(path)


def _writable(path: Path) -> bool:
    """Writable by this process and not marked read-only: root may write a chmod 444 file, but the mark is meant."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def check_writable(path: str | Path) -> None:
    """Refuse, before any work, a book that cannot be written: the file or its folder (where DuckDB keeps the
    write-ahead log) read-only. A lock held by another process is connect's to wait out."""
    path = Path(path)
    if path.exists() and not _writable(path):
        raise refused(lambda lang: t("book.file_read_only", lang, path=path))
    folder = path.parent.resolve()
    if folder.exists() and not _writable(folder):
        raise refused(lambda lang: t("book.folder_read_only", lang, path=folder))


def file_identity(path: str | Path) -> tuple[int, int]:
    """Which file `path` names (device, inode): a book moved into its place (generate) is another file."""
    info = Path(path).stat()
    return info.st_dev, info.st_ino


@contextlib.contextmanager
def exclusive(path: str | Path):
    """Hold the file as a read-write DuckDB connection would (DuckDB takes a POSIX lock on the whole file), without
    opening it as a database: for replacing the file while no process can be reading or writing it."""
    path = Path(path)
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise refused(lambda lang: t("book.in_use", lang, path=path)) from None
        yield
    finally:
        os.close(fd)


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    version = schema_version(con) if table_exists(con, "schema_info") else None
    if version is None:
        raise refused(lambda lang: t("book.no_schema", lang, path=path))
    versions = {"path": path, "found": version, "current": SCHEMA_VERSION}
    if version > SCHEMA_VERSION:
        raise refused(lambda lang: t("book.schema_newer", lang, **versions))
    if version < SCHEMA_VERSION:
        if read_only:
            raise refused(lambda lang: t("book.schema_older", lang, **versions))
        from monitor import migrations  # it builds on this module

        migrations.migrate(con, version)


def run(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> None:
    """Run a statement to its end. DuckDB 2 keeps an unread result open otherwise, which blocks
    register() and other work on the connection."""
    con.execute(sql, params).complete()


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table (idempotent) and record the schema version and settings."""
    run(con, DDL)
    if con.execute("SELECT count(*) FROM schema_info").fetchall()[0][0] == 0:
        run(con, "INSERT INTO schema_info VALUES (?, current_timestamp)", [SCHEMA_VERSION])
    for key, value, description in SETTINGS:
        run(con,
            "INSERT INTO settings VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING", [key, value, description]
        )


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    return con.execute("SELECT max(version) FROM schema_info").fetchall()[0][0]


def record(con: duckdb.DuckDBPyConnection, event: str, detail: dict) -> None:
    """Add a line to book_history: what was done to the book as a whole (generate, migrate)."""
    run(con, "INSERT INTO book_history VALUES (current_timestamp, ?, ?)", [event, json.dumps(detail, default=str)])


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN ... COMMIT, rolled back on any error. A database DuckDB has invalidated (a write failed: a full disk)
    cannot roll back; the file keeps its last commit then, and the write's own error is the one raised."""
    con.begin()
    try:
        yield con
        con.commit()
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise


# DuckDB's words for a write the disk refused: the OS's ENOSPC/EDQUOT text, and the state it leaves the database in.
DISK_FULL_SIGNS = ("no space left on device", "disk quota exceeded", "database has been invalidated")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and any(sign in str(exc).lower() for sign in DISK_FULL_SIGNS)


@contextlib.contextmanager
def disk_full_kept(kept: Callable[[str], str]):
    """Turn a write that failed for lack of space into one DatabaseError "disk full: <kept>", `kept(lang)` saying
    what the book still holds (its last committed state)."""
    try:
        yield
    except duckdb.Error as exc:
        if is_disk_full(exc):
            raise refused(lambda lang: t("book.disk_full", lang, kept=kept(lang))) from None
        raise


def setting(con: duckdb.DuckDBPyConnection, key: str) -> str:
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
    if not rows:
        raise DatabaseError(f"setting {key!r} is missing from the settings table")
    return rows[0][0]


def charge_off_dpd(con: duckdb.DuckDBPyConnection) -> int:
    return int(setting(con, "charge_off_dpd"))


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` was opened read-only: its data cannot change while it is open (DuckDB locks writers out)."""
    return bool(con.execute("SELECT current_setting('access_mode') = 'read_only'").fetchall()[0][0])


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database (not this connection's temporary catalog) has a table `name`."""
    return _has_table(con, name, temporary=False)


def temp_table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether this connection's temporary catalog has a table `name` (what a connection computed once)."""
    return _has_table(con, name, temporary=True)


def _has_table(con: duckdb.DuckDBPyConnection, name: str, temporary: bool) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary = ? AND table_name = ?",
                            [temporary, name]).fetchall()[0][0])
