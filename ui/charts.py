"""Altair charts of the pages, built from monitor's frames; titles and number formats follow the language."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.i18n import t
from monitor.status import BUCKETS

# Green for current loans, darkening to red as arrears deepen.
BUCKET_COLORS = ("#4c9a6a", "#e6c84f", "#f0a04b", "#e07b39", "#d1553a", "#b23a3a", "#7f1d1d")
PANEL_WIDTH = 440
PANEL_HEIGHT = 300
HEADROOM = 1.12  # room above the tallest bar for its label


def money_expr(value: str, lang: str) -> str:
    """A Vega expression writing yuan readably: 万/亿 in Chinese, k/M/B in English."""
    if lang == "zh":
        return (f"{value} >= 1e8 ? '¥' + format({value} / 1e8, ',.2~f') + '亿'"
                f" : {value} >= 1e4 ? '¥' + format({value} / 1e4, ',.1~f') + '万'"
                f" : '¥' + format({value}, ',.0f')")
    return f"'¥' + replace(format({value}, '.3~s'), 'G', 'B')"


def _panel(frame: pl.DataFrame, field: str, title: str, label: str, lang: str) -> alt.LayerChart:
    """Bars of `field` by bucket in bucket order, each labelled with its value (`label`, a Vega
    expression over datum.<field>)."""
    axis_labels = label.replace(f"datum.{field}", "datum.value")
    base = alt.Chart(frame).encode(
        x=alt.X("bucket:N", sort=list(BUCKETS), title=t("chart.bucket", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(labelExpr=axis_labels),
                scale=alt.Scale(domainMax=float(frame[field].max() or 1) * HEADROOM)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("bucket:N", sort=list(BUCKETS), legend=None,
                        scale=alt.Scale(domain=list(BUCKETS), range=list(BUCKET_COLORS))),
        tooltip=[
            alt.Tooltip("bucket:N", title=t("chart.bucket", lang)),
            alt.Tooltip("loans:Q", title=t("chart.loans", lang), format=","),
            alt.Tooltip("loan_share:Q", title=t("chart.loan_share", lang), format=".1%"),
            alt.Tooltip("balance:Q", title=t("chart.balance_yuan", lang), format=",.2f"),
            alt.Tooltip("balance_share:Q", title=t("chart.balance_share", lang), format=".1%"),
        ],
    )
    text = base.mark_text(dy=-7).transform_calculate(value_label=label).encode(text="value_label:N")
    return (bars + text).properties(title=title, width=PANEL_WIDTH, height=PANEL_HEIGHT)


def bucket_chart(frame: pl.DataFrame, lang: str) -> alt.HConcatChart:
    """Active loans (count) and their principal balance by bucket M0..M6, side by side.

    `frame` is monitor.metrics.bucket_distribution's: bucket, loans, balance, loan_share, balance_share."""
    return alt.hconcat(
        _panel(frame, "loans", t("chart.loans", lang), "format(datum.loans, ',')", lang),
        _panel(frame, "balance", t("chart.balance", lang), money_expr("datum.balance", lang), lang),
    ).resolve_scale(y="independent")
