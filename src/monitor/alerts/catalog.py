"""The metrics a limit may watch: an allow-list over the metric layer (monitor.metrics and the model's monitoring),
each read for one day on the whole book or one segment value, with the same functions the pages use.

A reading that cannot be computed (no loans in the segment, no installment due that day, no model) is None with
the reason, never a silent 0: a limit on it is not judged that time (monitor.alerts.evaluate keeps its state).
`intraday` metrics move with the day's events (the live feed's payments); the others are read from month-ends or
the model and change only with `derive` or `score`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from monitor import db, metrics
from monitor.conduct import rates as conduct_rates
from monitor.metrics.collection import entry_rate_by_value
from monitor.metrics.delinquency import DPD_THRESHOLDS, day_totals_by_value
from monitor.metrics.losses import net_charge_off_by_value
from monitor.months import last_month_end
from monitor.query import rows
from monitor.scoring import monitoring

# "the newest cohorts" of FPD30: the latest three origination months whose first installment is 30+ days past due
FPD_COHORTS = 3


@dataclass(frozen=True)
class Reading:
    """A metric's value, or None and why (a catalog text key under alerts.why.*)."""
    value: float | None
    why: str | None = None


@dataclass(frozen=True)
class Metric:
    """One watchable metric: its unit ('rate': a share, shown as a percentage; 'hours'; 'index'; 'per_1000' and
    'per_10000': a count per 1,000 or 10,000, the collection-conduct rates), the direction a
    breach usually goes (the editor's default), whether it moves during the day, whether it needs a segment value
    (segment_share) or allows one at all, and how it is read."""
    unit: str
    direction: str
    intraday: bool
    read: Callable[[duckdb.DuckDBPyConnection, dt.date, str | None, str | None], Reading]
    segment: str = "optional"  # 'optional', 'required' or 'none'
    # several values of one segment in one query, {value: Reading}, where the metric layer can (read_values)
    read_by: Callable[[duckdb.DuckDBPyConnection, dt.date, str, list[str]], dict[str, Reading]] | None = None


def _ratio(numerator, denominator, why: str) -> Reading:
    return Reading(float(numerator) / float(denominator)) if denominator else Reading(None, why)


def _dpd_rate(threshold: int, measure: str):
    def read(con, day, segment, value) -> Reading:
        totals = metrics.day_totals(con, day, segment, value)
        column = "loans" if measure == "count" else "balance"
        return _ratio(totals[f"{column}_{threshold}"], totals[column], "no_active_loans")
    return read


def _dpd_rate_by(threshold: int, measure: str):
    def read_by(con, day, segment, values) -> dict[str, Reading]:
        column = "loans" if measure == "count" else "balance"
        found = day_totals_by_value(con, day, segment)
        return {value: _ratio(found[value][f"{column}_{threshold}"], found[value][column], "no_active_loans")
                if value in found else Reading(None, "no_active_loans") for value in values}
    return read_by


def _roll(from_bucket: str, to_state: str):
    def read(con, day, segment, value) -> Reading:
        end = last_month_end(day)
        rolls = metrics.roll_rate_series(con, end, end, segment, value)
        start = rolls.filter(pl.col("from_bucket") == from_bucket)
        if start.is_empty() or not start["balance"].sum():
            return Reading(None, "no_loans_in_bucket")
        moved = start.filter(pl.col("to_state") == to_state)["balance"].sum()
        return Reading(float(moved) / float(start["balance"].sum()))
    return read


def _roll_by(from_bucket: str, to_state: str):
    def read_by(con, day, segment, values) -> dict[str, Reading]:
        end = last_month_end(day)
        start = metrics.roll_rate_series(con, end, end, by=segment).filter(pl.col("from_bucket") == from_bucket)
        totals = start.group_by("value").agg(
            pl.col("balance").sum().alias("start"),
            pl.col("balance").filter(pl.col("to_state") == to_state).sum().alias("moved"))
        found = {value: (total, moved) for value, total, moved in totals.iter_rows()}
        return {value: Reading(float(found[value][1]) / float(found[value][0]))
                if found.get(value, (0, 0))[0] else Reading(None, "no_loans_in_bucket") for value in values}
    return read_by


def _cure_m1(con, day, segment, value) -> Reading:
    end = last_month_end(day)
    cures = metrics.cure_rates(metrics.roll_rate_series(con, end, end, segment, value, delinquent_only=True))
    m1 = cures.filter(pl.col("from_bucket") == "M1")
    return Reading(float(m1["balance_rate"][0])) if m1.height else Reading(None, "no_loans_in_bucket")


def _fpd30_newest(con, day, segment, value) -> Reading:
    cohorts = metrics.payment_default_by_cohort(con, day, 30, 1, segment, value).tail(FPD_COHORTS)
    return _ratio(cohorts["defaulted"].sum(), cohorts["eligible"].sum(), "no_first_installment_due")


def _fpd30_newest_by(con, day, segment, values) -> dict[str, Reading]:
    cohorts = metrics.payment_default_by_cohort(con, day, 30, 1, by=segment).group_by(
        "value", maintain_order=True).tail(FPD_COHORTS)
    found = {value: (defaulted, eligible) for value, defaulted, eligible in cohorts.group_by("value").agg(
        pl.col("defaulted").sum(), pl.col("eligible").sum()).iter_rows()}
    return {value: _ratio(*found.get(value, (0, 0)), "no_first_installment_due") for value in values}


def _entry_rate(month_to_date: bool):
    def read(con, day, segment, value) -> Reading:
        found = metrics.collection_entry_rate(con, day, month_to_date, segment, value)
        return Reading(found["rate"]) if found["rate"] is not None else Reading(None, "nothing_due")
    return read


def _entry_rate_by(month_to_date: bool):
    def read_by(con, day, segment, values) -> dict[str, Reading]:
        found = entry_rate_by_value(con, day.replace(day=1) if month_to_date else day, day, segment)
        return {value: Reading(found[value]) if value in found else Reading(None, "nothing_due")
                for value in values}
    return read_by


def _net_charge_off(con, day, segment, value) -> Reading:
    rate = metrics.net_charge_off_rate(con, day, day, segment, value)["rate"]
    return Reading(rate) if rate is not None else Reading(None, "no_active_loans")


def _net_charge_off_by(con, day, segment, values) -> dict[str, Reading]:
    found = net_charge_off_by_value(con, day, segment)
    return {value: Reading(found[value]["rate"]) if found.get(value, {}).get("rate") is not None
            else Reading(None, "no_active_loans") for value in values}


def _ecl_to_balance(con, day, segment, value) -> Reading:
    ecl = sum(metrics.expected_credit_loss(con, day, segment, value)["ecl"].values())
    return _ratio(ecl, metrics.day_totals(con, day, segment, value)["balance"], "no_active_loans")


def _segment_share(con, day, segment, value) -> Reading:
    part = metrics.day_totals(con, day, segment, value)["balance"]
    return _ratio(part, metrics.day_totals(con, day)["balance"], "no_active_loans")


def _segment_share_by(con, day, segment, values) -> dict[str, Reading]:
    whole, found = metrics.day_totals(con, day)["balance"], day_totals_by_value(con, day, segment)
    return {value: _ratio(found[value]["balance"] if value in found else 0, whole, "no_active_loans")
            for value in values}


def book_now(con: duckdb.DuckDBPyConnection) -> dt.datetime:
    """The book's wall clock (event timestamps are local time in its time zone, DESIGN.md §3), naive."""
    return dt.datetime.now(ZoneInfo(db.setting(con, "timezone"))).replace(tzinfo=None)


def _cash_against_expected(con, day, segment, value) -> Reading:
    """Cash received on the day against the same weekday's average over the four weeks before, each up to the same
    time of day (now, on the book's today; else the whole day): a payment channel down shows the same morning."""
    now = book_now(con)
    until = now - dt.datetime.combine(now.date(), dt.time()) if day == now.date() else dt.timedelta(days=1)
    found = rows(con, """
        SELECT coalesce(sum(amount) FILTER (WHERE CAST(paid_at AS DATE) = $day), 0),
               coalesce(sum(amount) FILTER (WHERE CAST(paid_at AS DATE) < $day), 0) / 4
        FROM payments
        WHERE CAST(paid_at AS DATE) IN (SELECT $day - CAST(7 * k AS INTEGER) FROM range(0, 5) r(k))
          AND paid_at - CAST(CAST(paid_at AS DATE) AS TIMESTAMP) < $until""", day=day, until=until)[0]
    return _ratio(found[0], found[1], "no_cash_before")


def _psi(con, day, segment, value) -> Reading:
    view = monitoring.monitoring_view(con, day)
    if view is None:
        return Reading(None, "no_model")
    return Reading(float(view["stability"]["psi"]))


def _hours_since_batch(con, day, segment, value) -> Reading:
    """Hours from the newest batch of data (a file or the live feed) to the end of `day`, or to now on today."""
    found = rows(con, "SELECT max(loaded_at) FROM ingest_batches")[0][0]
    if found is None:
        return Reading(None, "no_batch")
    end = min(book_now(con), dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    return Reading(max(0.0, (end - found).total_seconds() / 3600))


def _compliance(figure: str, why: str):
    """A collection-conduct rate of the month to `day` (monitor.conduct.rates.summary), on the whole book."""
    def read(con, day, segment, value) -> Reading:
        found = conduct_rates.summary(con, day.replace(day=1), day)[figure]
        return Reading(found) if found is not None else Reading(None, why)
    return read


METRICS: dict[str, Metric] = {
    **{f"dpd{x}_{measure}": Metric("rate", "above", True, _dpd_rate(x, measure), read_by=_dpd_rate_by(x, measure))
       for x in DPD_THRESHOLDS for measure in ("count", "balance")},
    **{f"roll_{a.lower()}_{b.lower()}": Metric("rate", "above", False, _roll(a, b), read_by=_roll_by(a, b))
       for a, b in (("M0", "M1"), ("M1", "M2"), ("M2", "M3"))},
    "cure_m1": Metric("rate", "below", False, _cure_m1),
    "fpd30_newest": Metric("rate", "above", False, _fpd30_newest, read_by=_fpd30_newest_by),
    "entry_rate_day": Metric("rate", "above", True, _entry_rate(False), read_by=_entry_rate_by(False)),
    "entry_rate_mtd": Metric("rate", "above", True, _entry_rate(True), read_by=_entry_rate_by(True)),
    "net_charge_off": Metric("rate", "above", True, _net_charge_off, read_by=_net_charge_off_by),
    "ecl_to_balance": Metric("rate", "above", True, _ecl_to_balance),
    "segment_share": Metric("rate", "above", True, _segment_share, segment="required",
                            read_by=_segment_share_by),
    "cash_against_expected": Metric("rate", "below", True, _cash_against_expected, segment="none"),
    "model_psi": Metric("index", "above", False, _psi, segment="none"),
    "hours_since_batch": Metric("hours", "above", True, _hours_since_batch, segment="none"),
    "violations_per_1000": Metric("per_1000", "above", True, _compliance("violations_per_1000", "no_contacts"),
                                  segment="none"),
    "complaints_per_10000": Metric("per_10000", "above", True,
                                   _compliance("complaints_per_10000", "no_accounts_in_collection"), segment="none"),
}

INTRADAY = tuple(name for name, spec in METRICS.items() if spec.intraday)  # the metrics that move during the day


def read(con: duckdb.DuckDBPyConnection, metric: str, day: dt.date, segment: str | None = None,
         value: str | None = None) -> Reading:
    """The metric (a key of METRICS, else KeyError) at the end of `day` on the book or one segment value."""
    return METRICS[metric].read(con, day, segment, value)


def read_values(con: duckdb.DuckDBPyConnection, metric: str, day: dt.date, segment: str,
                values: list[str]) -> dict[str, Reading]:
    """The metric on each of several values of one segment: one query where the metric can (Metric.read_by),
    else one read per value; the same readings as read() gives value by value."""
    spec = METRICS[metric]
    if spec.read_by is None or len(values) < 2:
        return {value: spec.read(con, day, segment, value) for value in values}
    return spec.read_by(con, day, segment, values)
