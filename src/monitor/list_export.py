"""The CSV exports of the lists a collector works from, beside the early-warning list's (monitor.early_warning):
the Delinquency page's delinquent loans of a segment value, the Today page's events of a day and the Compliance
page's violating actions of a month (its audit export).

Each export holds every row of its list, not only those a page shows; personal data leaves the database masked
(the queries of monitor.metrics.delinquent_loans and monitor.live.today.events mask it in SQL), coded values are
in words and headings in the reader's language, money is in yuan rounded to the fen, and no text cell runs as a
formula (monitor.export)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import export, metrics
from monitor.conduct import rates
from monitor.i18n import t
from monitor.live import today

MONEY = ("principal_balance", "overdue_amount", "amount", "principal", "ptp_amount")  # yuan, to the fen
# each list's columns in order, with the catalog key of each heading
DELINQUENT_HEADINGS = {
    "loan_id": "col.loan_id", "customer": "col.customer", "phone": "list_export.col_phone",
    "product": "col.product", "channel": "col.channel", "province": "col.province", "dpd": "col.dpd",
    "bucket": "col.bucket", "principal_balance": "list_export.col_balance_yuan",
    "overdue_amount": "list_export.col_overdue_yuan",
}
EVENT_HEADINGS = {
    "payments": {"at": "col.paid_at", "loan_id": "col.loan_id", "customer": "col.customer",
                 "amount": "list_export.col_amount_yuan", "channel": "col.channel"},
    "loans": {"loan_id": "col.loan_id", "customer": "col.customer", "product": "col.product",
              "channel": "col.channel", "principal": "list_export.col_principal_yuan",
              "term_months": "col.term_months"},
    "actions": {"at": "col.action_at", "loan_id": "col.loan_id", "customer": "col.customer",
                "action_type": "col.action_type", "outcome": "col.outcome",
                "ptp_amount": "list_export.col_ptp_amount_yuan", "ptp_date": "col.ptp_date"},
}
VIOLATION_HEADINGS = {
    "at": "col.action_at", "rule": "compliance.col_rule", "loan_id": "col.loan_id", "customer": "col.customer",
    "action_type": "col.action_type", "contact_party": "compliance.col_party", "outcome": "col.outcome",
    "agent_id": "col.agent_id", "agency": "compliance.col_agency",
}
# per list, the catalog kind labelling each coded column (monitor.i18n: `<kind>.<value>`)
_VALUE_KINDS = {
    "delinquent": {"product": "product", "channel": "loan_channel", "province": "province", "bucket": "bucket"},
    "payments": {"channel": "payment_channel"},
    "loans": {"product": "product", "channel": "loan_channel"},
    "actions": {"action_type": "action", "outcome": "outcome"},
    "violations": {"rule": "compliance.rule", "action_type": "action", "contact_party": "party", "outcome": "outcome"},
}


def _csv(rows: pl.DataFrame, kinds: dict[str, str], headings: dict[str, str], lang: str) -> bytes:
    """`rows` in words, money rounded to the fen, times to the second, with the headings in `lang`, as CSV bytes."""
    money = [pl.col(column).round(2) for column in MONEY if column in rows.columns]
    times = [pl.col("at").dt.strftime("%Y-%m-%d %H:%M:%S")] if "at" in rows.columns else []
    shown = export.in_words(rows, kinds, lang).with_columns(money + times)
    named = {column: t(key, lang) for column, key in headings.items()}
    return export.csv_bytes(shown.select(list(named)).rename(named), float_precision=2)


def delinquent_csv(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None, value: str | None,
                   lang: str) -> bytes:
    """Every delinquent loan (DPD >= 1) of the segment value at `as_of` (segment None: the whole book), worst
    first, as the Delinquency page lists them: monitor.metrics.delinquent_loans without its limit."""
    rows = metrics.delinquent_loans(con, as_of, segment, value, limit=None)
    return _csv(rows, _VALUE_KINDS["delinquent"], DELINQUENT_HEADINGS, lang)


def events_csv(con: duckdb.DuckDBPyConnection, day: dt.date, kind: str, lang: str) -> bytes:
    """Every event of `kind` (monitor.live.today.EVENT_KINDS) on `day`, newest first, as the Today page lists
    them: monitor.live.today.events without its limit."""
    return _csv(today.events(con, day, kind, limit=None), _VALUE_KINDS[kind], EVENT_HEADINGS[kind], lang)


def violations_csv(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, lang: str,
                   **filters: str | None) -> bytes:
    """Every violating action of the period (of one rule, agency or agent: monitor.conduct.rates.DRILL_FILTERS),
    newest first, the customer masked: the audit export of the Compliance page."""
    rows = rates.violating_actions(con, start, end, limit=None, **filters).with_columns(
        pl.col("action_at").alias("at"), pl.col("agency").fill_null(t("compliance.in_house", lang)))
    return _csv(rows, _VALUE_KINDS["violations"], VIOLATION_HEADINGS, lang)
