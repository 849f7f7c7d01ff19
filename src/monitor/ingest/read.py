"""Reading a file's bytes into a frame of text values, one row per data row, and telling which table it feeds.

CSV is decoded as UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else as GB18030 (what Excel and
banks in China write). Every value stays text here: the rules cast them, so a bad value becomes a rejected
row rather than a failed file. A row's number counts data rows from 1 (the header is row 0).

Ragged rows: the CSV parser pads short rows and cuts long ones, so the number of fields of each record is
counted separately, on the same bytes split into records (a newline inside quotes continues a record).

Bounds first (monitor.limits): a path that is not a regular file, or a file over the size limit, is refused from
its metadata before it is opened; a Parquet file over the row or decompressed-size limit, or with nested columns,
from its footer before a row is read; a CSV file over the row limit from its line count. `sample_rows` reads only
the first rows (the upload's preview); rows_total still counts them all.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from monitor import limits, pii
from monitor.ingest import schema

PARQUET_MAGIC = b"PAR1"
ROW = "row_number"      # 1 = the first data row
FIELDS = "_fields"      # how many fields the row had
RAW = "_raw"            # the row as read, JSON
QUOTED = r'"(?:[^"]|"")*"'


class FileError(Exception):
    """A file that cannot be used at all. `code` names the problem (catalog ingest.error.<code>), `params` fill
    its message; str() is the English message, naming the file."""

    def __init__(self, code: str, file_name: str, message: str, **params):
        super().__init__(f"{file_name}: {message}")
        self.code = code
        self.file_name = file_name
        self.params = {"file": file_name, **params}


@dataclass
class Parsed:
    file_name: str
    file_format: str                 # csv or parquet
    encoding: str | None             # utf-8, utf-8-sig or gb18030 (CSV)
    columns: list[str]               # the header, as written
    frame: pl.DataFrame = field(repr=False)  # the header's columns as text, plus ROW, FIELDS and RAW
    rows_total: int                  # data rows in the file (frame holds the first `sample_rows` of them)


def read_path(name: str | os.PathLike) -> bytes:
    """The bytes of the file at `name`, once its metadata shows a regular file within the size limit. Raises
    FileError (not_a_file, too_large) or OSError (missing, not permitted)."""
    file_name, limit = str(name), limits.file_limits().max_bytes
    problem = limits.file_problem(name, limit, "MONITOR_MAX_FILE_MB")
    if problem:
        code, message = problem
        raise FileError(code, file_name, message, limit_mb=f"{limit / limits.MB:,.1f}")
    with open(name, "rb") as handle:
        return _within_size(handle.read(limit + 1), file_name)


def _within_size(data: bytes, file_name: str) -> bytes:
    """`data`, unless it is larger than MONITOR_MAX_FILE_MB (an upload, or a file that grew after its stat)."""
    limit = limits.file_limits().max_bytes
    if len(data) > limit:
        raise FileError("too_large", file_name, f"is over the limit of {limit / limits.MB:,.1f} MB "
                        f"($MONITOR_MAX_FILE_MB)", limit_mb=f"{limit / limits.MB:,.1f}")
    return data


def read_bytes(data: bytes, file_name: str, sample_rows: int | None = None) -> Parsed:
    _within_size(data, file_name)
    if data[:4] == PARQUET_MAGIC:
        return _read_parquet(data, file_name, sample_rows)
    return _read_csv(data, file_name, sample_rows)


def _too_many_rows(file_name: str, rows: int, counted: str) -> FileError:
    limit = limits.file_limits().max_rows
    return FileError("too_many_rows", file_name, f"holds {rows:,} {counted}, over the limit of {limit:,} rows "
                     f"($MONITOR_MAX_FILE_ROWS); split the file", rows=f"{rows:,}", limit=f"{limit:,}")


def _check_parquet_footer(data: bytes, file_name: str) -> int:
    """The row count, the decompressed size and the column types from the footer, before any row is read; returns
    the row count."""
    try:
        footer = pq.ParquetFile(io.BytesIO(data))
        schema_arrow = footer.schema_arrow
    except Exception as exc:  # pyarrow raises several kinds for a damaged footer
        raise FileError("not_readable", file_name, f"cannot be read as Parquet ({_first_line(exc)})") from None
    meta, bounds = footer.metadata, limits.file_limits()
    if meta.num_rows > bounds.max_rows:
        raise _too_many_rows(file_name, meta.num_rows, "rows")
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > bounds.max_parquet_bytes:
        limit = bounds.max_parquet_bytes / limits.MB
        raise FileError("parquet_too_large", file_name, f"decompresses to {unpacked / limits.MB:,.1f} MB, over the "
                        f"limit of {limit:,.1f} MB ($MONITOR_MAX_PARQUET_MB)",
                        size_mb=f"{unpacked / limits.MB:,.1f}", limit_mb=f"{limit:,.1f}")
    nested = [f.name for f in schema_arrow if pa.types.is_nested(f.type)]
    if nested:
        shown = ", ".join(pii.mask_headings(nested))
        raise FileError("nested_column", file_name, f"has nested column(s) {shown} (lists, structs or maps); "
                        f"give one plain value per column", columns=shown)
    return meta.num_rows


def _read_parquet(data: bytes, file_name: str, sample_rows: int | None) -> Parsed:
    rows_total = _check_parquet_footer(data, file_name)
    try:
        frame = pl.read_parquet(io.BytesIO(data), n_rows=sample_rows)
        columns = frame.columns
        text = pl.DataFrame([_as_text(frame[c]) for c in columns])
    except Exception as exc:  # polars raises several kinds for a damaged file or a type it cannot show as text
        raise FileError("not_readable", file_name, f"cannot be read as Parquet ({_first_line(exc)})") from None
    if frame.height == 0:
        raise FileError("empty_file", file_name, "is empty: no data rows")
    text = text.with_columns(pl.struct(columns).struct.json_encode().alias(RAW))
    text = text.with_row_index(ROW, offset=1).with_columns(pl.lit(len(columns)).alias(FIELDS))
    return Parsed(file_name, "parquet", None, columns, text, rows_total)


def _as_text(values: pl.Series) -> pl.Series:
    """A column's values as text. Dates and times go through pyarrow: polars panics (a process-ending error, no
    exception) on a date or time beyond its calendar (a date32 of -100,000,000 days), where pyarrow writes
    '<value out of range: -100000000>', which does not cast: a wrong_type row naming the column and the value."""
    if values.dtype in (pl.Date, pl.Datetime):
        return pl.Series(values.name, pc.cast(values.to_arrow(), pa.string()), pl.String)
    return values.cast(pl.String)


def _first_line(exc: Exception) -> str:
    """An error's first line: a message of one line stays one line (polars' errors go on with the query plan).
    A reader's error may quote the file's content: phone- and ID-number-like values are masked (monitor.pii)."""
    lines = str(exc).strip().splitlines()
    return pii.mask_text(lines[0]) if lines else type(exc).__name__


def _decode(data: bytes, file_name: str) -> tuple[str, str]:
    if b"\x00" in data:
        raise FileError("not_csv", file_name, "is not a CSV or Parquet file (it holds binary data)")
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise FileError("not_readable", file_name,
                        f"is neither UTF-8 nor GB18030 text (byte {exc.start} cannot be decoded)") from None


def _read_csv(data: bytes, file_name: str, sample_rows: int | None) -> Parsed:
    line_count = data.count(b"\n") + (not data.endswith(b"\n")) - 1  # after the header; quoted newlines count
    if line_count > limits.file_limits().max_rows:
        raise _too_many_rows(file_name, line_count, "lines")
    text, encoding = _decode(data, file_name)
    if not text.strip():
        raise FileError("empty_file", file_name, "is empty")
    utf8 = text.encode("utf-8")
    try:
        values = pl.read_csv(utf8, infer_schema=False, truncate_ragged_lines=True, empty_string_is_null=False,
                             n_rows=sample_rows)
        lines = pl.read_csv(utf8, has_header=False, separator="\x1f", quote_char=None, infer_schema=False,
                            new_columns=["line"], empty_string_is_null=False, truncate_ragged_lines=True)
    except Exception as exc:  # polars' parse errors have no common base class
        raise FileError("not_csv", file_name, f"cannot be parsed as CSV ({_first_line(exc)})") from None
    columns = [c.strip() for c in values.columns]
    values.columns = columns
    if values.height == 0:
        raise FileError("empty_file", file_name, "is empty: a header but no data rows")
    records = _records(lines)
    if values.height != min(records.height - 1, sample_rows or records.height):
        raise FileError("not_csv", file_name, "cannot be parsed as CSV (unbalanced quotes)")
    body = records.slice(1, values.height)
    fields = body["line"].str.replace_all(QUOTED, "").str.count_matches(",") + 1
    raw = pl.when(fields == len(columns)).then(pl.struct(columns).struct.json_encode()).otherwise(
        pl.struct(line=body["line"]).struct.json_encode())
    frame = values.with_columns(fields.alias(FIELDS)).with_columns(raw.alias(RAW)).with_row_index(ROW, offset=1)
    return Parsed(file_name, "csv", encoding, columns, frame, records.height - 1)


def _records(lines: pl.DataFrame) -> pl.DataFrame:
    """Physical lines joined into CSV records: a line starts a record unless a quote is open before it."""
    quotes = pl.col("line").str.count_matches('"')
    starts = ((quotes.cum_sum() - quotes) % 2 == 0)
    return (lines.with_columns(pl.col("line").str.strip_suffix("\r"))
            .with_columns(starts.cum_sum().alias("record"))
            .group_by("record", maintain_order=True).agg(pl.col("line").str.join("\n")))


def detect_kind(parsed: Parsed, kind: str | None = None) -> str:
    """The table the file feeds: `kind` if given (its required columns must all be there), else the one kind whose
    required columns are all present. Columns the table does not have are an error too (a misnamed column)."""
    seen = parsed.columns
    shown = ", ".join(pii.mask_headings(seen))  # a file without a header: its first row, maybe personal data
    if len(set(seen)) != len(seen):
        raise FileError("duplicate_column", parsed.file_name, f"names a column twice; columns seen: {shown}",
                        columns=shown)
    candidates = [kind] if kind else [k for k in schema.KINDS if set(schema.required(k)) <= set(seen)]
    if not candidates:
        raise FileError("unknown_kind", parsed.file_name,
                        f"matches no kind of file ({', '.join(schema.KINDS)}); "
                        f"columns seen: {shown}", columns=shown)
    if len(candidates) > 1:
        raise FileError("ambiguous_kind", parsed.file_name,
                        f"could be {' or '.join(candidates)}; give --kind. Columns seen: {shown}", columns=shown)
    chosen = candidates[0]
    missing = [c for c in schema.required(chosen) if c not in seen]
    if missing:
        raise FileError("missing_column", parsed.file_name,
                        f"lacks the column(s) {', '.join(missing)} that {chosen} need; columns seen: {shown}",
                        columns=", ".join(missing), kind=chosen)
    unknown = pii.mask_headings([c for c in seen if c not in schema.names(chosen)])
    if unknown:
        raise FileError("unknown_column", parsed.file_name,
                        f"has column(s) {', '.join(unknown)} that {chosen} do not have (misnamed?); "
                        f"expected: {', '.join(schema.names(chosen))}", columns=", ".join(unknown), kind=chosen)
    return chosen
