"""Bounds checked before any work: how big a file may be, and the range of every command argument.

A file or an argument outside its bound is refused with one line that names the value, the bound and, for a
setting, the variable that moves it; nothing is read or written first (issue 13: an unbounded argument or a
decompression bomb grew a process past several GB before anything failed).

File limits are settings, read here and nowhere else (README, "Limits"):

    MONITOR_MAX_FILE_MB       a loaded or uploaded file's size in MB (default 100). The Data page's upload is
                              limited to the same size by Streamlit's server.maxUploadSize (.streamlit/config.toml;
                              set STREAMLIT_SERVER_MAX_UPLOAD_SIZE beside this variable to move both).
    MONITOR_MAX_FILE_ROWS     a file's data rows (default 2,000,000): a Parquet file's row count from its footer,
                              a CSV file's line count.
    MONITOR_MAX_PARQUET_MB    a Parquet file's decompressed size in MB, from its footer (default 1,000).

Argument ranges are constants: they bound the work a command may be asked to do, not a site's data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb

from monitor import db, status
from monitor.usage import UsageError

MB = 1_000_000
DEFAULT_MAX_FILE_MB = 100
DEFAULT_MAX_FILE_ROWS = 2_000_000
DEFAULT_MAX_PARQUET_MB = 1_000

MAX_LOANS = 10_000_000           # generate --loans (chunked: memory does not grow with the book)
MAX_SEED = 2**32 - 1             # every --seed (numpy's legacy seeds stop there; one range for all commands)
MAX_MONTHS = 120                 # simulate --months: ten years, the longest term a loan may have
MAX_WINDOW = 60                  # simulate --window: month-end pairs
MAX_PATHS = 10_000               # simulate --paths: paths x (months + 1) x 10 floats, 97 MB at the maximum
MAX_TRAIN_MONTHS = 60            # train --train-months
MIN_TRAIN_ROWS = 1_000           # train --max-rows: fewer rows rarely hold both classes in every fold
MAX_TRAIN_ROWS = 50_000_000
MAX_MONTH_ENDS = 120             # score --month-ends
MAX_ID = 2**53 - 1               # ids stay exact in a float64 (JSON, JavaScript, polars' float casts)
MAX_FEED_RATE = 10_000.0         # feed --rate, events a second
MAX_FEED_SECONDS = 366 * 86_400  # feed --seconds: a year; leave it out to run until stopped
MAX_POLICY_BYTES = 64_000       # simulate --policy: a JSON object of four fields
MAX_CONTACT_TARGET = 2_000       # contacts --target: a webhook URL with its token, or a list of e-mail addresses
MAX_TEXT = 200                   # --segment, --value, --model: characters
EARLIEST_GENERATE_AS_OF = dt.date(2002, 1, 1)  # the generator draws 24 months of loans before its as-of day
AS_OF_MARGIN_DAYS = 0            # an --as-of may be this many days after the book's today


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int
    max_rows: int
    max_parquet_bytes: int

    @property
    def max_mb(self) -> int:
        return self.max_bytes // MB


def file_limits() -> FileLimits:
    """The file limits now in force (the environment is read on each call, so a test or a server can set it)."""
    return FileLimits(_setting("MONITOR_MAX_FILE_MB", DEFAULT_MAX_FILE_MB) * MB,
                      _setting("MONITOR_MAX_FILE_ROWS", DEFAULT_MAX_FILE_ROWS),
                      _setting("MONITOR_MAX_PARQUET_MB", DEFAULT_MAX_PARQUET_MB) * MB)


def _setting(name: str, default: int) -> int:
    text = os.environ.get(name)
    if text is None or text.strip() == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"${name} is {text!r}: it must be a positive whole number (default {default:,})") from None
    if value <= 0:
        raise UsageError(f"${name} is {value}: it must be a positive whole number (default {default:,})")
    return value


# ------------------------------------------------------------------------------------------- argument types --
def whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number in low..high. Its error becomes one line naming the option."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            kind = "a positive whole number" if low == 1 else "a whole number"
            raise argparse.ArgumentTypeError(f"must be {kind}: at least {low:,}, at most {high:,}; got {value:,}")
        return value
    return parse


def number(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a finite number, above `low` (excluded) and at most `high`."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not (math.isfinite(value) and low < value <= high):
            raise argparse.ArgumentTypeError(f"must be a number above {_shown(low)} and at most {_shown(high)}, "
                                             f"got {text}")
        return value
    return parse


def _shown(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def day(text: str) -> dt.date:
    """An argparse type: a YYYY-MM-DD date (its range is the book's: check_as_of, once the book is open)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def moment(text: str) -> dt.datetime:
    """An argparse type: a local time, YYYY-MM-DD HH:MM[:SS] (the book's time zone)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time; write it as YYYY-MM-DD HH:MM") from None
    if value.tzinfo is not None:
        raise argparse.ArgumentTypeError(f"{text!r}: write the book's local time, without a time zone")
    return value


def generate_day(text: str) -> dt.date:
    """An argparse type: generate's last day, from EARLIEST_GENERATE_AS_OF to today (db.BOOK_TIMEZONE)."""
    value, last = day(text), today()
    if not EARLIEST_GENERATE_AS_OF <= value <= last:
        raise argparse.ArgumentTypeError(f"{value} is outside the days a book may end on: "
                                         f"{EARLIEST_GENERATE_AS_OF} to today ({last}, {db.BOOK_TIMEZONE})")
    return value


def text(max_chars: int = MAX_TEXT) -> Callable[[str], str]:
    """An argparse type: a string of at most `max_chars` characters."""
    def parse(value: str) -> str:
        if len(value) > max_chars:
            raise argparse.ArgumentTypeError(f"is {len(value):,} characters long; at most {max_chars} are allowed")
        return value
    return parse


def small_file(path: str) -> str:
    """An argparse type: a path that, when it exists, is a regular file of at most MAX_POLICY_BYTES (a device or a
    pipe would be read forever). A missing file is left to the reader, which says so."""
    problem = file_problem(path, MAX_POLICY_BYTES)
    if problem:
        raise argparse.ArgumentTypeError(f"{path} {problem[1]}")
    return path


def database_path(path: str) -> str:
    """An argparse type for --db: a path that, when it exists, is a regular file (DuckDB waits forever on a pipe).
    A missing file is left to the command: generate creates it, the others say it is missing."""
    problem = file_problem(path)
    if problem:
        raise argparse.ArgumentTypeError(f"{path} {problem[1]}")
    return path


def file_problem(path: str | os.PathLike, max_bytes: int | None = None,
                 setting: str | None = None) -> tuple[str, str] | None:
    """Why the file at `path` must not be read, from its metadata alone (nothing is opened): (code, message), code
    not_a_file (a directory, a pipe, a device) or too_large (over `max_bytes`, when given; the setting that moves
    the limit is named when given). None: read it, or let the reader report that it is missing."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a directory" if stat.S_ISDIR(info.st_mode) else "a pipe" if stat.S_ISFIFO(info.st_mode)
                else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "a socket")
        return "not_a_file", f"is not a regular file (it is {kind}); give a file"
    if max_bytes is not None and info.st_size > max_bytes:
        where = f" (${setting})" if setting else ""
        return "too_large", f"is {info.st_size / MB:,.1f} MB, over the limit of {max_bytes / MB:,.1f} MB{where}"
    return None


# ------------------------------------------------------------------------------------------ the book's span --
def today(zone: str = db.BOOK_TIMEZONE) -> dt.date:
    return dt.datetime.now(ZoneInfo(zone)).date()


def book_today(con: duckdb.DuckDBPyConnection) -> dt.date:
    """Today in the book's time zone, or the book's latest data day when that is later (a synthetic or restored book
    may run ahead of the calendar)."""
    zone = db.setting(con, "timezone") if _has_timezone(con) else db.BOOK_TIMEZONE
    latest = status.latest_data_date(con)
    return max(today(zone), latest) if latest else today(zone)


def local_now(con: duckdb.DuckDBPyConnection) -> dt.datetime:
    """The wall clock in the book's time zone, naive (event timestamps are local time, DESIGN.md §3)."""
    zone = db.setting(con, "timezone") if _has_timezone(con) else db.BOOK_TIMEZONE
    return dt.datetime.now(ZoneInfo(zone)).replace(tzinfo=None)


def _has_timezone(con: duckdb.DuckDBPyConnection) -> bool:
    return db.table_exists(con, "settings") and bool(
        con.execute("SELECT count(*) FROM settings WHERE key = 'timezone'").fetchall()[0][0])


def as_of_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    """The days an --as-of may name: the first origination to the book's today plus AS_OF_MARGIN_DAYS."""
    first = status.first_data_date(con)
    if first is None:
        raise UsageError("the database holds no loans; load a loan tape or run `python -m monitor generate`")
    return first, book_today(con) + dt.timedelta(days=AS_OF_MARGIN_DAYS)


def check_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.date, flag: str = "--as-of") -> None:
    """`as_of` lies within as_of_span, else a UsageError that states the span."""
    first, last = as_of_span(con)
    if as_of < first:
        raise UsageError(f"{flag} {as_of} is before all data (the first loan starts {first}); "
                         f"choose a day from {first} to {last}")
    if as_of > last:
        raise UsageError(f"{flag} {as_of} is after the book's today ({last}); choose a day from {first} to {last}")
