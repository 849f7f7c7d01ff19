"""Altair chart of the credit-policy page: the frontier of approval rate against expected bad rate, with today's
policy and the chosen one on it. Labels from the catalog; rates as percentages."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.i18n import t

HEIGHT = 320
TODAY, CHOSEN, CURVE = "#7d8b99", "#d1553a", "#4c78a8"


def _k(key: str, lang: str) -> str:
    return t(f"credit_policy.{key}", lang)


def frontier_chart(curve: pl.DataFrame, today: dict, chosen: dict, lang: str) -> alt.LayerChart:
    """The curve (applications approved in order of PD) and the two policies as labelled points."""
    x = alt.X("approval_rate:Q", title=_k("chart.approval_rate", lang), axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("expected_bad_rate:Q", title=_k("chart.bad_rate", lang), axis=alt.Axis(format="%"))
    tooltip = [alt.Tooltip("approval_rate:Q", title=_k("chart.approval_rate", lang), format=".1%"),
               alt.Tooltip("expected_bad_rate:Q", title=_k("chart.bad_rate", lang), format=".2%")]
    line = alt.Chart(curve.select("approval_rate", "expected_bad_rate")).mark_line(color=CURVE).encode(
        x=x, y=y, tooltip=tooltip)
    names = [_k("today", lang), _k("chosen", lang)]
    points = pl.DataFrame({
        "policy": names,
        "approval_rate": [today["approval_rate"], chosen["approval_rate"]],
        "expected_bad_rate": [today["expected_bad_rate"], chosen["expected_bad_rate"]],
    })
    color = alt.Color("policy:N", title=_k("chart.series", lang), sort=names,
                      scale=alt.Scale(domain=names, range=[TODAY, CHOSEN]), legend=alt.Legend(orient="bottom"))
    marks = alt.Chart(points).mark_point(filled=True, size=140).encode(
        x=x, y=y, color=color, tooltip=[alt.Tooltip("policy:N", title=_k("chart.series", lang)), *tooltip])
    return (line + marks).properties(height=HEIGHT)
