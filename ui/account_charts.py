"""Altair charts of the Account view (one loan), built from monitor.account's frames, in the page's language.

Days reach the browser as ISO date strings on a UTC time scale: a date-only string is read as UTC midnight,
so no browser time zone moves a payment to the day before."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from monitor.i18n import CATALOG, t
from monitor.status import BUCKET_RANGES, BUCKETS
from ui import format as fmt
from ui.charts import BUCKET_COLORS, money_expr

DUE_COLOR = "#1f2933"   # the schedule: dark dashes
PAID_COLOR = "#3b6ea5"  # the payments: blue bars (as the auto-debit channel elsewhere)
LINE_COLOR = "#1f2933"
AS_OF_COLOR = "#b23a3a"
TIER_COLORS = ("#4c9a6a", "#a3c06b", "#e6c84f", "#e07b39", "#b23a3a")  # A (lowest PD) .. E
TIERS = ("A", "B", "C", "D", "E")
BAND_OPACITY = 0.16
CHART_HEIGHT = 300  # the whole chart, axes and legend included, as Streamlit fits it
MAX_SCORE_TICKS = 8  # score days labelled one by one up to this many


def value_label(kind: str, value, lang: str) -> str:
    """The catalog label of a stored value (kind.value); the value as it is when the catalog has none (a tier,
    treatment or reason the scoring texts do not name yet); fmt.NONE for a missing value."""
    if value is None:
        return fmt.NONE
    key = f"{kind}.{value}"
    return t(key, lang) if key in CATALOG else str(value)


def _iso(frame: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    return frame.with_columns(pl.col(column).dt.strftime("%Y-%m-%d").alias(name))


def _day_x(field: str, lang: str) -> alt.X:
    """A day axis labelled by month (2026-05), with room at both ends for the marks on the first and last day."""
    return alt.X(f"{field}:T", title=t("chart.day", lang), scale=alt.Scale(type="utc", padding=12),
                 axis=alt.Axis(format="%Y-%m", labelAngle=0, tickCount="month", grid=False))


def timeline_chart(schedule: pl.DataFrame, payments: pl.DataFrame, as_of: dt.date | None,
                   lang: str) -> alt.LayerChart:
    """The schedule against the payments: each installment's amount due as a dash on its due date, each
    payment as a bar on the day it was made (stacked when a day has several), and a dashed rule at as_of
    (none when as_of is None).

    `schedule` and `payments` are monitor.account.schedule's and payments' frames."""
    due_label, paid_label = t("account.due_series", lang), t("account.paid_series", lang)
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=[due_label, paid_label],
                                                              range=[DUE_COLOR, PAID_COLOR]),
                      legend=alt.Legend(orient="top", symbolType="square"))
    amount_y = alt.Y("amount:Q", title=t("chart.amount_yuan", lang),
                     axis=alt.Axis(labelExpr=money_expr("datum.value", lang)))
    due = _iso(schedule, "due_date", "day").select(
        "day", "installment_no", pl.col("amount_due").alias("amount"),
        pl.col("state").map_elements(lambda s: t(f"account.installment_{s}", lang), return_dtype=pl.String)
        .alias("state_label"),
        pl.lit(due_label).alias("series"))
    paid = _iso(payments, "paid_on", "day").select(
        "day", "amount",
        pl.col("channel").map_elements(lambda c: value_label("payment_channel", c, lang), return_dtype=pl.String)
        .alias("channel_label"),
        pl.lit(paid_label).alias("series"))
    day_tip = alt.Tooltip("day:N", title=t("chart.day", lang))
    amount_tip = alt.Tooltip("amount:Q", title=t("chart.amount_yuan", lang), format=",.2f")
    bars = alt.Chart(paid).mark_bar(size=6).encode(
        x=_day_x("day", lang), y=amount_y, color=color,
        tooltip=[day_tip, alt.Tooltip("series:N", title=t("account.paid_series", lang)), amount_tip,
                 alt.Tooltip("channel_label:N", title=t("chart.payment_channel", lang))])
    dashes = alt.Chart(due).mark_tick(thickness=3, size=16, orient="horizontal").encode(
        x=_day_x("day", lang), y=amount_y, color=color,
        tooltip=[day_tip, alt.Tooltip("installment_no:Q", title=t("account.installment_no", lang)), amount_tip,
                 alt.Tooltip("state_label:N", title=t("account.state", lang))])
    layers = [bars, dashes]
    if as_of is not None:
        layers.append(alt.Chart(pl.DataFrame({"day": [as_of.isoformat()]})).mark_rule(
            color=AS_OF_COLOR, strokeDash=[5, 4]).encode(
            x=_day_x("day", lang), tooltip=[alt.Tooltip("day:N", title=t("account.as_of_rule", lang))]))
    return alt.layer(*layers).properties(height=CHART_HEIGHT)


def _bands(top_dpd: int) -> pl.DataFrame:
    """The buckets M1.. up to the one holding `top_dpd` (at least M1), as DPD bands low..high."""
    shown = [b for b in BUCKETS[1:] if BUCKET_RANGES[b][0] <= max(top_dpd, 1)]
    return pl.DataFrame({
        "bucket": shown,
        "low": [BUCKET_RANGES[b][0] - 1 for b in shown],
        "high": [BUCKET_RANGES[b][1] for b in shown],
    }).with_columns(middle=(pl.col("low") + pl.col("high")) / 2)


def dpd_history_chart(history: pl.DataFrame, lang: str) -> alt.LayerChart:
    """The loan's DPD at the end of each day, over colored bands of the buckets it reached (M1 = 1-30, ...).

    `history` is monitor.account.dpd_history's frame (day, dpd, bucket, principal_balance, overdue_amount)."""
    frame = _iso(history, "day", "day_label")
    bands = _bands(int(history["dpd"].max() or 0))
    # one y axis for the three layers (layers merge their axes: each says the same), ticked at the bucket bounds
    y_scale = alt.Scale(domain=[0, int(bands["high"].max())], nice=False)
    y_axis = alt.Axis(values=[0, *bands["high"].to_list()], labelOverlap=False)
    title = t("col.dpd", lang)
    band_colors = alt.Scale(domain=list(BUCKETS[1:]), range=list(BUCKET_COLORS[1:]))
    rects = alt.Chart(bands).mark_rect(opacity=BAND_OPACITY).encode(
        y=alt.Y("low:Q", scale=y_scale, axis=y_axis, title=title), y2="high:Q",
        color=alt.Color("bucket:N", scale=band_colors, legend=None))
    # bucket names at the left, where a loan is young and its DPD low (the line rises to the right)
    names = alt.Chart(bands).mark_text(align="left", dx=6, fontSize=11, color="#52606d").encode(
        x=alt.value(0), y=alt.Y("middle:Q", scale=y_scale, axis=y_axis, title=title), text="bucket:N")
    line = alt.Chart(frame).mark_line(color=LINE_COLOR, strokeWidth=2).encode(
        x=_day_x("day_label", lang),
        y=alt.Y("dpd:Q", scale=y_scale, axis=y_axis, title=title),
        tooltip=[alt.Tooltip("day_label:N", title=t("chart.day", lang)),
                 alt.Tooltip("dpd:Q", title=t("col.dpd", lang)),
                 alt.Tooltip("bucket:N", title=t("col.bucket", lang)),
                 alt.Tooltip("principal_balance:Q", title=t("chart.balance_yuan", lang), format=",.2f"),
                 alt.Tooltip("overdue_amount:Q", title=t("account.overdue_yuan", lang), format=",.2f")])
    return (rects + names + line).properties(height=CHART_HEIGHT)


def score_chart(scores: pl.DataFrame, lang: str) -> alt.LayerChart:
    """PD on each day the loan was scored: a line, and a point per score colored by risk tier.

    `scores` is monitor.account.score_history's frame."""
    tier_labels = [value_label("tier", tier, lang) for tier in TIERS]
    frame = _iso(scores, "as_of", "day").with_columns(
        pl.col("tier").map_elements(lambda v: value_label("tier", v, lang), return_dtype=pl.String)
        .alias("tier_label"),
        pl.col("treatment").map_elements(lambda v: value_label("treatment", v, lang), return_dtype=pl.String)
        .alias("treatment_label"))
    # a tick on each day scored (month-ends, mostly), written in full: a month label would put a score of 07-31
    # under "2026-08"
    days = scores["as_of"].to_list()
    ticks = [alt.DateTime(year=d.year, month=d.month, date=d.day, utc=True) for d in days] \
        if len(days) <= MAX_SCORE_TICKS else alt.Undefined
    base = alt.Chart(frame).encode(
        x=alt.X("day:T", title=t("account.score_day", lang), scale=alt.Scale(type="utc", padding=16),
                axis=alt.Axis(format="%Y-%m-%d", values=ticks, labelAngle=0, grid=False)),
        y=alt.Y("pd:Q", title=t("account.pd", lang), axis=alt.Axis(format=".0%")))
    line = base.mark_line(color="#7d8b99")
    points = base.mark_point(filled=True, size=70).encode(
        color=alt.Color("tier_label:N", title=t("account.tier", lang),
                        scale=alt.Scale(domain=tier_labels, range=list(TIER_COLORS))),
        tooltip=[alt.Tooltip("day:N", title=t("account.score_day", lang)),
                 alt.Tooltip("pd:Q", title=t("account.pd", lang), format=fmt.PD_D3),
                 alt.Tooltip("points:Q", title=t("account.points", lang), format=",.0f"),
                 alt.Tooltip("tier_label:N", title=t("account.tier", lang)),
                 alt.Tooltip("treatment_label:N", title=t("account.treatment", lang))])
    return (line + points).properties(height=CHART_HEIGHT - 40)
