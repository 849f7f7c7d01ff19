"""Loaders of the Data page's upload: the preview of uploaded files (read-only, on a cache of its own: few entries
that expire, keyed by the file's hash and the data version), the batches and the quarantine (ui.data's cache); the
one call that writes, land(); and the headings that show these frames in words."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from monitor import access, db, ingest
from monitor.i18n import label, t
from monitor.ingest.load import PREVIEW_CHECKED_ROWS as PREVIEW_CHECKED_ROWS  # the page states it
from monitor.ingest.load import batch_id
from monitor.usage import UsageError
from ui.data import data_version, db_path, load
from ui.tables import MONEY

# A preview holds at most PREVIEW_CHECKED_ROWS rows' rejects: a few MB. Few entries, at most PREVIEW_CACHE_SIZE in
# all, gone after PREVIEW_CACHE_SECONDS, so that previews of large or hostile files do not pile up in the server's
# memory (issue 13: 128 entries of about 260 MB each, kept for good).
PREVIEW_CACHE_ENTRIES = 8
PREVIEW_CACHE_SIZE = "64MB"
PREVIEW_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Unusable:
    """A file that cannot be used: ingest.FileError's code and message parameters (catalog ingest.error.<code>)."""
    code: str
    params: dict


@st.cache_data(show_spinner=False, max_entries=PREVIEW_CACHE_ENTRIES, max_size=PREVIEW_CACHE_SIZE,
               ttl=PREVIEW_CACHE_SECONDS)
def _preview(path: str, version: tuple, batch: str, file_name: str, _data: bytes) -> ingest.Outcome | Unusable:
    try:
        return ingest.preview(path, _data, file_name)
    except ingest.FileError as exc:
        return Unusable(exc.code, exc.params)


def preview(data: bytes, file_name: str) -> ingest.Outcome | Unusable:
    """monitor.ingest.preview: what loading the file would do (judged on its first PREVIEW_CHECKED_ROWS rows),
    nothing written."""
    path = db_path()
    try:
        return _preview(str(path), data_version(path), batch_id(data), file_name, _data=data)
    except db.DatabaseError as exc:  # locked for longer than MONITOR_LOCK_WAIT: not cached, the next rerun retries
        return Unusable("database", {"file": file_name, "message": str(exc)})
    except UsageError as exc:  # a limit setting (MONITOR_MAX_FILE_MB, ...) that is not a number
        return Unusable("setting", {"file": file_name, "message": str(exc)})


def land(data: bytes, file_name: str, lang: str, actor: access.Actor) -> ingest.Outcome | Unusable:
    """monitor.ingest.load_bytes for an upload, as `actor` (the page passes ui.auth.actor() after asking
    ui.auth.allowed; load_bytes checks land_files again): the file lands as one batch (not cached: it writes)."""
    try:
        with db.disk_full_kept(lambda reader: t("book.kept_ingest", reader)):
            return ingest.load_bytes(db_path(), data, file_name, source="upload", actor=actor)
    except ingest.FileError as exc:
        return Unusable(exc.code, exc.params)
    except db.DatabaseError as exc:  # locked by another writer for longer than MONITOR_LOCK_WAIT, or a full disk
        return Unusable("database", {"file": file_name, "message": exc.text(lang)})
    except UsageError as exc:
        return Unusable("setting", {"file": file_name, "message": str(exc)})


def recent_batches() -> pl.DataFrame:
    return load(ingest.recent_batches)


def batch_names(batches: pl.DataFrame) -> dict[str, str]:
    """{batch_id: file name} of the recent batches one can pick for the quarantine: files (a line of the live
    feed's hour groups many batches and has no id)."""
    files = batches.filter(pl.col("batch_id").is_not_null())
    return dict(zip(files["batch_id"], files["file_name"], strict=True))


def quarantined(batch: str | None, raw: bool) -> pl.DataFrame:
    """The rejected rows of one batch (None: of every batch), newest first; with `raw` (a role that may
    view_quarantine_rows) the rows as read, masked."""
    return load(ingest.quarantined, batch, 1000, raw)


def raw_days() -> int:
    """How many days the quarantine keeps the rows as read (setting quarantine_raw_days)."""
    return load(ingest.raw_days)


def localized(frame: pl.DataFrame, lang: str) -> tuple[pl.DataFrame, dict]:
    """A batches / quarantine / rejects frame with its codes in words (rule, kind, source), batch ids cut to
    their first 12 characters (as the summaries print them) and its column headings: (frame, column_config)."""
    kinds = {"rule": "rule", "kind": "batch_kind", "source": "source"}
    shown = frame.with_columns(
        pl.col(column).replace_strict({v: label(kind, v, lang) for v in frame[column].unique().drop_nulls()},
                                      default=pl.col(column))
        for column, kind in kinds.items() if column in frame.columns)
    if "batch_id" in shown.columns:  # a line of the live feed's hour holds many batches (recent_batches)
        shown = shown.with_columns(pl.col("batch_id").str.slice(0, 12).fill_null(t("ingest.feed_hour", lang)))
    if {"source", "file_name"} <= set(frame.columns):  # the feed's batches carry no file: name the source
        shown = shown.with_columns(pl.when(frame["source"] == "feed").then(pl.lit(label("source", "feed", lang)))
                                   .otherwise(pl.col("file_name")).alias("file_name"))
    if "message_zh" in shown.columns:  # what is wrong, in the reader's language
        if lang == "zh":
            shown = shown.with_columns(pl.coalesce("message_zh", "message").alias("message"))
        shown = shown.drop("message_zh")
    config = {column: st.column_config.Column(t(f"ingest.col.{column}", lang)) for column in shown.columns}
    if "message" in frame.columns:
        config["message"] = st.column_config.TextColumn(t("ingest.col.message", lang), width="large")
    return shown, config


def sample_headings(frame: pl.DataFrame, lang: str) -> dict:
    """The column_config of the rows that will land: the table's columns in words, money in yuan."""
    return {column: st.column_config.NumberColumn(label("col", column, lang), format=MONEY)
            if frame.schema[column] == pl.Decimal(14, 2) else st.column_config.Column(label("col", column, lang))
            for column in frame.columns}
