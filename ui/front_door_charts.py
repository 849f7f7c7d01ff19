"""Altair charts of the front door (monitor.origination.front_door's frames) for the Executive summary and Model
monitoring pages; titles, axes, legends and month labels from the catalog in the page's language."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from monitor.db import LOAN_CHANNELS
from monitor.i18n import t
from ui import labels
from ui.charts import LINE_HEIGHT, VERDICT_COLORS, with_labels

APPLICATIONS_COLOR = "#3b6ea5"
TO_DATE_COLOR = "#9fb3c8"    # the month in progress: a bar that is still growing
RATE_COLOR = "#d1553a"
REFERENCE_SHADE = "#eef1f4"
CHANNEL_COLORS = ("#3b6ea5", "#4c9a6a", "#e6a23c", "#7d8b99", "#b23a3a", "#8e6bb8", "#c97b4a")
MONTH_LABEL_LIMIT = 200  # pixels: the month in progress, 2026-12 (MTD), is never cut
# The channels' legend below the chart, one a row: at its right, or in two columns, it left the lines no room in a
# narrow column (800 px). Streamlit fits the whole chart, legend included, into its height: the legend's rows are added.
LEGEND_COLUMNS = 1
LEGEND_ROW = 30    # pixels a legend row takes,
LEGEND_TITLE = 28  # and its title
TREND_MONTHS = 13  # the executive summary's trend, as its other trends
PSI_AXIS_TOP = 0.3  # the PSI axis reaches past the act line at least, so the bands are always in sight,
PSI_AXIS_MAX = 1.0  # ... and no further than this: a PSI above it (far into "act") fills the height, its tooltip exact


def month_label(month: dt.date, to_date: bool, lang: str) -> str:
    """2026-11, or for the month in progress 2026-12（至今） / 2026-12 (MTD)."""
    text = month.strftime("%Y-%m")
    return t("front_door.chart.month_to_date", lang, month=text) if to_date else text


def _with_month_labels(frame: pl.DataFrame, lang: str) -> tuple[pl.DataFrame, list[str]]:
    """`frame` with month_label (text, so no browser time zone moves it), and the labels in month order."""
    months = frame.select("month", "month_to_date").unique().sort("month")
    names = {m: month_label(m, to_date, lang) for m, to_date in months.iter_rows()}
    labelled = frame.with_columns(pl.col("month").replace_strict(names, return_dtype=pl.String).alias("month_label"))
    return labelled, [names[m] for m in months["month"]]


def _month_x(order: list[str], lang: str) -> alt.X:
    return alt.X("month_label:O", title=t("front_door.chart.month", lang), sort=order,
                 axis=alt.Axis(labelAngle=-45, labelLimit=MONTH_LABEL_LIMIT))


def trend_chart(months: pl.DataFrame, lang: str) -> alt.LayerChart:
    """Applications by month as bars (the month in progress paler) and the approval rate as a line on its own axis
    at the right, over the last TREND_MONTHS months (FrontDoor.months)."""
    frame, order = _with_month_labels(months.tail(TREND_MONTHS), lang)
    month = t("front_door.chart.month", lang)
    tooltip = [alt.Tooltip("month_label:O", title=month),
               alt.Tooltip("applications:Q", title=t("front_door.chart.applications", lang), format=","),
               alt.Tooltip("approved:Q", title=t("front_door.chart.approved", lang), format=","),
               alt.Tooltip("declined:Q", title=t("front_door.chart.declined", lang), format=","),
               alt.Tooltip("approval_rate:Q", title=t("front_door.chart.approval_rate", lang), format=".2%"),
               alt.Tooltip("overrides:Q", title=t("front_door.chart.overrides", lang), format=","),
               alt.Tooltip("mean_score:Q", title=t("front_door.chart.mean_score", lang), format=".1f")]
    base = alt.Chart(frame).encode(x=_month_x(order, lang), tooltip=tooltip)
    bars = base.mark_bar().encode(
        y=alt.Y("applications:Q", title=t("front_door.chart.applications", lang),
                axis=alt.Axis(format=",d", tickCount=4, titleColor=APPLICATIONS_COLOR)),
        color=alt.condition(alt.datum.month_to_date, alt.value(TO_DATE_COLOR), alt.value(APPLICATIONS_COLOR)))
    line = base.mark_line(color=RATE_COLOR, point=alt.OverlayMarkDef(color=RATE_COLOR, size=22)).encode(
        y=alt.Y("approval_rate:Q", title=t("front_door.chart.approval_rate", lang), scale=alt.Scale(zero=False),
                axis=alt.Axis(format=".0%", orient="right", titleColor=RATE_COLOR)))
    return (bars + line).resolve_scale(y="independent").properties(height=LINE_HEIGHT)


def psi_chart(months: pl.DataFrame, lang: str) -> alt.LayerChart:
    """The application score's PSI by month, each bar in its band's color (stable green, watch amber, act red, as
    the lines that name them), over the reference months shaded, with the watch (0.1) and act (0.25) lines
    (FrontDoor.months, the months with a PSI). The axis ends at PSI_AXIS_MAX at most, so that one month far into
    "act" does not flatten the others against the bands."""
    # the bands' lines: from the scoring package, which brings scikit-learn, so imported here, where the page shows a
    # PSI (the model page, which reads the package anyway), not on the Executive summary's trend
    from monitor.scoring.validation import ACT_ABOVE, STABLE_BELOW

    bands = {v: t(f"verdict.{v}", lang) for v in VERDICT_COLORS}
    measured = with_labels(months.filter(pl.col("psi").is_not_null()), "verdict", bands)
    frame, order = _with_month_labels(measured, lang)
    yes, no = t("front_door.chart.yes", lang), t("front_door.chart.no", lang)
    top = min(max(PSI_AXIS_TOP, float(frame["psi"].max() or 0) * 1.1), PSI_AXIS_MAX)
    frame = frame.with_columns(reference=pl.when("in_reference").then(pl.lit(yes)).otherwise(pl.lit(no)),
                               top=pl.lit(top))
    x, scale = _month_x(order, lang), alt.Scale(domain=[0, top], nice=False)
    y = alt.Y("psi:Q", title=t("front_door.chart.psi", lang), scale=scale)
    shade = alt.Chart(frame).transform_filter(alt.datum.in_reference).mark_bar(
        color=REFERENCE_SHADE, opacity=1, width={"band": 1}).encode(x=x, y=alt.Y("top:Q", scale=scale))
    bars = alt.Chart(frame).mark_bar(width={"band": 0.6}, clip=True).encode(
        x=x, y=y,
        color=alt.Color("verdict_label:N", title=t("front_door.chart.band", lang), sort=list(bands.values()),
                        scale=alt.Scale(domain=list(bands.values()), range=list(VERDICT_COLORS.values())),
                        legend=None),  # the lines name the bands (a legend was cut in a narrow column)
        tooltip=[alt.Tooltip("month_label:O", title=t("front_door.chart.month", lang)),
                 alt.Tooltip("psi:Q", title=t("front_door.chart.psi", lang), format=".3f"),
                 alt.Tooltip("verdict_label:N", title=t("front_door.chart.band", lang)),
                 alt.Tooltip("applications:Q", title=t("front_door.chart.applications", lang), format=","),
                 alt.Tooltip("mean_score:Q", title=t("front_door.chart.mean_score", lang), format=".1f"),
                 alt.Tooltip("reference:N", title=t("front_door.chart.in_reference", lang))])
    lines = pl.DataFrame({"level": [STABLE_BELOW, ACT_ABOVE],
                          "name": [t("front_door.chart.watch_line", lang), t("front_door.chart.act_line", lang)],
                          "color": [VERDICT_COLORS["watch"], VERDICT_COLORS["act"]]})
    rules = alt.Chart(lines).mark_rule(strokeDash=[5, 4]).encode(
        y=alt.Y("level:Q", scale=scale), color=alt.Color("color:N", scale=None))
    names = alt.Chart(lines).mark_text(align="right", dx=-2, dy=-6, fontSize=11).encode(
        x=alt.value("width"), y=alt.Y("level:Q", scale=scale), text="name:N",
        color=alt.Color("color:N", scale=None))
    return (shade + bars + rules + names).properties(height=LINE_HEIGHT)


def channel_chart(channels: pl.DataFrame, lang: str) -> alt.Chart:
    """Approval rate by channel and month, one line a channel (FrontDoor.channels); the book's own channels in the
    catalog's order, any other after them."""
    present = channels["channel"].unique().to_list()
    ordered = [c for c in LOAN_CHANNELS if c in present] + sorted(c for c in present if c not in LOAN_CHANNELS)
    names = {c: labels.segment_value("channel", c, lang) for c in ordered}
    frame, order = _with_month_labels(with_labels(channels, "channel", names), lang)
    shown = [names[c] for c in ordered]
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        x=_month_x(order, lang),
        y=alt.Y("approval_rate:Q", title=t("front_door.chart.approval_rate", lang), scale=alt.Scale(zero=False),
                axis=alt.Axis(format=".0%")),
        color=alt.Color("channel_label:N", title=t("front_door.chart.channel", lang), sort=shown,
                        scale=alt.Scale(domain=shown, range=list(CHANNEL_COLORS[:len(shown)])),
                        legend=alt.Legend(orient="bottom", columns=LEGEND_COLUMNS)),
        tooltip=[alt.Tooltip("month_label:O", title=t("front_door.chart.month", lang)),
                 alt.Tooltip("channel_label:N", title=t("front_door.chart.channel", lang)),
                 alt.Tooltip("approval_rate:Q", title=t("front_door.chart.approval_rate", lang), format=".2%"),
                 alt.Tooltip("applications:Q", title=t("front_door.chart.applications", lang), format=","),
                 alt.Tooltip("approved:Q", title=t("front_door.chart.approved", lang), format=",")],
    ).properties(height=LINE_HEIGHT + LEGEND_TITLE + LEGEND_ROW * len(shown))
