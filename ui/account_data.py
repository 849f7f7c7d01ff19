"""Cached loaders of the Account view, on ui.data's cache: each opens the database read-only, reads one loan's
story (or the default loan) and closes it."""

from __future__ import annotations

import datetime as dt

from monitor import account
from ui.data import load


def account_view(loan_id: int, as_of: dt.date) -> dict:
    """monitor.account.account_view: everything the Account view shows for one loan at the end of as_of."""
    return load(account.account_view, loan_id, as_of)


def default_loan(as_of: dt.date) -> int | None:
    """monitor.account.default_loan: the most delinquent loan active at as_of (None when none is active)."""
    return load(account.default_loan, as_of)
