"""Tables shown with localized headings and values, never raw table or column names."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from monitor.i18n import CATALOG, label, t
from ui import format as fmt
from ui import labels, loan_list


def _localize(kind: str, column: str, lang: str) -> pl.Expr:
    """The catalog label of each value; a code the catalog does not know (a channel loaded into the book) as it is."""
    return pl.col(column).map_elements(lambda value: label(kind, value, lang) if f"{kind}.{value}" in CATALOG
                                       else value, return_dtype=pl.String)


TABLE_NAME_WIDTH = 215  # pixels: the longest table name, "Credit policy (score cut-offs)" / 授信策略（审批分数线）
ROW_COUNT_WIDTH = 110  # pixels: a count of tens of millions, "20,544,374"


def table_summary(frame: pl.DataFrame, lang: str) -> None:
    """monitor.overview.table_summary's frame: one row per table with its size and date range."""
    shown = frame.with_columns(_localize("table", "table", lang), _localize("kind", "kind", lang),
                               _localize("col", "date_column", lang))
    st.dataframe(
        shown,
        hide_index=True,
        width="content",
        height="content",  # every table, without a scroll bar
        placeholder="—",
        column_config={
            # widths set, not measured: the grid measures Chinese names and 8-digit counts short and cuts them
            "table": st.column_config.TextColumn(t("summary.table", lang), width=TABLE_NAME_WIDTH),
            "kind": st.column_config.TextColumn(t("summary.kind", lang)),
            "rows": st.column_config.NumberColumn(t("summary.rows", lang), format="localized", width=ROW_COUNT_WIDTH),
            "date_column": st.column_config.TextColumn(t("summary.date_column", lang)),
            "first_date": st.column_config.DateColumn(t("summary.first_date", lang), format="YYYY-MM-DD"),
            "last_date": st.column_config.DateColumn(t("summary.last_date", lang), format="YYYY-MM-DD"),
        },
    )


MONEY = "¥%,.2f"  # yuan with 2 decimals, as every page shows money in tables
DELINQUENT_KEY = "delinquency.loans_table"  # the delinquent loans' table: a stable key keeps a click
LIST_HEIGHT = 420  # pixels: the most a list of loans or events takes before it scrolls
_LOAN_NUMBERS = {"dpd": "%d", "principal_balance": MONEY, "overdue_amount": MONEY}


def list_height(rows: int) -> int:
    """Pixels for a list of `rows` rows (a header and rows of 35 px), up to LIST_HEIGHT: no empty space below."""
    return min(LIST_HEIGHT, 38 + 35 * max(rows, 1))


def whole_height(rows: int) -> int:
    """Pixels for a short table with every one of its `rows` rows shown (a header and rows of 35 px), however many."""
    return 38 + 35 * max(rows, 1)


def loan_columns(lang: str, *names: str) -> dict:
    """The column_config of the loan columns the lists share (loan_id, customer, product, channel, province, dpd,
    bucket, principal_balance, overdue_amount), headed by their catalog col.<name>, in the order given."""
    return {name: st.column_config.NumberColumn(t(f"col.{name}", lang), format=_LOAN_NUMBERS[name])
            if name in _LOAN_NUMBERS else st.column_config.TextColumn(t(f"col.{name}", lang)) for name in names}


def segment_movers(frame: pl.DataFrame, segment: str, lang: str) -> None:
    """monitor.metrics.segment_movers' frame (value, loans, balance, rate, rate_before, change,
    balance_share), in its order (largest movers first), with localized values and headings."""
    shown = frame.select(
        pl.col("value").map_elements(lambda value: labels.segment_value(segment, value, lang), return_dtype=pl.String),
        "loans", "balance", "rate", "rate_before",
        pl.col("change") * 100,  # shown in percentage points
        "balance_share",
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder=fmt.NONE,
        column_config={
            "value": st.column_config.TextColumn(t("movers.value", lang)),
            "loans": st.column_config.NumberColumn(t("movers.loans", lang), format="localized"),
            "balance": st.column_config.NumberColumn(t("movers.balance", lang), format=MONEY),
            "rate": st.column_config.NumberColumn(t("movers.rate", lang), format="percent"),
            "rate_before": st.column_config.NumberColumn(t("movers.rate_before", lang), format="percent"),
            "change": st.column_config.NumberColumn(t("movers.change", lang), format="%+.2f"),
            "balance_share": st.column_config.NumberColumn(t("movers.balance_share", lang), format="percent"),
        },
    )


def delinquent_loans(frame: pl.DataFrame, lang: str, as_of: dt.date) -> None:
    """monitor.metrics.delinquent_loans' frame: one row per loan, worst first; names and phones masked. A click on
    a row opens the loan's account view (ui.loan_list)."""
    shown = frame.drop("delinquent_total").with_columns(
        pl.col("loan_id").cast(pl.String),
        _localize("product", "product", lang),
        _localize("loan_channel", "channel", lang),
        pl.col("province").map_elements(lambda value: labels.segment_value("province", value, lang),
                                        return_dtype=pl.String),
    )
    loan_list.table(
        shown, frame["loan_id"], DELINQUENT_KEY, lang, as_of,
        hide_index=True,
        width="stretch",
        height=list_height(shown.height),
        placeholder=fmt.NONE,
        column_config=loan_columns(lang, "loan_id", "customer", "phone", "product", "channel", "province", "dpd",
                                   "bucket", "principal_balance", "overdue_amount"),
    )
