"""Cached loaders: each opens the database read-only, reads one small result and closes it.

The dashboard never holds a connection, so a loader or the live feed can take the file read-write
between two reruns. Results are cached per data version (the file's and its WAL's mtime and size), so
a new load shows up on the next rerun without a restart.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from monitor import db, derived, memo, metrics, overview, report, segments, status, views
from monitor.i18n import t
from monitor.report_html import to_html as report_to_html
from ui import context, safe_text


def db_path() -> Path:
    """--db after `--` on the streamlit command line, else MONITOR_DB, else the default file."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--db")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return db.resolve_db_path(args.db)


def data_version(path: Path) -> tuple:
    """Changes whenever DuckDB writes the file: its checkpointed part or its write-ahead log."""
    version: list = [str(path.resolve())]
    for file in (path, Path(f"{path}.wal")):
        try:
            stat = file.stat()
        except FileNotFoundError:  # no WAL, or a checkpoint removed it just now
            stat = None
        version += [stat.st_mtime_ns, stat.st_size] if stat else [None, None]
    return tuple(version)


@st.cache_data(show_spinner=False, max_entries=128)
def _cached(name: str, path: str, version: tuple, args: tuple, pin: dt.date | None, _query: Callable):
    con = db.connect(path, read_only=True)
    try:
        if pin is not None:
            past_days().pin_day(con, pin)
        return _query(con, *args)
    finally:
        con.close()


def _progress():
    """A spinner where the page is being drawn, shown only when the read takes longer than half a second
    (st.spinner's delay), so that a section still loading is never a blank space; none outside a page's run (a
    deferred download, the cache warmer) nor in a fragment's timed rerun (the Today page's figures every second,
    which keep their last values on screen meanwhile)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or ctx.fragment_ids_this_run:
        return contextlib.nullcontext()
    return st.spinner(t("progress.loading", context.language()))


def load(query: Callable, *args, pin: dt.date | None = None):
    """Run `query(con, *args)` through the cache. `pin`: a day whose whole status the query reads, pinned on its
    connection first from the status rows the server keeps (past_days), so that the pages of a day the derived
    tables do not hold compute it once between them. A database that cannot be read (missing, locked, or built by an
    older version without a table) stops the page with its message, not a traceback."""
    path = db_path()
    try:
        with _progress():
            return _cached(f"{query.__module__}.{query.__qualname__}", str(path), data_version(path), args, pin,
                           _query=query)
    except (db.DatabaseError, duckdb.Error) as exc:
        lang = context.language()
        message = exc.text(lang) if isinstance(exc, db.DatabaseError) else str(exc)
        st.error(t("error.database", lang, message=safe_text.escape(message)))
        st.stop()


def freshness() -> overview.Freshness:
    return load(overview.freshness)


def derived_state() -> derived.DerivedState:
    return load(derived.state)


def table_summary() -> pl.DataFrame:
    return load(overview.table_summary)


def charge_off_policy() -> overview.ChargeOffPolicy:
    return load(overview.charge_off_policy)


def bucket_distribution(as_of: dt.date) -> pl.DataFrame:
    return load(metrics.bucket_distribution, as_of, pin=as_of)


def active_loans(as_of: dt.date) -> int:
    """Loans active at the end of `as_of` (a page with nothing to show says so), without their status."""
    return load(status.active_loans, as_of)


@st.cache_resource(show_spinner=False)
def _past_days(path: str) -> memo.PastDayMemo:
    """The figures of the book's past month-ends, for every session of the server (monitor.memo)."""
    return memo.PastDayMemo()


def past_days() -> memo.PastDayMemo:
    """Kept month-end figures and day statuses: a batch of the live feed changes the data version, not the days
    already past."""
    return _past_days(str(db_path()))


def _delinquency_section(con, section: str, as_of: dt.date, segment: str | None, value: str | None,
                         dimension: str | None) -> dict:
    return views.delinquency_section(con, section, as_of, segment, value, dimension, past=past_days())


def delinquency_section(section: str, as_of: dt.date, segment: str | None, value: str | None, dimension: str) -> dict:
    """monitor.views.delinquency_section: the figures of one section of the Delinquency page (segment None: all
    loans). What a section does not read stays out of its cache key: the movers dimension of all but the segments
    section, the segment of that one (its movers cover the whole book)."""
    if section == "segments":
        return load(_delinquency_section, section, as_of, None, None, dimension)
    return load(_delinquency_section, section, as_of, segment, value, None)


def _executive_view(con, as_of: dt.date) -> dict:
    return views.executive_view(con, as_of, past=past_days())


def executive_view(as_of: dt.date) -> dict:
    return load(_executive_view, as_of)


def delinquent_loans(as_of: dt.date, segment: str | None, value: str | None) -> pl.DataFrame:
    """The delinquent loans of a segment value, worst first (names and phones masked by monitor)."""
    return load(metrics.delinquent_loans, as_of, segment, value, pin=as_of)


def segment_values(segment: str) -> list[str]:
    """The values a segment takes in the book (monitor.segments.values)."""
    return load(segments.values, segment)


def _report_html(con, as_of: dt.date, lang: str) -> bytes:
    """One call each of monitor.report.build_report and report_html.to_html: the report a page offers for download."""
    return report_to_html(report.build_report(con, as_of), lang).encode("utf-8")


def report_html(as_of: dt.date, lang: str) -> Callable[[], bytes]:
    """The executive report for `as_of` in `lang` (the bytes of one self-contained HTML file), as a callable for
    st.download_button: built when the user clicks, not on every run of the page (at 1,000,000 loans the report
    costs as much as the page's own figures again)."""
    return lambda: load(_report_html, as_of, lang)
