"""Personal data (DESIGN.md §3, issue 14): masks, income bands, and the one logged way to see a full phone.

Name, phone and ID number are masked in SQL, so that the clear values never leave the database on their way to a
page or an export:

- name 张三丰 -> 张**: the family name only.
- phone 13812345678 -> 138****5678, the form Chinese lenders print on statements.
- ID number 110101199001011234 -> 110101********1234: the region code (digits 1-6) and the last four (the
  sequence number and the check character); the birth date (digits 7-14) is hidden.

Why the ID mask cannot be reversed from what a page shows: the hidden characters are exactly the birth date, and
no page, export or report shows a customer's birth year, birth date or age beside the mask (the Account page
shows the province, which is the first two digits of the region code already shown: it adds nothing). With the
last four digits fixed, the check character rules out ten of every eleven birth dates, so a customer of 18 to
80 leaves some 2,000 candidate numbers (22,600 days / 11), not the 32-35 a birth year left (365 / 11).

Income: a page shows a customer's monthly income as a band (INCOME_BANDS) unless the user's role needs the figure
(access action see_income).

Free text (a rejected row's message, a quarantined raw row, a log line) may hold personal data anywhere: mask_expr
masks every phone- or ID-number-like run of digits as the masks above do (a 15-character ID, the pre-1999 form with
a six-digit birth date in digits 7-12, keeps its region code and last three), and the names it is given (names_in
finds the book's customers' names a text quotes).
"""

from __future__ import annotations

import duckdb
import polars as pl

from monitor import access, audit, db
from monitor.query import frame

# Upper bounds (yuan a month, exclusive) of the income bands, and the band above the last.
INCOME_BANDS: tuple[tuple[int | None, str], ...] = (
    (3000, "under_3k"), (5000, "3k_5k"), (8000, "5k_8k"), (12000, "8k_12k"), (20000, "12k_20k"), (None, "20k_plus"))
REVEAL_REASON_MIN = 4  # characters of a stated reason to reveal a phone
# Phone- and ID-number-like runs of digits in free text, not inside a longer run: (pattern, replacement). Each keeps
# what the masks above keep; a run of 12 to 14 (a phone with 86 or 0086 before it) keeps its first 3 and last 4.
# Runs of 16 digits or more (2**53 - 1, the largest ID a file may use; a timestamp in nanoseconds) are left alone.
_EDGE_BEFORE, _EDGE_AFTER = "(^|[^0-9])", "([^0-9]|$)"
_NUMBERS = (
    (_EDGE_BEFORE + "([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])" + _EDGE_AFTER, "${1}${2}********${3}${4}"),  # ID, 18
    (_EDGE_BEFORE + "([0-9]{6})[0-9]{6}([0-9]{3})" + _EDGE_AFTER, "${1}${2}******${3}${4}"),            # ID, 15
    (_EDGE_BEFORE + "([0-9]{3})[0-9]{4}([0-9]{4})" + _EDGE_AFTER, "${1}${2}****${3}${4}"),              # phone
    (_EDGE_BEFORE + "([0-9]{3})[0-9]{5,7}([0-9]{4})" + _EDGE_AFTER, "${1}${2}****${3}${4}"),            # other
)
PII_COLUMNS = ("name", "phone", "id_number")  # the customers' columns that hold personal data
# A JSON member of one of them: its value keeps its first character only.
_PII_MEMBER = ('("(?:' + "|".join(PII_COLUMNS) + ')"\\s*:\\s*")([^"])[^"]*(")', "${1}${2}**${3}")


def masked_name(column: str) -> str:
    """张三丰 -> 张**: the first character, a star for each of the rest."""
    return f"left({column}, 1) || repeat('*', length({column}) - 1)"


def masked_phone(column: str) -> str:
    """13812345678 -> 138****5678, the form Chinese lenders print on statements."""
    return f"left({column}, 3) || '****' || right({column}, 4)"


def masked_id_number(column: str) -> str:
    """110101199001011234 -> 110101********1234: the region code and the last four characters; the birth date
    (digits 7-14) is hidden. (The schema holds 18-character numbers only.)"""
    return f"left({column}, 6) || repeat('*', length({column}) - 10) || right({column}, 4)"


def income_band(column: str) -> str:
    """The SQL of the income band code (INCOME_BANDS; NULL for no income on record) of a monthly income in yuan."""
    cases = " ".join(f"WHEN {column} < {upper} THEN '{code}'" for upper, code in INCOME_BANDS if upper is not None)
    return f"CASE WHEN {column} IS NULL THEN NULL {cases} ELSE '{INCOME_BANDS[-1][1]}' END"


def mask_expr(text: pl.Expr, names: tuple[str, ...] = ()) -> pl.Expr:
    """`text` (a polars text expression) with every name of `names` masked as masked_name masks it (the longer
    first), then every phone- or ID-number-like run of digits (_NUMBERS; each pattern twice, as two runs one
    character apart share the character between them)."""
    names = tuple(sorted((name for name in names if len(name) >= 2), key=len, reverse=True))
    if names:
        masked = [name[:1] + "*" * (len(name) - 1) for name in names]
        text = text.str.replace_many(list(names), masked, leftmost=True)
    for pattern, replacement in _NUMBERS:
        text = text.str.replace_all(pattern, replacement).str.replace_all(pattern, replacement)
    return text


def mask_column(frame_: pl.DataFrame, column: str, names: tuple[str, ...] = (), raw: bool = False) -> pl.DataFrame:
    """`frame_` with its text column `column` masked (mask_expr). With `raw` the column holds rows as read, JSON
    ({"column": "value", ...}): the values of the customers' personal-data columns (PII_COLUMNS) keep their first
    character only, whatever they hold, and a misaligned file's phone or name in any column is masked as text."""
    text = pl.col(column)
    if raw:
        text = text.str.replace_all(*_PII_MEMBER)
    return frame_.with_columns(mask_expr(text, names).alias(column))


def mask_text(text: str | None, names: tuple[str, ...] = ()) -> str | None:
    """One text masked as mask_column masks a column."""
    return mask_column(pl.DataFrame({"text": [text]}, schema={"text": pl.String}), "text", names)["text"][0]


def mask_headings(headings: list[str]) -> list[str]:
    """A file's column headings as an error message shows them: a file without a header row has its first data row
    read as one, so a heading may be a phone, an ID number or a name. Headings that are not plain ASCII (never a
    column of ours) keep their first character only; phone- and ID-number-like ones are masked as text."""
    masked = pl.DataFrame({"heading": headings}, schema={"heading": pl.String}).with_columns(
        pl.when(pl.col("heading").str.contains("[^\\x00-\\x7f]"))
        .then(pl.col("heading").str.slice(0, 1) + pl.lit("*").repeat_by(pl.col("heading").str.len_chars() - 1)
              .list.join(""))
        .otherwise(pl.col("heading")))
    return mask_column(masked, "heading")["heading"].to_list()


def names_in(con: duckdb.DuckDBPyConnection, texts: pl.DataFrame, column: str) -> tuple[str, ...]:
    """The customers' names (of the book on `con`) that occur in the column `column` of `texts` as a quoted value
    ('...', as rejected rows' messages quote a value) or a JSON string value ("...", as a raw row holds it)."""
    if not texts.height or not db.table_exists(con, "customers"):
        return ()
    con.register("_pii_texts", texts.select(pl.col(column).alias("text")))
    try:
        found = frame(con, """
            SELECT DISTINCT c.name
            FROM (SELECT unnest(regexp_extract_all(text, '[''"]([^''"]{2,64})[''"]', 1)) AS value
                  FROM _pii_texts) v
            JOIN customers c ON c.name = v.value""")
    finally:
        con.unregister("_pii_texts")
    return tuple(found["name"].to_list())


class RevealRefused(ValueError):
    """A reveal without a stated reason, or of a loan that is not in the book."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code  # catalog pii.reveal_<code>


def reveal_phone(book_con: duckdb.DuckDBPyConnection, access_con: duckdb.DuckDBPyConnection, actor: access.Actor,
                 loan_id: int, reason: str) -> str:
    """The full phone of the customer of loan `loan_id`, for `actor` (who must be allowed reveal_phone), with the
    reveal written to the audit log first (action reveal_phone, object loan:<id>, the reason with any phone, ID
    number or customer's name in it masked; never the phone).
    Raises access.AccessDenied, or RevealRefused ('reason_short': fewer than REVEAL_REASON_MIN characters of reason;
    'unknown': no such loan)."""
    access.require(actor, "reveal_phone")
    reason = (reason or "").strip()
    if len(reason) < REVEAL_REASON_MIN:
        raise RevealRefused("reason_short")
    found = frame(book_con, """SELECT c.phone FROM loans l JOIN customers c USING (customer_id)
                               WHERE l.loan_id = $loan_id""", loan_id=loan_id)
    if not found.height:
        raise RevealRefused("unknown")
    named = frame(book_con, "SELECT name FROM customers WHERE length(name) >= 2 AND contains($reason, name)",
                  reason=reason)["name"]
    audit.record(access_con, actor, "reveal_phone", f"loan:{loan_id}",
                 {"reason": mask_text(reason, tuple(named))}, 1)  # the audit log holds no personal data either
    return found["phone"][0]
