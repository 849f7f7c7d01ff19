"""The Today page's chart (payments by hour) and its table of the latest events, localized."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl
import streamlit as st

from monitor.i18n import label, t
from ui import format as fmt
from ui import loan_list
from ui.tables import MONEY, list_height, loan_columns

BAR_COLOR = "#3b6ea5"
CHART_HEIGHT = 220

# Per event kind: the code columns and the catalog kind of their labels.
_CODES = {"payments": {"channel": "payment_channel"},
          "loans": {"product": "product", "channel": "loan_channel"},
          "actions": {"action_type": "action", "outcome": "outcome"}}


def payments_by_hour(frame: pl.DataFrame, lang: str) -> alt.Chart:
    """Bars of payments per hour 0-23 (monitor.live.today's by_hour: hour, payments, amount), each hour
    labelled as a time, the amount collected in the tooltip."""
    shown = frame.with_columns(
        hour_label=pl.col("hour").map_elements(lambda h: t("today.hour_value", lang, hour=h), return_dtype=pl.String))
    return alt.Chart(shown).mark_bar(color=BAR_COLOR).encode(
        x=alt.X("hour_label:N", sort=shown["hour_label"].to_list(), title=t("today.hour", lang),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("payments:Q", title=t("today.payments_axis", lang), axis=alt.Axis(tickMinStep=1, format=",.0f")),
        tooltip=[alt.Tooltip("hour_label:N", title=t("today.hour", lang)),
                 alt.Tooltip("payments:Q", title=t("today.payments_axis", lang), format=","),
                 alt.Tooltip("amount:Q", title=t("today.amount_axis", lang), format=",.2f")],
    ).properties(height=CHART_HEIGHT, title=t("today.by_hour", lang))


def events_table(frame: pl.DataFrame, kind: str, lang: str, as_of: dt.date) -> None:
    """One kind of event (monitor.live.today's events[kind]), newest first, codes shown as their labels; a click
    on a row opens the loan's account view at `as_of` (ui.loan_list: the table's key is stable, so a click
    survives the fragment's refreshes)."""
    shown = frame.with_columns(
        [pl.col(column).map_elements(lambda value, k=catalog: label(k, value, lang), return_dtype=pl.String)
         for column, catalog in _CODES[kind].items()]
    ).with_columns(pl.col("loan_id").cast(pl.String))
    config = {
        "at": st.column_config.DatetimeColumn(
            t("col.paid_at" if kind == "payments" else "col.action_at", lang), format="HH:mm:ss"),
        **loan_columns(lang, "loan_id", "customer", "channel", "product"),
        "amount": st.column_config.NumberColumn(t("col.amount", lang), format=MONEY),
        "principal": st.column_config.NumberColumn(t("col.principal", lang), format=MONEY),
        "term_months": st.column_config.NumberColumn(t("col.term_months", lang), format="%d"),
        "action_type": st.column_config.TextColumn(t("col.action_type", lang)),
        "outcome": st.column_config.TextColumn(t("col.outcome", lang)),
        "ptp_amount": st.column_config.NumberColumn(t("col.ptp_amount", lang), format=MONEY),
        "ptp_date": st.column_config.DateColumn(t("col.ptp_date", lang), format="YYYY-MM-DD"),
    }
    loan_list.table(shown, frame["loan_id"], f"today.events.{kind}", lang, as_of, hide_index=True,
                    width="stretch", height=list_height(shown.height), placeholder=fmt.NONE,
                    column_config={c: config[c] for c in shown.columns})

