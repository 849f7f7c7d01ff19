"""Dates for the synthetic lender: month arithmetic on numpy day arrays, holidays and the macro shock."""

from __future__ import annotations

import datetime as dt

import numpy as np

# 春节 (Chinese New Year's day), the hinge of the year for payments and originations.
SPRING_FESTIVAL = np.array(
    ["2019-02-05", "2020-01-25", "2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29",
     "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03", "2031-01-23", "2032-02-11"],
    dtype="datetime64[D]",
)


DUE_DAY_CAP = 28  # installments fall on the day of the month of origination, at most the 28th


def to_days(d: dt.date) -> np.datetime64:
    return np.datetime64(d, "D")


def day_of_month(days: np.ndarray) -> np.ndarray:
    """The day of the month (1-31) of datetime64[D] values, as int64."""
    days = np.asarray(days, dtype="datetime64[D]")
    return (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1


def add_months(days: np.ndarray, months: np.ndarray | int, due_day: np.ndarray | None = None) -> np.ndarray:
    """Add calendar months to datetime64[D] values, keeping the day of month (or `due_day`), clipped."""
    days = np.asarray(days, dtype="datetime64[D]")
    month = days.astype("datetime64[M]")
    day = day_of_month(days) if due_day is None else due_day
    target = month + np.asarray(months, dtype=np.int64)
    days_in_month = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + (np.minimum(day, days_in_month) - 1)


def due_dates(origination: np.ndarray, installments: int) -> np.ndarray:
    """The due dates of installments 1..`installments` of loans originated on `origination` (datetime64[D]), one
    row per loan: monthly, on the day of the month of origination capped at DUE_DAY_CAP."""
    origination = np.asarray(origination, dtype="datetime64[D]")[:, None]
    return add_months(origination, np.arange(1, installments + 1)[None, :],
                      np.minimum(day_of_month(origination), DUE_DAY_CAP))


def days_from_spring_festival(days: np.ndarray) -> np.ndarray:
    """Signed distance in days to the nearest Spring Festival."""
    days = np.asarray(days, dtype="datetime64[D]")
    idx = np.clip(np.searchsorted(SPRING_FESTIVAL, days), 1, len(SPRING_FESTIVAL) - 1)
    before = (days - SPRING_FESTIVAL[idx - 1]).astype(np.int64)
    after = (days - SPRING_FESTIVAL[idx]).astype(np.int64)
    return np.where(np.abs(before) < np.abs(after), before, after)


def shock_window(as_of: dt.date) -> tuple[np.datetime64, np.datetime64]:
    """The macro shock: four months starting eleven months before the as-of date."""
    end_month = np.datetime64(as_of, "M") - 7
    return (end_month - 4).astype("datetime64[D]"), end_month.astype("datetime64[D]")
