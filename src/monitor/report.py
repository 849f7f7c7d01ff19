"""The executive report: the portfolio's health at an as-of date, as JSON for machines (here) and as one
self-contained HTML file for an email (monitor.report_html, which draws this dict).

The report is the page an executive forwards, so it shows what the Executive summary page shows, from the same
function: monitor.views.executive_view (KPIs with month-on-month and year-on-year changes, the 13-month trends,
cash, the cohort comparison, the largest movers). A figure therefore never differs between page and report. The
further figures (DPD rates by count and balance, buckets, roll rates, FPD30, entry rates, ECL by stage) come from
monitor.metrics, which the pages call too.

This module imports no chart library: `report --format json` does not pay for one.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl

from monitor import metrics, views
from monitor.months import last_month_end, months_before, same_day_months_before

COMPARISONS = ("now", "month_ago", "year_ago", "mom", "yoy")


def _money(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _records(frame: pl.DataFrame, money: tuple[str, ...] = ()) -> list[dict]:
    """A frame as JSON rows: dates written YYYY-MM-DD, the `money` columns in yuan to the fen."""
    rows = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))
    return (rows.with_columns(pl.col(money).round(2)) if money else rows).to_dicts()


def _kpis(table: pl.DataFrame) -> dict:
    """views.kpi_table as {kpi: {now, month_ago, year_ago, mom, yoy}}, money to the fen, counts whole."""
    kinds = {"money": _money, "count": lambda v: None if v is None else int(v), "rate": lambda v: v}
    by_kpi = {row["kpi"]: row for row in table.iter_rows(named=True)}
    return {kpi: {column: kinds[kind](by_kpi[kpi][column]) for column in COMPARISONS}
            for kpi, (kind, _) in views.KPIS.items()}


def roll_rate_block(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Roll rates from the month-end before the latest month-end on or before `as_of` to that month-end."""
    to_end = last_month_end(as_of)
    from_end = months_before(to_end, 1)
    rolls = metrics.roll_rates(con, from_end, to_end)
    block: dict = {"from": from_end.isoformat(), "to": to_end.isoformat(), "count": {}, "balance": {}}
    for measure in ("count", "balance"):
        for bucket in rolls["from_bucket"].unique().sort():
            rows = rolls.filter(pl.col("from_bucket") == bucket)
            rates = dict(zip(rows["to_state"], rows[f"{measure}_rate"], strict=True))
            block[measure][bucket] = {state: float(rates.get(state) or 0.0) for state in metrics.ROLL_TO_STATES}
    return block


def build_report(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """The report's figures, keyed as the report JSON: the Executive summary page's (views.executive_view) and
    the further figures of the report."""
    view = views.executive_view(con, as_of)
    kpis = _kpis(view["kpis"])
    buckets = metrics.bucket_distribution(con, as_of)
    ecl = view["ecl"]
    return {
        "as_of": as_of.isoformat(),
        "derived": view["derived"].as_json(),
        "nco_month_to_date": view["nco_month_to_date"],
        "compared_with": {"month_ago": same_day_months_before(as_of, 1).isoformat(),
                          "year_ago": same_day_months_before(as_of, 12).isoformat()},
        "kpis": kpis,
        "trends": {
            "balance": _records(view["balance"], money=("balance",)),
            "dpd_rates": _records(view["rates"].drop("measure"), money=("base",)),
            "net_charge_off": _records(view["nco"], money=("gross_charge_off", "recoveries", "mean_balance")),
            "cash": _records(view["cash"], money=("amount",)),
        },
        "vintage_comparison": view["vintage_comparison"],
        "movers": _records(view["movers"], money=("balance",)),
        "active_loans": kpis["active_loans"]["now"],
        "principal_balance": kpis["active_balance"]["now"],
        "net_charge_off_rate": kpis["net_charge_off"]["now"],
        "dpd_rates": metrics.dpd_rates(con, as_of),
        "buckets": [{"bucket": r["bucket"], "loans": int(r["loans"]), "balance": _money(r["balance"])}
                    for r in buckets.iter_rows(named=True)],
        "roll_rates": roll_rate_block(con, as_of),
        "vintages": _records(view["vintages"], money=("principal",)),
        "fpd30": metrics.payment_default(con, as_of, 30, 1)["rate"],
        "collection_entry_rate": metrics.collection_entry_rate(con, as_of)["rate"],
        "collection_entry_rate_mtd": metrics.collection_entry_rate(con, as_of, month_to_date=True)["rate"],
        "ecl": {stage: _money(value) for stage, value in ecl["ecl"].items()},
        "ecl_basis": ecl["basis"],
    }


def to_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)
