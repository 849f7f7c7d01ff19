"""The Limits and alerts page's one chart: how many limits stood at red and at amber after each evaluation
(monitor.alerts.board.trend), a step line per level in its colour."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.i18n import t

LEVEL_COLORS = {"amber": "#e6a23c", "red": "#b23a3a"}
CHART_HEIGHT = 200


def trend_chart(trend: pl.DataFrame, lang: str) -> alt.Chart:
    """trend: evaluated_at, state (amber, red), limits."""
    shown = trend.with_columns(level=pl.col("state").replace_strict(
        {state: t(f"alerts_page.state.{state}", lang) for state in LEVEL_COLORS}))
    names = [t(f"alerts_page.state.{state}", lang) for state in LEVEL_COLORS]
    return alt.Chart(shown).mark_line(interpolate="step-after", point=True).encode(
        x=alt.X("evaluated_at:T", title=t("alerts_page.col.when", lang),
                axis=alt.Axis(format="%m-%d %H:%M", labelAngle=0, tickCount=6)),
        y=alt.Y("limits:Q", title=t("alerts_page.limits_axis", lang), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("level:N", title=None, scale=alt.Scale(domain=names, range=list(LEVEL_COLORS.values())),
                        legend=alt.Legend(orient="right")),
        tooltip=[alt.Tooltip("evaluated_at:T", title=t("alerts_page.col.when", lang), format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("level:N", title=t("alerts_page.col.change", lang)),
                 alt.Tooltip("limits:Q", title=t("alerts_page.limits_axis", lang), format="d")],
    ).properties(height=CHART_HEIGHT)
