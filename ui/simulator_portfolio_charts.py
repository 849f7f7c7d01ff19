"""Altair charts of the portfolio simulator page, from monitor.simulate.projection.simulate's result.
Labels come from the catalog; money axes read as ¥ with 万/亿 (zh) or k/M (en)."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.i18n import t
from monitor.simulate.policy import STATES
from monitor.status import BUCKETS
from ui.charts import BUCKET_COLORS, money_expr

HEIGHT = 280
SCENARIO, BASELINE = "#d1553a", "#7d8b99"


def _k(key: str, lang: str) -> str:
    return t(f"simulator_portfolio.{key}", lang)


def state_label(state: str, lang: str) -> str:
    return state if state in BUCKETS else _k(f"state.{state}", lang)


def _month(value: str) -> str:
    return value[:7]


def _money_axis(lang: str) -> alt.Axis:
    return alt.Axis(labelExpr=money_expr("datum.value", lang))


def _x(lang: str) -> alt.X:
    return alt.X("month:O", title=_k("chart.month", lang), axis=alt.Axis(labelAngle=-45))


def _tooltip(lang: str, *extra) -> list:
    return [alt.Tooltip("month:O", title=_k("chart.month", lang)), *extra,
            alt.Tooltip("value:Q", title=_k("chart.amount", lang), format=",.2f")]


def delinquent_chart(result: dict, lang: str) -> alt.LayerChart:
    """Delinquent balance (M1-M6) a month: baseline and scenario lines, the scenario's P5-P95 as an area."""
    names = {"baseline": _k("series.baseline", lang), "scenario": _k("series.scenario", lang)}
    rows = [{"month": _month(m["month_end"]), "series": names[kind], "value": m["delinquent"]}
            for kind, months in (("baseline", result["baseline"]), ("scenario", result["months"])) for m in months]
    band = pl.DataFrame([{"month": _month(m["month_end"]), "p5": b["delinquent"]["p5"], "p95": b["delinquent"]["p95"],
                          "band": _k("series.band", lang)}
                         for m, b in zip(result["months"], result["bands"], strict=True)])
    area = alt.Chart(band).mark_area(opacity=0.25, color=SCENARIO).encode(
        x=_x(lang), y=alt.Y("p5:Q", title=_k("chart.amount", lang), axis=_money_axis(lang)), y2="p95:Q",
        tooltip=[alt.Tooltip("month:O", title=_k("chart.month", lang)),
                 alt.Tooltip("p5:Q", title="P5", format=",.2f"), alt.Tooltip("p95:Q", title="P95", format=",.2f")])
    lines = alt.Chart(pl.DataFrame(rows)).mark_line(point=True).encode(
        x=_x(lang), y=alt.Y("value:Q", axis=_money_axis(lang)),
        color=alt.Color("series:N", title=_k("chart.series", lang), sort=list(names.values()),
                        scale=alt.Scale(domain=list(names.values()), range=[BASELINE, SCENARIO])),
        tooltip=_tooltip(lang, alt.Tooltip("series:N", title=_k("chart.series", lang))))
    return (area + lines).properties(height=HEIGHT)


def states_chart(result: dict, lang: str) -> alt.Chart:
    """The scenario's open balance by bucket M0..M6 a month, stacked."""
    rows = [{"month": _month(m["month_end"]), "state": state, "value": m["balances"][state]}
            for m in result["months"] for state in BUCKETS]
    return alt.Chart(pl.DataFrame(rows)).mark_bar().encode(
        x=_x(lang), y=alt.Y("value:Q", title=_k("chart.amount", lang), axis=_money_axis(lang), stack=True),
        color=alt.Color("state:N", title=_k("chart.state", lang), sort=list(BUCKETS),
                        scale=alt.Scale(domain=list(BUCKETS), range=list(BUCKET_COLORS))),
        order=alt.Order("order:Q"),
        tooltip=_tooltip(lang, alt.Tooltip("state:N", title=_k("chart.state", lang))),
    ).transform_calculate(order=f"indexof({list(BUCKETS)}, datum.state)").properties(height=HEIGHT)


def flows_charts(result: dict, lang: str) -> list[alt.Chart]:
    """Write-offs and cash a month, baseline beside scenario: two charts for two columns, each as wide as its
    column (a concatenated chart has a fixed width, cut off on a narrow page)."""
    names = {"baseline": _k("series.baseline", lang), "scenario": _k("series.scenario", lang)}
    panels = []
    for measure in ("charge_offs", "cash"):
        rows = [{"month": _month(m["month_end"]), "series": names[kind], "value": m[measure]}
                for kind, months in (("baseline", result["baseline"]), ("scenario", result["months"]))
                for m in months]
        panels.append(alt.Chart(pl.DataFrame(rows)).mark_bar().encode(
            x=_x(lang), xOffset=alt.XOffset("series:N", sort=list(names.values())),
            y=alt.Y("value:Q", title=_k(f"series.{measure}", lang), axis=_money_axis(lang)),
            color=alt.Color("series:N", title=_k("chart.series", lang), sort=list(names.values()),
                            scale=alt.Scale(domain=list(names.values()), range=[BASELINE, SCENARIO])),
            tooltip=_tooltip(lang, alt.Tooltip("series:N", title=_k("chart.series", lang))),
        ).properties(title=_k(f"series.{measure}", lang), height=240))
    return panels


def ecl_chart(result: dict, lang: str) -> alt.Chart:
    """ECL stacked by bucket: at the as-of day (the ECL function's figure, by bucket) and at each projected
    month-end of the scenario. The x axis reads day by day (the first month-end can share the day's month)."""
    start = _k("chart.start", lang)
    rows = [{"month": f"{result['as_of']} ({start})", "state": bucket, "value": amount}
            for bucket, amount in result["ecl_start_by_state"].items()]
    rows += [{"month": m["month_end"], "state": bucket, "value": amount}
             for m in result["months"] for bucket, amount in m["ecl"]["by_state"].items()]
    return alt.Chart(pl.DataFrame(rows)).mark_bar().encode(
        x=alt.X("month:O", title=_k("chart.month", lang), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("value:Q", title=_k("chart.amount", lang), axis=_money_axis(lang), stack=True),
        color=alt.Color("state:N", title=_k("chart.state", lang), sort=list(BUCKETS),
                        scale=alt.Scale(domain=list(BUCKETS), range=list(BUCKET_COLORS))),
        order=alt.Order("order:Q"),
        tooltip=_tooltip(lang, alt.Tooltip("state:N", title=_k("chart.state", lang))),
    ).transform_calculate(order=f"indexof({list(BUCKETS)}, datum.state)").properties(height=HEIGHT)


def matrix_chart(transition: dict, lang: str) -> alt.LayerChart:
    """The transition matrix as a heat map, the share written in each cell (rows M0..M6)."""
    labels = [state_label(s, lang) for s in STATES]
    rows = [{"from": a, "to": state_label(b, lang), "rate": transition[a][b]} for a in BUCKETS for b in STATES]
    base = alt.Chart(pl.DataFrame(rows)).encode(
        x=alt.X("to:N", sort=labels, scale=alt.Scale(domain=labels), title=_k("chart.to", lang),
                axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("from:N", sort=list(BUCKETS), title=_k("chart.from", lang)),
        tooltip=[alt.Tooltip("from:N", title=_k("chart.from", lang)), alt.Tooltip("to:N", title=_k("chart.to", lang)),
                 alt.Tooltip("rate:Q", title=_k("chart.share", lang), format=".2%")])
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("rate:Q", title=_k("chart.share", lang), scale=alt.Scale(scheme="orangered", domain=[0, 1]),
                        legend=alt.Legend(format=".0%", gradientLength=150)))
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("rate:Q", format=".1%"),
        color=alt.condition("datum.rate > 0.5", alt.value("white"), alt.value("#333333")))
    return (cells + text).properties(height=300)


def backtest_chart(backtest: dict, lang: str) -> alt.Chart:
    """Projected against actual delinquent balance at each month-end after the backtest's origin."""
    names = {"projected": _k("series.projected", lang), "actual": _k("series.actual", lang)}
    rows = [{"month": _month(m["month_end"]), "series": names[kind], "value": m[f"{kind}_delinquent"]}
            for m in backtest["months"] for kind in names]
    return alt.Chart(pl.DataFrame(rows)).mark_line(point=True).encode(
        x=_x(lang), y=alt.Y("value:Q", title=_k("series.delinquent", lang), axis=_money_axis(lang)),
        color=alt.Color("series:N", title=_k("chart.series", lang), sort=list(names.values()),
                        scale=alt.Scale(domain=list(names.values()), range=[SCENARIO, "#3b6ea5"])),
        strokeDash=alt.StrokeDash("series:N", sort=list(names.values()), title=_k("chart.series", lang),
                                  scale=alt.Scale(domain=list(names.values()), range=[[6, 3], [1, 0]])),
        tooltip=_tooltip(lang, alt.Tooltip("series:N", title=_k("chart.series", lang))),
    ).properties(height=HEIGHT)


def compare_chart(series: pl.DataFrame, lang: str) -> alt.Chart:
    """Delinquent balance a month of each compared scenario (monitor.simulate.scenarios.compare's series)."""
    frame = (series.filter(pl.col("measure") == "delinquent")
             .with_columns(month=pl.col("month_end").str.slice(0, 7)))
    return alt.Chart(frame).mark_line(point=True).encode(
        x=_x(lang), y=alt.Y("value:Q", title=_k("series.delinquent", lang), axis=_money_axis(lang)),
        color=alt.Color("name:N", title=_k("chart.scenario", lang)),
        tooltip=_tooltip(lang, alt.Tooltip("name:N", title=_k("chart.scenario", lang))),
    ).properties(height=HEIGHT)
