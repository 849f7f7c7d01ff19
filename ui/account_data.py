"""Loaders of the Account view: one loan's story (or the default loan) on ui.data's cache, each opening the
database read-only and closing it; and the logged reveal of a customer's full phone (never cached)."""

from __future__ import annotations

import datetime as dt

from monitor import access_store, account, db, pii
from ui import auth
from ui.data import db_path, load


def account_view(loan_id: int, as_of: dt.date, see_income: bool) -> dict:
    """monitor.account.account_view: everything the Account view shows for one loan at the end of as_of (the
    income's figure only when `see_income`)."""
    return load(account.account_view, loan_id, as_of, see_income)


def default_loan(as_of: dt.date) -> int | None:
    """monitor.account.default_loan: the most delinquent loan active at as_of (None when none is active)."""
    return load(account.default_loan, as_of, pin=as_of)


def reveal_phone(loan_id: int, reason: str) -> str:
    """monitor.pii.reveal_phone as this session's user: checks the role, writes the audit row, returns the phone
    (raises access.AccessDenied or pii.RevealRefused)."""
    book = db.connect(db_path(), read_only=True)
    try:
        with access_store.opened(db_path()) as access_con:
            return pii.reveal_phone(book, access_con, auth.actor(), loan_id, reason)
    finally:
        book.close()
