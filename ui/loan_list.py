"""What the lists a collector works from share (the early-warning list, the Delinquency page's delinquent loans,
the Today page's events): a click on a row opens the loan's account view, and an export button whose click is
written to the audit log; and the cached exports of the two lists monitor.list_export builds."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

import polars as pl
import streamlit as st

from monitor import list_export
from ui import auth, context
from ui.data import load

_LAST = "{}.last"  # session state: (widget key, loans of the rows) of a list as the previous run drew it


def open_account(loan_id: int, lang: str, as_of: dt.date) -> None:
    """Go to the account view of `loan_id` at `as_of`, in `lang`."""
    st.switch_page("pages/account.py", query_params={context.LOAN_PARAM: str(loan_id), "lang": lang,
                                                     "as_of": as_of.isoformat()})


def table_key(name: str, loan_ids: Sequence[int]) -> str:
    """The widget key of the list `name` showing the loans `loan_ids`, row by row: one per content."""
    digest = hashlib.sha1(",".join(str(int(loan)) for loan in loan_ids).encode()).hexdigest()[:12]
    return f"{name}.{digest}"


def _chosen_row(key: str) -> int | None:
    """The row chosen in the table of widget key `key`, if any."""
    state = st.session_state.get(key)
    rows = state["selection"]["rows"] if state else []
    return rows[0] if rows else None


def table(shown: pl.DataFrame, loan_ids: Sequence[int], name: str, lang: str, as_of: dt.date, **dataframe) -> None:
    """`shown` as a table whose rows can be chosen one at a time (st.dataframe with `dataframe`'s arguments): a
    chosen row opens its loan, loan_ids[row], in the account view.

    A row number means the loan the user saw there only with the rows the browser showed, so the table's widget
    key names its content (table_key): a choice made in the table the previous run drew is read against that
    table's loans, even when this run reads other rows (the live feed wrote new events between the drawing and
    the click), and a click that raced a redraw of other rows is dropped (the user clicks again), never turned
    into another loan. The key is stable while the rows are, so a choice survives reruns that keep them. A table
    that a timer redraws would drop most clicks: draw it outside a refreshing fragment (pages/today.py)."""
    drawn = [int(loan) for loan in loan_ids]
    last = st.session_state.get(_LAST.format(name))
    if last is not None and (row := _chosen_row(last[0])) is not None and row < len(last[1]):
        open_account(last[1][row], lang, as_of)
    key = table_key(name, drawn)
    event = st.dataframe(shown, key=key, on_select="rerun", selection_mode="single-row", **dataframe)
    st.session_state[_LAST.format(name)] = (key, drawn)
    if event.selection.rows and event.selection.rows[0] < len(drawn):
        open_account(drawn[event.selection.rows[0]], lang, as_of)


def export_button(box, label: str, data: Callable[[], bytes], *, file_name: str, key: str, what: str,
                  parameters: dict, rows: int, help: str) -> None:
    """A button in `box` that downloads `data()` (built on the click, not on every run) as a CSV named `file_name`;
    the click writes an audit row 'export' (object `what`, `parameters`, row_count `rows`) as the session's user."""
    box.download_button(label, data, file_name=file_name, mime="text/csv", key=key, on_click=auth.record,
                        args=("export", what, parameters, rows), icon=":material/download:", width="stretch",
                        help=help)


def delinquent_csv(as_of: dt.date, segment: str | None, value: str | None, lang: str) -> Callable[[], bytes]:
    """monitor.list_export.delinquent_csv as a callable for export_button."""
    return lambda: load(list_export.delinquent_csv, as_of, segment, value, lang, pin=as_of)


def events_csv(day: dt.date, kind: str, lang: str) -> Callable[[], bytes]:
    """monitor.list_export.events_csv as a callable for export_button."""
    return lambda: load(list_export.events_csv, day, kind, lang)
