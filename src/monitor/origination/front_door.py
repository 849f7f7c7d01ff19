"""The front door by month (issue 18): how many applied, how many the policy let in, and whether the applicants'
scores drift.

By calendar month of applied_at, from the month of the book's first application to the month of as_of; the month of
as_of counts to the end of as_of and is month_to_date unless as_of is its last day. Nothing applied after the end of
as_of counts, anywhere below. Per month:
- applications, approved, declined, approval_rate = approved / applications (None without applications), overrides
  (approved below the cut-off by a credit officer), mean_score: the mean application score of every application,
  approved and declined;
- psi: the population stability index of the month's application scores against the reference, by
  monitor.scoring.validation.psi (the early-warning model's index: bins at the reference's PSI_BINS quantiles, a
  bin empty on either side floored at 1e-4), and its band by stability_verdict (DESIGN.md §5: below 0.1 stable, 0.1
  to 0.25 watch, above 0.25 act).
By channel and month: applications, approved, approval_rate.

The reference is the applications of the book's first REFERENCE_MONTHS full calendar months: the first month that
starts on or after the day of the first application, and the months after it. The lender's application score was
built outside the book: the data holds no development sample to compare with, so the earliest months the score met
stand in for it. A full month is one that ended by as_of: until the reference months have all ended there is no
reference and no PSI. The PSI is measured for the reference months and every month after them, however few applied
(a month to date of two days is noisy: the page says which month is to date); a month before the reference (the
book's first, when it started after the 1st) is not a whole month and has none.

this_month compares the month of as_of with the month before over the same days: a month to date through day d
against the days 1..d of the month before (its whole length when shorter), a complete month against the whole month
before; None when the book has no application by as_of.

All figures come from one aggregate over the applications (FRONT_DOOR_SQL: per month and channel, and per month and
score for the PSI); the rest is arithmetic on its small result. The PSI is optional (psi=False leaves it None): it
needs monitor.scoring.validation, whose import brings scikit-learn (2 s), which a page that shows no PSI (the
Executive summary) should not wait for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from monitor import db
from monitor.months import month_end

REFERENCE_MONTHS = 6
PSI_BINS = 10  # deciles of the reference's scores (validation.psi's bins)

FRONT_DOOR_SQL = """
SELECT CAST(date_trunc('month', applied_at) AS DATE) AS month, channel, application_score,
       GROUPING(channel) AS by_score,
       count(*) AS applications,
       count(*) FILTER (WHERE decision = 'approved') AS approved,
       count(*) FILTER (WHERE override) AS overrides,
       CAST(sum(application_score) AS BIGINT) AS score_sum,
       count(*) FILTER (WHERE dayofmonth(applied_at) <= $compared_days) AS applications_to_day,
       count(*) FILTER (WHERE decision = 'approved' AND dayofmonth(applied_at) <= $compared_days) AS approved_to_day,
       min(applied_at) AS first_applied_at
FROM applications
WHERE applied_at < $as_of + INTERVAL 1 DAY
GROUP BY GROUPING SETS ((month, channel), (month, application_score))
"""

_MONTH_SCHEMA = {"month": pl.Date, "month_to_date": pl.Boolean, "applications": pl.Int64, "approved": pl.Int64,
                 "declined": pl.Int64, "approval_rate": pl.Float64, "overrides": pl.Int64, "mean_score": pl.Float64,
                 "in_reference": pl.Boolean, "psi": pl.Float64, "verdict": pl.String}
_CHANNEL_SCHEMA = {"month": pl.Date, "month_to_date": pl.Boolean, "channel": pl.String, "applications": pl.Int64,
                   "approved": pl.Int64, "approval_rate": pl.Float64}


@dataclass(frozen=True)
class FrontDoor:
    """The front door at as_of (see the module's docstring).

    months: month (its first day), month_to_date, applications, approved, declined, approval_rate, overrides,
    mean_score, in_reference, psi, verdict; every calendar month from the first application's to as_of's, oldest
    first. channels: month, month_to_date, channel, applications, approved, approval_rate (the months a channel had
    applications). first_day: the day of the book's first application (None: none by as_of). reference: the first
    and last month of the PSI's reference, None while it is incomplete.
    this_month: month, month_to_date, compared_days (d: days 1..d of each month compared; None: whole months),
    applications, approval_rate, overrides, mean_score, psi, verdict, previous_month, previous_applications,
    previous_approval_rate, applications_change, approval_rate_change (a change None where either side has none)."""

    as_of: dt.date
    months: pl.DataFrame
    channels: pl.DataFrame
    first_day: dt.date | None
    reference: tuple[dt.date, dt.date] | None
    this_month: dict | None

    @property
    def empty(self) -> bool:
        """No application by as_of (the pages say so in a line, not with empty charts)."""
        return self.months.is_empty()


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _rate(numerator: str, denominator: str) -> pl.Expr:
    return pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator)).otherwise(None)


def reference_months(first_applied: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last month of the reference: REFERENCE_MONTHS full calendar months from the first that starts on
    or after `first_applied`; None unless the last of them has ended by `as_of`."""
    first = first_applied if first_applied.day == 1 else _add_months(_first_of_month(first_applied), 1)
    last = _add_months(first, REFERENCE_MONTHS - 1)
    return (first, last) if month_end(last) <= as_of else None


def _empty(as_of: dt.date) -> FrontDoor:
    return FrontDoor(as_of, pl.DataFrame(schema=_MONTH_SCHEMA), pl.DataFrame(schema=_CHANNEL_SCHEMA), None, None, None)


def front_door(con: duckdb.DuckDBPyConnection, as_of: dt.date, psi: bool = True) -> FrontDoor:
    """The front door's figures at the end of `as_of` (module docstring); empty when the book holds no application
    by then (or no applications table: a book from before schema 8 read as it is). Without `psi`, the PSI and its
    band are None."""
    if not db.table_exists(con, "applications"):
        return _empty(as_of)
    to_date = month_end(as_of) != as_of
    rows = con.sql(FRONT_DOOR_SQL, params={"as_of": as_of, "compared_days": as_of.day if to_date else 31}).pl()
    if rows.is_empty():
        return _empty(as_of)
    by_channel = rows.filter(pl.col("by_score") == 0)
    by_score = rows.filter(pl.col("by_score") == 1).select("month", "application_score", "applications")
    this = _first_of_month(as_of)
    calendar = pl.DataFrame({"month": pl.date_range(by_channel["month"].min(), this, "1mo", eager=True)})
    months = calendar.join(
        by_channel.group_by("month").agg(pl.col("applications", "approved", "overrides", "score_sum",
                                                "applications_to_day", "approved_to_day").sum()),
        on="month", how="left").fill_null(0).sort("month")
    first_day = by_channel["first_applied_at"].min().date()
    reference = reference_months(first_day, as_of)
    months = months.with_columns(
        month_to_date=(pl.col("month") == this) & to_date,
        declined=pl.col("applications") - pl.col("approved"),
        approval_rate=_rate("approved", "applications"),
        mean_score=_rate("score_sum", "applications"),
        in_reference=pl.col("month").is_between(*reference) if reference else pl.lit(False))
    months = months.join(_psi(by_score, reference if psi else None), on="month", how="left")
    channels = by_channel.with_columns(month_to_date=(pl.col("month") == this) & to_date,
                                       approval_rate=_rate("approved", "applications"))
    channels = channels.select(list(_CHANNEL_SCHEMA)).cast(_CHANNEL_SCHEMA).sort("month", "channel")
    return FrontDoor(as_of, months.select(list(_MONTH_SCHEMA)).cast(_MONTH_SCHEMA), channels, first_day, reference,
                     _this_month(months, as_of, to_date))


def _psi(by_score: pl.DataFrame, reference: tuple[dt.date, dt.date] | None) -> pl.DataFrame:
    """The PSI of each month's scores against the reference's, and its band. The aggregate counts applications per
    score; validation.psi reads scores, so each score is repeated as often as it was given (application scores are
    whole points: the same scores, exactly)."""
    out = {"month": [], "psi": [], "verdict": []}
    if reference is not None:
        from monitor.scoring import validation  # scikit-learn with it: only when a PSI is measured
        in_reference = by_score.filter(pl.col("month").is_between(*reference))
        expected = _scores(in_reference)
        for (month,), group in by_score.filter(pl.col("month") >= reference[0]).group_by("month"):
            value = validation.psi(expected, _scores(group), bins=PSI_BINS)
            out["month"].append(month)
            out["psi"].append(value)
            out["verdict"].append(validation.stability_verdict(value))
    return pl.DataFrame(out, schema={"month": pl.Date, "psi": pl.Float64, "verdict": pl.String})


def _scores(counts: pl.DataFrame) -> np.ndarray:
    return np.repeat(counts["application_score"].to_numpy().astype(float), counts["applications"].to_numpy())


def _this_month(months: pl.DataFrame, as_of: dt.date, to_date: bool) -> dict:
    """The month of as_of against the month before, over the same days (module docstring)."""
    now = months.row(-1, named=True)
    before = months.row(-2, named=True) if months.height > 1 else None
    previous_applications = before["applications_to_day"] if before else None
    previous_rate = before["approved_to_day"] / previous_applications if previous_applications else None
    rate = now["approval_rate"]
    return {
        "month": now["month"], "month_to_date": to_date, "compared_days": as_of.day if to_date else None,
        "applications": now["applications"], "approval_rate": rate, "overrides": now["overrides"],
        "mean_score": now["mean_score"], "psi": now["psi"], "verdict": now["verdict"],
        "previous_month": _add_months(now["month"], -1),
        "previous_applications": previous_applications, "previous_approval_rate": previous_rate,
        "applications_change": None if previous_applications is None else now["applications"] - previous_applications,
        "approval_rate_change": None if rate is None or previous_rate is None else rate - previous_rate,
    }
