"""The data behind each page, assembled in one pass over one connection.

A page asks for its view; the view pins the as-of day's loan status once (monitor.day_status.pin_day, or from the
status rows a monitor.memo.PastDayMemo kept) and calls the metric functions, so a page costs at most one status
computation however many figures it shows.
The benchmark times these same functions, cold and warm.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future

import duckdb
import polars as pl

from monitor import day_status, derived, memo, metrics
from monitor.alongside import Alongside
from monitor.memo import Memo
from monitor.months import last_month_end, month_end, months_before, same_day_months_before

TREND_MONTHS = 13
# The executive KPIs, in the order their cards are shown: kpi -> (how its values read, whether a rise is bad); the
# page and the report draw them in rows of KPI_ROWS.
KPIS = {
    "active_balance": ("money", False),
    "active_loans": ("count", False),
    "cash_collected": ("money", False),
    "rate_30": ("rate", True),
    "rate_90": ("rate", True),
    "net_charge_off": ("rate", True),
    "ecl": ("money", True),
}
KPI_ROWS = (("active_balance", "active_loans", "cash_collected"), ("rate_30", "rate_90", "net_charge_off", "ecl"))
ENTRY_DAYS = 60


# The Delinquency page's sections, each shown on its own (the page draws the one chosen, so that a view computes and
# the browser draws a third of the figures): the day's rates, its buckets and the 30+ trend; roll, cure and flow
# rates; vintages, first-payment default and collection entry; the segments that moved most.
DELINQUENCY_SECTIONS = ("rates", "rolls", "vintages", "segments")


def delinquency_section(con: duckdb.DuckDBPyConnection, section: str, as_of: dt.date, segment: str | None = None,
                        value: str | None = None, dimension: str = "product", past: Memo = memo.computed) -> dict:
    """The figures of one section of the Delinquency page (DELINQUENCY_SECTIONS) for one as-of date and (optionally)
    one segment value; `dimension` is the segment whose values the movers table lists. `past` keeps the month-end
    series between calls, and the day's status when the derived tables do not hold it (monitor.memo.PastDayMemo; by
    default they are computed). Every section also gives `as_of`, its last month-end `month_end` and `derived`."""
    common = {"as_of": as_of, "month_end": last_month_end(as_of), "derived": derived.state(con)}
    if section == "rates":
        return {**common, **_rates_section(con, as_of, segment, value, past)}
    if section == "rolls":
        return {**common, **_rolls_section(con, last_month_end(as_of), segment, value, past)}
    if section == "vintages":
        return {**common, **_vintages_section(con, as_of, segment, value, past)}
    if section == "segments":
        past.pin_day(con, as_of)
        return {**common, "movers": metrics.segment_movers(con, as_of, dimension),
                "movers_since": months_before(as_of, 1)}
    raise ValueError(f"unknown section {section!r}: one of {', '.join(DELINQUENCY_SECTIONS)}")


def delinquency_view(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
                     value: str | None = None, dimension: str = "product", past: Memo = memo.computed) -> dict:
    """Every section of the Delinquency page at once (delinquency_section), as one dict."""
    view: dict = {}
    for section in DELINQUENCY_SECTIONS:
        view.update(delinquency_section(con, section, as_of, segment, value, dimension, past))
    return view


def _rates_section(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None, value: str | None,
                   past: Memo) -> dict:
    """The DPD 1+/30+/60+/90+ rates (lagged 3 and 6 months too), the book by bucket, and the 30+ and 90+ trend over
    TREND_MONTHS month-ends; the trend, which reads no day status, computed alongside the day's figures."""
    to_end = last_month_end(as_of)
    with Alongside(con) as alongside:
        series = alongside.submit(past, to_end, metrics.dpd_rate_series, months_before(to_end, TREND_MONTHS - 1),
                                  to_end, segment, value)
        past.pin_day(con, as_of)
        return {"rates": metrics.dpd_rates(con, as_of, segment, value, lags=(3, 6)),
                "buckets": metrics.bucket_distribution(con, as_of, segment, value),
                "series": series.result()}


def _rolls_section(con: duckdb.DuckDBPyConnection, to_end: dt.date, segment: str | None, value: str | None,
                   past: Memo) -> dict:
    """The roll-rate matrix of the month-end `to_end`, cure rates by bucket and the flow-rate chain over TREND_MONTHS
    month-ends, and the loss rate the flows imply: month-end figures only, kept by `past`."""
    first = months_before(to_end, TREND_MONTHS - 1)
    flows = past(con, to_end, metrics.flow_rate_series, first, to_end, segment, value)
    return {
        "rolls": past(con, to_end, metrics.roll_rate_series, to_end, to_end, segment, value),
        "cures": metrics.cure_rates(past(con, to_end, metrics.roll_rate_series, first, to_end, segment, value, True)),
        "flows": flows,
        "implied_loss": metrics.implied_loss_rate(flows),
    }


def _vintages_section(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None, value: str | None,
                      past: Memo) -> dict:
    """Vintage curves through the last month-end, FPD30 by cohort, and the daily collection entry of the last
    ENTRY_DAYS days with the day's and the month-to-date rate; none reads the day's status."""
    to_end = last_month_end(as_of)
    with Alongside(con) as alongside:
        entry = alongside.submit(metrics.collection_entry_series, as_of - dt.timedelta(days=ENTRY_DAYS - 1), as_of,
                                 segment, value)
        view = {"vintages": past(con, to_end, metrics.vintages, to_end, segment, value),
                "fpd": metrics.payment_default_by_cohort(con, as_of, segment=segment, value=value)}
        entries = entry.result()
    return {**view,
            "entry": entries,  # ENTRY_DAYS days, which hold the month to date
            "entry_day": metrics.entry_rate_of(entries, as_of, as_of),
            "entry_mtd": metrics.entry_rate_of(entries, as_of.replace(day=1), as_of)}


def executive_view(con: duckdb.DuckDBPyConnection, as_of: dt.date, past: Memo = memo.computed) -> dict:
    """The Executive Summary: KPIs now, a month and a year earlier; 13-month trends; recent cohorts
    against earlier ones; the three segments whose 30+ rate moved most. `past`: as delinquency_view's.
    The KPIs of the earlier days are computed alongside the rest (monitor.alongside)."""
    with Alongside(con) as alongside:
        earlier = _earlier_kpis(alongside, as_of, past)
        past.pin_day(con, as_of)
        to_end = last_month_end(as_of)
        first = months_before(to_end, TREND_MONTHS - 1)
        vintage = past(con, to_end, metrics.vintages, to_end)
        ecl = metrics.expected_credit_loss(con, as_of, past=past)
        nco = net_charge_off_trend(con, as_of, past)
        view = {
            "as_of": as_of,
            "balance": past(con, to_end, metrics.balance_series, first, to_end),
            "rates": past(con, to_end, metrics.dpd_rate_series, first, to_end).filter(pl.col("measure") == "balance"),
            "nco": nco,
            "cash": cash_trend(con, as_of, past),
            "vintage_comparison": metrics.vintage_comparison(vintage),
            "vintages": vintage,
            "movers": metrics.largest_movers(con, as_of),
            "ecl": ecl,
            "nco_month_to_date": month_end(as_of) != as_of,
            "derived": derived.state(con),
        }
        now = kpis_at(con, as_of, ecl, past, net_charge_off=nco.row(-1, named=True))
        return {**view, "kpis": _kpi_rows(now, *(day.result() for day in earlier))}


def net_charge_off_trend(con: duckdb.DuckDBPyConnection, as_of: dt.date, past: Memo = memo.computed) -> pl.DataFrame:
    """metrics.net_charge_off_series of the TREND_MONTHS months through `as_of`: the months already over kept by
    `past`, the month in progress (if any) computed."""
    to_end = last_month_end(as_of)
    if to_end == as_of:
        return past(con, to_end, metrics.net_charge_off_series, to_end, TREND_MONTHS)
    return pl.concat([past(con, to_end, metrics.net_charge_off_series, to_end, TREND_MONTHS - 1),
                      metrics.net_charge_off_series(con, as_of, 1)])


def cash_trend(con: duckdb.DuckDBPyConnection, as_of: dt.date, past: Memo = memo.computed) -> pl.DataFrame:
    """metrics.cash_series of the TREND_MONTHS calendar months through the last month-end and of the month in
    progress (if any), through `as_of`: the months already over kept by `past`, the month in progress computed."""
    to_end = last_month_end(as_of)
    first = months_before(to_end, TREND_MONTHS - 1).replace(day=1)
    months_over = past(con, to_end, metrics.cash_series, first, to_end)
    if to_end == as_of:
        return months_over
    return pl.concat([months_over, metrics.cash_series(con, to_end + dt.timedelta(days=1), as_of)])


def kpis_at(con: duckdb.DuckDBPyConnection, day: dt.date, ecl: dict | None = None,
            past: Memo = memo.computed, net_charge_off: dict | None = None) -> dict:
    """The executive KPIs at the end of one day. Figures already computed for the day are passed in: `ecl`, its
    expected_credit_loss; `net_charge_off`, the net_charge_off_rate of its month through it (the last row of
    net_charge_off_trend). `past` keeps what the expected credit loss reads of the last month-end."""
    day_status.pin_day(con, day)
    totals = metrics.day_totals(con, day)
    ecl = (ecl or metrics.expected_credit_loss(con, day, past=past))["ecl"]
    net_charge_off = net_charge_off or metrics.net_charge_off_rate(con, day, day)
    return {
        "active_balance": float(totals["balance"]),
        "active_loans": int(totals["loans"]),
        "rate_30": float(totals["balance_30"] / totals["balance"]) if totals["balance"] else None,
        "rate_90": float(totals["balance_90"] / totals["balance"]) if totals["balance"] else None,
        "net_charge_off": net_charge_off["rate"],
        "ecl": sum(ecl.values()),
        "cash_collected": metrics.cash_collected(con, day.replace(day=1), day),
    }


def kpi_table(con: duckdb.DuckDBPyConnection, as_of: dt.date, ecl: dict | None = None,
              past: Memo = memo.computed) -> pl.DataFrame:
    """KPIs at as_of with month-on-month and year-on-year comparisons (same day a month / a year earlier;
    cash collected and net charge-off are month-to-date at each). Columns: kpi, now, month_ago, year_ago, mom, yoy.
    `ecl`: as_of's expected_credit_loss, when already computed; `past`: keeps the earlier days' KPIs."""
    with Alongside(con) as alongside:
        earlier = _earlier_kpis(alongside, as_of, past)
        return _kpi_rows(kpis_at(con, as_of, ecl), *(day.result() for day in earlier))


def _earlier_kpis(alongside: Alongside, as_of: dt.date, past: Memo) -> list[Future]:
    """The KPIs of the same day a month and a year before `as_of`, being computed alongside."""
    return [alongside.submit(past, day, kpis_at, day, None, past)
            for day in (same_day_months_before(as_of, 1), same_day_months_before(as_of, 12))]


def _kpi_rows(now: dict, month_ago: dict, year_ago: dict) -> pl.DataFrame:
    """kpi_table's rows from the KPIs of the three days."""
    def change(a, b):
        return None if a is None or b is None else a - b

    return pl.DataFrame([
        {"kpi": k, "now": now[k], "month_ago": month_ago[k], "year_ago": year_ago[k],
         "mom": change(now[k], month_ago[k]), "yoy": change(now[k], year_ago[k])}
        for k in now
    ], schema={"kpi": pl.String, "now": pl.Float64, "month_ago": pl.Float64, "year_ago": pl.Float64,
               "mom": pl.Float64, "yoy": pl.Float64})
