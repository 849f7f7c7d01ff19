"""Altair charts of the loan-level simulator, from monitor.simulate.options' frames (in yuan, see
ui.simulator_loan_data.in_yuan), in the page's language."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.i18n import t
from monitor.simulate.options import OPTIONS
from ui.charts import money_expr

OPTION_COLORS = ("#7d8b99", "#3b6ea5", "#6fa8dc", "#4c9a6a", "#a3c06b", "#e6a23c", "#b23a3a", "#7f1d1d")
MEASURE_COLORS = ("#3b6ea5", "#e6a23c")
HEIGHT = 300


def option_label(option: str, lang: str) -> str:
    return t(f"simulator_loan.option.{option}", lang)


def _option_color(lang: str, title: str | None = None) -> alt.Color:
    labels = [option_label(o, lang) for o in OPTIONS]
    return alt.Color("option_label:N", title=title if title is not None else t("simulator_loan.col.option", lang),
                     scale=alt.Scale(domain=labels, range=list(OPTION_COLORS)), sort=labels,
                     legend=alt.Legend(orient="right"))


def _labelled(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    return frame.with_columns(option_label=pl.col("option").replace_strict(
        {o: option_label(o, lang) for o in OPTIONS}, return_dtype=pl.String))


def schedule_chart(schedules: pl.DataFrame, lang: str) -> alt.Chart:
    """Each option's payment by month (month 0 = now), a line with a point per month.

    `schedules`: option, month, payment, principal, interest, balance (yuan)."""
    frame = _labelled(schedules, lang)
    month = t("simulator_loan.chart.month", lang)
    amount = t("simulator_loan.chart.payment", lang)
    return alt.Chart(frame).mark_line(point=True, interpolate="step-after", strokeWidth=2).encode(
        x=alt.X("month:Q", title=month, axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("payment:Q", title=amount, axis=alt.Axis(labelExpr=money_expr("datum.value", lang))),
        color=_option_color(lang),
        tooltip=[alt.Tooltip("option_label:N", title=t("simulator_loan.col.option", lang)),
                 alt.Tooltip("month:Q", title=month),
                 alt.Tooltip("payment:Q", title=amount, format=",.2f"),
                 alt.Tooltip("balance:Q", title=t("simulator_loan.chart.balance", lang), format=",.2f")],
    ).properties(height=HEIGHT)


def npv_chart(table: pl.DataFrame, lang: str) -> alt.Chart:
    """NPV and ΔNPV of each option, as grouped horizontal bars. `table`: compare's table in yuan."""
    npv, delta = t("simulator_loan.chart.npv", lang), t("simulator_loan.chart.delta_npv", lang)
    labelled = _labelled(table, lang)
    frame = pl.concat([
        labelled.select("option_label", pl.lit(npv).alias("measure"), pl.col("npv").alias("amount")),
        labelled.select("option_label", pl.lit(delta).alias("measure"), pl.col("delta_npv").alias("amount")),
    ])
    order = [option_label(o, lang) for o in OPTIONS]
    measure = t("simulator_loan.chart.measure", lang)
    amount = t("simulator_loan.chart.amount", lang)
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("option_label:N", sort=order, title=None),
        yOffset=alt.YOffset("measure:N", sort=[npv, delta]),
        x=alt.X("amount:Q", title=amount, axis=alt.Axis(labelExpr=money_expr("datum.value", lang))),
        color=alt.Color("measure:N", title=measure, sort=[npv, delta],
                        scale=alt.Scale(domain=[npv, delta], range=list(MEASURE_COLORS)),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("option_label:N", title=t("simulator_loan.col.option", lang)),
                 alt.Tooltip("measure:N", title=measure), alt.Tooltip("amount:Q", title=amount, format=",.2f")],
    ).properties(height=HEIGHT)


def break_even_chart(table: pl.DataFrame, lang: str) -> alt.LayerChart:
    """Each option's NPV as its re-default rate runs from 0 to 1 (a straight line from the PV of its performing
    branch to that of its failure branch), and doing nothing's NPV as a dashed rule; the lines cross the rule
    at the break-even. `table`: compare's table in yuan."""
    options = _labelled(table.filter(pl.col("p_redefault").is_not_null()), lang)
    frame = pl.concat([options.select("option_label", pl.lit(0.0).alias("p"), pl.col("pv_performing").alias("npv")),
                       options.select("option_label", pl.lit(1.0).alias("p"), pl.col("pv_failure").alias("npv"))])
    nothing = table.filter(option="do_nothing").select("npv")
    p_title, npv_title = t("simulator_loan.chart.p", lang), t("simulator_loan.chart.npv", lang)
    lines = alt.Chart(frame).mark_line(strokeWidth=2).encode(
        x=alt.X("p:Q", title=p_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("npv:Q", title=npv_title, axis=alt.Axis(labelExpr=money_expr("datum.value", lang))),
        color=_option_color(lang),
        tooltip=[alt.Tooltip("option_label:N", title=t("simulator_loan.col.option", lang)),
                 alt.Tooltip("p:Q", title=p_title, format=".0%"),
                 alt.Tooltip("npv:Q", title=npv_title, format=",.2f")])
    rule = alt.Chart(nothing).mark_rule(strokeDash=[6, 4], color=OPTION_COLORS[0], strokeWidth=2).encode(
        y="npv:Q", tooltip=[alt.Tooltip("npv:Q", title=option_label("do_nothing", lang), format=",.2f")])
    return (lines + rule).properties(height=HEIGHT)
