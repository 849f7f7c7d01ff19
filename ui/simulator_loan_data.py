"""Cached loaders of the loan-level simulator, on ui.data's cache, and the unit changes between what the page
shows (yuan, percent) and what monitor.simulate takes (fen inside, shares)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from monitor.simulate import assumptions, loan
from ui.data import load, past_days

MONEY_COLUMNS = ("payment_fen", "total_interest_fen", "expected_cash_fen", "npv_fen", "delta_npv_fen",
                 "pv_performing_fen", "pv_failure_fen", "principal_fen", "interest_fen", "balance_fen")


def _book_estimates(con, as_of: dt.date) -> dict:
    return assumptions.estimate_book(con, as_of, past_days())


def book_estimates(as_of: dt.date) -> dict:
    """monitor.simulate.assumptions.estimate_book: the book-wide estimates behind the defaults, once per day."""
    return load(_book_estimates, as_of)


def loan_state(loan_id: int, as_of: dt.date) -> loan.LoanState:
    """monitor.simulate.loan.loan_state: one loan's balance, arrears, contract, income and PD."""
    return load(loan.loan_state, loan_id, as_of)


def is_percent(name: str) -> bool:
    return name in assumptions.SHARES or name.startswith("redefault.")


def shown(name: str, value: float) -> float:
    """An assumption as the page shows it: shares in percent."""
    return value * 100 if is_percent(name) else value


def taken(name: str, value: float) -> float:
    """An assumption as the page's input holds it, back to monitor.simulate's unit."""
    return value / 100 if is_percent(name) else value


def in_yuan(frame: pl.DataFrame) -> pl.DataFrame:
    """The money columns of monitor.simulate's frames (fen) in yuan to the fen (no -0.00), renamed without the _fen
    suffix."""
    money = [c for c in MONEY_COLUMNS if c in frame.columns]
    return frame.with_columns(((pl.col(c) / 100).round(2) + 0.0).alias(c.removesuffix("_fen")) for c in money
                              ).drop(money)
