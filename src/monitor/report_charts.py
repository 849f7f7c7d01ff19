"""The charts of the HTML report, drawn from the report's figures (monitor.report) and inlined as SVG.

Months: the figures carry dates as YYYY-MM-DD text, which Vega reads as UTC midnight, so every time axis uses a
UTC month time unit (utcyearmonth): the point of the month-end 2026-03-31 is drawn at March, on the 2026-03
gridline, whatever the time zone of the machine that renders it. (A plain temporal axis puts a month-end on the
gridline of the month after, the next day's.) Lines of month-end rates are on a time axis; bars of months are
one band a month.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor import db, status
from monitor.i18n import label, t

WIDTH = 440
HEIGHT = 220
THRESHOLD_COLORS = {"30+": "#e07b39", "90+": "#7f1d1d"}  # the page's trend colours (ui.charts)
PAYMENT_CHANNEL_COLORS = ("#3b6ea5", "#6fa8dc", "#e6a23c", "#b23a3a", "#7d8b99")
MONTH_FORMAT = "%Y-%m"


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG element, drawn without a browser or the internet."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict())


def _month_band(field: str, title: str) -> alt.X:
    """One band per calendar month of a YYYY-MM-DD field, labelled 2026-03."""
    return alt.X(f"utcyearmonth({field}):O", title=title,
                 axis=alt.Axis(format=MONTH_FORMAT, labelAngle=-45, labelOverlap=False))


def rate_trend_chart(rates: list[dict], lang: str) -> alt.Chart:
    """The coincident 30+ and 90+ DPD rates by balance at each month-end (the report's trends.dpd_rates), on a
    time axis with one tick a month."""
    names = {x: t("threshold.dpd", lang, x=x.rstrip("+")) for x in THRESHOLD_COLORS}
    frame = (pl.DataFrame(rates).filter(pl.col("threshold").is_in(list(names)))
             .with_columns(threshold_label=pl.col("threshold").replace_strict(names)))
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("utcyearmonth(month_end):T", title=t("chart.month_end", lang),
                axis=alt.Axis(format=MONTH_FORMAT, tickCount={"interval": "month", "step": 1}, labelAngle=-45)),
        y=alt.Y("coincident:Q", title=t("chart.rate", lang), axis=alt.Axis(format=".1%")),
        color=alt.Color("threshold_label:N", title=t("chart.threshold", lang),
                        scale=alt.Scale(domain=list(names.values()), range=list(THRESHOLD_COLORS.values()))),
    ).properties(width=WIDTH, height=HEIGHT, title=t("executive.rate_trend", lang))


def balance_trend_chart(balance: list[dict], lang: str) -> alt.Chart:
    """Active principal balance at each month-end (trends.balance), in millions of yuan."""
    frame = pl.DataFrame(balance).with_columns(balance_m=pl.col("balance") / 1e6)
    return alt.Chart(frame).mark_bar(color="#4c9a6a").encode(
        x=_month_band("month_end", t("chart.month_end", lang)),
        y=alt.Y("balance_m:Q", title=t("report.balance_millions", lang)),
    ).properties(width=WIDTH, height=HEIGHT, title=t("executive.balance_trend", lang))


def nco_chart(nco: list[dict], lang: str) -> alt.Chart:
    """Annualized net charge-off rate of each calendar month (trends.net_charge_off)."""
    return alt.Chart(pl.DataFrame(nco)).mark_bar(color="#b23a3a").encode(
        x=_month_band("month", t("chart.month", lang)),
        y=alt.Y("rate:Q", title=t("chart.rate", lang), axis=alt.Axis(format=".1%")),
    ).properties(width=WIDTH, height=HEIGHT, title=t("executive.nco_trend", lang))


def cash_chart(cash: list[dict], lang: str) -> alt.Chart:
    """Cash received per calendar month, stacked by payment channel (trends.cash), in millions of yuan."""
    names = {c: label("payment_channel", c, lang) for c in db.PAYMENT_CHANNELS}
    frame = pl.DataFrame(cash).with_columns(
        amount_m=pl.col("amount") / 1e6, channel_label=pl.col("channel").replace_strict(names),
        channel_order=pl.col("channel").replace_strict({c: i for i, c in enumerate(db.PAYMENT_CHANNELS)}))
    return alt.Chart(frame).mark_bar().encode(
        x=_month_band("month", t("chart.month", lang)),
        y=alt.Y("amount_m:Q", title=t("report.cash_millions", lang), stack="zero"),
        color=alt.Color("channel_label:N", title=t("chart.payment_channel", lang),
                        scale=alt.Scale(domain=list(names.values()), range=list(PAYMENT_CHANNEL_COLORS))),
        order=alt.Order("channel_order:Q"),
    ).properties(width=WIDTH, height=HEIGHT, title=t("executive.cash_trend", lang))


def bucket_chart(buckets: list[dict], lang: str) -> alt.Chart:
    """Principal balance by bucket M0..M6 at the as-of day (the report's buckets), in millions of yuan."""
    frame = pl.DataFrame(buckets).with_columns(balance_m=pl.col("balance") / 1e6)
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("bucket:N", sort=list(status.BUCKETS), title=t("report.bucket", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("balance_m:Q", title=t("report.balance_millions", lang)),
    ).properties(width=WIDTH, height=HEIGHT, title=t("report.bucket_title", lang))
