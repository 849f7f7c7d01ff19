"""What delinquency has cost: the net charge-off rate (DESIGN.md §4). Expected loss is monitor.metrics.credit_loss."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import db, derived, freshness, segments, status
from monitor.metrics.delinquency import balances_at, day_totals_by_value
from monitor.months import month_end, months_before
from monitor.query import rows
from monitor.segments import segment_filter


def net_charge_off_series(con: duckdb.DuckDBPyConnection, last: dt.date, months: int = 13,
                          segment: str | None = None, value: str | None = None) -> pl.DataFrame:
    """The annualized net charge-off rate of each of the `months` calendar months up to the one containing
    `last` (which counts only through `last`): (principal balance of the loans charged off in the month,
    taken the day before charge-off, - payments received in the month on loans charged off earlier) / the
    mean active principal balance at the month-end before and the month's end (or `last`) x 12; a month in
    progress is annualized by the days it has run: x 12 x days_in_month / days_elapsed (month_to_date true).
    Columns: month (its first day), through, month_to_date, gross_charge_off, recoveries, mean_balance, rate."""
    where, params = segment_filter(segment, value)
    starts = [months_before(last, k).replace(day=1) for k in range(months - 1, -1, -1)]
    gross = dict(rows(con, _gross_sql(con, where, "CAST(date_trunc('month', d.as_of + 1) AS DATE)"),
                      first=starts[0], last=last, charge_off_dpd=db.charge_off_dpd(con), **params))
    recovered = dict(rows(con, _recovered_sql(con, where, "CAST(date_trunc('month', p.paid_at) AS DATE)"),
                          first=starts[0], last=last, **params))
    ends = {start: (start - dt.timedelta(days=1), min(month_end(start), last)) for start in starts}
    balance = balances_at(con, sorted({day for pair in ends.values() for day in pair}), segment, value)
    result = []
    for start in starts:
        opening, through = ends[start]
        mean_balance = (balance[opening] + balance[through]) / 2
        charged, recoveries = float(gross.get(start, 0)), float(recovered.get(start, 0))
        result.append({"month": start, "through": through, "month_to_date": through.day < month_end(start).day,
                       "gross_charge_off": charged, "recoveries": recoveries, "mean_balance": mean_balance,
                       "rate": _annualized(charged - recoveries, mean_balance, start, through)})
    return pl.DataFrame(result, schema={"month": pl.Date, "through": pl.Date, "month_to_date": pl.Boolean,
                                        "gross_charge_off": pl.Float64,
                                        "recoveries": pl.Float64, "mean_balance": pl.Float64, "rate": pl.Float64})


def _gross_sql(con: duckdb.DuckDBPyConnection, where: str, group: str) -> str:
    """Principal balance, the day before charge-off, of the loans charged off from $first to $last, by `group`
    (an expression over d, the loan's status that day, and s, its segment row)."""
    grid = f"""SELECT l.loan_id, l.charge_off_date - 1 AS as_of
               FROM loans l JOIN {derived.loan_segment(con)} s USING (loan_id)
               WHERE l.charge_off_date BETWEEN $first AND $last AND {where}"""
    status_rows = status.grid_status_sql(grid, precomputed_sums=freshness.derived_is_fresh(con))
    return f"""SELECT {group}, sum(d.principal_balance) FROM ({status_rows}) d
               JOIN {derived.loan_segment(con)} s USING (loan_id) GROUP BY 1"""


def _recovered_sql(con: duckdb.DuckDBPyConnection, where: str, group: str) -> str:
    """Payments from $first to $last on loans charged off earlier, by `group` (over p, the payment, and s)."""
    return f"""SELECT {group}, sum(p.amount)
               FROM payments p JOIN loans l USING (loan_id) JOIN {derived.loan_segment(con)} s USING (loan_id)
               WHERE CAST(p.paid_at AS DATE) BETWEEN $first AND $last
                 AND CAST(p.paid_at AS DATE) >= l.charge_off_date AND {where} GROUP BY 1"""


def _annualized(net: float, mean_balance: float, start: dt.date, through: dt.date) -> float | None:
    """x 12, and a month in progress x days_in_month / days_elapsed; None without a balance."""
    return net / mean_balance * 12 * month_end(start).day / through.day if mean_balance else None


def net_charge_off_by_value(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str) -> dict[str, dict]:
    """net_charge_off_rate of the month containing `as_of` (through it) for every value of `segment` at once:
    {value: {gross_charge_off, recoveries, mean_balance, rate}} for the values with an active balance."""
    start, column = as_of.replace(day=1), f"s.{segments.column(segment)}"
    params = {"first": start, "last": as_of}
    gross = dict(rows(con, _gross_sql(con, "TRUE", column), charge_off_dpd=db.charge_off_dpd(con), **params))
    recovered = dict(rows(con, _recovered_sql(con, "TRUE", column), **params))
    opening = day_totals_by_value(con, start - dt.timedelta(days=1), segment)
    closing = day_totals_by_value(con, as_of, segment)
    result = {}
    for value in set(opening) | set(closing):
        mean_balance = (float(opening.get(value, {}).get("balance", 0)) + float(closing.get(value, {}).get(
            "balance", 0))) / 2
        charged, recoveries = float(gross.get(value, 0)), float(recovered.get(value, 0))
        result[value] = {"gross_charge_off": charged, "recoveries": recoveries, "mean_balance": mean_balance,
                         "rate": _annualized(charged - recoveries, mean_balance, start, as_of)}
    return result


def net_charge_off_rate(con: duckdb.DuckDBPyConnection, month: dt.date, as_of: dt.date | None = None,
                        segment: str | None = None, value: str | None = None) -> dict:
    """The annualized net charge-off rate of the calendar month containing `month`, through `as_of` if the
    month is not over (see net_charge_off_series). Returns the parts too."""
    last = min(month_end(month), as_of or dt.date.max)
    return net_charge_off_series(con, last, 1, segment, value).row(0, named=True)
