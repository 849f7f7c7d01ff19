"""The early-warning list: the loans the model scored on a day (active, DPD < 30; DESIGN.md §5), riskiest first,
with their customer masked, the reasons for the score and the recommended treatment (monitor.scoring.treatment).

Filtering, ranking, counting and the LIMIT of the list all happen in SQL, so that a day of some 400,000 scored
loans costs the page a few small results. Filters reach SQL only as bound list parameters and only under the
names of FILTERS. Personal data leaves the database masked (monitor.pii), the CSV export included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import duckdb
import polars as pl

from monitor import db, export, pii, status
from monitor.db import RISK_TIERS, TREATMENTS
from monitor.i18n import t

SCORE_MAX_AGE_DAYS = 35  # a score run older than this at a day no longer describes the loans that day

# filter name -> the condition on a scores row `s` keeping the values chosen, a bound list $<name>. Product and
# province live in loans and customers: a semi-join reads them only when the filter is used, so that counting and
# ranking an unfiltered day of some 400,000 loans touches the scores table alone.
_CONDITIONS = {
    "tier": "list_contains($tier, s.tier)",
    "bucket": "list_contains($bucket, {bucket})",
    "product": "s.loan_id IN (SELECT loan_id FROM loans WHERE list_contains($product, product))",
    "province": """s.loan_id IN (SELECT l.loan_id FROM loans l JOIN customers c ON c.customer_id = l.customer_id
                                 WHERE list_contains($province, c.province))""",
    "treatment": "list_contains($treatment, s.treatment)",
}
FILTERS = tuple(_CONDITIONS)
# the treatments in the order monitor.scoring.treatment.treatment_expr tries its rules: the first that matches wins
TREATMENT_RULE_ORDER = ("legal", "plan_offer", "field", "call", "reminder")
LIST_LIMIT = 500  # rows the page shows; the counts and the export cover every match
REASON_COLUMNS = ("reason_1", "reason_2", "reason_3")

# the catalog kind labelling each coded column (monitor.i18n: `<kind>.<value>`)
_VALUE_KINDS = {"product": "product", "channel": "loan_channel", "province": "province", "tier": "tier",
                "treatment": "treatment", **dict.fromkeys(REASON_COLUMNS, "reason")}
# the export's columns in order, with the catalog key of each heading
EXPORT_HEADINGS = {
    "loan_id": "col.loan_id", "customer": "col.customer", "phone": "early_warning.col_phone",
    "id_number": "early_warning.col_id_number", "product": "col.product", "channel": "col.channel",
    "province": "col.province", "dpd": "col.dpd", "bucket": "col.bucket",
    "principal_balance": "early_warning.col_balance_yuan", "pd_percent": "early_warning.col_pd_percent",
    "points": "early_warning.col_points", "tier": "early_warning.col_tier",
    "treatment": "early_warning.col_treatment", "reason_1": "early_warning.col_reason_1",
    "reason_2": "early_warning.col_reason_2", "reason_3": "early_warning.col_reason_3",
}


def scored_days(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """The days that have scores, oldest first."""
    if not db.table_exists(con, "scores"):  # a database made before scoring
        return []
    return con.sql("SELECT DISTINCT as_of FROM scores ORDER BY as_of").pl()["as_of"].to_list()


def scored_day_for(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dt.date | None:
    """The latest scored day on or before `as_of`: the list a user looking at `as_of` acts on. None when there
    is none (no model trained or no book scored yet, or `as_of` before the first scored day)."""
    if not db.table_exists(con, "scores"):  # a database made before scoring
        return None
    return con.sql("SELECT max(as_of) AS day FROM scores WHERE as_of <= $as_of",
                   params={"as_of": as_of}).pl()["day"][0]


def current_score_day(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dt.date | None:
    """scored_day_for(as_of) when that run is at most SCORE_MAX_AGE_DAYS old: the scores that still describe the
    loans at `as_of` (the ECL's and the loan what-if's); None otherwise."""
    day = scored_day_for(con, as_of)
    return day if day is not None and (as_of - day).days <= SCORE_MAX_AGE_DAYS else None


def _bucket_sql(con: duckdb.DuckDBPyConnection) -> str:
    """DESIGN.md §4's bucket (monitor.status.bucket_sql) of the scored DPD, with the database's charge-off DPD
    written in (an integer setting, not user input)."""
    return status.bucket_sql("s.dpd", str(int(db.charge_off_dpd(con))))


def _filtered(con: duckdb.DuckDBPyConnection, day: dt.date, filters: Mapping[str, Sequence[str]]) -> tuple[str, dict]:
    """The scores rows of `day` that pass `filters` (name -> the values kept; an empty list keeps all), with their
    bucket, as a relation and its parameters. Unknown filter names raise ValueError: only the conditions of
    _CONDITIONS reach the SQL text, the values only as bound parameters."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"unknown filter {', '.join(sorted(unknown))}; choose among {', '.join(FILTERS)}")
    chosen = {name: [str(value) for value in filters[name]] for name in FILTERS if filters.get(name)}
    bucket = _bucket_sql(con)
    where = "".join(f" AND {_CONDITIONS[name].format(bucket=bucket)}" for name in chosen)
    relation = f"""SELECT s.loan_id, s.dpd, {bucket} AS bucket, s.principal_balance, s.pd, s.points, s.tier,
                          s.reason_1, s.reason_2, s.reason_3, s.treatment
                   FROM scores s WHERE s.as_of = $day{where}"""
    return relation, {"day": day, **chosen}


def _with_loan(relation: str) -> str:
    """The rows of `relation` (from _filtered) joined to their loan (l) and customer (c)."""
    return f"""({relation}) r JOIN loans l ON l.loan_id = r.loan_id
               JOIN customers c ON c.customer_id = l.customer_id"""


def filter_options(con: duckdb.DuckDBPyConnection, day: dt.date) -> dict[str, list[str]]:
    """The values each filter can take on `day` (those present among the scored loans): tiers, buckets and
    treatments in their defined order, products and provinces sorted."""
    relation, params = _filtered(con, day, {})
    row = con.sql(f"""SELECT list(DISTINCT r.tier) AS tier, list(DISTINCT r.bucket) AS bucket,
                             list(DISTINCT l.product) AS product, list(DISTINCT c.province) AS province,
                             list(DISTINCT r.treatment) AS treatment
                      FROM {_with_loan(relation)}""", params=params).pl().row(0, named=True)
    order = {"tier": RISK_TIERS, "bucket": (*status.BUCKETS, "CO"), "treatment": TREATMENTS}
    return {name: sorted(row[name] or [], key=order[name].index if name in order else None) for name in FILTERS}


def _ranked(con: duckdb.DuckDBPyConnection, relation: str, params: dict, limit: int | None) -> pl.DataFrame:
    """The rows of `relation` (from _filtered), highest PD first, at most `limit` (None: all), with their loan's
    product, channel and province and the customer's personal data masked, read after the LIMIT: for the rows
    returned only."""
    return con.sql(
        f"""
        WITH ranked AS (SELECT * FROM ({relation}) ORDER BY pd DESC, loan_id LIMIT $limit)
        SELECT r.loan_id, {pii.masked_name("c.name")} AS customer, {pii.masked_phone("c.phone")} AS phone,
               {pii.masked_id_number("c.id_number")} AS id_number, l.product, l.channel, c.province, r.dpd,
               r.bucket, CAST(r.principal_balance AS DOUBLE) AS principal_balance, r.pd, r.points, r.tier,
               r.reason_1, r.reason_2, r.reason_3, r.treatment
        FROM {_with_loan("SELECT * FROM ranked")}
        ORDER BY r.pd DESC, r.loan_id""",
        params={**params, "limit": limit}).pl()


def action_list(con: duckdb.DuckDBPyConnection, day: dt.date, filters: Mapping[str, Sequence[str]],
                limit: int = LIST_LIMIT) -> pl.DataFrame:
    """The scored loans of `day` passing `filters`, highest PD first (loan_id breaks ties), at most `limit`:
    loan_id, customer, phone, id_number (masked), product, channel, province, dpd, bucket, principal_balance
    (yuan), pd, points, tier, reason_1..3 and treatment, as codes; and matches, on every row: how many loans
    pass the filters in all (see matches())."""
    relation, params = _filtered(con, day, filters)
    total = con.sql(f"SELECT count(*) AS n FROM ({relation})", params=params).pl()["n"][0]
    return _ranked(con, relation, params, limit).with_columns(matches=pl.lit(total, dtype=pl.Int64))


def matches(rows: pl.DataFrame) -> int:
    """How many loans pass the filters of an action_list (0 when none does: the list is then empty)."""
    return int(rows["matches"][0]) if rows.height else 0


def summary(con: duckdb.DuckDBPyConnection, day: dt.date, filters: Mapping[str, Sequence[str]]) -> dict:
    """The loans passing `filters` on `day`, counted: {"loans": int, "balance": float (yuan),
    "by_tier": tier, loans, balance (every tier A..E, in order), "by_treatment": treatment, loans, balance
    (every treatment, in order), "cells": tier, treatment, loans, balance (the pairs that occur)}."""
    relation, params = _filtered(con, day, filters)
    cells = con.sql(f"""SELECT tier, treatment, count(*) AS loans,
                               CAST(sum(principal_balance) AS DOUBLE) AS balance
                        FROM ({relation}) GROUP BY tier, treatment ORDER BY tier, treatment""", params=params).pl()
    return {"loans": int(cells["loans"].sum()), "balance": round(float(cells["balance"].sum()), 2),
            "by_tier": _totals(cells, "tier", RISK_TIERS), "by_treatment": _totals(cells, "treatment", TREATMENTS),
            "cells": cells}


def _totals(cells: pl.DataFrame, column: str, values: Sequence[str]) -> pl.DataFrame:
    """Loans and balance per value of `column`, every value of `values` in order (zero when absent)."""
    totals = cells.group_by(column).agg(pl.col("loans").sum(), pl.col("balance").sum().round(2))
    return (pl.DataFrame({column: list(values)}).join(totals, on=column, how="left")
            .with_columns(pl.col("loans").fill_null(0), pl.col("balance").fill_null(0.0)))


def localize(rows: pl.DataFrame, lang: str) -> pl.DataFrame:
    """An action list with every coded value (product, channel, province, tier, treatment, reasons) in words;
    a value the catalog does not know reads as it is."""
    return export.in_words(rows, _VALUE_KINDS, lang)


def export_frame(con: duckdb.DuckDBPyConnection, day: dt.date, filters: Mapping[str, Sequence[str]],
                 lang: str) -> pl.DataFrame:
    """Every loan passing `filters` on `day`, in the list's order, masked, values in words and headings in
    `lang`; PD in percent (2 decimals), money in yuan (2 decimals)."""
    rows = _ranked(con, *_filtered(con, day, filters), limit=None)
    shown = localize(rows, lang).with_columns(pl.col("principal_balance").round(2),
                                              pl.col("points").round(0).cast(pl.Int64),
                                              pd_percent=(pl.col("pd") * 100).round(2))
    headings = {column: t(key, lang) for column, key in EXPORT_HEADINGS.items()}
    return shown.select(list(headings)).rename(headings)


def export_csv(con: duckdb.DuckDBPyConnection, day: dt.date, filters: Mapping[str, Sequence[str]],
               lang: str) -> bytes:
    """export_frame as CSV bytes, UTF-8 with a byte-order mark so that Excel reads the Chinese right, and no text cell
    a spreadsheet would run as a formula (a code stored in the book is shown as it is: monitor.export)."""
    return export.csv_bytes(export_frame(con, day, filters, lang), float_precision=2)
