"""Altair charts of the pages, built from monitor's frames; titles and number formats follow the language."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.db import PAYMENT_CHANNELS
from monitor.i18n import label, t
from monitor.metrics import FLOW_STEPS, ROLL_TO_STATES
from monitor.status import BUCKETS
from ui import labels

# Green for current loans, darkening to red as arrears deepen.
BUCKET_COLORS = ("#4c9a6a", "#e6c84f", "#f0a04b", "#e07b39", "#d1553a", "#b23a3a", "#7f1d1d")
PANEL_HEIGHT = 300
HEADROOM = 1.45  # room beside the longest bar for its label ("¥825.1万" in a column of 250 px)


def money_expr(value: str, lang: str) -> str:
    """A Vega expression writing yuan readably: 万/亿 in Chinese, k/M/B in English."""
    if lang == "zh":
        return (f"{value} >= 1e8 ? '¥' + format({value} / 1e8, ',.2~f') + '亿'"
                f" : {value} >= 1e4 ? '¥' + format({value} / 1e4, ',.1~f') + '万'"
                f" : '¥' + format({value}, ',.0f')")
    return f"'¥' + replace(format({value}, '.3~s'), 'G', 'B')"


def _panel(frame: pl.DataFrame, field: str, title: str, label: str, lang: str) -> alt.LayerChart:
    """Bars of `field` by bucket, M0 at the top, each labelled with its value (`label`, a Vega expression over
    datum.<field>) at its end. Lying bars: a bucket's name and value each have a row of their own, so that none is
    dropped or written over another however narrow the column (upright bars at 800 px lost M1, M3 and M5)."""
    axis_labels = label.replace(f"datum.{field}", "datum.value")
    base = alt.Chart(frame).encode(
        y=alt.Y("bucket:N", sort=list(BUCKETS), title=t("chart.bucket", lang)),
        x=alt.X(f"{field}:Q", title=title, axis=alt.Axis(labelExpr=axis_labels, tickMinStep=1, tickCount=4),
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
    text = base.mark_text(align="left", dx=3).transform_calculate(value_label=label).encode(text="value_label:N")
    return (bars + text).properties(title=title, height=PANEL_HEIGHT)


def bucket_charts(frame: pl.DataFrame, lang: str) -> tuple[alt.LayerChart, alt.LayerChart]:
    """Active loans (count) and their principal balance by bucket M0..M6: two charts for two columns, each as
    wide as its column (a concatenated chart has a fixed width, and a narrow page cut its last buckets off).

    `frame` is monitor.metrics.bucket_distribution's: bucket, loans, balance, loan_share, balance_share."""
    return (_panel(frame, "loans", t("chart.loans", lang), "format(datum.loans, ',')", lang),
            _panel(frame, "balance", t("chart.balance", lang), money_expr("datum.balance", lang), lang))


# ------------------------------------------------------------------------------ delinquency and executive pages

LINE_HEIGHT = 260
SMALL_HEIGHT = 210
MUTED = "#c3c8ce"      # cohorts that are not highlighted
HIGHLIGHT = "#d1553a"  # the highlighted cohort
THRESHOLD_COLORS = {"1+": "#e6c84f", "30+": "#e07b39", "60+": "#b23a3a", "90+": "#7f1d1d"}
BASES = ("coincident", "lag3", "lag6")
BASIS_DASHES = ([1, 0], [6, 3], [2, 3])  # solid, dashed, dotted
PAYMENT_CHANNEL_COLORS = ("#3b6ea5", "#6fa8dc", "#e6a23c", "#b23a3a", "#7d8b99")
# The stability bands of a PSI or CSI (DESIGN.md §5), on the Model monitoring page: the early-warning model's and the
# application score's (ui.front_door_charts)
VERDICT_COLORS = {"stable": "#2e7d4f", "watch": "#b7791f", "act": "#b23a3a"}


def with_labels(frame: pl.DataFrame, column: str, labels: dict[str, str], name: str | None = None) -> pl.DataFrame:
    """Add the display label of each value of `column` (a code) as `<column>_label`."""
    return frame.with_columns(pl.col(column).replace_strict(labels, default=pl.col(column), return_dtype=pl.String)
                              .alias(name or f"{column}_label"))


def with_month_label(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """A date column written as its month, 2026-10: the axis of month-end and monthly series (as text, so
    that no browser time zone moves it)."""
    return frame.with_columns(pl.col(column).dt.strftime("%Y-%m").alias("month_label"))


def _pct_y(field: str, title: str, fmt: str = ".0%", **kwargs) -> alt.Y:
    return alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=fmt), **kwargs)


def dpd_trend_chart(series: pl.DataFrame, measure: str, lang: str, thresholds: tuple[str, ...] = ("30+", "90+"),
                    lagged: bool = True) -> alt.Chart:
    """DPD x+ rates at month-ends: one color per threshold; coincident solid, lagged 3 and 6 months dashed.

    `series` is monitor.metrics.dpd_rate_series's (long: month_end, threshold, measure, coincident, lag3,
    lag6); `measure` picks count or balance."""
    bases = BASES if lagged else BASES[:1]
    frame = (series.filter((pl.col("measure") == measure) & pl.col("threshold").is_in(list(thresholds)))
             .unpivot(index=["month_end", "threshold"], on=list(bases), variable_name="basis", value_name="rate"))
    threshold_labels = {x: labels.threshold(x, lang) for x in thresholds}
    basis_labels = {b: t(f"basis.{b}", lang) for b in bases}
    frame = with_labels(with_labels(frame, "threshold", threshold_labels), "basis", basis_labels)
    frame = with_month_label(frame, "month_end")
    encoding = {
        "x": alt.X("month_label:O", title=t("chart.month_end", lang), axis=alt.Axis(labelAngle=-45)),
        "y": _pct_y("rate", t("chart.rate", lang), ".1%"),
        "color": alt.Color("threshold_label:N", title=t("chart.threshold", lang),
                           sort=list(threshold_labels.values()),
                           scale=alt.Scale(domain=list(threshold_labels.values()),
                                           range=[THRESHOLD_COLORS[x] for x in thresholds])),
        "detail": "basis:N",
        "tooltip": [alt.Tooltip("month_label:O", title=t("chart.month_end", lang)),
                    alt.Tooltip("threshold_label:N", title=t("chart.threshold", lang)),
                    alt.Tooltip("basis_label:N", title=t("chart.basis", lang)),
                    alt.Tooltip("rate:Q", title=t("chart.rate", lang), format=".2%")],
    }
    if lagged:
        encoding["strokeDash"] = alt.StrokeDash(
            "basis_label:N", title=t("chart.basis", lang), sort=list(basis_labels.values()),
            scale=alt.Scale(domain=list(basis_labels.values()), range=list(BASIS_DASHES)),
            legend=alt.Legend(symbolType="stroke", symbolStrokeColor="#555555", symbolStrokeWidth=2))
    # points on the lines would hide the dashes in the legend: only the coincident-only chart has them
    line = alt.Chart(frame).mark_line() if lagged else alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=18))
    return line.encode(**encoding).properties(height=LINE_HEIGHT)


def roll_heatmap(rolls: pl.DataFrame, measure: str, lang: str) -> alt.LayerChart:
    """The roll-rate matrix of one pair of month-ends: from bucket (rows, M0..M6) x to state (columns, M0..M6
    then paid off, charged off, restructured, settled), the rate written in each cell.

    `rolls` is the latest pair of monitor.metrics.roll_rate_series (from_bucket, to_state, loans, balance,
    count_rate, balance_rate)."""
    state_labels = {s: labels.state(s, lang) for s in ROLL_TO_STATES}
    frame = with_labels(rolls, "to_state", state_labels).rename({f"{measure}_rate": "rate"})
    base = alt.Chart(frame).encode(
        x=alt.X("to_state_label:N", sort=list(state_labels.values()), title=t("chart.to_state", lang),
                scale=alt.Scale(domain=list(state_labels.values())),
                # slanted, so that every state is named in a narrow column too (level labels of 40 px cells collide)
                axis=alt.Axis(labelAngle=-35, labelAlign="left", labelOverlap=False, orient="top")),
        y=alt.Y("from_bucket:N", sort=list(BUCKETS), title=t("chart.from_bucket", lang),
                scale=alt.Scale(domain=list(BUCKETS))),
        tooltip=[alt.Tooltip("from_bucket:N", title=t("chart.from_bucket", lang)),
                 alt.Tooltip("to_state_label:N", title=t("chart.to_state", lang)),
                 alt.Tooltip("rate:Q", title=t("chart.roll_rate", lang), format=".1%"),
                 alt.Tooltip("loans:Q", title=t("chart.loans", lang), format=","),
                 alt.Tooltip("balance:Q", title=t("chart.balance_yuan", lang), format=",.2f")],
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("rate:Q", title=t("chart.roll_rate", lang), legend=alt.Legend(format=".0%", gradientLength=150),
                        scale=alt.Scale(scheme="orangered", domain=[0, 1])))
    text = base.mark_text(fontSize=10).encode(  # "38.3%" fits a cell of 40 px, an 800 px window's
        text=alt.Text("rate:Q", format=".1%"),
        color=alt.condition(alt.datum.rate > 0.55, alt.value("white"), alt.value("#1f2933")))
    return (cells + text).properties(height=7 * 36)


def cure_chart(cures: pl.DataFrame, measure: str, lang: str) -> alt.Chart:
    """Cure rate (back to M0) of each delinquent bucket M1..M6 at each month-end (monitor.metrics.cure_rates)."""
    frame = with_month_label(cures, "to_month_end").rename({f"{measure}_rate": "rate"})
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        x=alt.X("month_label:O", title=t("chart.month_end", lang), axis=alt.Axis(labelAngle=-45)),
        y=_pct_y("rate", t("chart.cure_rate", lang)),
        color=alt.Color("from_bucket:N", title=t("chart.from_bucket", lang), sort=list(BUCKETS[1:]),
                        scale=alt.Scale(domain=list(BUCKETS[1:]), range=list(BUCKET_COLORS[1:]))),
        tooltip=[alt.Tooltip("month_label:O", title=t("chart.month_end", lang)),
                 alt.Tooltip("from_bucket:N", title=t("chart.from_bucket", lang)),
                 alt.Tooltip("rate:Q", title=t("chart.cure_rate", lang), format=".1%")],
    ).properties(height=LINE_HEIGHT)


def flow_chart(flows: pl.DataFrame, lang: str) -> alt.Chart:
    """Flow rates (迁徙率) by month-end, one line per step M0→M1 ... M6→charge-off
    (monitor.metrics.flow_rate_series: month_end, step, rate, numerator, denominator)."""
    step_labels = {s: labels.flow_step(s, lang) for s in FLOW_STEPS}
    frame = with_month_label(with_labels(flows, "step", step_labels), "month_end")
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        x=alt.X("month_label:O", title=t("chart.month_end", lang), axis=alt.Axis(labelAngle=-45)),
        y=_pct_y("rate", t("chart.flow_rate", lang)),
        color=alt.Color("step_label:N", title=t("chart.flow_step", lang), sort=list(step_labels.values()),
                        scale=alt.Scale(domain=list(step_labels.values()), range=list(BUCKET_COLORS))),
        tooltip=[alt.Tooltip("month_label:O", title=t("chart.month_end", lang)),
                 alt.Tooltip("step_label:N", title=t("chart.flow_step", lang)),
                 alt.Tooltip("rate:Q", title=t("chart.flow_rate", lang), format=".1%"),
                 alt.Tooltip("numerator:Q", title=t("chart.balance_yuan", lang), format=",.2f")],
    ).properties(height=LINE_HEIGHT)


def vintage_chart(vintages: pl.DataFrame, threshold: int, measure: str, cohort: str | None,
                  lang: str) -> alt.LayerChart:
    """Ever-30+ (or 90+) rate by months on book, one line per cohort: the `cohort` thick and colored on top,
    the others thin and grey (monitor.metrics.vintages: cohort, mob, loans, ever_<x>_<measure>)."""
    field = f"ever_{threshold}_{measure}"
    title = t(f"delinquency.ever_{threshold}", lang)
    frame = vintages.select("cohort", "mob", "loans", pl.col(field).alias("rate"))
    base = alt.Chart(frame).encode(
        x=alt.X("mob:Q", title=t("chart.mob", lang), axis=alt.Axis(tickMinStep=1, format="d")),
        y=_pct_y("rate", title),
        detail="cohort:N",
        tooltip=[alt.Tooltip("cohort:N", title=t("chart.cohort", lang)),
                 alt.Tooltip("mob:Q", title=t("chart.mob", lang)),
                 alt.Tooltip("rate:Q", title=title, format=".2%"),
                 alt.Tooltip("loans:Q", title=t("chart.cohort_loans", lang), format=",")],
    )
    others = base.transform_filter(alt.datum.cohort != cohort).mark_line(color=MUTED, strokeWidth=1)
    chosen = base.transform_filter(alt.datum.cohort == cohort).mark_line(
        color=HIGHLIGHT, strokeWidth=3.5, point=alt.OverlayMarkDef(color=HIGHLIGHT, size=30))
    return (others + chosen).properties(height=LINE_HEIGHT + 40)


def fpd_chart(fpd: pl.DataFrame, lang: str) -> alt.Chart:
    """FPD30 by origination cohort (monitor.metrics.payment_default_by_cohort: cohort, eligible, defaulted, rate)."""
    return alt.Chart(fpd).mark_bar(color="#e07b39").encode(
        x=alt.X("cohort:O", title=t("chart.cohort", lang), sort="ascending", axis=alt.Axis(labelAngle=-45)),
        y=_pct_y("rate", t("chart.fpd_rate", lang), ".1%"),
        tooltip=[alt.Tooltip("cohort:O", title=t("chart.cohort", lang)),
                 alt.Tooltip("rate:Q", title=t("chart.fpd_rate", lang), format=".2%"),
                 alt.Tooltip("eligible:Q", title=t("chart.eligible", lang), format=","),
                 alt.Tooltip("defaulted:Q", title=t("chart.defaulted", lang), format=",")],
    ).properties(height=LINE_HEIGHT)


def entry_chart(entry: pl.DataFrame, lang: str) -> alt.Chart:
    """The daily collection entry rate (入催率) (monitor.metrics.collection_entry_series: day, due, entered, rate)."""
    frame = entry.with_columns(pl.col("day").dt.strftime("%Y-%m-%d").alias("day_label"))
    return alt.Chart(frame).mark_line(color="#b23a3a", point=alt.OverlayMarkDef(color="#b23a3a", size=14)).encode(
        x=alt.X("day_label:O", title=t("chart.day", lang), sort="ascending",
                axis=alt.Axis(labelAngle=-45, labelExpr="substring(datum.value, 5)",
                              values=frame["day_label"].gather_every(7).to_list())),
        y=_pct_y("rate", t("chart.entry_rate", lang)),
        tooltip=[alt.Tooltip("day_label:O", title=t("chart.day", lang)),
                 alt.Tooltip("rate:Q", title=t("chart.entry_rate", lang), format=".1%"),
                 alt.Tooltip("due:Q", title=t("chart.due", lang), format=","),
                 alt.Tooltip("entered:Q", title=t("chart.entered", lang), format=",")],
    ).properties(height=LINE_HEIGHT)


def balance_trend_chart(balance: pl.DataFrame, lang: str) -> alt.Chart:
    """Active principal balance at each month-end (monitor.metrics.balance_series: month_end, loans, balance)."""
    frame = with_month_label(balance, "month_end")
    return alt.Chart(frame).mark_bar(color="#4c9a6a").encode(
        x=alt.X("month_label:O", title=t("chart.month_end", lang), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("balance:Q", title=t("chart.balance", lang),
                axis=alt.Axis(labelExpr=money_expr("datum.value", lang))),
        tooltip=[alt.Tooltip("month_label:O", title=t("chart.month_end", lang)),
                 alt.Tooltip("balance:Q", title=t("chart.balance_yuan", lang), format=",.2f"),
                 alt.Tooltip("loans:Q", title=t("chart.loans", lang), format=",")],
    ).properties(height=SMALL_HEIGHT)


def nco_chart(nco: pl.DataFrame, lang: str) -> alt.Chart:
    """Annualized net charge-off rate of each calendar month (monitor.metrics.net_charge_off_series)."""
    frame = with_month_label(nco, "month")
    return alt.Chart(frame).mark_bar(color="#b23a3a").encode(
        x=alt.X("month_label:O", title=t("chart.month", lang), axis=alt.Axis(labelAngle=-45)),
        y=_pct_y("rate", t("chart.rate", lang), ".1%"),
        tooltip=[alt.Tooltip("month_label:O", title=t("chart.month", lang)),
                 alt.Tooltip("rate:Q", title=t("chart.nco_rate", lang), format=".2%"),
                 alt.Tooltip("gross_charge_off:Q", title=t("chart.gross_charge_off", lang), format=",.2f"),
                 alt.Tooltip("recoveries:Q", title=t("chart.recoveries", lang), format=",.2f")],
    ).properties(height=SMALL_HEIGHT)


def cash_chart(cash: pl.DataFrame, lang: str) -> alt.Chart:
    """Cash received per calendar month, stacked by payment channel (monitor.metrics.cash_series)."""
    channel_labels = {c: label("payment_channel", c, lang) for c in PAYMENT_CHANNELS}
    frame = with_month_label(with_labels(cash, "channel", channel_labels), "month").with_columns(
        channel_order=pl.col("channel").replace_strict({c: i for i, c in enumerate(PAYMENT_CHANNELS)}, default=99))
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("month_label:O", title=t("chart.month", lang), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("amount:Q", title=t("chart.cash", lang), stack="zero",
                axis=alt.Axis(labelExpr=money_expr("datum.value", lang))),
        color=alt.Color("channel_label:N", title=t("chart.payment_channel", lang),
                        sort=list(channel_labels.values()),
                        scale=alt.Scale(domain=list(channel_labels.values()), range=list(PAYMENT_CHANNEL_COLORS))),
        order=alt.Order("channel_order:Q"),
        tooltip=[alt.Tooltip("month_label:O", title=t("chart.month", lang)),
                 alt.Tooltip("channel_label:N", title=t("chart.payment_channel", lang)),
                 alt.Tooltip("amount:Q", title=t("chart.amount_yuan", lang), format=",.2f")],
    ).properties(height=SMALL_HEIGHT)
