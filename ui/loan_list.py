"""What the lists a collector works from share (the early-warning list, the Delinquency page's delinquent loans,
the Today page's events): a click on a row opens the loan's account view, and an export button whose click is
written to the audit log; and the cached exports of the two lists monitor.list_export builds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import polars as pl
import streamlit as st

from monitor import list_export
from ui import auth, context
from ui.data import load

_SEEN = "{}.loans"  # session state: the loan of each row of a list as last drawn, by the list's key


def open_account(loan_id: int, lang: str, as_of: dt.date) -> None:
    """Go to the account view of `loan_id` at `as_of`, in `lang`. From a fragment too: a switch of page reruns the
    whole app (Streamlit's st.fragment: st.switch_page works in a fragment's sequential reruns)."""
    st.switch_page("pages/account.py", query_params={context.LOAN_PARAM: str(loan_id), "lang": lang,
                                                     "as_of": as_of.isoformat()})


def table(shown: pl.DataFrame, loan_ids: Sequence[int], key: str, lang: str, as_of: dt.date, **dataframe) -> None:
    """`shown` as a table whose rows can be chosen one at a time (st.dataframe with `dataframe`'s arguments): a
    chosen row opens its loan, loan_ids[row], in the account view.

    The stable `key` keeps a choice across reruns, the timed refreshes of a fragment included. The row chosen is
    read against the loans of the table as drawn before (what the user saw and clicked), not as drawn now: a
    refresh that put new events on top in between cannot open another loan."""
    seen = st.session_state.get(_SEEN.format(key))
    event = st.dataframe(shown, key=key, on_select="rerun", selection_mode="single-row", **dataframe)
    drawn = [int(loan) for loan in loan_ids]
    st.session_state[_SEEN.format(key)] = drawn
    if event.selection.rows:
        row, loans = event.selection.rows[0], seen or drawn
        if row < len(loans):
            open_account(loans[row], lang, as_of)


def export_button(box, label: str, data: Callable[[], bytes], *, file_name: str, key: str, what: str,
                  parameters: dict, rows: int, help: str) -> None:
    """A button in `box` that downloads `data()` (built on the click, not on every run) as a CSV named `file_name`;
    the click writes an audit row 'export' (object `what`, `parameters`, row_count `rows`) as the session's user."""
    box.download_button(label, data, file_name=file_name, mime="text/csv", key=key, on_click=auth.record,
                        args=("export", what, parameters, rows), icon=":material/download:", width="stretch",
                        help=help)


def delinquent_csv(as_of: dt.date, segment: str | None, value: str | None, lang: str) -> Callable[[], bytes]:
    """monitor.list_export.delinquent_csv as a callable for export_button."""
    return lambda: load(list_export.delinquent_csv, as_of, segment, value, lang)


def events_csv(day: dt.date, kind: str, lang: str) -> Callable[[], bytes]:
    """monitor.list_export.events_csv as a callable for export_button."""
    return lambda: load(list_export.events_csv, day, kind, lang)
