"""Collections worklists page (催收工作台), for the collections team each morning: promises to pay due today, promises
broken yesterday and loans entering M1 today, each list with its count and balance, its loans masked with their
recommended treatment, a masked CSV export (audited) and a click on a row that opens the account view; and the daily
cure curve (催回率) of the loans that entered collection in the last 60 days.

Every figure comes from monitor.worklists.collections_view through ui.collections_data."""

import datetime as dt

import polars as pl
import streamlit as st

from monitor.i18n import t
from monitor.worklists import CURE_WINDOW_DAYS, LISTS, cure_curve_long, localize, totals
from ui import collections_charts as charts
from ui import collections_data as cd
from ui import context, data, early_warning_data, loan_list, tables
from ui import format as fmt

lang, as_of = context.start_page()
yesterday = as_of - dt.timedelta(days=1)
# the day each list's description names: the promised day, or the day the loans entered collection
ABOUT_DAY = {"due_today": as_of, "broken_yesterday": yesterday, "entering_m1": yesterday}
MONEY = tables.MONEY
# rows of a worklist on screen, in working order; the export holds every row (at 1,000,000 loans, 4,823 loans entered
# M1 on one day: all of them took 450 KB to the browser and seconds to draw)
SHOWN_ROWS = 300
COLUMNS = {
    "loan_id": st.column_config.TextColumn(t("col.loan_id", lang), pinned=True),
    "customer": st.column_config.TextColumn(t("col.customer", lang), pinned=True),
    "phone": st.column_config.TextColumn(t("early_warning.col_phone", lang)),
    "treatment": st.column_config.TextColumn(t("early_warning.col_treatment", lang)),
    "agent_id": st.column_config.TextColumn(t("col.agent_id", lang)),
    "promised_at": st.column_config.DatetimeColumn(t("collections.col_promised_at", lang), format="YYYY-MM-DD HH:mm"),
    "ptp_date": st.column_config.DateColumn(t("col.ptp_date", lang), format="YYYY-MM-DD"),
    "ptp_amount": st.column_config.NumberColumn(t("col.ptp_amount", lang), format=MONEY),
    "paid": st.column_config.NumberColumn(t("collections.col_paid", lang), format=MONEY),
    "kept": st.column_config.CheckboxColumn(t("collections.col_kept", lang)),
    "shortfall": st.column_config.NumberColumn(t("collections.col_shortfall", lang), format=MONEY),
    "due_date": st.column_config.DateColumn(t("col.due_date", lang), format="YYYY-MM-DD"),
    "amount_due": st.column_config.NumberColumn(t("col.amount_due", lang), format=MONEY),
    **tables.loan_columns(lang, "dpd", "bucket", "overdue_amount", "principal_balance", "product", "channel"),
}
# on screen: who, what was promised or is due, what to do, the loan's state; the identifiers and codes last
ORDER = ("loan_id", "customer", "agent_id", "promised_at", "ptp_date", "ptp_amount", "paid", "kept", "shortfall",
         "due_date", "amount_due", "treatment", "dpd", "bucket", "overdue_amount", "principal_balance", "phone",
         "product", "channel")


def scores_note() -> None:
    """Which scores the treatments come from (or that there are none)."""
    scored_day = early_warning_data.scored_day_for(as_of)  # the day the treatments come from
    if scored_day is None:
        st.info(t("collections.no_scores", lang, as_of=as_of.isoformat()))
    else:
        st.caption(t("collections.scored_day", lang, day=scored_day.isoformat(), as_of=as_of.isoformat()))


def list_section(name: str, rows: pl.DataFrame) -> None:
    """One worklist: its count and balance with what it holds, the export, the table, and the account view of a
    clicked row."""
    figures = totals(rows)
    loans, balance, about = st.columns([1, 1, 3], vertical_alignment="center")
    loans.metric(t("collections.loans", lang), fmt.count(figures["loans"]), border=True)
    balance.metric(t("collections.balance", lang), fmt.money(figures["balance"], lang), border=True)
    about.caption(t(f"collections.about_{name}", lang, day=ABOUT_DAY[name].isoformat()))
    if not rows.height:
        st.info(t("collections.empty", lang))
        return
    note, download = st.columns([3, 1], vertical_alignment="bottom")
    note.caption(t("collections.masked", lang))
    loan_list.export_button(download, t("collections.download", lang), cd.export_csv(name, as_of, lang),
                            file_name=f"collections_{name}_{as_of.isoformat()}.csv", key=f"collections_export_{name}",
                            what=f"collections_{name}_csv", parameters={"as_of": as_of, "list": name},
                            rows=rows.height, help=t("collections.download_help", lang, total=fmt.count(rows.height)))
    first = rows.head(SHOWN_ROWS)
    if rows.height > first.height:
        note.caption(t("collections.shown", lang, shown=fmt.count(first.height), total=fmt.count(rows.height)))
    shown = localize(first, lang).with_columns(pl.col("loan_id").cast(pl.String))
    columns = [column for column in ORDER if column in shown.columns]
    loan_list.table(shown.select(columns), first["loan_id"].to_list(), f"collections.{name}", lang, as_of,
                    hide_index=True, width="stretch", height=tables.list_height(first.height), placeholder=fmt.NONE,
                    column_config={column: COLUMNS[column] for column in columns})


def cure_section(curve: pl.DataFrame) -> None:
    """The cure rate of each entry day of the window after 1, 3, 7, 15 and 30 days, with its definition."""
    st.subheader(t("collections.cure_title", lang))
    if not curve.height:
        st.info(t("collections.cure_none", lang, days=CURE_WINDOW_DAYS))
        return
    st.caption(t("collections.cure_caption", lang, days=CURE_WINDOW_DAYS, loans=fmt.count(curve["loans"].sum())))
    st.altair_chart(charts.cure_heatmap(cure_curve_long(curve), lang), width="stretch")


# ------------------------------------------------------------------------------------------------ the page
st.title(t("collections.title", lang))
st.caption(t("collections.caption", lang, as_of=as_of.isoformat()))
if not data.active_loans(as_of):
    st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
    st.stop()
scores_note()
view = cd.collections_view(as_of)
lists = view["lists"]
tabs = st.tabs([t(f"collections.tab_{name}", lang, count=fmt.count(lists[name].height)) for name in LISTS])
for tab, name in zip(tabs, LISTS, strict=True):
    with tab:
        list_section(name, lists[name])
cure_section(view["cure_curve"])
