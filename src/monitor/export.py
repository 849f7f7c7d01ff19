"""CSV files a person opens in a spreadsheet: no cell runs as a formula.

Excel, LibreOffice and Google Sheets read a cell that starts with `=`, `+`, `-` or `@` as a formula (and a tab or
carriage return before one as padding), so a code or a name stored in the book, say a channel loaded as
`=HYPERLINK("http://x")`, would run when the export is opened. Following OWASP's advice on CSV injection, a text cell
that starts with one of these characters gets a single quote in front, which the spreadsheet shows as text. Only
text columns are touched: a negative number stays a number.

in_words writes an export's coded values (a product, a channel, a treatment) in the reader's language.
"""

from __future__ import annotations

import polars as pl

from monitor.i18n import CATALOG

FORMULA_START = "=+-@\t\r"  # a text cell starting with one of these is prefixed with QUOTE
QUOTE = "'"
BOM = b"\xef\xbb\xbf"  # UTF-8's byte-order mark: Excel then reads Chinese text right

_STARTS_LIKE_FORMULA = "^[" + "".join(f"\\x{ord(char):02x}" for char in FORMULA_START) + "]"


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that a spreadsheet would read as a formula prefixed with a quote."""
    text_columns = [name for name, dtype in frame.schema.items()
                    if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)]
    return frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(_STARTS_LIKE_FORMULA))
        .then(pl.lit(QUOTE) + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text_columns)


def csv_bytes(frame: pl.DataFrame, *, bom: bool = True, **write_csv) -> bytes:
    """`frame` neutralised and written as UTF-8 CSV (with a byte-order mark unless `bom` is false); `write_csv`
    passes on to polars' DataFrame.write_csv (e.g. float_precision)."""
    text = neutralised(frame).write_csv(**write_csv)
    return (BOM if bom else b"") + text.encode("utf-8")


def in_words(rows: pl.DataFrame, kinds: dict[str, str], lang: str) -> pl.DataFrame:
    """`rows` with each column of `kinds` (column -> catalog kind) in words; a value the catalog does not know (a
    channel loaded into the book, the buckets M0..M6, which read as they are) stays as it is."""
    def words(kind: str) -> dict[str, str]:
        prefix = f"{kind}."
        return {key.removeprefix(prefix): texts[lang] for key, texts in CATALOG.items() if key.startswith(prefix)}
    return rows.with_columns(
        pl.col(column).replace_strict(words(kind), default=pl.col(column), return_dtype=pl.String)
        for column, kind in kinds.items() if column in rows.columns)
