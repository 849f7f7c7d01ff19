"""One loan's repayment schedule as a polars frame, in fen, on monitor.schedule.amortize_fen (the generator's
formula: 等额本息 P r / (1 - (1 + r)^-n), r = APR / 12, or 等额本金; the last installment absorbs rounding).

Due dates follow the generator (monitor.synth.behaviour): monthly from the start date, on the start date's
day of month capped at 28."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from monitor.schedule import amortize_fen
from monitor.simulate.inputs import SimulationInputError, check_apr, check_positive, check_term
from monitor.synth import calendar

METHODS = ("equal_installment", "equal_principal")
SCHEDULE_SCHEMA = {"installment_no": pl.Int32, "due_date": pl.Date, "principal_due": pl.Int64,
                   "interest_due": pl.Int64, "amount_due": pl.Int64, "balance": pl.Int64}


def check_method(method: str) -> bool:
    """Whether `method` is 等额本金 (equal_principal); else it must be 等额本息 (equal_installment)."""
    if method not in METHODS:
        raise SimulationInputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    return method == "equal_principal"


def schedule_fen(balance_fen: int, annual_rate: float, months: int, equal_principal: bool = False
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Principal and interest due per month (int64 fen arrays of length `months`) for a balance in fen; the
    inputs are trusted (checked by the caller). A zero balance gives zeros."""
    with np.errstate(invalid="ignore"):  # amortize_fen computes the level payment for a zero rate too, unused
        principal, interest = amortize_fen(np.array([balance_fen], dtype=np.int64), np.array([annual_rate]),
                                           months, np.array([equal_principal]))
    return principal[0], interest[0]


def due_dates(start_date: dt.date, months: int) -> list[dt.date]:
    """The due dates of installments 1..months after `start_date` (its day of month, at most the 28th)."""
    return calendar.due_dates(np.array([start_date], dtype="datetime64[D]"), months)[0].astype(dt.date).tolist()


def amortize(principal, annual_rate, months, method: str = "equal_installment",
             start_date: dt.date | None = None) -> pl.DataFrame:
    """The schedule of a loan of `principal` yuan (rounded to the fen) at `annual_rate` (APR, 0 to 24%) over
    `months` months: installment_no, due_date (None without start_date), principal_due, interest_due,
    amount_due and balance after the installment, money in integer fen. Principal sums to the principal
    exactly, the balance ends at 0, and interest is what is paid on top of the principal.

    Bad input (APR over 24%, a term that is not a positive whole number, a principal of 0 or less, an unknown
    method) raises SimulationInputError naming the field and the rule."""
    principal_fen = int(round(check_positive("principal", principal) * 100))
    if principal_fen < 1:
        raise SimulationInputError(f"principal must be at least 0.01 yuan (one fen), got {principal!r}")
    rate = check_apr(annual_rate)
    term = check_term(months)
    equal_principal = check_method(method)
    if start_date is not None and not isinstance(start_date, dt.date):
        raise SimulationInputError(f"start_date must be a date, got {start_date!r}")
    principal_due, interest_due = schedule_fen(principal_fen, rate, term, equal_principal)
    return pl.DataFrame({
        "installment_no": np.arange(1, term + 1),
        "due_date": due_dates(start_date, term) if start_date is not None else [None] * term,
        "principal_due": principal_due,
        "interest_due": interest_due,
        "amount_due": principal_due + interest_due,
        "balance": principal_fen - np.cumsum(principal_due),
    }, schema=SCHEDULE_SCHEMA)
