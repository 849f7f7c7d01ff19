"""The Compliance page's charts: violations per 1,000 contacts by rule and by agency (bars), by agency over the
last 12 months (lines), and complaints per 10,000 accounts in collection by category and by month. Each is drawn
from a few dozen aggregated rows."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.i18n import t

BAR_STEP = 30  # pixels a bar's row takes: every label shows, however few the rows
TREND_HEIGHT = 260
RATE_1000 = ",.1f"
COLOR = "#b5472f"  # the brick red of a breach


def rate_bars(frame: pl.DataFrame, category: str, value: str, lang: str, *, title: str, value_title: str,
              count: str) -> alt.Chart:
    """Horizontal bars of `value` per `category` (labels already in words), in the frame's order, the count
    `count` in the tooltip."""
    order = frame[category].to_list()
    return alt.Chart(frame).mark_bar(color=COLOR).encode(
        y=alt.Y(f"{category}:N", sort=order, title=title, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N", title=title),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=RATE_1000),
                 alt.Tooltip(f"{count}:Q", title=t(f"compliance.col_{count}", lang), format=",")],
    ).properties(height=alt.Step(BAR_STEP))


def agency_trend(frame: pl.DataFrame, lang: str) -> alt.Chart:
    """Violations per 1,000 contacts by month, one line per agency (`agency`: its label)."""
    title = t("compliance.violations_per_1000", lang)
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("month:T", title=t("compliance.month", lang), axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("violations_per_1000:Q", title=title),
        color=alt.Color("agency:N", title=t("compliance.col_agency", lang)),
        tooltip=[alt.Tooltip("month:T", title=t("compliance.month", lang), format="%Y-%m"),
                 alt.Tooltip("agency:N", title=t("compliance.col_agency", lang)),
                 alt.Tooltip("violations_per_1000:Q", title=title, format=RATE_1000),
                 alt.Tooltip("violations:Q", title=t("compliance.col_violations", lang), format=","),
                 alt.Tooltip("contacts:Q", title=t("compliance.col_contacts", lang), format=",")],
    ).properties(height=TREND_HEIGHT)


def complaint_trend(frame: pl.DataFrame, lang: str) -> alt.Chart:
    """Complaints per 10,000 accounts in collection by month."""
    title = t("compliance.complaints_per_10000", lang)
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(color=COLOR), color=COLOR).encode(
        x=alt.X("month:T", title=t("compliance.month", lang), axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("complaints_per_10000:Q", title=title),
        tooltip=[alt.Tooltip("month:T", title=t("compliance.month", lang), format="%Y-%m"),
                 alt.Tooltip("complaints_per_10000:Q", title=title, format=RATE_1000),
                 alt.Tooltip("complaints:Q", title=t("compliance.col_complaints", lang), format=","),
                 alt.Tooltip("accounts:Q", title=t("compliance.col_accounts", lang), format=",")],
    ).properties(height=TREND_HEIGHT)
