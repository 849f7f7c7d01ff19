"""The one place that opens the DuckDB file: locks, checks of the file and its schema version (an older book is
migrated by monitor.migrations), write access, a full disk. What the book holds (tables, dictionaries, settings,
schema version) is declared in monitor.book_schema and read through this module as db.<name>.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import stat
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from monitor import migrations
from monitor.book_schema import *  # noqa: F403 (re-exported: the rest of the code reads the schema as db.<name>)
from monitor.book_schema import SCHEMA_VERSION, DatabaseError, refused, schema_version, table_exists
from monitor.i18n import t

DEFAULT_DB = "data/monitor.duckdb"
DEFAULT_LOCK_WAIT = 60.0  # seconds; the longest a writer holds the file is a 1M-row load or a derive


def resolve_db_path(cli_value: str | None = None) -> Path:
    """--db wins, then MONITOR_DB, then the default demo database."""
    return Path(cli_value or os.environ.get("MONITOR_DB") or DEFAULT_DB)


def lock_wait() -> float:
    """Seconds a process waits for another's lock on the file: $MONITOR_LOCK_WAIT, else 60."""
    return float(os.environ.get("MONITOR_LOCK_WAIT", DEFAULT_LOCK_WAIT))


# No connection loads or downloads an extension on its own: a file DuckDB would read through one (a SQLite file
# needs the sqlite extension) is refused as not a monitor database instead of fetched for.
#
# DuckDB's memory and threads are set, not left to its defaults (80% of the machine's memory for each process that
# opens a book): past the limit DuckDB spills to disk (the book's .tmp folder) instead of taking memory the other
# processes (the dashboard, the feed, the nightly derive) and Python's own frames need. A 10M-loan book's derive
# runs within it (bench/RESULTS.md). MONITOR_DUCKDB_MEMORY (a DuckDB size, default 8GB) and MONITOR_DUCKDB_THREADS
# (default: every core) change them for a process.
DEFAULT_DUCKDB_MEMORY = "8GB"
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
          "memory_limit": os.environ.get("MONITOR_DUCKDB_MEMORY", DEFAULT_DUCKDB_MEMORY),
          "threads": int(os.environ.get("MONITOR_DUCKDB_THREADS", 0)) or os.cpu_count() or 1}
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
                pause = min(pause * 2, 0.1)  # a feed batch holds the file a fraction of a second
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


# The files whose magic bytes this process has read, by (device, inode). Each is read once per process: closing any
# descriptor of a file drops every fcntl lock the process holds on it, DuckDB's too, so reading the header while
# another thread's connection is open let a writer (the live feed) in under that reader ("Corrupted ... segment").
_DUCKDB_FILES: set[tuple[int, int]] = set()


def _check_file(path: Path, read_only: bool) -> None:
    """A regular file (a pipe or a device would be read forever), DuckDB's (by its magic bytes, read once per file
    and process: DuckDB is never asked to guess), writable when opened read-write."""
    if path.exists() and not path.is_file() and not path.is_dir():  # a folder: open() below says so
        raise refused(lambda lang: t("book.not_regular", lang, path=path))
    identity = file_identity(path) if path.is_file() else None
    if identity not in _DUCKDB_FILES:
        try:
            with open(path, "rb") as handle:
                header = handle.read(12)
        except OSError as exc:  # a folder, a file this user may not read
            raise DatabaseError(f"cannot open database file {path}: {exc.strerror}") from None
        if header[8:12] != DUCKDB_MAGIC:
            raise refused(lambda lang: t("book.not_duckdb", lang, path=path))
        _DUCKDB_FILES.add(identity)
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
        migrations.migrate(con, version)


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


