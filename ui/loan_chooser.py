"""The loan chooser at the top of the Account view and of the loan what-if: a loan number kept in the URL (?loan=,
ui.context.url_loan), the most delinquent loan active at the as-of date when none is chosen, and what the page says
when there is none or when it chose the loan itself."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from monitor.i18n import t
from ui import account_data, context


def choose_loan(key: str, lang: str, as_of: dt.date, *, label: str, placeholder: str, help: str,
                defaulted: str) -> int:
    """Draw the loan input (its label, placeholder and help text) and return the loan. With none chosen: the most
    delinquent loan active at `as_of`, said beneath in `defaulted`; with no loan active, the page says so and stops."""
    box, _ = st.columns([1, 3])
    loan_id, chosen_by_page = context.url_loan(box, label, key=key, default=lambda: account_data.default_loan(as_of),
                                               placeholder=placeholder, help=help)
    context.show_url_notices(lang)
    if loan_id is None:
        st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
        st.stop()
    if chosen_by_page:
        st.caption(defaulted)
    return loan_id
