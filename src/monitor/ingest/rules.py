"""The rules a file's rows must follow (DESIGN.md §8 and the schema's CHECKs), each a set-oriented SQL query that
yields (row_number, rule, message) for every row that breaks it. A message names the column and the value.

Two stages:
- file rules need only the file: run on a private in-memory database, before the book is touched. They also cast
  the text values to the table's types (TRY_CAST: a value that does not cast is a wrong_type).
- book rules compare with the database (unknown loan, duplicate id, dates against origination and today): run on
  the connection that will land the batch, inside its transaction, so nothing can change between check and load.

Column names in the SQL come only from the table's own column list (monitor.ingest.schema); values only as data.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from monitor import db, status
from monitor.ingest import schema
from monitor.ingest.read import FIELDS, ROW, Parsed

RULES = ("ragged_row", "missing_value", "wrong_type", "non_positive_amount", "invalid_value", "out_of_range",
         "amount_mismatch", "inconsistent_status", "inconsistent_promise", "duplicate_id", "unknown_loan",
         "future_date", "before_origination")

POSITIVE = {"loans": ("principal",), "installments": ("amount_due",), "payments": ("amount",),
            "collection_actions": ("ptp_amount",)}
NON_NEGATIVE = {"installments": ("principal_due", "interest_due", "fee_due")}
ALLOWED = {
    "loans": {"product": db.PRODUCTS, "repayment_method": db.REPAYMENT_METHODS, "status": db.LOAN_STATUSES},
    "payments": {"channel": db.PAYMENT_CHANNELS},
    "collection_actions": {"action_type": db.ACTION_TYPES, "contact_party": db.CONTACT_PARTIES,
                           "outcome": db.OUTCOMES},
}
RANGES = {  # column: (low, high, how it reads)
    "loans": {"annual_rate": (0, 0.24, "between 0 and 0.24 (APR at most 24%)"),
              "term_months": (1, None, "at least 1"),
              "application_score": (300, 900, "between 300 and 900")},
    "installments": {"installment_no": (1, None, "at least 1")},
}
# Dates that cannot lie after the book's today, and dates that cannot lie before the loan's origination.
NOT_FUTURE = {"loans": ("origination_date", "closed_date", "charge_off_date"), "payments": ("paid_at",),
              "collection_actions": ("action_at",)}
AFTER_ORIGINATION = {"installments": ("due_date",), "payments": ("paid_at",), "collection_actions": ("action_at",)}


def _q(name: str) -> str:
    return '"' + name + '"'


def _shown(expr: str) -> str:
    """SQL for a value as a message shows it: quoted, or (empty)."""
    return f"coalesce('''' || CAST({expr} AS VARCHAR) || '''', '(empty)')"


def _violation(rule: str, column: str | None, condition: str, text: str, source: str = "typed t") -> str:
    """One rule as a query. `text` is a SQL expression for the message after the column name."""
    prefix = f"'column {column}: ' || " if column else ""
    return f"SELECT t.{ROW} AS row_number, '{rule}' AS rule, {prefix}{text} AS message FROM {source} WHERE {condition}"


def file_rules(parsed: Parsed, kind: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cast the rows to the table's types and apply every rule that needs only the file.
    Returns (typed: ROW + the table's columns, for rows with the right number of fields; violations)."""
    cols = schema.columns(kind)
    present = set(parsed.columns)
    con = duckdb.connect()
    try:
        con.register("raw", parsed.frame.select(ROW, FIELDS, *parsed.columns))
        text = {c.name: f"NULLIF(trim(r.{_q(c.name)}), '')" if c.name in present else "NULL" for c in cols}
        casts = ", ".join(f"TRY_CAST({text[c.name]} AS {c.sql_type}) AS {_q(c.name)}" for c in cols)
        raws = ", ".join(f"{text[c.name]} AS {_q('raw_' + c.name)}" for c in cols)
        db.run(con, f"""CREATE TEMP TABLE typed AS SELECT r.{ROW}, {casts}, {raws} FROM raw r
                        WHERE r.{FIELDS} = {len(parsed.columns)}""")
        queries = [_violation("ragged_row", None, f"t.{FIELDS} <> {len(parsed.columns)}",
                              f"'has ' || t.{FIELDS} || ' fields, the header has {len(parsed.columns)}'", "raw t")]
        queries += _column_rules(kind, cols)
        queries += _row_rules(kind)
        queries.append(_duplicates_in_file(kind))
        violations = con.sql(" UNION ALL ".join(queries)).pl()
        typed = con.sql(f"SELECT {ROW}, {', '.join(_q(c.name) for c in cols)} FROM typed").pl()
    finally:
        con.close()
    return typed, violations


def _column_rules(kind: str, cols) -> list[str]:
    queries = []
    for c in cols:
        name, raw, typed = c.name, f"t.{_q('raw_' + c.name)}", f"t.{_q(c.name)}"
        if c.required:
            queries.append(_violation("missing_value", name, f"{raw} IS NULL", "'a value is required'"))
        what = {"DATE": "a date (YYYY-MM-DD)", "TIMESTAMP": "a date and time (YYYY-MM-DD HH:MM:SS)",
                "BIGINT": "a whole number", "INTEGER": "a whole number"}.get(c.sql_type, "a number")
        if c.sql_type != "VARCHAR":
            queries.append(_violation("wrong_type", name, f"{raw} IS NOT NULL AND {typed} IS NULL",
                                      f"{_shown(raw)} || ' is not {what}'"))
        if name in POSITIVE.get(kind, ()):
            queries.append(_violation("non_positive_amount", name, f"{typed} <= 0",
                                      f"{_shown(raw)} || ' must be greater than 0'"))
        if name in NON_NEGATIVE.get(kind, ()):
            queries.append(_violation("non_positive_amount", name, f"{typed} < 0",
                                      f"{_shown(raw)} || ' must not be negative'"))
        if name in ALLOWED.get(kind, {}):
            allowed = ALLOWED[kind][name]
            listed = ", ".join(allowed)
            queries.append(_violation("invalid_value", name,
                                      f"{raw} IS NOT NULL AND {raw} NOT IN ({', '.join(repr(v) for v in allowed)})",
                                      f"{_shown(raw)} || ' is not one of {listed}'"))
        if name in RANGES.get(kind, {}):
            low, high, reads = RANGES[kind][name]
            outside = f"{typed} < {low}" + (f" OR {typed} > {high}" if high is not None else "")
            queries.append(_violation("out_of_range", name, outside, f"{_shown(raw)} || ' must be {reads}'"))
    return queries


def _row_rules(kind: str) -> list[str]:
    """The schema's CHECKs that tie several columns of a row together."""
    if kind == "installments":
        return [_violation("amount_mismatch", "amount_due",
                           "t.amount_due <> t.principal_due + t.interest_due + t.fee_due",
                           "t.raw_amount_due || ' is not principal_due + interest_due + fee_due = ' || "
                           "CAST(t.principal_due + t.interest_due + t.fee_due AS VARCHAR)")]
    if kind == "loans":
        return [
            _violation("inconsistent_status", "closed_date", "(t.status = 'active') <> (t.closed_date IS NULL)",
                       f"{_shown('t.raw_closed_date')} || ' does not fit status ''' || t.status || ''' "
                       "(only an active loan has no closed_date)'"),
            _violation("inconsistent_status", "charge_off_date",
                       "(t.status = 'charged_off') <> (t.charge_off_date IS NOT NULL) "
                       "OR t.charge_off_date <> t.closed_date",
                       f"{_shown('t.raw_charge_off_date')} || ' does not fit status ''' || t.status || ''' "
                       "(a charged-off loan has charge_off_date = closed_date, others none)'"),
            _violation("before_origination", "closed_date", "t.closed_date < t.origination_date",
                       "t.raw_closed_date || ' is before origination_date ' || t.raw_origination_date"),
        ]
    if kind == "collection_actions":
        return [_violation("inconsistent_promise", "outcome",
                           "(t.outcome = 'promise_to_pay') <> (t.ptp_date IS NOT NULL AND t.ptp_amount IS NOT NULL)",
                           f"{_shown('t.raw_outcome')} || ' needs ptp_date and ptp_amount exactly when it is "
                           "promise_to_pay'")]
    return []


def _key_text(kind: str, alias: str = "t") -> tuple[str, str]:
    keys = schema.KEYS[kind]
    label = ", ".join(keys)
    value = " || ', ' || ".join(f"CAST({alias}.{k} AS VARCHAR)" for k in keys)
    return label, value


def _duplicates_in_file(kind: str) -> str:
    keys = ", ".join(schema.KEYS[kind])
    label, value = _key_text(kind)
    return f"""SELECT t.{ROW} AS row_number, 'duplicate_id' AS rule,
                      'column {label}: ''' || {value} || ''' repeats row ' || t.first_row AS message
               FROM (SELECT *, first_value({ROW}) OVER (PARTITION BY {keys} ORDER BY {ROW}) AS first_row
                     FROM typed WHERE {' AND '.join(f'{k} IS NOT NULL' for k in schema.KEYS[kind])}) t
               WHERE t.{ROW} <> t.first_row"""


def book_today(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The last day a dated event may carry: today in Asia/Shanghai, or the book's latest data day when that is later
    (a synthetic or restored book may run ahead of the calendar; its own days are not the future)."""
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    latest = status.latest_data_date(con)
    return max(today, latest) if latest else today


def book_rules(con: duckdb.DuckDBPyConnection, kind: str, staged: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rules that compare the rows of table `staged` (file_rules' typed rows, registered on `con`) with the
    book. Returns (violations, duplicates: the ROWs identical to a row already in the book, to be skipped)."""
    today = book_today(con)
    queries = []
    if kind == "loans":
        queries.append(f"""SELECT t.{ROW} AS row_number, 'unknown_loan' AS rule,
                                  'column parent_loan_id: ''' || t.parent_loan_id || ''' is no loan in the book '
                                  || 'or in this file' AS message
                           FROM {staged} t WHERE t.parent_loan_id IS NOT NULL
                             AND t.parent_loan_id NOT IN (SELECT loan_id FROM loans)
                             AND t.parent_loan_id NOT IN (SELECT loan_id FROM {staged} WHERE loan_id IS NOT NULL)""")
    else:
        queries.append(f"""SELECT t.{ROW} AS row_number, 'unknown_loan' AS rule,
                                  'column loan_id: ''' || t.loan_id || ''' is no loan in the book' AS message
                           FROM {staged} t ANTI JOIN loans l ON l.loan_id = t.loan_id
                           WHERE t.loan_id IS NOT NULL""")
    for column in NOT_FUTURE.get(kind, ()):
        queries.append(f"""SELECT t.{ROW} AS row_number, 'future_date' AS rule,
                                  'column {column}: ''' || CAST(t.{column} AS VARCHAR) || ''' is after today ('
                                  || CAST($today AS VARCHAR) || ')' AS message
                           FROM {staged} t WHERE CAST(t.{column} AS DATE) > $today""")
    for column in AFTER_ORIGINATION.get(kind, ()):
        queries.append(f"""SELECT t.{ROW} AS row_number, 'before_origination' AS rule,
                                  'column {column}: ''' || CAST(t.{column} AS VARCHAR) || ''' is before loan '
                                  || t.loan_id || '''s origination on ' || CAST(l.origination_date AS VARCHAR)
                                  AS message
                           FROM {staged} t JOIN loans l ON l.loan_id = t.loan_id
                           WHERE CAST(t.{column} AS DATE) < l.origination_date""")
    keys = schema.KEYS[kind]
    on = " AND ".join(f"b.{k} = t.{k}" for k in keys)
    same = " AND ".join(f"b.{_q(c)} IS NOT DISTINCT FROM t.{_q(c)}" for c in schema.names(kind))
    label, value = _key_text(kind)
    queries.append(f"""SELECT t.{ROW} AS row_number, 'duplicate_id' AS rule,
                              'column {label}: ''' || {value} || ''' is already in the book with other values'
                              AS message
                       FROM {staged} t JOIN {kind} b ON {on} WHERE NOT ({same})""")
    params = {"today": today} if any("$today" in q for q in queries) else None
    violations = con.sql(" UNION ALL ".join(queries), params=params).pl()
    duplicates = con.sql(f"SELECT t.{ROW} AS row_number FROM {staged} t JOIN {kind} b ON {on} WHERE {same}").pl()
    return violations, duplicates
