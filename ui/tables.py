"""Tables shown with localized headings and values, never raw table or column names."""

from __future__ import annotations

import polars as pl
import streamlit as st

from monitor.i18n import label, t


def _localize(kind: str, column: str, lang: str) -> pl.Expr:
    return pl.col(column).map_elements(lambda value: label(kind, value, lang), return_dtype=pl.String)


def table_summary(frame: pl.DataFrame, lang: str) -> None:
    """monitor.overview.table_summary's frame: one row per table with its size and date range."""
    shown = frame.with_columns(_localize("table", "table", lang), _localize("kind", "kind", lang),
                               _localize("col", "date_column", lang))
    st.dataframe(
        shown,
        hide_index=True,
        width="content",
        placeholder="—",
        column_config={
            "table": st.column_config.TextColumn(t("summary.table", lang)),
            "kind": st.column_config.TextColumn(t("summary.kind", lang)),
            "rows": st.column_config.NumberColumn(t("summary.rows", lang), format="localized"),
            "date_column": st.column_config.TextColumn(t("summary.date_column", lang)),
            "first_date": st.column_config.DateColumn(t("summary.first_date", lang), format="YYYY-MM-DD"),
            "last_date": st.column_config.DateColumn(t("summary.last_date", lang), format="YYYY-MM-DD"),
        },
    )
